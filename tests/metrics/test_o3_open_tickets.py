"""O3 open tickets on hand-built tickets: the moment, exclusions, age buckets, periods."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.metrics.conftest import Desk, utc

MOMENT = utc("2024-03-10 00:00")
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def o3_desk(desk: Desk) -> Desk:
    """Return a desk measured at MOMENT: open tickets of every age, and ones that are not."""
    desk.ticket("age_half", MOMENT - 12 * HOUR, status="New")
    desk.ticket("age_1", MOMENT - DAY, status="Awaiting User Info")
    desk.ticket("age_3", MOMENT - 3 * DAY, resolved_at=MOMENT + HOUR)  # resolved after it
    desk.ticket("age_10", MOMENT - 10 * DAY, status="Awaiting User Info")
    desk.ticket("age_40", MOMENT - 40 * DAY)
    desk.ticket("resolved", MOMENT - 2 * DAY, resolved_at=MOMENT - DAY)
    desk.ticket("closed_only", MOMENT - 2 * DAY, closed_at=MOMENT - HOUR)
    desk.ticket("resolved_at_moment", MOMENT - 2 * DAY, resolved_at=MOMENT)
    desk.ticket("cancelled", MOMENT - 2 * DAY, status_class="cancelled")
    desk.ticket("cancelled_closed", MOMENT - 2 * DAY, status_class="cancelled",
                closed_at=MOMENT - DAY)  # fmt: skip
    desk.ticket("future", MOMENT + HOUR)
    return desk


def test_open_at_the_moment(o3_desk: Desk) -> None:
    run = o3_desk.run("O3", until=MOMENT)
    count = run.figure("count")
    # Open: age_half, age_1, age_3, age_10, age_40; the open cancelled one is excluded.
    assert (count["value"], count["n"], count["excluded"]) == (5, 5, 1)
    share = run.figure("share_of_received")
    # Received before the moment and not cancelled: the 5 open + resolved, closed_only,
    # resolved_at_moment = 8.
    assert (share["value"], share["numerator"], share["denominator"]) == (62.5, 5, 8)
    age = run.figure("age_mean_days")
    # (0.5 + 1 + 3 + 10 + 40) / 5
    assert age["value"] == pytest.approx(54.5 / 5)
    assert (age["numerator"], age["denominator"]) == (pytest.approx(54.5), 5)


def test_age_buckets(o3_desk: Desk) -> None:
    run = o3_desk.run("O3", until=MOMENT)
    # 0.5 d | 1 d and 3 d | 10 d | 40 d, of 5 (a bucket includes its lower bound).
    expected = {"age_0_1d": 1, "age_1_7d": 2, "age_7_30d": 1, "age_over_30d": 1}
    for name, hits in expected.items():
        figure = run.figure(name)
        assert (figure["numerator"], figure["denominator"]) == (hits, 5), name
        assert figure["value"] == hits / 5 * 100
    custom = o3_desk.run("O3", until=MOMENT, age_buckets_days=(2.0,))
    assert custom.figure("age_0_2d")["numerator"] == 2
    assert custom.figure("age_over_2d")["numerator"] == 3


def test_every_rule_gives_its_reason(o3_desk: Desk) -> None:
    run = o3_desk.run("O3", until=MOMENT)
    counted = "counted: opened before the moment and not resolved or closed by then"
    not_open = "not counted: resolved or closed before the moment"
    assert run.reason("age_3") == counted
    assert run.reason("resolved") == not_open
    assert run.reason("closed_only") == not_open
    assert run.reason("resolved_at_moment") == not_open
    assert run.reason("cancelled") == "excluded: cancelled"
    assert run.reason("cancelled_closed") == not_open
    assert "future" not in run.unit_ids()
    assert run.unit_row("age_10")["age_days"] == 10.0


def test_by_status_means_the_status_at_the_moment(o3_desk: Desk) -> None:
    o3_desk.run("O3", until=MOMENT)  # writes the tickets, each with one "New" event
    later = [
        # (ticket, status, when): the last event by the moment decides.
        ("age_1", "Awaiting User Info", MOMENT - HOUR),
        ("age_10", "Awaiting User Info", MOMENT - 5 * DAY),
        ("age_10", "Active", MOMENT - 4 * DAY),
        ("age_40", "Awaiting Vendor", MOMENT + HOUR),  # after the moment: still "New"
    ]
    for seq, (ticket, status, when) in enumerate(later, start=2):
        o3_desk.ws.connection.execute(
            "INSERT INTO ticket_events (ticket_id, event_key, seq, timestamp, activity, "
            "source_file, source_row, import_id) VALUES (?, ?, ?, ?, ?, 'fixture', ?, 1)",
            [ticket, seq, seq, when, status, 100 + seq],
        )
    run = o3_desk.run("O3", until=MOMENT, by=("status",))
    counts = {r["group"]["status"]: r["value"] for r in run.figures("count")}
    # Open at the moment: age_half, age_3, age_40 still New; age_1 waiting; age_10 active.
    assert counts == {"New": 3, "Awaiting User Info": 1, "Active": 1}
    assert run.figures("share_of_received") == []  # a status mix has no "received" to share
    assert sum(r["excluded"] for r in run.figures("count")) == 1  # the open cancelled one


def test_month_ends_in_helsinki_time(desk: Desk) -> None:
    # The end of January in Helsinki is 31 Jan 22:00 UTC.
    desk.ticket("jan", utc("2024-01-15 10:00"), resolved_at=utc("2024-02-10 10:00"))
    desk.ticket("jan_2330_local", utc("2024-01-31 21:30"))
    desk.ticket("feb_0030_local", utc("2024-01-31 22:30"))
    run = desk.run("O3", period="month")
    jan = run.figure("count", period="2024-01")
    feb = run.figure("count", period="2024-02")
    assert jan["value"] == 2  # jan, jan_2330_local
    assert feb["value"] == 2  # jan_2330_local, feb_0030_local
    # The guide's formula divides by the period's received tickets, so it can pass 100 %:
    # January received 2 and has 2 open; February received 1 and has 2 open.
    assert run.figure("share_of_received", period="2024-01")["value"] == 100.0
    assert run.figure("share_of_received", period="2024-02")["value"] == 200.0
    assert run.reason("jan", period="2024-02") == (
        "not counted: resolved or closed before the moment"
    )
    jan_units = [u["unit_id"] for u in run.units if u["period"] == "2024-01"]
    assert "feb_0030_local" not in jan_units
    # Age at the end of January: 31 Jan 22:00 - 21:30 UTC = 30 min.
    assert run.unit_row("jan_2330_local", period="2024-01")["age_days"] == pytest.approx(1 / 48)


def test_nothing_open(desk: Desk) -> None:
    desk.ticket("done", MOMENT - DAY, resolved_at=MOMENT - HOUR)
    run = desk.run("O3", until=MOMENT)
    count = run.figure("count")
    assert (count["value"], count["n"], count["excluded"]) == (0, 0, 0)
    assert run.figure("share_of_received")["value"] == 0.0
    assert run.figure("age_mean_days")["value"] is None
