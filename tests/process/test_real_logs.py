"""The process views on the real logs against independent references.

Helpdesk log: PM4Py's directly-follows graph and variants. ServiceNow log: a plain
pandas reading of the file (events ordered by time, then sys_mod_count, then row).
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from karsta.process import ProcessAnalysis
from karsta.workspace import Workspace
from tests.process.conftest import HELPDESK, SERVICENOW


@pytest.fixture(scope="module")
def pm4py_log() -> Any:
    """Return the helpdesk CSV as PM4Py formats it (sorted by case and time, stable)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PM4Py's own deprecation warnings are not ours
        import pm4py

        frame = pd.read_csv(HELPDESK)
        return pm4py, pm4py.format_dataframe(
            frame,
            case_id="case:concept:name",
            activity_key="concept:name",
            timestamp_key="time:timestamp",
        )


def test_helpdesk_map_equals_pm4py_dfg(helpdesk: Workspace, pm4py_log: Any) -> None:
    pm4py, log = pm4py_log
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dfg, starts, ends = pm4py.discover_dfg(log)
    data = ProcessAnalysis(helpdesk).map(by="activity").to_dict()
    assert {(e["source"], e["target"]): e["count"] for e in data["edges"]} == dict(dfg)
    assert {s["id"]: s["cases"] for s in data["starts"]} == dict(starts)
    assert {e["id"]: e["cases"] for e in data["ends"]} == dict(ends)
    activities = log["concept:name"]
    assert {n["id"]: n["events"] for n in data["nodes"]} == activities.value_counts().to_dict()
    assert len(dfg) == 55


def test_helpdesk_variants_equal_pm4py(helpdesk: Workspace, pm4py_log: Any) -> None:
    pm4py, log = pm4py_log
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = pm4py.get_variants(log)
    result = ProcessAnalysis(helpdesk).variants(top=None)
    got = dict(zip(result.activities(), result.table["cases"].to_pylist(), strict=True))
    assert got == {tuple(k): v for k, v in expected.items()}
    assert result.total_variants == len(expected) == 226
    assert result.total_cases == 4_580


@pytest.fixture(scope="module")
def servicenow_rows() -> pd.DataFrame:
    """Return the ServiceNow events in ticket order: time, then sys_mod_count, then file row."""
    raw = pd.read_csv(SERVICENOW, na_values=["?"], keep_default_na=False, low_memory=False)
    raw["row"] = range(len(raw))
    local = pd.to_datetime(raw["sys_updated_at"], format="%d/%m/%Y %H:%M")
    raw["t"] = local.dt.tz_localize(
        "Europe/Helsinki", ambiguous="NaT", nonexistent="NaT"
    ).dt.tz_convert("UTC")
    raw["local"] = local
    return raw.sort_values(["number", "local", "sys_mod_count", "row"], kind="stable")


def test_servicenow_status_map_equals_pandas(
    servicenow: Workspace, servicenow_rows: pd.DataFrame
) -> None:
    rows = servicenow_rows
    by_ticket = rows.groupby("number", sort=False)
    moves = pd.DataFrame(
        {
            "source": rows["incident_state"],
            "target": by_ticket["incident_state"].shift(-1),
            "ticket": rows["number"],
            "wait": (by_ticket["t"].shift(-1) - rows["t"]).dt.total_seconds(),
        }
    ).dropna(subset=["target"])
    expected = moves.groupby(["source", "target"]).agg(
        count=("ticket", "size"), cases=("ticket", "nunique")
    )
    data = ProcessAnalysis(servicenow).map(by="status").to_dict()
    got = pd.DataFrame(data["edges"]).set_index(["source", "target"])
    pd.testing.assert_frame_equal(
        got[["count", "cases"]].sort_index(), expected.sort_index(), check_dtype=False
    )
    # Waits: only edges with no event in an hour that DST skips or repeats.
    clear = moves.dropna(subset=["wait"]).groupby(["source", "target"])
    dirty = set(moves[moves["wait"].isna()].set_index(["source", "target"]).index)
    waits = clear["wait"].agg(["mean", "median"])
    for key, row in waits.iterrows():
        if key in dirty:
            continue
        assert got.loc[key, "wait_mean_s"] == pytest.approx(row["mean"], rel=1e-9), key
        assert got.loc[key, "wait_median_s"] == pytest.approx(row["median"], rel=1e-9), key
    assert len(waits) - len(dirty) > 30


def test_servicenow_group_handoffs_equal_pandas(
    servicenow: Workspace, servicenow_rows: pd.DataFrame
) -> None:
    known = servicenow_rows.dropna(subset=["assignment_group"])
    following = known.groupby("number", sort=False)["assignment_group"].shift(-1)
    passed = known[following.notna() & (following != known["assignment_group"])]
    expected = (
        pd.DataFrame(
            {
                "source": passed["assignment_group"],
                "target": following[passed.index],
                "ticket": passed["number"],
            }
        )
        .groupby(["source", "target"])
        .agg(count=("ticket", "size"), tickets=("ticket", "nunique"))
        .sort_index()
    )
    result = ProcessAnalysis(servicenow).handoffs(by="group")
    got = pd.DataFrame(result.to_dict()["network"]).set_index(["source", "target"])
    pd.testing.assert_frame_equal(
        got[["count", "tickets"]].sort_index(), expected, check_dtype=False
    )
    assert result.summary["handoffs"] == len(passed)
    assert result.summary["tickets_with_handoff"] == passed["number"].nunique()


def _expected_period(opened: pd.Series) -> dict[str, Any]:
    """Return the observed period the module docstring of karsta.process.period describes.

    Months (UTC) with at least 25 % of the busiest month's opened tickets are complete;
    the period runs from the first to the last complete month, cut at the first
    (last) ticket's day where that month is the log's own first (last) month.
    """
    months = opened.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    volume = months.value_counts().sort_index()
    complete = volume[volume >= 0.25 * volume.max()].index
    first, last = complete.min(), complete.max()
    day = opened.dt.tz_convert("UTC").dt.floor("D")
    start = day.min() if first == volume.index.min() else first.to_timestamp().tz_localize("UTC")
    end = (
        day.max() + pd.Timedelta(days=1)
        if last == volume.index.max()
        else (last + 1).to_timestamp().tz_localize("UTC")
    )
    every = pd.period_range(volume.index.min(), volume.index.max(), freq="M")
    counts = volume.reindex(every, fill_value=0)
    inside = counts[(counts.index > first) & (counts.index < last)]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "tickets": int(((opened >= start) & (opened < end)).sum()),
        "tickets_selected": len(opened),
        "thin_months_inside": [str(m) for m in inside[inside < 0.25 * volume.max()].index],
    }


def _waste_json(ws: Workspace) -> dict[str, Any]:
    from typer.testing import CliRunner

    from karsta.cli.main import app

    result = CliRunner().invoke(app, ["waste", "-w", str(ws.path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _waste_table(ws: Workspace) -> str:
    from typer.testing import CliRunner

    from karsta.cli.main import app

    result = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["waste", "-w", str(ws.path)])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


def test_servicenow_waste_is_scaled_from_the_complete_months(
    servicenow: Workspace, servicenow_rows: pd.DataFrame
) -> None:
    # Opened times from the file's own opened_at column (Helsinki time), one per incident;
    # an hour DST skips or repeats falls inside a month either way.
    first = servicenow_rows.drop_duplicates("number")
    local = pd.to_datetime(first["opened_at"], format="%d/%m/%Y %H:%M")
    opened = local.dt.tz_localize(
        "Europe/Helsinki", ambiguous=np.zeros(len(local), dtype=bool), nonexistent="shift_forward"
    ).dt.tz_convert("UTC")
    expected = _expected_period(opened)
    period = _waste_json(servicenow)["period"]
    got = {k: period[k] for k in expected}
    assert got == expected
    assert (period["start"][:10], period["end"][:10]) == ("2016-03-01", "2016-06-01")
    assert period["days"] == 92.0
    table = _waste_table(servicenow)
    assert "scaled to a year from 92 days, 2016-03-01 to 2016-05-31 (UTC)" in table
    assert "less than a year" in table
    outside = period["tickets_selected"] - period["tickets"]
    assert f"{outside} tickets" in table
    assert "opened outside the period are left out" in table


def test_helpdesk_waste_is_scaled_from_the_complete_months_and_warns(helpdesk: Workspace) -> None:
    frame = pd.read_csv(HELPDESK)
    opened = (
        pd.to_datetime(frame["time:timestamp"], utc=True).groupby(frame["case:concept:name"]).min()
    )
    expected = _expected_period(opened)
    data = _waste_json(helpdesk)
    period = data["period"]
    assert {k: period[k] for k in expected} == expected
    assert len(expected["thin_months_inside"]) > 0
    table = _waste_table(helpdesk)
    assert f"scaled to a year from {period['days']:,.0f} days" in table  # grouped: 1,397
    assert "may be incomplete there" in table
    # The event-log preset maps no groups or levels: those figures say what to map.
    needs = {n["needs"].split(" ")[0] for n in data["not_computed"]}
    assert needs >= {"group", "level"}
    # Status classes: the import infers them from the activity names (Wait, Resolve ticket,
    # RESOLVED, Closed), so waiting and customer time are figures, and plausible ones:
    # some waiting, not all.
    analysis = ProcessAnalysis(helpdesk)
    assert analysis.holds.status_classes
    assert "status_classes" not in needs
    waiting = analysis.waiting().to_dict()
    assert 0 < waiting["overall"]["waiting_share"] < 1
    assert data["headline"]["customer_waiting_hours_per_year"] > 0


def test_helpdesk_waiting_share_equals_pandas(helpdesk: Workspace) -> None:
    """Waiting against working on the helpdesk log, from the words of `process waiting`.

    A stay is an event until the ticket's next event (time, then file row). The import
    infers Wait as waiting, Resolve ticket and RESOLVED as resolved and Closed as
    closed; every other status is work. Time after a resolution or a closing is left
    out, and a ticket counts when it has a stay before then (Case74 is resolved at
    its first event: every stay of it comes after). The share is waiting / (waiting
    + working).
    """
    classes = {"Wait": "waiting", "Resolve ticket": "after", "RESOLVED": "after", "Closed": "after"}
    events = pd.read_csv(HELPDESK)
    events["ts"] = pd.to_datetime(events["time:timestamp"], utc=True, format="ISO8601")
    events["row"] = range(len(events))
    events = events.sort_values(["case:concept:name", "ts", "row"], kind="stable")
    events["until"] = events.groupby("case:concept:name")["ts"].shift(-1)
    stays = events.dropna(subset=["until"])
    kind = stays["concept:name"].map(classes).fillna("working")
    seconds = (stays["until"] - stays["ts"]).dt.total_seconds().groupby(kind).sum()

    overall = ProcessAnalysis(helpdesk).waiting().to_dict()["overall"]
    before = stays[kind != "after"]
    assert overall["tickets"] == before["case:concept:name"].nunique()
    assert overall["waiting_s"] == seconds["waiting"]
    assert overall["working_s"] == seconds["working"]
    share = seconds["waiting"] / (seconds["waiting"] + seconds["working"])
    assert overall["waiting_share"] == pytest.approx(share, rel=1e-12)
