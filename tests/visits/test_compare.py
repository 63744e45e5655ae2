"""Two weeks compared: walk-in service before, appointments after (hand-built visits).

Week A (2016-08-29): five walk-ins waiting 10, 20, 30, 40, 50 min, 15 min of service
each; four appointments, one not coming. Week B (2016-09-05): three walk-ins waiting
5, 10, 15 min; eight appointments served after 2, 4, 6, 8, 2, 4, 6, 8 min, and two
not coming.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from scipy import stats

from karsta.i18n import Message
from karsta.visits.compare import compare_visits
from karsta.visits.population import VisitFilters
from karsta.workspace import Workspace
from tests.visits.conftest import insert_visits, utc
from tests.visits.test_measures import wilson_by_hand


def visit(name: str, kind: str, at: datetime, wait: float | None, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"visit_id": name, "kind": kind, "office": "A", **extra}
    if kind == "appointment":
        row.update(booked_at=at - timedelta(days=3), scheduled_at=at)
    if wait is not None:
        start = at + timedelta(minutes=wait)
        row.update(
            arrived_at=at,
            service_started_at=start,
            service_ended_at=start + timedelta(minutes=15),
            no_show=False if kind == "appointment" else None,
        )
    else:
        row["no_show"] = True
    return row


def weeks() -> list[dict[str, Any]]:
    a, b = utc("2016-08-29 09:00"), utc("2016-09-05 09:00")
    rows = [visit(f"aw{i}", "walk-in", a, w) for i, w in enumerate([10, 20, 30, 40, 50])]
    rows += [visit(f"aa{i}", "appointment", a, w) for i, w in enumerate([None, 3, 3, 3])]
    rows += [visit(f"bw{i}", "walk-in", b, w) for i, w in enumerate([5, 10, 15])]
    rows += [
        visit(f"ba{i}", "appointment", b, w)
        for i, w in enumerate([2, 4, 6, 8, 2, 4, 6, 8, None, None])
    ]
    return rows


@pytest.fixture
def comparison(workspace: Workspace) -> Any:
    insert_visits(workspace, weeks())
    return compare_visits(
        workspace,
        VisitFilters(last_day=date(2016, 8, 31)),
        VisitFilters(first_day=date(2016, 9, 1)),
        label_a=Message("before"),
        label_b=Message("after"),
    )


def test_mean_wait_with_t_intervals_and_welch(comparison: Any) -> None:
    walk_in = comparison.figure("waiting_time", "walk-in", "mean")
    # A: mean 30, s = √250, t(0.975, 4) = 2.776; B: mean 10, s = 5, t(0.975, 2).
    t4, t2 = stats.t.ppf(0.975, 4), stats.t.ppf(0.975, 2)
    assert walk_in.a.value == 30
    assert walk_in.a.low == pytest.approx(30 - t4 * math.sqrt(250 / 5))
    assert walk_in.b.high == pytest.approx(10 + t2 * 5 / math.sqrt(3))
    assert walk_in.difference == pytest.approx(-20)
    assert walk_in.test == "Welch's t test"
    assert walk_in.low < -20 < walk_in.high
    assert 0 < walk_in.p_value < 1


def test_medians_with_order_statistic_intervals(comparison: Any) -> None:
    everyone = comparison.figure("waiting_time", "all", "median")
    # A: 3, 3, 3, 10, 20, 30, 40, 50 → median (10 + 20) / 2 = 15; B: 2, 2, 4, 4, 5, 6, 6,
    # 8, 8, 10, 15 → 6.
    assert (everyone.a.value, everyone.b.value) == (15, 6)
    assert everyone.difference == -9
    assert everyone.test == "Mann–Whitney U test"
    # Five values cannot give a 95 % order-statistic interval (the widest covers 93.75 %).
    five = comparison.figure("waiting_time", "walk-in", "median")
    assert five.a.low is None
    assert five.a.value == 30


def test_no_show_rates_with_wilson_and_a_test(comparison: Any) -> None:
    no_show = comparison.figure("no_show_rate", "appointment", "share")
    assert (no_show.a.value, no_show.b.value) == (0.25, 0.2)
    assert (no_show.a.low, no_show.a.high) == pytest.approx(wilson_by_hand(1, 4))
    assert (no_show.b.low, no_show.b.high) == pytest.approx(wilson_by_hand(2, 10))
    assert no_show.difference == pytest.approx(-0.05)
    assert no_show.test == "Fisher's exact test"  # expected counts under 5


def test_figures_the_data_cannot_give_say_so(comparison: Any) -> None:
    late = comparison.figure("late_cancel_rate", "appointment", "share")
    assert late.difference is None
    assert late.not_computed == "the data records no cancellation times"
    assert comparison.figure("other_channel_share", "all", "share").not_computed is not None


def test_drivers_of_both_sides_and_json(comparison: Any) -> None:
    data = comparison.to_dict()
    assert data["drivers"]["a"]["overall"]["appointments"] == 4
    assert data["drivers"]["b"]["overall"]["no_shows"] == 2
    assert data["generated"] is False
    assert {f["statistic"] for f in data["figures"]} == {"mean", "median", "share"}


def test_equal_values_are_compared_without_a_test(comparison: Any) -> None:
    service = comparison.figure("service_time", "all", "mean")
    # Every service took 15 min on both sides: difference 0, nothing to test.
    assert (service.a.value, service.b.value, service.difference) == (15, 15, 0)
    assert service.p_value is None
    assert service.not_computed == "no test: every value on one side is the same"
