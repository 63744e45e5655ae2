"""Escalation rate on hand-built tickets: tickets held by more than one group."""

from __future__ import annotations

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")


def test_share_of_received_held_by_several_groups(desk: Desk) -> None:
    desk.ticket("one", T0, group_count=1, intake_group="Desk")
    desk.ticket("two", T0, group_count=2, intake_group="Desk")
    desk.ticket("three", T0, group_count=3, intake_group="Desk")
    desk.ticket("unrecorded", T0)  # no group recorded: read as one group
    desk.ticket("cancelled", T0, group_count=2, status_class="cancelled")
    run = desk.run("ESC")
    share = run.figure("share")
    # two, three of one, two, three, unrecorded = 2 / 4; the cancelled one excluded.
    assert (share["value"], share["numerator"], share["denominator"]) == (50.0, 2, 4)
    assert (share["excluded"], share["n"]) == (1, 4)
    assert run.reason("two") == "counted: passed on from the receiving group"
    assert run.reason("one") == "not counted: stayed with the receiving group"
    assert run.reason("unrecorded") == "not counted: stayed with the receiving group"
    assert run.reason("cancelled") == "excluded: cancelled"


def test_months_in_helsinki_time_and_unknown_channel(desk: Desk) -> None:
    # 30 Jun 21:30 UTC = 1 Jul 00:30 in Helsinki (UTC+3): July.
    desk.ticket("july", utc("2024-06-30 21:30"), group_count=2, channel="phone")
    desk.ticket("june", utc("2024-06-30 20:30"), group_count=1)
    run = desk.run("ESC", period="month", by=("channel",))
    july = run.figure("share", period="2024-07", group={"channel": "phone"})
    june = run.figure("share", period="2024-06", group={"channel": "unknown"})
    assert (july["value"], july["n"]) == (100.0, 1)
    assert (june["value"], june["n"]) == (0.0, 1)


def test_only_cancelled(desk: Desk) -> None:
    desk.ticket("cancelled", T0, group_count=2, status_class="cancelled")
    share = desk.run("ESC").figure("share")
    assert (share["value"], share["n"], share["excluded"]) == (None, 0, 1)
