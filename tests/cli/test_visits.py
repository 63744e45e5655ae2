"""`karsta visits` as a user runs it: show, drivers, compare, simulate, generate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from tests.visits.conftest import insert_visits
from tests.visits.office import OFFICE_DAY
from tests.visits.test_compare import weeks

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def as_json(*args: str) -> Any:
    return json.loads(run(*args, "--json"))


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "office.karsta"
    with karsta.open(path) as ws:
        insert_visits(ws, OFFICE_DAY)
    return path


@pytest.fixture
def two_weeks(tmp_path: Path) -> Path:
    path = tmp_path / "weeks.karsta"
    with karsta.open(path) as ws:
        insert_visits(ws, weeks())
    return path


def test_show_prints_every_measure_and_what_it_left_out(office: Path) -> None:
    out = run("visits", "show", "--workspace", str(office))
    for text in ("waiting time", "no-show rate", "adviser utilisation", "Left out"):
        assert text in out
    assert "service started before arrival" in out
    assert "GENERATED" not in out


def test_show_json_matches_the_measures(office: Path) -> None:
    data = as_json("visits", "show", "--workspace", str(office), "--matter-channel", "card=web")
    no_show = next(
        s for s in data["shares"] if s["measure"] == "no_show_rate" and s["group"] == "all"
    )
    assert (no_show["hits"], no_show["n"]) == (1, 4)  # see tests/visits/test_measures.py
    assert data["options"]["matter_channels"] == {"card": "web"}
    assert data == json.loads(
        run("visits", "show", "--workspace", str(office), "--matter-channel", "card=web",
            "--format", "json")
    )  # fmt: skip


def test_show_in_finnish_and_swedish_runs(office: Path) -> None:
    for lang in ("fi", "sv"):
        out = run("visits", "show", "--workspace", str(office), "--lang", lang)
        assert "0,25" in out or "25,0" in out  # the no-show rate, written with a decimal comma


def test_compare_two_periods(two_weeks: Path) -> None:
    data = as_json(
        "visits", "compare", "--workspace", str(two_weeks),
        "--before", "2016-08-31", "--after", "2016-09-01",
    )  # fmt: skip
    assert data["a"]["label"] == "until 2016-08-31"
    wait = next(
        f
        for f in data["figures"]
        if (f["measure"], f["group"], f["statistic"]) == ("waiting_time", "walk-in", "mean")
    )
    assert (wait["a"]["value"], wait["b"]["value"]) == (30, 10)
    assert data["drivers"]["a"]["overall"]["appointments"] == 4
    out = run(
        "visits", "compare", "--workspace", str(two_weeks),
        "--before", "2016-08-31", "--after", "2016-09-01",
    )  # fmt: skip
    assert "Welch" in out
    assert "until 2016-08-31" in out
    # What each side left out is shown with it: no visit records whether its matter
    # was settled.
    assert "Left out · until 2016-08-31" in out
    assert "whether the matter was settled is not recorded" in " ".join(out.split())


def test_compare_needs_two_periods_or_two_offices(two_weeks: Path) -> None:
    out = run("visits", "compare", "--workspace", str(two_weeks), "--before", "2016-08-31", code=2)
    assert "--before and --after" in out


def test_drivers_json(office: Path) -> None:
    data = as_json("visits", "drivers", "--workspace", str(office))
    assert data["overall"]["appointments"] == 4


def test_generate_then_simulate_says_generated_and_simulated(tmp_path: Path) -> None:
    path = tmp_path / "gen.karsta"
    out = run("visits", "generate", "--workspace", str(path), "--days", "5", "--seed", "3")
    assert "generated visits" in out
    run("visits", "generate", "--workspace", str(path), "--days", "5", "--seed", "3", code=2)
    shown = as_json("visits", "show", "--workspace", str(path))
    assert shown["provenance"]["generated"] is True
    data = as_json(
        "visits", "simulate", "--workspace", str(path), "--appointment-share", "0.8",
        "--advisers", "3", "--replications", "3", "--days", "2",
    )  # fmt: skip
    assert data["simulated"] is True
    assert data["label"].startswith("SIMULATED")
    assert "GENERATED DATA" in data["label"]
    assert data["model"]["advisers"] == 3
    assert data["model_assumptions"]
    table = run(
        "visits", "simulate", "--workspace", str(path), "--appointment-share", "0.8",
        "--advisers", "3", "--replications", "3", "--days", "2",
    )  # fmt: skip
    assert "SIMULATED" in table
    assert "GENERATED DATA" in table
    assert "Poisson" in table  # the model's own assumptions are shown with every result


def test_simulate_counts_the_defaults_it_needed(office: Path) -> None:
    data = as_json(
        "visits", "simulate", "--workspace", str(office), "--appointment-share", "0.5",
        "--advisers", "2", "--replications", "2", "--days", "1",
    )  # fmt: skip
    assert {a["name"] for a in data["assumptions"]} == {
        "open_minutes", "no_show_rate", "service_minutes"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "--matter-channel", "card"], "MATTER=CHANNEL"),
        (["show", "--from", "5.9.2016"], "not an ISO date"),
        (["show", "--from", "2016-09-06", "--until", "2016-09-05"], "before it starts"),
        (["simulate", "--appointment-share", "1.5", "--advisers", "2"], "between 0 and 1"),
    ],
)
def test_bad_options_stop_with_a_clear_message(office: Path, args: list[str], message: str) -> None:
    out = run("visits", args[0], "--workspace", str(office), *args[1:], code=2)
    assert message in " ".join(out.split())


def test_a_missing_workspace_is_named(tmp_path: Path) -> None:
    out = run("visits", "show", "--workspace", str(tmp_path / "none.karsta"), code=2)
    assert "No workspace" in out


def test_data_values_are_never_read_as_markup(tmp_path: Path) -> None:
    path = tmp_path / "marked.karsta"
    rows = [{**row, "segment": "[bold]special[/bold]"} for row in OFFICE_DAY]
    with karsta.open(path) as ws:
        insert_visits(ws, rows)
    out = run("visits", "drivers", "--workspace", str(path))
    assert "[bold]special[/bold]" in out


def test_an_empty_workspace_says_what_it_cannot_compute(tmp_path: Path) -> None:
    path = tmp_path / "empty.karsta"
    karsta.open(path).close()
    shown = run("visits", "show", "--workspace", str(path))
    assert "no visit with both an arrival and a service start" in " ".join(shown.split())
    out = run(
        "visits", "simulate", "--workspace", str(path), "--appointment-share", "0.8",
        "--advisers", "6", "--replications", "3", "--days", "2",
    )  # fmt: skip
    # Every input is a default: nothing calibrated from the data, and no table is left
    # without rows (Rich would make such a table as wide as the page allows).
    assert max(len(line) for line in out.splitlines()) < 400
    assert "customers a day: no visits in the data" in out


def test_the_settings_give_the_matter_map(tmp_path: Path) -> None:
    """`visits show` reads matter_channels from the workspace's settings like the option."""
    path = tmp_path / "office.karsta"
    with karsta.open(path) as ws:
        insert_visits(ws, OFFICE_DAY)
    matters = sorted({str(v["matter"]) for v in OFFICE_DAY if v.get("matter")})
    args = ["visits", "show", "-w", str(path), "--json"]
    by_option = json.loads(
        runner.invoke(app, [*args, "--matter-channel", f"{matters[0]}=web"]).stdout
    )
    path.with_name(path.name + ".yaml").write_text(
        f"matter_channels: {{{matters[0]}: web}}\n", encoding="utf-8"
    )
    by_settings = json.loads(runner.invoke(app, args).stdout)
    assert by_settings["options"]["matter_channels"] == {matters[0]: "web"}
    assert by_settings["shares"] == by_option["shares"]
    other = [f for f in by_settings["shares"] if f["measure"] == "other_channel_share"]
    assert other[0]["share"] is not None
    assert other[0]["hits"] > 0
