"""S1 on hand-built contacts: the 80/20 share, abandons at the target second, routing rules."""

from __future__ import annotations

from datetime import timedelta

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")


def _at(seconds: float) -> object:
    return T0 + timedelta(seconds=seconds)


def _desk(desk: Desk) -> None:
    # Answered: after 10 s, exactly at 20 s (within: wait <= target), after 21 s.
    desk.contact("ans10", T0, outcome="answered", answered_at=_at(10))
    desk.contact("ans20", T0, outcome="answered", answered_at=_at(20))
    desk.contact("ans21", T0, outcome="answered", answered_at=_at(21))
    # Abandoned: after 19 s (before the target: out), exactly at 20 s and after 45 s (in).
    desk.contact("ab19", T0, outcome="abandoned", abandoned_at=_at(19))
    desk.contact("ab20", T0, outcome="abandoned", abandoned_at=_at(20))
    desk.contact("ab45", T0, outcome="abandoned", ended_at=_at(45))
    desk.contact("outage", T0, outcome="routed", special_routing="outage message", ended_at=_at(5))
    desk.contact("ghost", T0, outcome="phantom")
    desk.contact("mail", T0, channel="email", outcome="answered", answered_at=_at(3600))


def test_share_within_20_seconds_with_the_abandon_boundary(desk: Desk) -> None:
    _desk(desk)
    run = desk.run("S1", answer_target_seconds=20)
    share = run.figure("share")
    # Population: ans10, ans20, ans21, ab20, ab45 = 5; on time: ans10, ans20 = 2 -> 40 %.
    # Excluded: ab19 (before target), outage (routing excluded by default), ghost (phantom).
    assert (share["numerator"], share["denominator"], share["excluded"]) == (2, 5, 3)
    assert share["value"] == 40.0
    assert run.reason("ans20") == "counted: answered within the target"
    assert run.reason("ab19") == "excluded: abandoned before the target time"
    assert run.reason("ab20") == "counted: abandoned at or after the target"
    assert run.reason("outage") == "excluded: special routing (counted as excluded)"
    assert run.reason("ghost") == "excluded: phantom record, not a customer contact"
    assert run.reason("mail") == "outside: non-real-time channel (S3)"


def test_special_routing_counts_as_configured(desk: Desk) -> None:
    _desk(desk)
    answered = desk.run("S1", special_routing={"Outage message": "answered"})
    # The outage message ended the call after 5 s: answered within 20 s -> 3 of 6.
    assert answered.figure("share")["numerator"] == 3
    assert answered.figure("share")["denominator"] == 6
    abandoned = desk.run("S1", special_routing={"outage message": "abandoned"})
    # Counted abandoned after 5 s: before the target, so left out like ab19 -> 2 of 5.
    assert abandoned.figure("share")["denominator"] == 5
    assert abandoned.figure("share")["excluded"] == 3
    assert abandoned.reason("outage") == "excluded: abandoned before the target time"


def test_low_volume_is_flagged_with_the_count(desk: Desk) -> None:
    _desk(desk)
    small = desk.run("S1", min_contacts=6)
    assumption = small.figure("share")["assumptions"][0]
    assert (assumption["id"], assumption["count"]) == ("low_volume", 5)
    enough = desk.run("S1", min_contacts=5)
    assert enough.figure("share")["assumptions"][0]["count"] == 0


def test_breakdown_by_queue_and_period(desk: Desk) -> None:
    desk.contact("a", T0, queue="sales", outcome="answered", answered_at=_at(5))
    desk.contact("b", T0, queue="sales", outcome="answered", answered_at=_at(50))
    desk.contact("c", T0 + timedelta(days=31), queue="help", outcome="answered", answered_at=None)
    run = desk.run("S1", by=("queue",), period="month")
    sales = run.figure("share", period="2024-03", group={"queue": "sales"})
    assert (sales["value"], sales["n"]) == (50.0, 2)
    helpdesk = run.figure("share", period="2024-04", group={"queue": "help"})
    assert (helpdesk["value"], helpdesk["excluded"]) == (None, 1)


def test_no_contacts_says_so(desk: Desk) -> None:
    run = desk.run("S1")
    assert run.no_data is not None
    assert "contacts" in run.no_data
