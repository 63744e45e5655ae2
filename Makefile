# The project's one task file. `make demo` and `make test` are the README's quick start.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
DEMO   ?= demo.karsta

.PHONY: setup demo serve test lint typecheck unit docs docs-check i18n bench clean

# The product alone (what `make demo` and `make serve` need), then the development tools.
$(BIN)/.installed-product: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed: $(BIN)/.installed-product
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

## Import the real ServiceNow log into demo.karsta, show what it holds and its scorecard
## (settings and targets: demo.karsta.yaml), and say how to open it in the web app.
demo: $(BIN)/.installed-product
	$(BIN)/karsta import $(SHARED)/data/servicenow-incidents/incident_event_log.csv.gz \
		--preset servicenow --workspace $(DEMO)
	$(BIN)/karsta summary --workspace $(DEMO)
	$(BIN)/karsta metrics --workspace $(DEMO)
	@echo "Web app: make serve (or $(BIN)/karsta serve --workspace $(DEMO)), then open" \
		"http://127.0.0.1:8000/ - the first visit creates the admin."

## The web app on the demo workspace: http://127.0.0.1:8000/
serve: $(BIN)/.installed-product
	$(BIN)/karsta serve --workspace $(DEMO)

## Lint, type-check, check the generated docs, and run the whole test suite.
test: setup lint typecheck docs-check unit

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest

LANGS := en fi sv

docs: setup
	$(BIN)/karsta docs schema --out docs/schema.md
	for lang in $(LANGS); do $(BIN)/karsta docs metrics --lang $$lang --out docs/metrics.$$lang.md; done

docs-check: setup
	$(BIN)/karsta docs schema | diff -u docs/schema.md - \
		|| (echo "docs/schema.md is out of date: run 'make docs'" && exit 1)
	for lang in $(LANGS); do \
		$(BIN)/karsta docs metrics --lang $$lang | diff -u docs/metrics.$$lang.md - \
		|| { echo "docs/metrics.$$lang.md is out of date: run 'make docs'"; exit 1; }; \
	done

## Messages: extract what the code marks for translation (babel.cfg) into the template,
## then update the fi and sv catalogs; translate the new or fuzzy entries in the .po files.
LOCALES := src/karsta/locale
i18n: setup
	$(BIN)/pybabel extract -F babel.cfg -k Message --no-location --sort-output \
		--project karsta --version 0.1.0 --copyright-holder Karsta -o $(LOCALES)/karsta.pot src/karsta
	for lang in fi sv; do \
		$(BIN)/pybabel update -D karsta -i $(LOCALES)/karsta.pot -d $(LOCALES) -l $$lang \
			--init-missing --ignore-obsolete --ignore-pot-creation-date || exit 1; \
	done

## Benchmarks: SIZES=100k,1M,10M make bench
SIZES ?= 100k,1M
bench: setup
	$(BIN)/python benchmarks/run.py --sizes $(SIZES)

clean:
	rm -rf $(VENV) $(DEMO) $(DEMO).app.sqlite .pytest_cache .mypy_cache .ruff_cache tests/artifacts
