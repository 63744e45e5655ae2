"""O2 time to resolve on hand-built tickets: statistics, exclusions, both clocks, periods."""

from __future__ import annotations

import pytest

from karsta.calendar import ServiceCalendar
from tests.metrics.conftest import Desk, hki, utc

OFFICE = ServiceCalendar.parse("mon-fri 08:00-16:00", holidays="FI")


@pytest.fixture
def o2_desk(desk: Desk) -> Desk:
    """Return a desk whose resolved tickets took 1, 2, 6 and 24 hours, plus exclusions."""
    t0 = utc("2024-03-04 08:00")
    desk.ticket("h1", t0, resolved_at=utc("2024-03-04 09:00"))
    desk.ticket("h2", t0, resolved_at=utc("2024-03-04 10:00"))
    desk.ticket("h6", t0, resolved_at=utc("2024-03-04 14:00"))
    desk.ticket("h24", t0, resolved_at=utc("2024-03-05 08:00"))
    desk.ticket("backwards", t0, resolved_at=utc("2024-03-04 07:00"))
    desk.ticket("open", t0, status_class="active")
    desk.ticket("cancelled", t0, status_class="cancelled", closed_at=utc("2024-03-04 09:00"))
    return desk


def test_mean_median_p90(o2_desk: Desk) -> None:
    run = o2_desk.run("O2")
    assert run.unit == "hours"
    mean = run.figure("mean")
    # (1 + 2 + 6 + 24) / 4 = 33 / 4
    assert (mean["value"], mean["numerator"], mean["denominator"]) == (8.25, 33.0, 4)
    assert (mean["excluded"], mean["n"]) == (1, 4)
    median = run.figure("median")
    # sorted 1, 2, 6, 24: rank (4 - 1) * 0.5 = 1.5 -> 2 + 0.5 * (6 - 2) = 4
    assert (median["value"], median["numerator"], median["denominator"]) == (4.0, None, None)
    assert (median["excluded"], median["n"]) == (1, 4)
    # rank 3 * 0.9 = 2.7 -> 6 + 0.7 * (24 - 6) = 18.6
    assert run.figure("p90")["value"] == pytest.approx(18.6)
    assert {r["statistic"] for r in run.records} == {"mean", "median", "p90"}


def test_reasons_and_population(o2_desk: Desk) -> None:
    run = o2_desk.run("O2", resolve_target_hours=4)
    # Unresolved and cancelled tickets have no resolution time: not units at all.
    assert run.unit_ids() == {"h1", "h2", "h6", "h24", "backwards"}
    assert run.reason("backwards") == "excluded: resolved before it was opened (recording error)"
    assert run.unit_row("backwards")["hours"] is None
    assert run.reason("h6") == "counted: over the 4 h target"
    assert run.reason("h2") == "counted"
    assert run.unit_row("h24")["hours"] == 24.0


def test_share_over_target(o2_desk: Desk) -> None:
    share = o2_desk.run("O2", resolve_target_hours=4).figure("share_over_target")
    # Over 4 h: 6 and 24 -> 2 of 4; exactly on target would not be over.
    assert (share["value"], share["numerator"], share["denominator"]) == (50.0, 2, 4)
    assert share["excluded"] == 1
    # A share is a percent, whatever clock the times it shares out are measured on.
    assert (share["unit"], o2_desk.run("O2").figure("mean")["unit"]) == ("percent", "hours")
    on_target = o2_desk.run("O2", resolve_target_hours=6).figure("share_over_target")
    assert on_target["numerator"] == 1


def test_periods_by_resolution_in_helsinki_time(desk: Desk) -> None:
    # Opened in March; resolved 31 Mar 21:30 UTC = 1 Apr 00:30 in Helsinki (UTC+3): April.
    desk.ticket("april", utc("2024-03-31 20:30"), resolved_at=utc("2024-03-31 21:30"))
    # Resolved 31 Mar 20:30 UTC = 23:30 in Helsinki: March.
    desk.ticket("march", utc("2024-03-31 17:30"), resolved_at=utc("2024-03-31 20:30"))
    run = desk.run("O2", period="month")
    assert run.figure("mean", period="2024-04")["value"] == 1.0
    assert run.figure("mean", period="2024-03")["value"] == 3.0
    assert run.unit_row("april")["period"] == "2024-04"


def test_calendar_time_is_elapsed_time_across_dst(desk: Desk) -> None:
    # Helsinki moves to summer time on 31 Mar 2024: noon to noon is 23 real hours.
    desk.ticket("dst", hki("2024-03-30 12:00"), resolved_at=hki("2024-03-31 12:00"))
    assert desk.run("O2").figure("mean")["value"] == 23.0


def test_breakdown_with_unknown_priority(desk: Desk) -> None:
    t0 = utc("2024-03-04 08:00")
    desk.ticket("p1", t0, priority="1", resolved_at=utc("2024-03-04 09:00"))
    desk.ticket("p1b", t0, priority="1", resolved_at=utc("2024-03-04 11:00"))
    desk.ticket("none", t0, resolved_at=utc("2024-03-04 13:00"))
    run = desk.run("O2", by=("priority",))
    assert run.figure("mean", group={"priority": "1"})["value"] == 2.0  # (1 + 3) / 2
    assert run.figure("median", group={"priority": "1"})["value"] == 2.0
    assert run.figure("mean", group={"priority": "unknown"})["value"] == 5.0


def test_only_recording_errors_leave_no_value(desk: Desk) -> None:
    desk.ticket("backwards", utc("2024-03-04 08:00"), resolved_at=utc("2024-03-04 07:00"))
    run = desk.run("O2")
    for statistic in ("mean", "median", "p90"):
        figure = run.figure(statistic)
        assert (figure["value"], figure["n"], figure["excluded"]) == (None, 0, 1)


# --- service hours: Mon-Fri 08:00-16:00 Helsinki, Finnish holidays -----------------------


def test_service_hours_skip_nights_weekends_and_holidays(desk: Desk) -> None:
    # Fri 15:00 -> Mon 09:00: 1 h on Friday + 1 h on Monday.
    desk.ticket("weekend", hki("2024-03-08 15:00"), resolved_at=hki("2024-03-11 09:00"))
    # Easter 2024: Good Friday 29 Mar and Easter Monday 1 Apr are closed; DST starts 31 Mar.
    # Thu 28 Mar 15:00 -> Tue 2 Apr 09:00: 1 h + 1 h.
    desk.ticket("easter", hki("2024-03-28 15:00"), resolved_at=hki("2024-04-02 09:00"))
    # Saturday to Sunday, and an evening: no service hours at all.
    desk.ticket("saturday", hki("2024-03-09 10:00"), resolved_at=hki("2024-03-10 10:00"))
    desk.ticket("evening", hki("2024-03-12 17:00"), resolved_at=hki("2024-03-12 19:00"))
    # Opened before hours: Tue 06:00 -> Wed 10:30 = 8 h + 2.5 h.
    desk.ticket("early", hki("2024-03-12 06:00"), resolved_at=hki("2024-03-13 10:30"))
    run = desk.run("O2", service_calendar=OFFICE)
    assert run.unit == "service_hours"
    hours = {u["unit_id"]: u["hours"] for u in run.units}
    assert hours == {"weekend": 2.0, "easter": 2.0, "saturday": 0.0, "evening": 0.0, "early": 10.5}
    # (2 + 2 + 0 + 0 + 10.5) / 5
    assert run.figure("mean")["value"] == pytest.approx(14.5 / 5)
    assert run.figure("median")["value"] == 2.0


def test_service_hours_subtract_pauses(desk: Desk) -> None:
    # Mon 11 Mar 07:30 -> Tue 12 Mar 12:00: 8 h on Monday + 4 h on Tuesday = 12 h.
    desk.ticket("paused", hki("2024-03-11 07:30"), resolved_at=hki("2024-03-12 12:00"))
    desk.pause("paused", hki("2024-03-11 07:00"), hki("2024-03-11 09:00"))  # 08-09: 1 h
    desk.pause("paused", hki("2024-03-11 12:00"), hki("2024-03-11 13:30"))  # 1.5 h
    desk.pause("paused", hki("2024-03-11 18:00"), hki("2024-03-11 20:00"))  # after hours: 0
    desk.pause("paused", hki("2024-03-12 11:00"), None)  # still paused: to resolution, 1 h
    desk.pause("paused", hki("2024-03-12 13:00"), hki("2024-03-12 14:00"))  # after it: 0
    # Another ticket's pause must not count here.
    desk.ticket("other", hki("2024-03-11 08:00"), resolved_at=hki("2024-03-11 10:00"))
    desk.pause("other", hki("2024-03-11 08:00"), hki("2024-03-11 09:00"))
    run = desk.run("O2", service_calendar=OFFICE)
    # 12 - (1 + 1.5 + 0 + 1 + 0) = 8.5; other: 2 - 1 = 1
    assert run.unit_row("paused")["hours"] == 8.5
    assert run.unit_row("other")["hours"] == 1.0
    # The calendar clock ignores pauses: 28.5 h and 2 h.
    calendar = desk.run("O2")
    assert calendar.unit_row("paused")["hours"] == 28.5
    assert calendar.unit_row("other")["hours"] == 2.0


def test_service_hours_target(desk: Desk) -> None:
    desk.ticket("two", hki("2024-03-08 15:00"), resolved_at=hki("2024-03-11 09:00"))  # 2 h
    desk.ticket("ten", hki("2024-03-12 06:00"), resolved_at=hki("2024-03-13 10:30"))  # 10.5 h
    run = desk.run("O2", service_calendar=OFFICE, resolve_target_hours=8)
    share = run.figure("share_over_target")
    assert (share["value"], share["numerator"], share["denominator"]) == (50.0, 1, 2)
    assert run.reason("ten") == "counted: over the 8 h target"


def test_recording_error_before_every_opening_still_shows_as_excluded(desk: Desk) -> None:
    # Opened 1 Mar 00:30 in Helsinki, "resolved" 29 Feb 23:30: the earliest moment of all
    # lies in February, before any opening; February's figures must still show it.
    desk.ticket("backwards", hki("2024-03-01 00:30"), resolved_at=hki("2024-02-29 23:30"))
    desk.ticket("fine", hki("2024-03-04 10:00"), resolved_at=hki("2024-03-04 12:00"))
    run = desk.run("O2", period="month")
    february = run.figure("mean", period="2024-02")
    assert (february["value"], february["n"], february["excluded"]) == (None, 0, 1)
    assert run.figure("mean", period="2024-03")["value"] == 2.0
    assert run.reason("backwards") == "excluded: resolved before it was opened (recording error)"
