"""Arrivals and handling per interval on hand-built calls, in the workspace's time zone."""

from __future__ import annotations

import pytest

from karsta.channels.intervals import interval_table
from karsta.metrics.options import MetricOptions
from tests.metrics.conftest import Desk, utc

# Monday 4 March 2024; Helsinki is UTC+2, so 06:10 UTC is 08:10 local.


def test_dated_intervals_and_the_weekday_profile(desk: Desk) -> None:
    desk.contact(
        "a",
        utc("2024-03-04 06:10"),
        outcome="answered",
        answered_at=utc("2024-03-04 06:10:10"),
        talk_seconds=100.0,
        agent="x",
    )
    desk.contact(
        "b",
        utc("2024-03-04 06:25"),
        outcome="answered",
        answered_at=utc("2024-03-04 06:26"),
        talk_seconds=200.0,
        hold_seconds=30.0,
        agent="y",
    )
    desk.contact(
        "c", utc("2024-03-04 06:29"), outcome="abandoned", abandoned_at=utc("2024-03-04 06:29:05")
    )
    desk.contact(
        "d",
        utc("2024-03-04 06:40"),
        outcome="answered",
        answered_at=utc("2024-03-04 06:40:05"),
        agent="x",
    )  # no talk time
    # The next Monday, same time of day: one call.
    desk.contact(
        "e",
        utc("2024-03-11 06:05"),
        outcome="answered",
        answered_at=utc("2024-03-11 06:05:30"),
        talk_seconds=60.0,
        agent="z",
    )
    desk.contact("ghost", utc("2024-03-04 06:12"), outcome="phantom")
    desk.write()
    table = interval_table(desk.ws, MetricOptions(), minutes=30)
    first, second, third = table.dated
    assert (first.start, first.weekday) == ("2024-03-04 08:00", 1)
    # a, b, c offered; a (100 s) and b (230 s) handled; c abandoned after 5 s (before 20 s).
    assert (first.offered, first.answered, first.abandoned, first.handled) == (3, 2, 1, 2)
    assert first.aht_seconds == 165.0
    assert (first.s1_population, first.s1_within) == (2, 1)  # b answered after 60 s
    assert first.agents == 2
    assert (second.start, second.offered, second.aht_seconds) == ("2024-03-04 08:30", 1, None)
    assert third.start == "2024-03-11 08:00"
    # Profile: Monday 08:00 over the two Mondays of 4–11 March: (3 + 1) / 2 calls a day.
    monday = next(p for p in table.profile if (p.weekday, p.start) == (1, "08:00"))
    assert (monday.offered, monday.days) == (2.0, 2)
    assert monday.aht_seconds == pytest.approx((100 + 230 + 60) / 3)
    assert monday.agents == 1.5  # 2 agents, then 1
    assert table.excluded == {"excluded: phantom record, not a customer contact": 1}


def test_an_interval_that_does_not_divide_a_day_is_refused(desk: Desk) -> None:
    with pytest.raises(ValueError, match="divide a day"):
        interval_table(desk.ws, MetricOptions(), minutes=7)


def test_a_zone_off_the_interval_grid_is_refused(desk: Desk) -> None:
    desk.contact(
        "a", utc("2024-03-04 06:10"), outcome="answered", answered_at=utc("2024-03-04 06:11")
    )
    desk.write()
    with pytest.raises(ValueError, match="Asia/Kathmandu"):
        interval_table(desk.ws, MetricOptions(timezone="Asia/Kathmandu"), minutes=30)
