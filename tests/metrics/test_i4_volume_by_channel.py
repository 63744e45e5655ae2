"""I4 volume by channel on hand-built tickets: counts and shares, unknown channel, periods."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import Desk, utc


@pytest.fixture
def i4_desk(desk: Desk) -> Desk:
    """Return 3 phone, 1 e-mail and 1 unrecorded-channel tickets in Feb-Mar 2024 (Helsinki)."""
    desk.ticket("p1", utc("2024-02-10 10:00"), channel="phone")
    # 29 Feb 22:30 UTC = 1 Mar 00:30 in Helsinki: March.
    desk.ticket("p2", utc("2024-02-29 22:30"), channel="phone", ticket_type="request")
    desk.ticket("p3", utc("2024-03-05 10:00"), channel="phone", status_class="cancelled")
    desk.ticket("e1", utc("2024-03-06 10:00"), channel="email")
    desk.ticket("none", utc("2024-03-07 10:00"))
    return desk


def test_whole_range(i4_desk: Desk) -> None:
    run = i4_desk.run("I4")
    expected = {"phone": 3, "email": 1, "unknown": 1}
    for channel, count in expected.items():
        group = {"channel": channel}
        assert run.figure("count", group=group)["value"] == count
        assert run.figure("count", group=group)["unit"] == "count"
        share = run.figure("share", group=group)
        assert share["unit"] == "percent"
        # Of 5 received; a cancelled ticket is still a received contact on its channel.
        assert (share["value"], share["numerator"], share["denominator"]) == (
            count / 5 * 100,
            count,
            5,
        )
    assert len(run.figures("share")) == 3
    assert run.reason("p3") == "counted: received in the period"


def test_months_in_helsinki_time(i4_desk: Desk) -> None:
    run = i4_desk.run("I4", period="month")
    feb = run.figure("share", period="2024-02", group={"channel": "phone"})
    assert (feb["value"], feb["numerator"], feb["denominator"]) == (100.0, 1, 1)
    march = run.figure("share", period="2024-03", group={"channel": "phone"})
    # March: p2, p3 (phone), e1, none = 4
    assert (march["value"], march["numerator"], march["denominator"]) == (50.0, 2, 4)
    assert run.unit_row("p2")["period"] == "2024-03"


def test_shares_within_another_breakdown(i4_desk: Desk) -> None:
    run = i4_desk.run("I4", by=("type",))
    # Incidents: p1, p3 (phone), e1, none; requests: p2.
    incident_phone = run.figure("share", group={"type": "incident", "channel": "phone"})
    assert (incident_phone["value"], incident_phone["denominator"]) == (50.0, 4)
    request_phone = run.figure("share", group={"type": "request", "channel": "phone"})
    assert (request_phone["value"], request_phone["denominator"]) == (100.0, 1)


def test_since_until(i4_desk: Desk) -> None:
    # Only tickets opened in [1 Mar 00:00 UTC, 6 Mar 12:00 UTC): p2 is 29 Feb 22:30 UTC.
    run = i4_desk.run("I4", since=utc("2024-03-01 00:00"), until=utc("2024-03-06 12:00"))
    assert run.unit_ids() == {"p3", "e1"}
    assert run.figure("count", group={"channel": "phone"})["value"] == 1
