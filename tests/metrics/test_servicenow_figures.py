"""Metric figures on the real ServiceNow log against a plain pandas reading of the raw file.

The expected side reads the CSV with pandas only, following the data set's
README: `?` is missing, times are d/m/yyyy HH:MM Helsinki wall-clock time,
events of an incident are ordered by time and then by sys_mod_count, the last
row of an incident gives its final state, and reopen_count and
reassignment_count are cumulative counters. Nothing from karsta is used there.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.workspace import Workspace
from tests.metrics.conftest import SERVICENOW

pytestmark = pytest.mark.slow

FORMAT = "%d/%m/%Y %H:%M"
CHANNELS = {
    "Phone": "phone",
    "Email": "email",
    "Self service": "portal",
    "IVR": "ivr",
    "Direct opening": "walk-in",
}
"""The import preset's names for the log's contact types."""


# --- the expected side: pandas on the raw file ---------------------------------------------


def helsinki(text: pd.Series) -> pd.Series:
    """Return d/m/yyyy HH:MM Helsinki wall-clock texts as UTC instants.

    One opening time (INC0011533) lies in the hour skipped when summer time
    starts; it is read with the winter offset, i.e. moved an hour forward.
    No time of the log falls in the repeated autumn hour.
    """
    naive = pd.to_datetime(text, format=FORMAT)
    local = naive.dt.tz_localize(
        "Europe/Helsinki", nonexistent=pd.Timedelta(hours=1), ambiguous="raise"
    )
    return local.dt.tz_convert("UTC")


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    """Return one row per incident with the facts the figures need."""
    raw = pd.read_csv(SERVICENOW, na_values=["?"], keep_default_na=False, low_memory=False)
    raw["updated"] = pd.to_datetime(raw["sys_updated_at"], format=FORMAT)
    raw = raw.sort_values(["number", "updated", "sys_mod_count"], kind="stable")
    last = raw.groupby("number").tail(1).set_index("number")

    # Resolution time: resolved_at (the same on every row of an incident). 1,556 incidents
    # lack it; for them take the update that began their final stay in Resolved or Closed
    # (mostly incidents logged directly as Resolved).
    done = raw["incident_state"].isin(["Resolved", "Closed"])
    before = done.groupby(raw["number"]).shift(1, fill_value=False)
    stay_starts = raw[done & ~before].groupby("number")["sys_updated_at"].last()
    resolved_text = last["resolved_at"].fillna(stay_starts)

    frame = pd.DataFrame(
        {
            "opened": helsinki(last["opened_at"]),
            "resolved": helsinki(resolved_text),
            "resolved_month": pd.to_datetime(resolved_text, format=FORMAT).dt.strftime("%Y-%m"),
            "opened_month": pd.to_datetime(last["opened_at"], format=FORMAT).dt.strftime("%Y-%m"),
            "has_resolved_at": last["resolved_at"].notna(),
            "reopen_count": last["reopen_count"],
            "reassignment_count": last["reassignment_count"],
            "agents": raw.groupby("number")["assigned_to"].nunique(),
            "groups": raw.groupby("number")["assignment_group"].nunique(),
            "channel": last["contact_type"].map(CHANNELS),
        }
    )
    frame["hours"] = (frame["resolved"] - frame["opened"]).dt.total_seconds() / 3600
    return frame


# --- the product's side: compute_metrics and its JSON records --------------------------------


def records(ws: Workspace, options: MetricOptions, metrics: list[str]) -> list[dict[str, Any]]:
    """Return the figures as the JSON output contract carries them."""
    document = compute_metrics(ws, options, metrics=metrics).to_json_document()
    result: list[dict[str, Any]] = json.loads(json.dumps(document))["metrics"]
    return result


def one(found: list[dict[str, Any]], metric: str, statistic: str, **match: Any) -> dict[str, Any]:
    """Return the one record of a metric and statistic with the given period and group."""
    period, group = match.get("period"), match.get("group", {})
    rows = [
        r
        for r in found
        if (r["id"], r["statistic"], r["period"], r["group"]) == (metric, statistic, period, group)
    ]
    assert len(rows) == 1, (metric, statistic, match, len(rows))
    return rows[0]


@pytest.fixture(scope="module")
def whole_range(servicenow_workspace: Workspace) -> list[dict[str, Any]]:
    """Return the figures over the whole log (no periods)."""
    return records(servicenow_workspace, MetricOptions(period=None), ["I10", "I2", "O2", "I4"])


@pytest.fixture(scope="module")
def monthly(servicenow_workspace: Workspace) -> list[dict[str, Any]]:
    """Return the figures per Helsinki calendar month."""
    return records(servicenow_workspace, MetricOptions(period="month"), ["O2", "I4"])


# --- the comparisons -----------------------------------------------------------------------


def test_population_is_every_incident(
    incidents: pd.DataFrame, whole_range: list[dict[str, Any]]
) -> None:
    # Every incident ends Closed, so every one has a resolution and none is before its opening.
    assert incidents["resolved"].notna().all()
    assert (incidents["hours"] >= 0).all()
    for metric, statistic in (("I10", "share"), ("I2", "reassigned_share"), ("O2", "mean")):
        figure = one(whole_range, metric, statistic)
        assert (figure["n"], figure["excluded"]) == (len(incidents), 0) == (24_918, 0)


def test_reopened_share(incidents: pd.DataFrame, whole_range: list[dict[str, Any]]) -> None:
    reopened = int((incidents["reopen_count"] > 0).sum())
    figure = one(whole_range, "I10", "share")
    assert (figure["numerator"], figure["denominator"]) == (reopened, len(incidents))
    assert figure["value"] == pytest.approx(100 * reopened / len(incidents), rel=1e-12)


def test_reassigned_share(incidents: pd.DataFrame, whole_range: list[dict[str, Any]]) -> None:
    reassigned = int((incidents["reassignment_count"] > 0).sum())
    figure = one(whole_range, "I2", "reassigned_share")
    assert (figure["numerator"], figure["denominator"]) == (reassigned, len(incidents))
    assert figure["value"] == pytest.approx(100 * reassigned / len(incidents), rel=1e-12)


def test_distinct_agents_and_groups(
    incidents: pd.DataFrame, whole_range: list[dict[str, Any]]
) -> None:
    # Distinct non-missing assigned_to and assignment_group over all of an incident's rows,
    # as the tickets' agent_count and group_count are defined. The spec says "before it was
    # resolved": 16 incidents gain an agent and 27 a group after their final resolution, so
    # counting only rows up to it would give 1.10868 agents and 1.55037 groups (vs 1.10932
    # and 1.55145).
    agents = one(whole_range, "I2", "agents_mean")
    groups = one(whole_range, "I2", "groups_mean")
    assert agents["value"] == pytest.approx(incidents["agents"].mean(), rel=1e-12)
    assert groups["value"] == pytest.approx(incidents["groups"].mean(), rel=1e-12)
    assert agents["numerator"] == incidents["agents"].sum()
    assert one(whole_range, "I2", "agents_median")["value"] == np.percentile(
        incidents["agents"], 50
    )


def test_hours_to_resolve(incidents: pd.DataFrame, whole_range: list[dict[str, Any]]) -> None:
    hours = incidents["hours"]
    assert one(whole_range, "O2", "mean")["value"] == pytest.approx(hours.mean(), rel=1e-12)
    assert one(whole_range, "O2", "median")["value"] == pytest.approx(np.percentile(hours, 50))
    assert one(whole_range, "O2", "p90")["value"] == pytest.approx(np.percentile(hours, 90))
    assert one(whole_range, "O2", "mean")["unit"] == "hours"


def test_median_differs_from_the_readme_by_the_derived_resolutions(
    incidents: pd.DataFrame, whole_range: list[dict[str, Any]]
) -> None:
    """The data set's README gives a median of 22.1 h over incidents that record resolved_at.

    Karsta also measures the 1,556 incidents without it, from the update that began their
    final resolved stay; most were logged directly as Resolved (0 h), so its median is lower.
    """
    recorded = incidents.loc[incidents["has_resolved_at"], "hours"]
    assert len(recorded) == 23_362
    assert np.percentile(recorded, 50) == pytest.approx(22.1)
    derived = incidents.loc[~incidents["has_resolved_at"], "hours"]
    assert np.percentile(derived, 50) == 0.0
    assert one(whole_range, "O2", "median")["value"] < 22.1


def test_channel_volumes(incidents: pd.DataFrame, whole_range: list[dict[str, Any]]) -> None:
    counts = incidents["channel"].value_counts()
    assert counts.sum() == len(incidents)  # every incident has a contact type
    shown = {r["group"]["channel"] for r in whole_range if r["id"] == "I4"}
    assert shown == set(counts.index)
    for channel, count in counts.items():
        group = {"channel": channel}
        assert one(whole_range, "I4", "count", group=group)["value"] == count
        share = one(whole_range, "I4", "share", group=group)
        assert (share["numerator"], share["denominator"]) == (count, len(incidents))
        assert share["value"] == pytest.approx(100 * count / len(incidents), rel=1e-12)


def test_hours_to_resolve_by_helsinki_month(
    incidents: pd.DataFrame, monthly: list[dict[str, Any]]
) -> None:
    # The month of the resolution in Helsinki time is the month of the wall-clock text.
    expected = incidents.groupby("resolved_month")["hours"]
    months = {r["period"] for r in monthly if r["id"] == "O2"}
    assert months == set(expected.groups)
    for month, hours in expected:
        mean = one(monthly, "O2", "mean", period=month)
        assert mean["n"] == len(hours), month
        assert mean["value"] == pytest.approx(hours.mean(), rel=1e-12), month
        median = one(monthly, "O2", "median", period=month)
        assert median["value"] == pytest.approx(np.percentile(hours, 50)), month
        p90 = one(monthly, "O2", "p90", period=month)
        assert p90["value"] == pytest.approx(np.percentile(hours, 90)), month


def test_channel_volumes_by_helsinki_month(
    incidents: pd.DataFrame, monthly: list[dict[str, Any]]
) -> None:
    expected = incidents.groupby(["opened_month", "channel"]).size()
    got = {
        (r["period"], r["group"]["channel"]): r["value"]
        for r in monthly
        if r["id"] == "I4" and r["statistic"] == "count"
    }
    assert got == {key: float(count) for key, count in expected.items()}
    totals = incidents.groupby("opened_month").size()
    for (month, channel), count in expected.items():
        share = one(monthly, "I4", "share", period=month, group={"channel": channel})
        assert share["value"] == pytest.approx(100 * count / totals[month], rel=1e-12)
