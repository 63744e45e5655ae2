"""`karsta signals` as a user runs it, on a generated desk (see tests.signals.generate)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from tests.metrics.conftest import Desk
from tests.signals.generate import desk_months, staffing_months

runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve months in which FCR falls from 75 % to 45 %, the slow tickets speed up from
    60 to 5 hours and staff turnover rises (seeded, see tests.signals.generate)."""
    path = tmp_path_factory.mktemp("signals") / "desk.karsta"
    with karsta.open(path) as ws:
        desk_months(Desk(ws), fcr=(0.75, 0.45), slow_hours=(60.0, 5.0), seed=21)
        staffing_months(ws, [1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8])
    return path


def test_json_lists_the_ranked_signals_and_every_pattern(workspace: Path) -> None:
    result = runner.invoke(app, ["signals", "--workspace", str(workspace), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    strengths = [s["strength"] for s in document["signals"]]
    assert strengths == sorted(strengths, reverse=True)
    patterns = {p["id"]: p for p in document["patterns"]}
    assert len(patterns) == 6
    assert patterns["pace_over_quality"]["status"] == "present"
    assert patterns["encounters_fine_whole_short"]["status"] == "cannot_assess"
    assert patterns["encounters_fine_whole_short"]["missing"]
    s2 = next(s for s in document["series"] if s["metric"] == "S2")
    assert s2["trend"]["direction"] == "decreasing"
    assert s2["chart"]["kind"] == "p"
    assert "Western Electric" in s2["chart"]["rules"]
    assert document["periods"][0] == "2024-01"
    assert document["not_computed"]["S1"].startswith("cannot be computed")


def test_tables_in_english(workspace: Path) -> None:
    result = runner.invoke(
        app, ["signals", "--workspace", str(workspace), "--lang", "en"], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Signals, strongest first" in text
    assert "Pace at the cost of quality" in text
    assert "falling" in text
    assert "Mann–Kendall" in text


def test_finnish_tables_name_the_metrics_by_their_finnish_cards(workspace: Path) -> None:
    result = runner.invoke(
        app, ["signals", "--workspace", str(workspace), "--lang", "fi"], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Ensikontaktin ratkaisuaste" in text
    # A share's slope in percentage points, with the Finnish decimal comma.
    assert re.search(r"\d,\d %-yks\.", text), text


def test_a_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["signals", "--workspace", str(tmp_path / "none.karsta")])
    assert result.exit_code == 2
    assert "none.karsta" in result.output
