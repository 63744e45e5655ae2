"""Monthly series from the catalog's results and from the staffing table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from karsta.feedback.turnover import StaffTurnover, TurnoverRow
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.signals.series import catalog_series, turnover_series
from tests.metrics.conftest import Desk, desk, hki

__all__ = ["desk"]


def test_fcr_is_a_share_series_per_ticket_type_with_its_counts(desk: Desk) -> None:
    # March: incidents I1 (first contact) and I2 (level 2); request R1 (first contact).
    # April: incident I3 (first contact). S2 is always split by type.
    for ticket_id, day, first, kind in (
        ("I1", "2024-03-04", True, "incident"),
        ("I2", "2024-03-05", False, "incident"),
        ("R1", "2024-03-06", True, "request"),
        ("I3", "2024-04-04", True, "incident"),
    ):
        opened = hki(f"{day} 10:00")
        desk.ticket(
            ticket_id,
            opened,
            ticket_type=kind,
            resolved_at=opened + timedelta(minutes=10 if first else 600),
            status_class="resolved",
            resolving_level=1 if first else 2,
            reassignment_count=0,
            group_count=1,
            reopen_count=0,
        )
    desk.write()
    results = compute_metrics(desk.ws, MetricOptions(period="month"), metrics=["S2", "O2"])
    series = {s.key: s for s in catalog_series(results, ["2024-03", "2024-04"])}
    incidents = series["S2 share type=incident"]
    assert incidents.kind == "share"
    assert incidents.lower_is_better is False  # the card: higher is better
    assert incidents.values == [pytest.approx(50.0), pytest.approx(100.0)]
    assert [(p.hits, p.base) for p in incidents.points] == [(1, 2), (1, 1)]
    requests = series["S2 share type=request"]
    assert requests.periods == ["2024-03"]
    assert requests.missing == ["2024-04"]  # no request in April: listed, not zero
    # O2's headline is its mean: a continuous series, lower is better.
    assert series["O2 mean"].kind == "continuous"
    assert series["O2 mean"].lower_is_better is True


def _row(start: date, end: date, turnover: float | None) -> TurnoverRow:
    return TurnoverRow(start, end, None, 40, 2, 2, turnover, False)


def test_turnover_by_calendar_month_and_other_periods_listed() -> None:
    found = StaffTurnover(
        [
            _row(date(2024, 1, 1), date(2024, 1, 31), 5.0),
            _row(date(2024, 2, 1), date(2024, 3, 1), 7.5),  # exclusive end: a month too
            _row(date(2024, 3, 4), date(2024, 3, 17), 9.0),  # two weeks: not a month
        ]
    )
    (series,) = turnover_series(found, ["2024-01", "2024-02", "2024-03"])
    assert series.periods == ["2024-01", "2024-02"]
    assert series.values == [5.0, 7.5]
    assert series.missing == ["2024-03", "2024-03-04..2024-03-17"]
    assert series.lower_is_better is True


def test_no_staffing_no_turnover_series() -> None:
    assert turnover_series(StaffTurnover([], "the staffing table is empty"), ["2024-01"]) == []
