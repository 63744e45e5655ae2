"""Each visit measure on the hand-built office day (tests/visits/office.py).

Every expected figure is worked out in the comment beside it from the visits' times.
"""

from __future__ import annotations

import math

import pytest

from karsta.visits import VisitFilters, VisitOptions, measure_visits
from karsta.visits.measures import NOT_CONFIGURED, wilson
from karsta.workspace import Workspace
from tests.visits.conftest import insert_visits
from tests.visits.office import OFFICE_DAY

Z = 1.959963984540054


def wilson_by_hand(hits: int, n: int) -> tuple[float, float]:
    """Wilson's score interval written out: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    p = hits / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


@pytest.fixture
def office(workspace: Workspace) -> Workspace:
    insert_visits(workspace, OFFICE_DAY)
    return workspace


def reasons(items: tuple[object, ...]) -> dict[str, int]:
    return {str(item.reason): item.count for item in items}  # type: ignore[attr-defined]


def test_waiting_time_is_arrival_to_service_start(office: Workspace) -> None:
    m = measure_visits(office)
    # Came: a1 (9:55→10:05 = 10), a3 (12:00→12:10 = 10), w1 (9:00→9:30 = 30),
    # w3 (10:00→10:40 = 40); a5 has no arrival, w2 starts 5 min before arriving.
    # a2 (no-show) and a4 (cancelled) did not come: no wait to measure.
    everyone = m.duration("waiting_time")
    assert everyone.n == 4
    assert everyone.mean == pytest.approx((10 + 10 + 30 + 40) / 4)
    assert everyone.median == pytest.approx(20.0)
    # p90 interpolated between the sorted values 10, 10, 30, 40: position 0.9·3 = 2.7.
    assert everyone.p90 == pytest.approx(30 + 0.7 * 10)
    assert reasons(everyone.exclusions) == {
        "arrival time missing": 1,
        "service started before arrival": 1,
    }
    walk_in = m.duration("waiting_time", "walk-in")
    assert (walk_in.n, walk_in.mean, walk_in.median) == (2, 35.0, 35.0)
    assert reasons(walk_in.exclusions) == {"service started before arrival": 1}
    appointment = m.duration("waiting_time", "appointment")
    assert (appointment.n, appointment.mean) == (2, 10.0)


def test_lateness_only_for_appointments_with_a_time_of_day(office: Workspace) -> None:
    m = measure_visits(office)
    late = m.duration("lateness", "appointment")
    # a1 booked 10:00, started 10:05 (+5); a5 booked and started 10:00 (0); a3 has a date only.
    assert (late.n, late.mean, late.median) == (2, 2.5, 2.5)
    assert reasons(late.exclusions) == {"appointment has a date but no time of day": 1}


def test_lead_time_in_days_with_date_only_appointments_in_calendar_days(
    office: Workspace,
) -> None:
    lead = measure_visits(office).duration("lead_time", "appointment")
    # a1: 4 days; a2: 12:00 → 11:00 next day = 23/24; a3 (date only): 2.9. → 5.9. = 3 days;
    # a4: 1.9. 08:00 → 5.9. 13:00 = 4 + 5/24; a5's appointment is before its booking.
    values = sorted([4.0, 23 / 24, 3.0, 4 + 5 / 24])
    assert lead.unit == "days"
    assert lead.n == 4
    assert lead.mean == pytest.approx(sum(values) / 4)
    assert lead.median == pytest.approx((values[1] + values[2]) / 2)
    assert reasons(lead.exclusions) == {"appointment before its booking": 1}
    assert len(lead.assumptions) == 1
    assert lead.assumptions[0].count == 1
    assert "calendar days" in str(lead.assumptions[0].reason)


def test_no_show_rate_counts_appointments_not_cancelled(office: Workspace) -> None:
    rate = measure_visits(office).share("no_show_rate")
    # a1, a3, a5 came, a2 did not; a4 was cancelled; walk-ins have no booking.
    assert (rate.hits, rate.n) == (1, 4)
    assert rate.share == pytest.approx(0.25)
    low, high = wilson_by_hand(1, 4)
    assert rate.low == pytest.approx(low)
    assert rate.high == pytest.approx(high)
    assert reasons(rate.exclusions) == {
        "cancelled before the appointment (not expected to come)": 1
    }


def test_late_cancel_rate_uses_the_deadline(office: Workspace) -> None:
    # a4 was cancelled 4 h before its 13:00 appointment: late against 24 h, not against 2 h.
    day = measure_visits(office).share("late_cancel_rate")
    assert (day.hits, day.n, day.share) == (1, 5, 0.2)
    two_hours = measure_visits(office, options=VisitOptions(late_cancel_hours=2))
    assert two_hours.share("late_cancel_rate").share == 0.0


def test_late_cancel_rate_without_cancellations_is_not_a_zero(workspace: Workspace) -> None:
    insert_visits(workspace, [v for v in OFFICE_DAY if v["visit_id"] != "a4"])
    rate = measure_visits(workspace).share("late_cancel_rate")
    assert rate.share is None
    assert rate.not_computed == "the data records no cancellation times"


def test_one_visit_resolution(office: Workspace) -> None:
    m = measure_visits(office)
    # Came and recorded: a1 yes, a3 no, w1 yes, w3 yes; a5 and w2 not recorded.
    assert (m.share("one_visit_resolution").hits, m.share("one_visit_resolution").n) == (3, 4)
    assert m.share("one_visit_resolution", "appointment").share == 0.5
    assert m.share("one_visit_resolution", "walk-in").share == 1.0
    assert reasons(m.share("one_visit_resolution").exclusions) == {
        "whether the matter was settled is not recorded": 2
    }


def test_other_channel_share_needs_a_map(office: Workspace) -> None:
    unset = measure_visits(office).share("other_channel_share")
    assert unset.share is None
    assert unset.not_computed == NOT_CONFIGURED
    mapped = measure_visits(office, options=VisitOptions(matter_channels={"card": "web"}))
    share = mapped.share("other_channel_share")
    # Came with a matter: a1 housing, a3 card, w1 card, w3 housing → 2 of 4.
    assert (share.hits, share.n, share.share) == (2, 4, 0.5)
    assert reasons(share.exclusions) == {"matter missing": 2}
    assert [(c.channel, c.visits, c.share) for c in mapped.other_channels] == [("web", 2, 0.5)]


def test_utilisation_from_the_days_span(office: Workspace) -> None:
    u = measure_visits(office).utilisation
    # X on 5.9.: a1 20 + w1 20 = 40 min over 9:30–10:25 = 55; X on 4.9.: a5 15 over 15;
    # Y on 5.9.: a3 30 + w2 15 = 45 over 9:05–12:40 = 215. w3 has no adviser.
    assert (u.advisers, u.adviser_days) == (2, 3)
    assert u.service_hours == pytest.approx(100 / 60)
    assert u.available_hours == pytest.approx(285 / 60)
    assert u.share == pytest.approx(100 / 285)
    assert reasons(u.exclusions) == {"adviser missing": 1}
    fixed = measure_visits(office, options=VisitOptions(hours_per_adviser_day=7.5)).utilisation
    assert fixed.share == pytest.approx((100 / 60) / (3 * 7.5))
    assert "7.5 h" in str(fixed.basis)


def test_filters_keep_a_period_and_offices(office: Workspace) -> None:
    from datetime import date

    day = measure_visits(office, filters=VisitFilters(first_day=date(2016, 9, 5)))
    # a5's appointment falls on 4.9.: left out of the period.
    assert day.provenance.visits == 7
    assert measure_visits(office, filters=VisitFilters(offices=("B",))).provenance.visits == 0


def test_service_time(office: Workspace) -> None:
    service = measure_visits(office).duration("service_time")
    # a1 20, a3 30, a5 15, w1 20, w2 15 (9:05→9:20), w3 20.
    assert (service.n, service.mean, service.median) == (6, 20.0, 20.0)


def test_wilson_of_nothing_is_unknown() -> None:
    assert wilson(0, 0) == (None, None)


def test_json_names_every_figure(office: Workspace) -> None:
    data = measure_visits(office).to_dict()
    assert {d["measure"] for d in data["durations"]} == {
        "waiting_time", "lateness", "lead_time", "service_time"
    }  # fmt: skip
    assert data["provenance"] == {
        "visits": 8, "generated_visits": 0, "generated": False, "label": None
    }  # fmt: skip
