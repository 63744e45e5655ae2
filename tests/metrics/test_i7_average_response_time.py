"""I7 (non-real-time half) on hand-built tickets: channels, missing responses, clocks."""

from __future__ import annotations

from tests.metrics.conftest import Desk, utc


def _desk(desk: Desk) -> None:
    desk.ticket(
        "mail_2h",
        utc("2024-03-04 08:00"),
        channel="email",
        first_response_at=utc("2024-03-04 10:00"),
    )
    desk.ticket(
        "portal_4h",
        utc("2024-03-04 08:00"),
        channel="portal",
        first_response_at=utc("2024-03-04 12:00"),
    )
    desk.ticket(
        "portal_6h",
        utc("2024-03-05 08:00"),
        channel="portal",
        first_response_at=utc("2024-03-05 14:00"),
    )
    desk.ticket(
        "phone", utc("2024-03-04 08:00"), channel="phone", first_response_at=utc("2024-03-04 08:01")
    )
    desk.ticket("mail_silent", utc("2024-03-04 08:00"), channel="email")
    desk.ticket(
        "mail_early",
        utc("2024-03-04 08:00"),
        channel="email",
        first_response_at=utc("2024-03-04 07:00"),
    )
    desk.ticket("no_channel", utc("2024-03-04 08:00"), first_response_at=utc("2024-03-04 09:00"))


def test_mean_median_p90_of_non_realtime_tickets(desk: Desk) -> None:
    _desk(desk)
    run = desk.run("I7")
    # Counted: 2 h, 4 h, 6 h. Excluded: silent, early, no channel. Phone is outside.
    mean = run.figure("mean")
    assert (mean["value"], mean["n"], mean["excluded"]) == (4.0, 3, 3)
    assert run.figure("median")["value"] == 4.0
    assert run.figure("p90")["value"] == 4.0 + 0.8 * 2.0  # rank 1.8 between 4 h and 6 h
    assert run.unit == "hours"
    assert run.reason("phone") == "outside: real-time channel (measured from contacts)"
    assert run.reason("mail_silent") == "excluded: no first response recorded"
    assert run.reason("mail_early") == "excluded: first response before opening (recording error)"
    assert run.reason("no_channel") == "excluded: channel unknown"


def test_service_hours_clock(desk: Desk) -> None:
    from karsta.calendar import ServiceCalendar

    # Monday 4 March 2024, 16:00 Helsinki = 14:00 UTC; answered Tuesday 09:00 Helsinki.
    desk.ticket(
        "evening",
        utc("2024-03-04 14:00"),
        channel="email",
        first_response_at=utc("2024-03-05 07:00"),
    )
    run = desk.run("I7", service_calendar=ServiceCalendar.parse("mon-fri 08:00-16:00"))
    assert run.unit == "service_hours"
    assert run.figure("mean")["value"] == 1.0  # only Tuesday 08-09 is service time


def test_realtime_half_speed_of_answer_and_abandon_rate(desk: Desk) -> None:
    from datetime import timedelta

    t0 = utc("2024-03-04 08:00")
    _desk(desk)
    desk.contact("a10", t0, outcome="answered", answered_at=t0 + timedelta(seconds=10))
    desk.contact("a50", t0, outcome="answered", answered_at=t0 + timedelta(seconds=50))
    desk.contact("a0", t0, outcome="answered", answered_at=t0)
    desk.contact("gone", t0, outcome="abandoned", abandoned_at=t0 + timedelta(seconds=300))
    desk.contact("ivr", t0, outcome="routed", special_routing="IVR", ended_at=t0)
    desk.contact("ghost", t0, outcome="phantom")
    desk.contact("mail", t0, channel="email", outcome="answered", answered_at=t0)
    run = desk.run("I7")
    asa = run.figure("asa")
    # (10 + 50 + 0) / 3 = 20 s; the abandoned call is not in the mean; ivr and ghost excluded.
    assert (asa["value"], asa["n"], asa["excluded"], asa["unit"]) == (20.0, 3, 2, "seconds")
    rate = run.figure("abandon_rate")
    # 1 abandoned of 4 offered (3 answered + 1 abandoned) = 25 %.
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (25.0, 1, 4)
    # The ticket half is unchanged by the contacts: 2 h, 4 h, 6 h -> 4 h, 3 excluded.
    mean = run.figure("mean")
    assert (mean["value"], mean["n"], mean["excluded"]) == (4.0, 3, 3)
    assert run.reason("gone") == (
        "counted: abandoned contact (abandon rate, not in the speed of answer)"
    )
    assert run.reason("mail") == "outside: non-real-time contact (S3)"


def test_contacts_without_tickets_give_the_realtime_half(desk: Desk) -> None:
    t0 = utc("2024-03-04 08:00")
    desk.contact("a", t0, outcome="answered", answered_at=utc("2024-03-04 08:00:30"))
    run = desk.run("I7")
    assert run.no_data is None
    assert run.figure("asa")["value"] == 30.0
    assert not run.figures("mean")
    assert any("non-real-time half" in note for note in run.notes)


def test_a_breakdown_one_half_lacks_leaves_that_half_out(desk: Desk) -> None:
    t0 = utc("2024-03-04 08:00")
    _desk(desk)
    desk.contact("a", t0, queue="sales", outcome="answered", answered_at=utc("2024-03-04 08:00:30"))
    # Tickets have no queue: the ticket half is left out and a note says why.
    run = desk.run("I7", by=("queue",))
    assert run.figure("asa", group={"queue": "sales"})["value"] == 30.0
    assert not run.figures("mean")
    assert any("non-real-time half is not computed" in note for note in run.notes)
    # Contacts have no resolving group: the real-time half is left out instead.
    grouped = desk.run("I7", by=("group",))
    assert grouped.figures("mean")
    assert not grouped.figures("asa")
    assert any("real-time half is not computed" in note for note in grouped.notes)


def test_a_contact_metric_without_the_breakdown_says_why(desk: Desk) -> None:
    desk.contact(
        "a", utc("2024-03-04 08:00"), outcome="answered", answered_at=utc("2024-03-04 08:00:30")
    )
    run = desk.run("S1", by=("group",))
    assert run.no_data is not None
    assert "contacts have no such column" in run.no_data


def test_an_abandon_without_its_time_still_counts_in_the_abandon_rate(desk: Desk) -> None:
    t0 = utc("2024-03-04 08:00")
    desk.contact("a", t0, outcome="answered", answered_at=utc("2024-03-04 08:00:10"))
    desk.contact("gone", t0, outcome="abandoned")  # no abandon or end time recorded
    run = desk.run("I7")
    rate = run.figure("abandon_rate")
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (50.0, 1, 2)
    assert run.figure("asa")["value"] == 10.0
