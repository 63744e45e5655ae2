"""S3 on hand-built e-mails: answered within 8 service hours, pending and withdrawn ones."""

from __future__ import annotations

from karsta.calendar import ServiceCalendar
from tests.metrics.conftest import Desk, utc

# Monday 4 March 2024. Helsinki is UTC+2: service hours 08-16 local are 06-14 UTC.
MON_0800 = utc("2024-03-04 06:00")


def _desk(desk: Desk) -> None:
    # Arrived Monday 08:00 local, answered Monday 15:00 local: 7 service hours (within 8).
    desk.contact(
        "mon7", MON_0800, channel="email", outcome="answered", answered_at=utc("2024-03-04 13:00")
    )
    # Arrived Monday 14:00 local, answered Tuesday 10:00 local: 2 + 2 = 4 service hours,
    # though 20 calendar hours.
    desk.contact(
        "overnight",
        utc("2024-03-04 12:00"),
        channel="email",
        outcome="answered",
        answered_at=utc("2024-03-05 08:00"),
    )
    # Arrived Monday 08:00, answered Tuesday 09:00 local: 8 + 1 = 9 service hours (late).
    desk.contact(
        "late", MON_0800, channel="form", outcome="answered", answered_at=utc("2024-03-05 07:00")
    )
    # Withdrawn after 1 service hour: before the target, left out.
    desk.contact(
        "withdrawn",
        MON_0800,
        channel="email",
        outcome="abandoned",
        abandoned_at=utc("2024-03-04 07:00"),
    )
    # Never answered, target long passed at computation (until 2024-04-01): counted, late.
    desk.contact("silent", MON_0800, channel="email")
    desk.contact("call", MON_0800, channel="phone", outcome="answered", answered_at=MON_0800)


def test_share_within_8_service_hours(desk: Desk) -> None:
    _desk(desk)
    run = desk.run(
        "S3",
        service_calendar=ServiceCalendar.parse("mon-fri 08:00-16:00"),
        until=utc("2024-04-01 00:00"),
    )
    share = run.figure("share")
    # Population: mon7, overnight, late, silent = 4; within target: mon7, overnight = 50 %.
    assert (share["numerator"], share["denominator"], share["excluded"]) == (2, 4, 1)
    assert share["value"] == 50.0
    assert run.reason("silent") == "counted: not answered, target time passed"
    assert run.reason("withdrawn") == "excluded: withdrawn before the target time"
    assert run.reason("call") == "outside: real-time channel (S1)"
    assert run.unit_row("overnight")["answer_hours"] == 4.0


def test_calendar_hours_without_service_hours_say_so(desk: Desk) -> None:
    _desk(desk)
    run = desk.run("S3", until=utc("2024-04-01 00:00"))
    # Calendar hours: mon7 7 h within; overnight 20 h and late 25 h late; silent late.
    assert run.figure("share")["value"] == 25.0
    assert any("calendar hours" in note for note in run.notes)


def test_not_yet_due_is_left_out(desk: Desk) -> None:
    desk.contact("fresh", MON_0800, channel="email")
    run = desk.run("S3", until=utc("2024-03-04 07:00"))
    assert run.reason("fresh") == "excluded: not answered yet, target time not passed"
