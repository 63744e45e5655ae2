"""`karsta channels` and `karsta staffing` as a user runs them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from tests.metrics.conftest import Desk, utc

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a workspace with a morning of calls: 8 answered (2 late), 2 abandoned, an IVR."""
    path = tmp_path / "calls.karsta"
    start = utc("2024-03-04 06:00")
    with karsta.open(path) as ws:
        desk = Desk(ws)
        for i in range(8):
            arrived = start + timedelta(minutes=3 * i)
            wait = 45 if i < 2 else 5
            desk.contact(
                f"c{i}",
                arrived,
                outcome="answered",
                agent="x",
                talk_seconds=120.0,
                answered_at=arrived + timedelta(seconds=wait),
            )
        desk.contact("x1", start, outcome="abandoned", abandoned_at=start + timedelta(seconds=30))
        desk.contact("x2", start, outcome="abandoned", abandoned_at=start + timedelta(seconds=10))
        desk.contact("ivr", start, outcome="routed", special_routing="IVR", ended_at=start)
        desk.write()
    return path


def test_channels_json(workspace: Path) -> None:
    result = runner.invoke(app, ["channels", "-w", str(workspace), "--target", "80/20", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    figures = {(f["metric"], f["statistic"]): f for f in data["figures"]}
    # S1: 6 on time of 9 counted (x2 abandoned after 10 s is left out; x1 after 30 s stays).
    s1 = figures["S1", "share"]
    assert (s1["value"], s1["n"], s1["excluded"]) == (100 * 6 / 9, 9, 2)
    # ASA: (2 × 45 + 6 × 5) / 8 = 15 s; abandon rate 2 of 10.
    assert figures["I7", "asa"]["value"] == 15.0
    assert figures["I7", "abandon_rate"]["value"] == 20.0
    assert figures["I6", "mean"]["value"] == 120.0
    assert ("S3", "share") not in figures  # no non-real-time contacts
    assert data["abandon_curve"]["offered"] == 10
    assert data["target"] == "80/20"


def test_channels_table_in_finnish(workspace: Path) -> None:
    result = runner.invoke(app, ["channels", "-w", str(workspace), "--lang", "fi"])
    assert result.exit_code == 0, result.output
    assert "80/20" in result.stdout
    assert "Tavoiteajassa vastatut kontaktit" in result.stdout  # S1's name from its card


def test_staffing_json_and_table(workspace: Path) -> None:
    args = [
        "staffing",
        "-w",
        str(workspace),
        "--target",
        "80/20",
        "--interval",
        "30min",
        "--shrinkage",
        "30%",
        "--what-if",
        "90/20",
    ]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["target"], data["shrinkage"], data["interval_minutes"]) == ("80/20", 0.3, 30)
    assert [w["target"] for w in data["what_if"]] == ["80/20", "90/20"]
    (interval,) = data["profile"]
    assert (interval["start"], interval["offered"]) == ("08:00", 10.0)
    table = runner.invoke(app, [*args, "--lang", "en"])
    assert table.exit_code == 0, table.output
    assert "What if the target changes" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["channels", "--target", "80"], "80/20"),
        (["staffing", "--shrinkage", "120%"], "shrinkage"),
        (["staffing", "--interval", "7min"], "interval"),
    ],
)
def test_bad_settings_stop_with_code_2(workspace: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "-w", str(workspace), "--lang", "en"])
    assert result.exit_code == 2
    assert message in result.output


def test_a_missing_workspace_stops_with_code_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["channels", "-w", str(tmp_path / "none.karsta"), "--lang", "en"])
    assert result.exit_code == 2
