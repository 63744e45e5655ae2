"""The improvement loop from the command line: savings, an A3 from a finding, its PDF, PDCA."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app

runner = CliRunner(env={"COLUMNS": "200"})


def run(*args: str, code: int = 0) -> str:
    """Run `karsta args` and return its output."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """Return a workspace holding the hand-checked log (one ticket goes G1 → G2 → G1)."""
    from tests.process.fixtures import CATEGORIES, EVENTS
    from tests.process.logs import load

    path = tmp_path / "desk.karsta"
    with karsta.open(path) as ws:
        load(ws, EVENTS, CATEGORIES)
    return path


def test_the_methods_worked_example_from_the_command_line() -> None:
    args = ["savings", "--per", "week", "--times", "5", "--minutes", "30", "--people", "1"]
    data = json.loads(run(*args, "--hours-per-day", "8", "--format", "json"))
    # 5 a week × 30 min × 1 × 52 weeks = 7 800 min = 130 h = 16,25 days of 8 h = 3,25 weeks
    assert data["minutes_per_year"] == 7800
    assert data["hours_per_year"] == 130
    assert data["working_days_per_year"] == 16.25
    assert data["working_weeks_per_year"] == 3.25
    table = run(*args, "--hours-per-day", "8", "--lang", "fi")
    assert "7\u00a0800" in table  # grouped as Finnish writes it
    assert "16,25" in table


def test_an_a3_from_the_ping_pong_finding_prints_on_one_page(desk: Path, tmp_path: Path) -> None:
    title = "Asiakkaan pompottelu ryhmien välillä"
    created = run(
        "a3", "new", title, "--workspace", str(desk), "--from-finding", "handoffs:ping-pong",
        "--lang", "fi",
    )  # fmt: skip
    assert "A3-arkki 1 luotu." in created
    assert "Nykytilanne:" in created
    sheet = json.loads(run("a3", "show", "1", "--workspace", str(desk), "--format", "json"))
    assert sheet["source"] == "finding:handoffs:ping-pong"
    # the hand-checked log: one ping-pong (G1 → G2 → G1) in one ticket
    assert (sheet["baseline"]["occurrences"], sheet["baseline"]["tickets"]) == (1, 1)
    pdf = tmp_path / "a3.pdf"
    run("a3", "show", "1", "--workspace", str(desk), "--pdf", str(pdf), "--lang", "fi")
    (page,) = PdfReader(io.BytesIO(pdf.read_bytes())).pages
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert "Nykytilanne" in page.extract_text()


def test_pdca_status_is_computed_for_every_open_change(desk: Path) -> None:
    run("pdca", "new", "Ohjaussäännöt", "--changed-on", "2024-01-10", "--metric", "I10",
        "--workspace", str(desk))  # fmt: skip
    data = json.loads(run("pdca", "status", "--workspace", str(desk), "--format", "json"))
    (change,) = data["improvements"]
    assert change["improvement"]["title"] == "Ohjaussäännöt"
    assert [m["metric"] for m in change["metrics"]] == ["I10"]
    assert change["status"] == change["metrics"][0]["status"]


def test_export_and_import_through_the_command_line(desk: Path, tmp_path: Path) -> None:
    run("a3", "new", "Pompottelu", "--workspace", str(desk))
    exported = tmp_path / "records.json"
    run("improve", "export", str(exported), "--workspace", str(desk))
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert [a["title"] for a in data["a3"]] == ["Pompottelu"]
    run("improve", "import", str(exported), "--workspace", str(desk), code=2)  # already there
    run("improve", "import", str(exported), "--workspace", str(desk), "--replace")
    again = json.loads(run("a3", "show", "1", "--workspace", str(desk), "--format", "json"))
    assert again["title"] == "Pompottelu"
