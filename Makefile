# The project's one task file. `make demo` and `make test` are the README's quick start.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
DEMO   ?= demo.karsta

.PHONY: setup setup-dev demo serve screenshots test lint typecheck unit docs docs-check i18n bench clean

## Two stamps: the product alone (what `make demo` and `make serve` need), and the
## development tools on top (PySpark, PM4Py, linters, pytest, the browser-test driver: what
## `make test` needs). `make test` after `make demo` installs only the rest.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

setup-dev: $(BIN)/.installed-dev

## Import the real ServiceNow log into demo.karsta, show what it holds and its scorecard
## (settings and targets: demo.karsta.yaml), and say how to open it in the web app.
## MAP=map.svg also draws the process map (needs Graphviz's dot; without it the demo says
## how to install it).
MAP ?=
demo: setup
	$(BIN)/karsta import $(SHARED)/data/servicenow-incidents/incident_event_log.csv.gz \
		--preset servicenow --workspace $(DEMO)
	$(BIN)/karsta feedback synthetic --workspace $(DEMO) --out $(DEMO)-surveys.csv
	$(BIN)/karsta import $(DEMO)-surveys.csv --preset survey --workspace $(DEMO)
	$(BIN)/karsta summary --workspace $(DEMO)
	$(BIN)/karsta metrics --workspace $(DEMO)
	@if [ -n "$(MAP)" ]; then \
		if command -v dot >/dev/null 2>&1; then \
			$(BIN)/karsta process map --workspace $(DEMO) --collapse --min-count 50 \
				--out $(MAP) --format json >/dev/null; \
		else \
			echo "The process map picture ($(MAP)) needs Graphviz's dot program, which is not"; \
			echo "installed. Install it (Debian and Ubuntu: sudo apt-get install graphviz;"; \
			echo "macOS: brew install graphviz) and run make demo MAP=$(MAP) again. The rest"; \
			echo "of Karsta works without it."; \
		fi; \
	fi
	@echo
	@echo "Run karsta yourself: $(BIN)/karsta --help, or first . $(BIN)/activate and then"
	@echo "karsta process map --workspace $(DEMO) (the README shows more)."
	@echo "Web app: make serve (or $(BIN)/karsta serve --workspace $(DEMO)), then open" \
		"http://127.0.0.1:8000/ - the first visit creates the admin."

## The web app on the demo workspace: http://127.0.0.1:8000/
serve: setup
	$(BIN)/karsta serve --workspace $(DEMO)

## The README's screenshot of the overview (docs/images/overview-fi.png), in Finnish, taken
## from the real ServiceNow log in a temporary workspace by Debian's chromium.
screenshots: setup-dev
	$(BIN)/python docs/screenshots.py --log $(SHARED)/data/servicenow-incidents/incident_event_log.csv.gz

## Lint, type-check, check the generated docs, and run the whole test suite.
test: setup-dev lint typecheck docs-check unit

lint: setup-dev
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/ruff format --check src tests benchmarks docs

typecheck: setup-dev
	$(BIN)/mypy

unit: setup-dev
	$(BIN)/python -m pytest

LANGS := en fi sv

docs: setup
	$(BIN)/karsta docs schema --out docs/schema.md
	$(BIN)/karsta docs mapping --out docs/mapping.md
	for lang in $(LANGS); do $(BIN)/karsta docs metrics --lang $$lang --out docs/metrics.$$lang.md; done

docs-check: setup
	$(BIN)/karsta docs schema | diff -u docs/schema.md - \
		|| (echo "docs/schema.md is out of date: run 'make docs'" && exit 1)
	$(BIN)/karsta docs mapping | diff -u docs/mapping.md - \
		|| (echo "docs/mapping.md is out of date: run 'make docs'" && exit 1)
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

## Benchmarks: SIZES=100k,1M,10M make bench. Two sizes or more (SIZES=10M,100M) also write
## the scale table (benchmarks/results/scale.md); BENCH_ARGS passes more options to run.py
## (e.g. BENCH_ARGS="--data DIR --pm4py-sizes 20M,30M,40M").
SIZES ?= 100k,1M
BENCH_ARGS ?=
bench: setup-dev
	$(BIN)/python benchmarks/run.py --sizes $(SIZES) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO) $(DEMO).app.sqlite .pytest_cache .mypy_cache .ruff_cache tests/artifacts
