"""The `karsta metrics`, `explain` and `cards` commands as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from karsta.metrics.cards import load_cards
from tests.metrics.conftest import Desk, hki, utc

runner = CliRunner()
CONTRACT_KEYS = {
    "id", "slug", "name", "value", "unit", "numerator", "denominator", "excluded",
    "assumptions", "interval", "n",
    "period", "group", "statistic", "card_version",
}  # fmt: skip


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a workspace with six tickets over February and March 2024."""
    path = tmp_path / "desk.karsta"
    with karsta.open(path) as ws:
        desk = Desk(ws)
        desk.ticket(
            "F1",
            utc("2024-02-05 08:00"),
            resolved_at=utc("2024-02-05 10:00"),
            reopen_count=1,
            channel="phone",
        )
        desk.ticket(
            "F2",
            utc("2024-02-06 08:00"),
            resolved_at=utc("2024-02-06 12:00"),
            reopen_count=0,
            channel="email",
        )
        for i in range(4):
            desk.ticket(
                f"M{i}",
                utc(f"2024-03-0{i + 4} 08:00"),
                resolved_at=utc(f"2024-03-0{i + 4} 09:00"),
                reopen_count=0,
                channel="phone",
            )
        desk.run("I10")
    return path


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_json_output_has_exactly_the_contract(workspace: Path) -> None:
    out = invoke(
        "metrics",
        "-w",
        str(workspace),
        "--metric",
        "I10,O2",
        "--period",
        "month",
        "--by",
        "channel",
        "--format",
        "json",
    )
    document = json.loads(out)
    assert set(document) == {"workspace", "generated_at", "metrics", "metric_notes"}
    assert document["workspace"] == str(workspace)
    assert all(set(record) == CONTRACT_KEYS for record in document["metrics"])
    reopened = [
        r
        for r in document["metrics"]
        if r["id"] == "I10" and r["period"] == "2024-02" and r["group"] == {"channel": "phone"}
    ]
    assert len(reopened) == 1
    assert reopened[0]["value"] == 100.0  # F1 is the only phone ticket of February, reopened
    assert reopened[0]["card_version"] == "I10@2"
    assert {r["statistic"] for r in document["metrics"] if r["id"] == "O2"} == {
        "mean",
        "median",
        "p90",
    }


def test_json_carries_the_notes_and_why_a_metric_has_no_figures(workspace: Path) -> None:
    out = invoke("metrics", "-w", str(workspace), "-m", "S2,O1,I1", "--format", "json")
    notes = {n["id"]: n for n in json.loads(out)["metric_notes"]}
    assert set(notes) == {"S2", "O1", "I1"}
    # No ticket of the desk has a level or a cost: those metrics say what to map.
    assert notes["S2"]["computed"] is False
    assert notes["S2"]["no_data"].startswith(
        "cannot be computed: no ticket has the level where it was resolved — map the support level"
    )
    assert notes["I1"]["no_data"] == (
        "cannot be computed: no ticket records a cost — import cost data (columns: cost)"
    )
    assert set(notes["I1"]) == {"id", "card_version", "computed", "no_data", "notes"}


def test_json_notes_of_a_computed_metric(tmp_path: Path) -> None:
    path = tmp_path / "levels.karsta"
    with karsta.open(path) as ws:
        desk = Desk(ws)
        desk.ticket("L", utc("2024-02-05 08:00"), resolved_at=utc("2024-02-05 08:10"),
                    resolving_level=1)  # fmt: skip
        desk.run("S2")
    notes = json.loads(invoke("metrics", "-w", str(path), "-m", "S2", "--format", "json"))
    (s2,) = notes["metric_notes"]
    assert (s2["computed"], s2["no_data"], s2["card_version"]) == (
        True,
        None,
        load_cards()["S2"].card_version,
    )
    assert s2["notes"] == ["Desk-resolvable categories are not configured: every ticket counts."]


def test_whole_range_json_has_null_period_and_empty_group(workspace: Path) -> None:
    document = json.loads(invoke("metrics", "-w", str(workspace), "-m", "I10", "--format", "json"))
    (record,) = document["metrics"]
    assert (record["period"], record["group"]) == (None, {})
    assert (record["numerator"], record["denominator"]) == (1.0, 6.0)


def test_csv_output(workspace: Path) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(invoke("metrics", "-w", str(workspace), "-m", "I4", "--format", "csv"))
        )
    )
    shares = {r["group"]: float(r["value"]) for r in rows if r["statistic"] == "share"}
    assert shares == {"channel=phone": 500 / 6, "channel=email": 100 / 6}


def test_scorecard_is_the_default_view(workspace: Path) -> None:
    (workspace.parent / "desk.karsta.yaml").write_text(
        "targets:\n  I10: '<= 10 %'\n", encoding="utf-8"
    )
    out = invoke("metrics", "-w", str(workspace))
    assert "Scorecard 2024-03 vs 2024-02" in out
    assert "✓ ≤\N{NO-BREAK SPACE}10.0%" in out  # the target in the language's number format
    assert "better" in out
    assert "no data" in out  # metrics that need contacts or surveys say so


def test_explain_prints_the_rule(workspace: Path) -> None:
    out = invoke("explain", "I10", "F1", "-w", str(workspace))
    assert "counted: reopened at least once" in out
    assert "reopens: 1" in out


def test_cards_in_finnish(workspace: Path) -> None:
    card = load_cards()["O2"]
    out = invoke("cards", "--lang", "fi", "--metric", "O2", "--format", "markdown")
    assert card.name("fi") in out
    assert card.field("formula", "fi") in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "X9"], "Unknown metric"),
        (["--period", "fortnight"], "--period"),
        (["--by", "shoe_size", "--format", "json"], "shoe_size"),
    ],
)
def test_bad_options_say_what_is_wrong(workspace: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["metrics", "-w", str(workspace), *args])
    assert result.exit_code == 2
    assert message in result.output


def _figures(document: dict[str, object]) -> list[tuple[object, ...]]:
    records = document["metrics"]
    assert isinstance(records, list)
    return sorted(
        (r["id"], r["statistic"], r["period"], json.dumps(r["group"]), round(r["value"] or 0, 9))
        for r in records
    )


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_export_folder_on_another_engine_gives_the_same_figures(
    workspace: Path, tmp_path: Path, engine: str
) -> None:
    if engine == "spark":
        from tests.parity import require_spark

        require_spark()
    folder = tmp_path / "export"
    invoke("export", "-w", str(workspace), "--out", str(folder))
    asked = ["--metric", "I10,O2,I4", "--period", "month", "--format", "json"]
    from_workspace = json.loads(invoke("metrics", "-w", str(workspace), *asked))
    from_export = json.loads(invoke("metrics", "--source", str(folder), "--engine", engine, *asked))
    assert from_export["workspace"] == str(folder)
    assert _figures(from_export) == _figures(from_workspace)


def test_spark_needs_an_export_folder(workspace: Path) -> None:
    result = runner.invoke(app, ["metrics", "-w", str(workspace), "--engine", "spark"])
    assert result.exit_code == 2
    assert "karsta export" in result.output


@pytest.fixture
def paused_workspace(tmp_path: Path) -> Path:
    """Return a workspace with one ticket paused once over the Finnish Independence Day.

    Helsinki time (UTC+2): opened Thu 5 Dec 2024 14:00, resolved Mon 9 Dec 12:00, waiting
    for the customer Mon 09:00-10:00; its group was carried forward from Mon 08:30.
    """
    path = tmp_path / "paused.karsta"
    with karsta.open(path) as ws:
        desk = Desk(ws)
        desk.ticket(
            "P1",
            hki("2024-12-05 14:00"),
            resolved_at=hki("2024-12-09 12:00"),
            resolving_level=1,
            resolving_group="SD",
            resolving_group_carried_from=hki("2024-12-09 08:30"),
        )
        desk.pause("P1", hki("2024-12-09 09:00"), hki("2024-12-09 10:00"))
        desk.run("O2")
    return path


def test_explain_shows_the_gross_time_and_the_pauses_it_subtracted(paused_workspace: Path) -> None:
    args = [
        "explain",
        "O2",
        "P1",
        "-w",
        str(paused_workspace),
        "--service-hours",
        "mon-fri 08:00-16:00",
    ]
    out = invoke(*args)
    # Mon-Fri 08-16 with Finnish holidays: Thu 14-16 (2 h), Fri 6 Dec a holiday, Mon 08-12
    # (4 h): 6 h gross; the pause Mon 09-10 is 1 service hour: 5 h.
    assert "service hours before the pauses: 6.00" in out
    assert "service hours in pauses (subtracted): 1.00" in out
    pause = "2024-12-09 09:00:00 EET → 2024-12-09 10:00:00 EET (1.00 h)"
    assert f"pauses subtracted: {pause}" in " ".join(out.split())  # as wrapped at 80 columns
    assert "    hours: 5.00" in out
    # Without holidays Friday counts too: 2 + 8 + 4 = 14 h gross, 13 h.
    plain = invoke(*args, "--holidays", "none")
    assert "service hours before the pauses: 14.00" in plain
    assert "    hours: 13.00" in plain
    # The same lines in Finnish, numbers with a decimal comma.
    finnish = invoke(*args, "--lang", "fi")
    assert "palvelutunnit ennen taukojen vähentämistä: 6,00" in finnish
    assert "palvelutunnit tauoilla (vähennetään): 1,00" in finnish
    assert f"vähennetyt tauot: {pause.replace('1.00', '1,00')}" in " ".join(finnish.split())
    assert "gross_hours" not in finnish
    assert "pauses" not in finnish


def test_explain_shows_what_it_assumed(paused_workspace: Path) -> None:
    out = " ".join(invoke("explain", "O1", "P1", "-w", str(paused_workspace)).split())
    assert (
        "assumed: resolving group carried forward from the event at 2024-12-09 08:30:00 EET" in out
    )


def test_explain_of_an_unknown_ticket_fails(paused_workspace: Path) -> None:
    result = runner.invoke(app, ["explain", "O2", "NOPE", "-w", str(paused_workspace)])
    assert result.exit_code == 2
    assert "No ticket NOPE in the data." in result.output


def test_holidays_need_service_hours(paused_workspace: Path) -> None:
    result = runner.invoke(
        app, ["explain", "O2", "P1", "-w", str(paused_workspace), "--holidays", "SE"]
    )
    assert result.exit_code == 2
    assert "--service-hours" in result.output


def test_tables_and_csv_show_the_assumed_counts(paused_workspace: Path) -> None:
    table = " ".join(invoke("metrics", "-w", str(paused_workspace), "-m", "O1").split())
    assert "assumed" in table
    assert "resolving group carried forward from an earlier event" in table
    rows = list(
        csv.DictReader(
            io.StringIO(
                invoke("metrics", "-w", str(paused_workspace), "-m", "O1", "--format", "csv")
            )
        )
    )
    assert rows[0]["assumptions"] == (
        "resolving_group_carried_forward=1; resolving_level_unknown=0"
    )
