"""Every figure carries its statistic's unit: the whole catalog on the real ServiceNow log.

A share is a percent whatever the metric measures, a count is a count, an age in
days is days, and a mean or quantile is in the unit of what it averages (the
metric's clock for durations). The rule is the test's own, by statistic name.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from karsta.calendar import ServiceCalendar
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.metrics.registry import catalog
from karsta.workspace import Workspace

DURATIONS = {"O2", "I7"}
AGE_BUCKET = re.compile(r"age_(\d+_\d+|over_\d+)d")


def expected_unit(metric_id: str, statistic: str, clock: str) -> str:
    """Return the unit a figure must carry, from what its statistic is."""
    share = statistic == "share" or statistic.startswith("share_") or statistic.endswith("_share")
    if share or AGE_BUCKET.fullmatch(statistic):  # an age bucket is a share of the open tickets
        return "percent"
    if statistic == "count":
        return "count"
    if statistic == "abandon_rate":
        return "percent"
    if statistic == "asa" or metric_id == "I6":  # waits and handling times of contacts
        return "seconds"
    if statistic == "age_mean_days":
        return "days"
    if metric_id in DURATIONS and statistic in ("mean", "median", "p90"):
        return clock
    if metric_id == "I2":  # agents or groups per ticket
        return "count"
    if metric_id == "I3":
        return "ratio"
    if metric_id == "I1":
        return "euros"
    raise AssertionError(f"no unit rule for {metric_id} {statistic}")


def run(workspace: Workspace, **options: Any) -> list[dict[str, Any]]:
    everything = MetricOptions(
        period="month",
        resolve_target_hours=24.0,
        workaround_codes=frozenset({"Solved (Work Around)"}),
        desk_resolvable_categories=frozenset({"Category 26", "Category 53"}),
        **options,
    )
    return compute_metrics(workspace, everything).records()


@pytest.mark.parametrize("clock", ["hours", "service_hours"])
def test_every_row_carries_its_statistics_unit(servicenow_workspace: Workspace, clock: str) -> None:
    calendar = ServiceCalendar.parse("mon-fri 08:00-16:00") if clock == "service_hours" else None
    records = run(servicenow_workspace, service_calendar=calendar)
    seen = {(r["id"], r["statistic"]) for r in records}
    computed = {
        d.id
        for d in catalog().values()
        if d.function is not None and "surveys" not in d.card.requires
    }
    # No costs (I1), no contacts (S1, S3, I6) and no survey answers in the log.
    assert {metric_id for metric_id, _ in seen} == computed - {"I1", "S1", "S3", "I6"}
    for record in records:
        unit = expected_unit(record["id"], record["statistic"], clock)
        assert record["unit"] == unit, (record["id"], record["statistic"], record["unit"])
        # A share of the population lies in 0–100 %; closed or open tickets as a share
        # of those received in the period can pass 100 %.
        if unit == "percent" and record["statistic"] != "share_of_received":
            assert record["value"] is None or 0.0 <= record["value"] <= 100.0
        if unit == "count" and record["statistic"] == "count":
            assert float(record["value"]).is_integer()


def test_the_mislabelled_figures(servicenow_workspace: Workspace) -> None:
    records = run(servicenow_workspace)
    units = {(r["id"], r["statistic"]): r["unit"] for r in records}
    # O2's share over target was labelled hours, I4's and O3's counts percent and count.
    assert units["O2", "share_over_target"] == "percent"
    assert units["O2", "mean"] == "hours"
    assert units["I4", "count"] == "count"
    assert units["I4", "share"] == "percent"
    assert units["O3", "age_1_7d"] == "percent"
    assert units["O3", "age_mean_days"] == "days"
    over = next(
        r
        for r in records
        if (r["id"], r["statistic"], r["period"]) == ("O2", "share_over_target", "2016-03")
    )
    assert over["value"] == pytest.approx(100 * over["numerator"] / over["denominator"])
