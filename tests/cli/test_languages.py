"""Finnish and Swedish all the way: no catalog metadata, no English left, --help and errors too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from karsta import i18n
from karsta.cli.main import app
from karsta.i18n import Message, set_language
from tests.cli.english import METADATA, untranslated
from tests.metrics.conftest import SERVICENOW

runner = CliRunner(env={"COLUMNS": "200"})
LANGS = ["fi", "sv", "en"]


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def every_view(workspace: Path, lang: str) -> dict[str, str]:
    """Return the output of every command that prints text, on `workspace`, in `lang`."""
    ws = str(workspace)
    commands = {
        "scorecard": ["metrics", "-w", ws],
        "figures": ["metrics", "-w", ws, "--period", "month", "--by", "channel"],
        "explain": ["explain", "O2", "T3", "-w", ws],
        "summary": ["summary", "-w", ws],
        "map": ["process", "map", "-w", ws],
        "variants": ["process", "variants", "-w", ws],
        "handoffs": ["process", "handoffs", "-w", ws],
        "rework": ["process", "rework", "-w", ws],
        "waiting": ["process", "waiting", "-w", ws],
        "waste": ["waste", "-w", ws],
        "cards": ["cards", "--metric", "O2"],
        "presets": ["presets"],
        "help": ["metrics", "--help"],
    }
    return {name: run(*args, "--lang", lang) for name, args in commands.items()}


def test_an_empty_message_is_not_the_catalog_header() -> None:
    for lang in ("fi", "sv"):
        set_language(lang)
        assert i18n.gettext("") == ""
        assert Message("").localized() == ""


@pytest.mark.parametrize("lang", LANGS)
def test_no_output_contains_catalog_metadata(desk: Path, lang: str) -> None:
    for name, output in every_view(desk, lang).items():
        found = [field for field in METADATA if field in output]
        assert not found, f"{name} --lang {lang} prints the catalog header: {found}"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_metrics_and_explain_have_no_english_left(desk: Path, lang: str) -> None:
    views = every_view(desk, lang)
    for name in ("scorecard", "figures", "explain", "help"):
        assert not untranslated(views[name], lang), (name, untranslated(views[name], lang))


def test_the_scorecard_footer_no_data_reasons_and_statistics_in_finnish(desk: Path) -> None:
    out = run("metrics", "-w", str(desk), "--lang", "fi")
    assert "viimeisin jakso, jolla on vähintään 10 % vilkkaimman jakson tukipyynnöistä" in out
    assert "tarvitsee tietoja tauluun contacts, eikä Karsta vielä tuo niitä" in out
    assert "osuus kaikista vastaanotetuista" in out  # O1's statistic, no longer share_all_received
    assert "share_all_received" not in out
    figures = run("metrics", "-w", str(desk), "--metric", "O2", "--period", "month", "--lang", "sv")
    assert "90:e percentilen" in figures
    assert "medelvärde" in figures


def test_explain_in_swedish(desk: Path) -> None:
    out = run("explain", "O2", "T3", "-w", str(desk), "--lang", "sv")
    assert "räknas i populationen" in out
    assert "räknat" in out  # the unit table's reason
    assert "öppnat: 2024-03-04 09:00:00 EET" in out  # evidence names translated
    missing = runner.invoke(app, ["explain", "O2", "NOPE", "-w", str(desk), "--lang", "fi"])
    assert missing.exit_code == 2  # an unknown ticket is an error, said in the language
    assert "Aineistossa ei ole tukipyyntöä NOPE." in missing.output


def test_help_in_finnish_whichever_order_the_options_come_in() -> None:
    for args in (["metrics", "--help", "--lang", "fi"], ["metrics", "--lang", "fi", "--help"]):
        out = run(*args)
        assert "Käyttö:" in out
        assert "Valinnat" in out
        assert "Näytä mittarit kortteineen" in out
        assert "Mittausjakso: day, week, month, quarter, year." in out
        assert "Show metrics with their cards" not in out
    assert "Komennot" in run("--help", "--lang", "fi")


def test_help_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARSTA_LANG", "sv")
    out = run("import", "--help")
    assert "Läs in en exportfil i arbetsytan" in out
    assert "Alternativ" in out


@pytest.mark.parametrize(
    ("args", "finnish"),
    [
        (["summary", "-w", "missing.karsta"], "Polussa missing.karsta ei ole työtilaa."),
        (["import", "x.csv", "-w", "t.karsta", "--preset", "nope"], "Tuntematon valmis kuvaus"),
        (["metrics", "-w", "{desk}", "--metric", "XX"], "Tuntematon mittari 'XX'"),
        (["metrics", "-w", "{desk}", "--metric", "O2", "--by", "colour"], "Ei voi jaotella"),
        (["metrics", "-w", "{desk}", "--metric", "O2", "--service-hours", "mon-fry 8-16"],
         "virheelliset päivät 'mon-fry'"),
        (["process", "map", "-w", "{desk}", "--where", "nope=1"], "tukipyynnöillä ei ole"),
    ],
)  # fmt: skip
def test_errors_from_deep_in_the_code_in_finnish(
    desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], finnish: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("a\n1\n", encoding="utf-8")
    out = run(*(a.replace("{desk}", str(desk)) for a in args), "--lang", "fi", code=2)
    assert "Virhe:" in out
    assert finnish in out


def test_import_errors_in_swedish(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    out = run(
        "import", str(bad), "--preset", "servicenow", "-w", str(tmp_path / "t"), "--lang", "sv",
        code=2,
    )  # fmt: skip
    assert "den obligatoriska kolumnen" in out or "de obligatoriska kolumnerna" in out
    assert "Ingenting importerades; arbetsytan är oförändrad." in out


def test_json_stays_english_and_machine_formatted(desk: Path) -> None:
    args = [
        "metrics",
        "-w",
        str(desk),
        "--metric",
        "O2,I2",
        "--period",
        "month",
        "--format",
        "json",
    ]
    english = json.loads(run(*args))
    finnish = json.loads(run(*args, "--lang", "fi"))
    for document in (english, finnish):
        document.pop("generated_at")
    for record in finnish["metrics"]:
        record.pop("name")  # the card's name is the one field that follows --lang
    for record in english["metrics"]:
        record.pop("name")
    assert finnish == english
    assert any(r["statistic"] == "p90" for r in finnish["metrics"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the demo workspace: the real ServiceNow log with demo.karsta.yaml's settings."""
    if not SERVICENOW.exists():
        pytest.skip("../shared/data is not beside the checkout")
    folder = tmp_path_factory.mktemp("demo")
    workspace = folder / "demo.karsta"
    settings = Path(__file__).resolve().parents[2] / "demo.karsta.yaml"
    (folder / "demo.karsta.yaml").write_text(settings.read_text(encoding="utf-8"), "utf-8")
    run("import", str(SERVICENOW), "--preset", "servicenow", "-w", str(workspace))
    return workspace


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_demo_scorecard_is_all_finnish_or_swedish(demo: Path, lang: str) -> None:
    for args in ([], ["--period", "month", "--by", "channel"]):
        out = run("metrics", "-w", str(demo), *args, "--lang", lang)
        assert not [field for field in METADATA if field in out]
        assert not untranslated(out, lang), untranslated(out, lang)


@pytest.mark.parametrize(
    ("args", "swedish"),
    [
        (["summary"], "Alternativet '--workspace' / '-w' saknas."),
        (["explain", "O1"], "Argumentet 'ticket' saknas."),
        (["metrics", "--foo"], "Okänt alternativ: --foo"),
        (["nosuch"], "Okänt kommando 'nosuch'."),
        (["process", "map", "-w", "x", "--min-count", "abc"], "ange ett tal"),
    ],
)
def test_the_command_lines_own_errors_in_swedish(args: list[str], swedish: str) -> None:
    out = run(*args, "--lang", "sv", code=2)
    assert "Användning:" in out
    assert swedish in out
    assert "Fel" in out  # the error panel's title
