"""Waits in service hours: by hand, and against the calendar's own clock across DST."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa
import pytest

from karsta.calendar import ServiceCalendar
from karsta.process import ProcessAnalysis
from karsta.process.filters import ProcessFilters
from karsta.process.service_time import clock_segments
from karsta.workspace import Workspace
from tests.process.fixtures import HOUR

OFFICE = ServiceCalendar.parse("mon-fri 08:00-16:00", holidays=None, timezone="UTC")


def test_map_waits_in_service_hours(log_workspace: Callable[..., Workspace]) -> None:
    # Mon 00:00 New, Mon 10:00 Active, Tue 09:00 Resolved, Sat 09:00 Closed.
    ws = log_workspace(
        [
            ("S", 0, "New", "G1", "a1", 1),
            ("S", 10, "Active", "G1", "a1", 1),
            ("S", 33, "Resolved", "G1", "a1", 1),
            ("S", 129, "Closed", "G1", "a1", 1),
        ]
    )
    result = ProcessAnalysis(ws, calendar=OFFICE).map()
    waits = {(e["source"], e["target"]): e for e in result.to_dict()["edges"]}
    assert waits["New", "Active"]["service_wait_mean_s"] == 2 * HOUR  # 08–10
    assert waits["New", "Active"]["wait_mean_s"] == 10 * HOUR
    assert waits["Active", "Resolved"]["service_wait_median_s"] == 7 * HOUR  # 10–16, 08–09
    assert waits["Resolved", "Closed"]["service_wait_total_s"] == 31 * HOUR  # 7 + 3 × 8
    assert result.service_hours == OFFICE.describe()


def test_collapsed_map_and_waste_count_service_hours(
    log_workspace: Callable[..., Workspace],
) -> None:
    # Mon 00:00 New, Mon 10:00 Active, Mon 12:00 Active again (collapsed into one stay),
    # Tue 09:00 Resolved: the Active stay runs Mon 10:00 → Tue 09:00, in service hours
    # 10–16 and 08–09 = 7 h, as in the uncollapsed map above.
    ws = log_workspace(
        [
            ("S", 0, "New", "G1", "a1", 1),
            ("S", 10, "Active", "G1", "a1", 1),
            ("S", 12, "Active", "G1", "a1", 1),
            ("S", 33, "Resolved", "G1", "a1", 1),
        ]
    )
    analysis = ProcessAnalysis(ws, calendar=OFFICE)
    collapsed = analysis.map(collapse_repeats=True).to_dict()["edges"]
    waits = {(e["source"], e["target"]): e for e in collapsed}
    assert waits["Active", "Resolved"]["service_wait_total_s"] == 7 * HOUR
    assert waits["Active", "Resolved"]["wait_total_s"] == 23 * HOUR
    assert analysis.waste().period.tickets == 1  # the waste reads the same collapsed map


def test_service_hours_on_a_filtered_log(log_workspace: Callable[..., Workspace]) -> None:
    # Group G2's ticket T only: Mon 00:00 New, Mon 10:00 Active (2 service hours, 08–10).
    # A limited user's map (tickets kept by a semi-join) counts the same service time.
    ws = log_workspace(
        [
            ("S", 0, "New", "G1", "a1", 1),
            ("S", 12, "Active", "G1", "a1", 1),
            ("T", 0, "New", "G2", "a2", 1),
            ("T", 10, "Active", "G2", "a2", 1),
        ]
    )
    only_t = ProcessFilters(ticket_attributes={"ticket_id": ("T",)})
    result = ProcessAnalysis(ws, calendar=OFFICE, filters=only_t).map(collapse_repeats=True)
    (edge,) = result.to_dict()["edges"]
    assert (edge["source"], edge["target"], edge["count"]) == ("New", "Active", 1)
    assert edge["service_wait_total_s"] == 2 * HOUR
    assert edge["wait_total_s"] == 10 * HOUR


def test_segments_agree_with_the_calendar_across_dst() -> None:
    """B(t) from the segments equals the calendar's clock at random moments of 2024."""
    calendar = ServiceCalendar.parse("mon-fri 08:00-16:00; lunch 11:30-12:00", holidays="FI")
    first, last = date(2024, 3, 1), date(2024, 11, 30)
    segments = clock_segments(calendar, first, last)
    rng = np.random.default_rng(5)
    lo = datetime(2024, 3, 1, tzinfo=UTC).timestamp()
    hi = datetime(2024, 11, 30, tzinfo=UTC).timestamp()
    moments = np.sort(rng.uniform(lo, hi, 2000).astype("int64") * 1_000_000)
    starts = segments["segment_start"].cast(pa.int64()).to_numpy()  # µs
    index = np.searchsorted(starts, moments, side="right") - 1
    into = (moments - starts[index]) / 1e6
    clock = segments["service_before_s"].to_numpy()[index] + np.minimum(
        into, segments["open_s"].to_numpy()[index]
    )
    expected = calendar.cumulative_seconds(
        pa.array(moments, pa.timestamp("us", "UTC")), origin=first
    )
    np.testing.assert_allclose(clock, expected, atol=1e-6)
    assert max(segments["open_s"].to_pylist()) == pytest.approx(4 * HOUR)  # 12:00–16:00


def test_service_hours_of_tickets_filtered_by_opening(
    log_workspace: Callable[..., Workspace],
) -> None:
    # The same ticket as above, kept by an opening bound: the filtered log joins the clock
    # too (the waste findings filter by the observed period and use the settings' hours).
    ws = log_workspace(
        [
            ("S", 0, "New", "G1", "a1", 1),
            ("S", 10, "Active", "G1", "a1", 1),
            ("S", 33, "Resolved", "G1", "a1", 1),
        ]
    )
    kept = ProcessFilters(opened_from=datetime(2024, 1, 1, tzinfo=UTC))
    result = ProcessAnalysis(ws, calendar=OFFICE, filters=kept).map()
    waits = {(e["source"], e["target"]): e for e in result.to_dict()["edges"]}
    assert waits["New", "Active"]["service_wait_mean_s"] == 2 * HOUR  # 08–10
    assert waits["Active", "Resolved"]["service_wait_mean_s"] == 7 * HOUR  # 10–16, 08–09
