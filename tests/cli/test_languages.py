"""Finnish and Swedish all the way: no catalog metadata, no English left, --help and errors too."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta import i18n
from karsta.cli.main import app
from karsta.i18n import Message, set_language
from tests.cli.desk import HEADER
from tests.cli.english import (
    METADATA,
    data_values,
    english_phrases_in,
    untranslated,
    without_data,
)
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
        # T1 waited in a pause status: the gross time and the pause subtracted are shown.
        "explain_paused": ["explain", "O2", "T1", "-w", ws, "--service-hours", "mon-fri 08-16"],
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
        "help_import": ["import", "--help"],
        "help_waste": ["waste", "--help"],
        "help_waiting": ["process", "waiting", "--help"],
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
def test_every_view_has_no_english_left(desk: Path, lang: str) -> None:
    """Metrics, explain, summary, the process views, waste and help: all in the language.

    The data's own values (statuses such as 'Resolved', groups) are shown as written and
    are left out of the check.
    """
    # The workspace's path is printed as it is, and a narrow table may break it anywhere.
    data = data_values(desk) | {str(desk), *desk.parts, desk.stem}
    for name, output in every_view(desk, lang).items():
        if name in ("cards", "presets"):
            continue  # a card's text is checked in tests/metrics; a preset's title is its file's
        left = untranslated(without_data(output, data), lang)
        assert not left, (name, left)
        phrases = english_phrases_in(without_data(output, data))
        assert not phrases, (name, phrases)


def test_the_english_checks_find_english(desk: Path) -> None:
    """The checks above can fail: in English, every view holds the words and phrases sought."""
    data = data_values(desk) | {str(desk), *desk.parts, desk.stem}
    with_phrases = set()
    for name, output in every_view(desk, "en").items():
        if name in ("cards", "presets"):
            continue
        text = without_data(output, data)
        assert untranslated(text, "fi"), name
        assert untranslated(text, "sv"), name
        if english_phrases_in(text):
            with_phrases.add(name)
    # The variants table's few words ("Variants: 6 in 6 tickets") make no phrase.
    assert {"scorecard", "summary", "explain", "waste", "help"} <= with_phrases


def test_the_new_views_speak_finnish(desk: Path) -> None:
    views = every_view(desk, "fi")
    # summary: the facts by name, the status classes and what the data lacks
    assert "ensivastaus" in views["summary"]
    assert "first_response_at" not in views["summary"]
    assert "luokittelun lähde" in views["summary"]
    assert "yhdelläkään tapahtumalla ei ole tukitasoa" in views["summary"]
    # explain: the gross time and the pause it subtracted, T1's Odottaa stay 11-13 (2 h)
    paused = " ".join(views["explain_paused"].split())
    assert "palvelutunnit tauoilla (vähennetään): 2,00" in paused
    assert "vähennetyt tauot: 2024-02-05 11:00:00 EET → 2024-02-05 13:00:00 EET (2,00 h)" in paused
    # waste: the headline, the yearly basis and what cannot be computed without levels
    assert "Hukka vuodessa" in views["waste"]
    assert "skaalattu vuodeksi" in views["waste"]
    assert "ei laskettavissa: takaisin palanneet eskaloinnit" in views["waste"]
    assert "henkilötyövuosi on 1 600 työtuntia" in views["waste"].replace("\N{NO-BREAK SPACE}", " ")


def test_the_facts_outdated_note_in_finnish(desk: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.karsta"
    shutil.copyfile(desk, old)
    with karsta.open(old) as ws:  # as an earlier version left it: no record of the rules
        ws.connection.execute("DELETE FROM settings WHERE key = 'facts_version'")
    out = " ".join(run("summary", "-w", str(old), "--lang", "fi").split())
    assert "Tukipyyntöjen tiedot on johdettu Karstan aiemmalla versiolla" in out
    assert "niin tiedot johdetaan nykyisillä säännöillä" in out
    assert not untranslated(without_data(out, data_values(old)), "fi")


def test_mapping_errors_in_finnish(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a\n1\n", encoding="utf-8")
    cases = {
        "values:\n  level: {Service desk: first}\n": "tason on oltava kokonaisluku >= 1",
        "rows: records\n": "rows on 'events' tai 'snapshots', ei 'records'",
        "durations: {source_first_response_at: {minutes: Reply}}\n": "tarvitsee kohdan 'after'",
    }
    for text, finnish in cases.items():
        mapping = tmp_path / "m.yaml"
        mapping.write_text("extends: event-log\n" + text, encoding="utf-8")
        args = ["import", str(tmp_path / "x.csv"), "--mapping", str(mapping)]
        out = run(*args, "-w", str(tmp_path / "t.karsta"), "--lang", "fi", code=2)
        assert finnish in " ".join(out.split()), out


def test_the_scorecard_footer_no_data_reasons_and_statistics_in_finnish(desk: Path) -> None:
    out = run("metrics", "-w", str(desk), "--lang", "fi")
    assert "viimeisin jakso, jolla on vähintään 25 % vilkkaimman jakson tukipyynnöistä" in out
    assert "ei voida laskea: kyselystä NPS ei ole vastauksia" in " ".join(out.split())
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


def test_import_rejects_in_finnish(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    rows = [HEADER, "T1,New,5/2/2024 09:00,0,G1,A1,Phone", "T2,New,,0,G1,A1,Phone"]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = run("import", str(log), "--preset", "servicenow", "-w", str(tmp_path / "t.karsta"),
              "--max-rejects", "50%", "--lang", "fi")  # fmt: skip
    assert "pakollinen arvo puuttuu" in out  # T2 has no time
    assert "required value is missing" not in out


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


DEMO_VIEWS = {
    "scorecard": ["metrics"],
    "figures": ["metrics", "--period", "month", "--by", "channel"],
    "summary": ["summary"],
    # INC0000764: resolved at no known level (an assumption), and it waited in a pause.
    "explain": ["explain", "O2", "INC0000764"],
    "explain_o1": ["explain", "O1", "INC0000764"],
    "waiting": ["process", "waiting"],
    "handoffs": ["process", "handoffs"],
    "waste": ["waste"],
}
"""The demo's views a newcomer reads first (the settings give O2 service hours)."""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_demo_is_all_finnish_or_swedish(demo: Path, lang: str) -> None:
    data = data_values(demo)
    outputs = {}
    for name, args in DEMO_VIEWS.items():
        out = run(*args, "-w", str(demo), "--lang", lang)
        outputs[name] = out
        assert not [field for field in METADATA if field in out], name
        left = untranslated(without_data(out, data), lang)
        assert not left, (name, left)
        phrases = english_phrases_in(without_data(out, data))
        assert not phrases, (name, phrases)
    # Numbers as the language writes them: no decimal point in a figure, an hour count
    # or a day count (14 826 vrk, never 14826.0 d).
    for name, out in outputs.items():
        assert not re.search(r"\d\.\d+\s*(?:%|h|vrk|d|€)", out), name
    no_group = {"fi": "(ei ryhmää)", "sv": "(ingen grupp)"}[lang]
    assert no_group in outputs["waiting"]
    assert "(no group)" not in outputs["waiting"]


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
