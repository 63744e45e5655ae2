"""`karsta channels shift` as a user runs it, on the hand-built service of the shift tests.

The figures are those worked out by hand in tests/channels/test_shift.py: 7 personal
contacts and visits, 6 with a matter, 4 of them with a matter self-service handles.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from tests.channels.conftest import insert_contacts
from tests.channels.test_shift import CONTACTS, VISITS
from tests.visits.conftest import insert_visits

runner = CliRunner()
MAP = ["--matter-channel", "Kela card=verkkoasiointi", "--matter-channel", "change of address=web"]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "service.karsta"
    with karsta.open(path) as ws:
        insert_contacts(ws, CONTACTS)
        insert_visits(ws, VISITS)
    return path


def test_shift_json(workspace: Path) -> None:
    result = runner.invoke(app, ["channels", "shift", "-w", str(workspace), *MAP, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    total = data["total"]
    assert (total["personal"], total["with_matter"], total["shiftable"]) == (7, 6, 4)
    assert total["share"] == pytest.approx(4 / 6)
    assert total["personal_only_customers"] == 4
    assert [p["period"] for p in data["trend"]] == ["2024-01", "2024-02"]
    assert data["options"]["matter_channels"] == {
        "Kela card": "verkkoasiointi",
        "change of address": "web",
    }
    assert [g["key"] for g in data["by_segment"]][-1] is None  # counted, not dropped


def test_shift_table_by_matter_in_finnish(workspace: Path) -> None:
    args = ["channels", "shift", "-w", str(workspace), *MAP, "--by", "matter", "--lang", "fi"]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "Kela card → verkkoasiointi" in result.stdout
    assert "66,7" in result.stdout  # 4 of 6, with the Finnish decimal comma


def test_shift_table_by_segment(workspace: Path) -> None:
    args = ["channels", "shift", "-w", str(workspace), *MAP, "--lang", "en"]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "change situation" in result.stdout
    assert "(segment not recorded)" in result.stdout
    assert "2024-02" in result.stdout or "Feb" in result.stdout


def test_without_a_map_the_output_says_so(workspace: Path) -> None:
    args = ["channels", "shift", "-w", str(workspace), "--lang", "en"]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "not configured" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--matter-channel", "Kela card"], "expected MATTER=CHANNEL"),
        (["--by", "office"], "--by"),
        (["--period", "fortnight"], "--period"),
    ],
)
def test_bad_options_stop_with_code_2(workspace: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["channels", "shift", "-w", str(workspace), *args, "--lang", "en"])
    assert result.exit_code == 2
    assert message in result.output


def test_a_missing_workspace_stops_with_code_2(tmp_path: Path) -> None:
    args = ["channels", "shift", "-w", str(tmp_path / "none.karsta"), *MAP, "--lang", "en"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2


def test_channels_without_a_workspace_stops_with_code_2() -> None:
    result = runner.invoke(app, ["channels", "--lang", "en"])
    assert result.exit_code == 2
    assert "--workspace" in result.output


def test_the_settings_give_the_matter_map(workspace: Path) -> None:
    """matter_channels in the workspace's settings is the same map; an option adds to it."""
    settings = workspace.with_name(workspace.name + ".yaml")
    settings.write_text("matter_channels: {Kela card: verkkoasiointi}\n", encoding="utf-8")
    args = ["channels", "shift", "-w", str(workspace), "--json"]
    only_settings = json.loads(runner.invoke(app, args).stdout)
    assert only_settings["options"]["matter_channels"] == {"Kela card": "verkkoasiointi"}
    # Kela card alone: c1, c7 and v1 of the 6 personal rows with a matter.
    assert only_settings["total"]["shiftable"] == 3
    both = json.loads(runner.invoke(app, [*args, *MAP[2:]]).stdout)
    assert both["total"]["shiftable"] == 4
