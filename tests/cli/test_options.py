"""--lang and KARSTA_LANG: every command speaks the user's language; machine output stays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from karsta.cli.main import app
from tests.cli.test_main import LOG

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """Return a workspace with the small event log of test_main imported."""
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    ws = tmp_path / "t.karsta"
    args = ["import", str(log), "--preset", "event-log", "-w", str(ws), "--max-rejects", "50%"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return ws


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", ["rivejä luettu", "rivejä hylätty", "luettu = ladattu + hylätty", "Hylätyt rivit"]),
        ("sv", ["rader lästa", "rader avvisade", "lästa = inlästa + avvisade", "Avvisade rader"]),
    ],
)
def test_import_accounting_in_finnish_and_swedish(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    ws = str(tmp_path / "t.karsta")
    out = run(
        "import",
        str(log),
        "--preset",
        "event-log",
        "-w",
        ws,
        "--lang",
        lang,
        "--max-rejects",
        "50%",
    )
    for text in expected:
        assert text in out
    reason = {"fi": "ei päivämäärä ja kellonaika", "sv": "inte ett datum och klockslag"}[lang]
    assert reason in out


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", ["Työtila", "tukipyynnöt", "Tukipyynnöt tiloittain", "Johdetut tukipyyntötiedot"]),
        ("sv", ["Arbetsyta", "ärenden", "Ärenden per status", "Härledda ärendeuppgifter"]),
    ],
)
def test_summary_headers(imported: Path, lang: str, expected: list[str]) -> None:
    out = run("summary", "-w", str(imported), "--lang", lang)
    for text in expected:
        assert text in out
    assert "Tickets per status" not in out


def test_the_environment_chooses_when_lang_is_not_given(
    imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KARSTA_LANG")
    monkeypatch.setenv("LANG", "sv_FI.UTF-8")
    assert "Arbetsyta" in run("summary", "-w", str(imported))
    monkeypatch.setenv("KARSTA_LANG", "fi")
    assert "Työtila" in run("summary", "-w", str(imported))
    assert "Workspace" in run("summary", "-w", str(imported), "--lang", "en")


def test_json_stays_english(imported: Path) -> None:
    english = json.loads(run("summary", "-w", str(imported), "--format", "json"))
    finnish = json.loads(run("summary", "-w", str(imported), "--format", "json", "--lang", "fi"))
    assert finnish == english
    why = {f["fact"]: f["why_missing"] for f in finnish["facts"]}
    assert "no status classes" in why["resolved_at"]


def test_scorecard_and_metrics_in_finnish(imported: Path) -> None:
    out = run("metrics", "-w", str(imported), "--lang", "fi")
    assert "Mittaristo" in out
    assert "tavoite" in out
    assert "Tukipyynnön käsittelijöiden määrä" in out  # the card's name, as before
    figures = run("metrics", "-w", str(imported), "--metric", "I4", "--lang", "sv")
    assert "Mätetal:" in figures
    assert "Volymer per kanal" in figures


def test_errors_in_the_chosen_language(tmp_path: Path) -> None:
    result = runner.invoke(app, ["summary", "-w", str(tmp_path / "t.karsta"), "--lang", "xx"])
    assert result.exit_code == 2
    assert "Unknown language 'xx'" in result.output
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    both = runner.invoke(app, ["import", str(log), "-w", str(tmp_path / "t"), "--lang", "fi"])
    assert both.exit_code == 2
    assert "Anna joko --preset tai --mapping" in both.output
