"""The process views on the real logs against independent references.

Helpdesk log: PM4Py's directly-follows graph and variants. ServiceNow log: a plain
pandas reading of the file (events ordered by time, then sys_mod_count, then row).
"""

from __future__ import annotations

import warnings
from typing import Any

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
