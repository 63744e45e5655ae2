"""`karsta feedback themes`: the themes of a workspace's survey answers, as tables and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from tests.feedback.test_themes import fill_surveys

runner = CliRunner(env={"COLUMNS": "200"})


def workspace(tmp_path: Path) -> str:
    path = tmp_path / "w.karsta"
    with karsta.open(path) as ws:
        fill_surveys(ws)
    return str(path)


def test_themes_as_json_and_as_tables(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    result = runner.invoke(
        app, ["feedback", "themes", "-w", ws, "--themes", "2", "--format", "json", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # The fixture of tests/feedback/test_themes.py: two Finnish themes of 12 answers each,
    # the invoice theme recurring (4 of the last 6 months, NPS 3 against 6.8 over all 30 answers).
    themes = {t["words"][0]: t for t in data["themes"]}
    assert {k: (t["count"], t["recurring"]) for k, t in themes.items()} == {
        "lasku": (12, True),
        "jono": (12, False),
    }
    assert data["too_few_answers"] == {"sv": 3}
    assert data["redactions"]["name"] == 1
    assert data["recurring_rule"]["months"] == 3
    assert "Matti" not in result.output
    table = runner.invoke(app, ["feedback", "themes", "-w", ws, "--themes", "2", "--lang", "en"])
    assert table.exit_code == 0, table.output
    out = table.output
    assert "Themes" in out
    assert "lasku" in out
    assert "NPS 3.0 (12) vs 6.8 · -38 %" in out
    assert "Laskussa oli virhe, t. [name]" in out
    assert "could not be recognised and the survey did not record one: 1." in out


def test_a_dictionary_names_its_themes(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    words = tmp_path / "themes.yaml"
    words.write_text("Laskutus: [lasku]\nFaktura: [faktura]\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["feedback", "themes", "-w", ws, "--dictionary", str(words), "--min-answers", "10",
         "--themes", "1", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    named = {t["name"]: t["count"] for t in json.loads(result.output)["themes"] if t["name"]}
    assert named == {"Laskutus": 12, "Faktura": 3}


def test_bad_input_stops_with_a_clear_message(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["feedback", "themes", "-w", str(tmp_path / "none.karsta")])
    assert missing.exit_code == 2
    ws = workspace(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("Laskutus: lasku\n", encoding="utf-8")
    result = runner.invoke(app, ["feedback", "themes", "-w", ws, "--dictionary", str(bad)])
    assert result.exit_code == 2
    assert "theme 'Laskutus' needs a list of words" in " ".join(result.output.split())
    zero = runner.invoke(app, ["feedback", "themes", "-w", ws, "--themes", "0"])
    assert zero.exit_code == 2
    assert "at least 1" in zero.output
