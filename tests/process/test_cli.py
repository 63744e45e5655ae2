"""`karsta process ...` and `karsta waste` as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from karsta.cli.main import app
from karsta.workspace import Workspace

runner = CliRunner(env={"COLUMNS": "200"})


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_map_json_has_the_documented_shape(hand_log: Workspace) -> None:
    data = json.loads(run("process", "map", "-w", str(hand_log.path), "--format", "json"))
    assert set(data) >= {"nodes", "edges"}
    assert {"id", "events", "cases"} == set(data["nodes"][0])
    edge = data["edges"][0]
    for key in ("source", "target", "count", "cases", "wait_mean_s", "wait_median_s"):
        assert key in edge
    assert "wait_p90_s" in edge


def test_map_table_by_group_with_service_hours(hand_log: Workspace) -> None:
    out = run(
        "process", "map", "-w", str(hand_log.path), "--by", "group",
        "--service-hours", "mon-fri 08:00-16:00", "--holidays", "none",
    )  # fmt: skip
    assert "G1" in out
    assert "G2" in out
    assert "median (service h)" in out
    assert "Mon–Fri 08:00–16:00" in out


def test_map_drawn_to_svg(hand_log: Workspace, tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")  # test_render_graph fails in CI instead
    out = tmp_path / "map.svg"
    run("process", "map", "-w", str(hand_log.path), "--out", str(out), "--format", "json")
    assert b"<svg" in out.read_bytes()


def test_variants_handoffs_rework_waiting(hand_log: Workspace) -> None:
    ws = str(hand_log.path)
    assert "New → Active → Resolved → Closed" in run("process", "variants", "-w", ws, "--top", "5")
    collapsed = json.loads(run("process", "variants", "-w", ws, "--collapse", "--format", "json"))
    assert [len(v["activities"]) for v in collapsed["variants"]] == [8, 4]  # A's Active, Active
    assert "person unknown" in run("process", "rework", "-w", ws)
    handoffs = json.loads(run("process", "handoffs", "-w", ws, "--format", "json"))
    assert handoffs["summary"]["ping_pong"] == 1
    assert "ping-pong" in run("process", "handoffs", "-w", ws)
    rework = json.loads(run("process", "rework", "-w", ws, "--format", "json"))
    assert rework["reopens"]["reopens"] == 1
    assert "Reopens" in run("process", "rework", "-w", ws)
    assert "Awaiting User Info" in run("process", "waiting", "-w", ws)


def test_waste_ranks_findings_and_prints_assumptions(hand_log: Workspace) -> None:
    ws = str(hand_log.path)
    out = run("waste", "-w", ws, "--hourly-cost", "60")
    assert "Assumptions" in out
    assert "60 €/h" in out
    assert "pompottelu" in out
    data = json.loads(run("waste", "-w", ws, "--format", "json", "--hourly-cost", "60"))
    for listed in ("staff_time", "customer_time"):
        hours = [f["hours_per_year"] for f in data[listed]]
        assert hours == sorted(hours, reverse=True)
    assert data["assumptions"]["hourly_cost"] == 60


def test_waste_shows_the_headline_first_then_staff_and_customer_time(hand_log: Workspace) -> None:
    # The hand log's one-day period, default minutes: hand-offs 2 × 10 + repeats
    # 3 × 15 + reopen 30 + category 5 = 100 min = 5/3 h, × 365.25 = 608.75 h a year,
    # 0.38 person-years at 1 600 h, 30 437.5 € at 50 €/h; customer waiting (queue 3 h +
    # Awaiting User Info 4 h) × 365.25 = 2 556.75 h a year, not priced unless asked.
    ws = str(hand_log.path)
    out = run("waste", "-w", ws, "--hourly-cost", "50").replace("\N{NO-BREAK SPACE}", " ")
    order = [
        out.index(text)
        for text in ("Waste a year", "Per waste family", "Staff time a year", "Customer time")
    ]
    assert order == sorted(order)
    assert "609 h · 0.38 person-years (at 1,600 h) · 30,438 €" in out
    assert "2,557 h · not priced (--waiting-hourly-cost)" in out
    assert "scaled to a year from 1 days, 2024-01-01 to 2024-01-01" in " ".join(out.split())
    assert "less than a year" in out
    priced = run(
        "waste", "-w", ws, "--waiting-hourly-cost", "20", "--hours-per-person-year", "1500"
    ).replace("\N{NO-BREAK SPACE}", " ")
    assert "2,557 h · 51,135 €" in priced
    assert "(at 1,500 h)" in priced
    data = json.loads(run("waste", "-w", ws, "--format", "json"))
    assert data["headline"]["customer_waiting_euros_per_year"] is None
    # The same headline in Finnish: a decimal comma, thousands grouped, the basis too.
    finnish = run("waste", "-w", ws, "--hourly-cost", "50", "--lang", "fi")
    finnish = " ".join(finnish.replace("\N{NO-BREAK SPACE}", " ").split())
    assert "609 h · 0,38 henkilötyövuotta (1 600 h/vuosi) · 30 438 €" in finnish
    assert "2 557 h · ei hinnoiteltu (--waiting-hourly-cost)" in finnish
    assert "skaalattu vuodeksi 1 päivästä, 2024-01-01–2024-01-01 (UTC)" in finnish
    assert "100,0 % kaikista" in finnish
    assert data["period"]["basis"].startswith("scaled to a year from 1 days")


def test_waste_period_from_the_opening_filters(hand_log: Workspace) -> None:
    # Given both bounds, the period is theirs: 2024-01-01 to 2024-01-08 is 7 days.
    ws = str(hand_log.path)
    data = json.loads(
        run(
            "waste",
            "-w",
            ws,
            "--format",
            "json",
            "--opened-from",
            "2024-01-01",
            "--opened-before",
            "2024-01-08",
        )
    )
    assert (data["period"]["days"], data["period"]["chosen_by"]) == (7.0, "given")
    queue = next(f for f in data["customer_time"] if f["kind"] == "queue")
    assert queue["hours_per_year"] == pytest.approx(3.0 * 365.25 / 7)


def test_filters_from_the_command_line(hand_log: Workspace) -> None:
    ws = str(hand_log.path)
    only_a = json.loads(
        run("process", "map", "-w", ws, "--where", "category_close=Software", "--format", "json")
    )
    assert {n["id"]: n["cases"] for n in only_a["nodes"]}["Active"] == 1
    none = json.loads(
        run("process", "map", "-w", ws, "--opened-before", "2023-12-31", "--format", "json")
    )
    assert none["nodes"] == []


def test_mistakes_get_one_clear_message(hand_log: Workspace, tmp_path: Path) -> None:
    ws = str(hand_log.path)
    for args, message in [
        (["process", "map", "-w", ws, "--by", "colour"], "unknown attribute"),
        (["process", "map", "-w", ws, "--where", "colour=red"], "no column 'colour'"),
        (["process", "map", "-w", str(tmp_path / "none.karsta")], "No workspace"),
        (["process", "map", "-w", ws, "--out", str(tmp_path / "m.pdf")], ".svg or .png"),
        (["waste", "-w", ws, "--hourly-cost", "-5"], "must not be negative"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", ["Hukka vuodessa", "havainto", "pompottelu", "Oletukset", "organisoitumiseen"]),
        ("sv", ["Slöseri per år", "iakttagelse", "Bollande", "Antaganden", "slöseri i"]),
    ],
)
def test_waste_in_finnish_and_swedish(hand_log: Workspace, lang: str, expected: list[str]) -> None:
    out = run("waste", "-w", str(hand_log.path), "--lang", lang)
    for text in expected:
        assert text in out
    data = json.loads(run("waste", "-w", str(hand_log.path), "--format", "json", "--lang", lang))
    titles = [f["title"] for f in data["staff_time"]]
    assert "Tickets passed between groups" in titles  # JSON stays English
    assert data["customer_time"][0]["family"] == "customer-process waste"


def test_process_views_in_finnish(hand_log: Workspace) -> None:
    ws = str(hand_log.path)
    assert "Vaiheet: ryhmä" in run("process", "map", "-w", ws, "--by", "group", "--lang", "fi")
    assert "Prosessivariantit" in run("process", "variants", "-w", ws, "--lang", "fi")
    assert "pompottelu A → B → A" in run("process", "handoffs", "-w", ws, "--lang", "fi")
    assert "Uudelleenavaukset" in run("process", "rework", "-w", ws, "--lang", "fi")
    assert "Ryhmittäin" in run("process", "waiting", "-w", ws, "--lang", "fi")
    assert "Per grupp" in run("process", "waiting", "-w", ws, "--lang", "sv")
