"""Explain: the rule that included, excluded or counted a ticket, with its timestamps."""

from __future__ import annotations

from karsta.metrics.explain import explain
from karsta.metrics.options import MetricOptions
from tests.metrics.conftest import Desk, utc


def _desk(desk: Desk) -> None:
    desk.ticket(
        "T1",
        utc("2024-03-04 08:00"),
        resolved_at=utc("2024-03-04 08:30"),
        resolving_level=1,
        reassignment_count=0,
        group_count=1,
        reopen_count=0,
    )
    desk.ticket("T2", utc("2024-03-04 09:00"), status_class="cancelled")
    desk.ticket("T3", utc("2024-03-05 09:00"))
    desk.run("S2")


def test_counted_ticket_shows_its_rule_and_timestamps(desk: Desk) -> None:
    _desk(desk)
    item = explain(desk.ws, "S2", "T1")
    assert len(item.verdicts) == 1
    verdict = item.verdicts[0]
    assert verdict["included"] is True
    assert verdict["reason"].startswith("counted: resolved at level 1 within 60 min")
    assert verdict["evidence"]["resolved_at"] == utc("2024-03-04 08:30")
    assert verdict["group"] == {"type": "incident"}


def test_excluded_and_uncounted_tickets(desk: Desk) -> None:
    _desk(desk)
    assert explain(desk.ws, "S2", "T2").verdicts[0]["reason"] == "excluded: cancelled"
    assert explain(desk.ws, "S2", "T2").verdicts[0]["excluded"] is True
    assert explain(desk.ws, "S2", "T3").verdicts[0]["reason"] == "not counted: not resolved"


def test_ticket_outside_the_population_says_why(desk: Desk) -> None:
    _desk(desk)
    item = explain(desk.ws, "O2", "T3")
    assert item.verdicts == []
    assert item.why_absent is not None
    assert "resolved_at, which is empty" in item.why_absent
    later = explain(desk.ws, "O2", "T1", MetricOptions(since=utc("2024-04-01 00:00")))
    assert later.why_absent is not None
    assert "outside the asked range" in later.why_absent


def test_unknown_ticket(desk: Desk) -> None:
    _desk(desk)
    item = explain(desk.ws, "I10", "NOPE")
    assert item.ticket is None
    assert item.why_absent == "No ticket NOPE in the data."


def test_a_limited_run_explains_another_groups_ticket_as_unknown(desk: Desk) -> None:
    # T1 is resolved by group A, T2 by group B. A user limited to group A learns nothing
    # of T2: not its verdict, not its facts, not even that it exists.
    desk.ticket("T1", utc("2024-03-04 08:00"), resolved_at=utc("2024-03-04 09:00"),
                reopen_count=0, resolving_group="A")  # fmt: skip
    desk.ticket("T2", utc("2024-03-04 08:00"), resolved_at=utc("2024-03-04 09:00"),
                reopen_count=1, resolving_group="B")  # fmt: skip
    desk.write()
    group_a = MetricOptions(ticket_attributes={"resolving_group": ("A",)})
    own = explain(desk.ws, "I10", "T1", group_a)
    assert own.found
    assert [v["reason"] for v in own.verdicts] == ["not counted: never reopened"]
    other = explain(desk.ws, "I10", "T2", group_a)
    unknown = explain(desk.ws, "I10", "NOPE", group_a)
    assert (other.found, other.ticket, other.verdicts) == (False, None, [])
    assert other.why_absent == "No ticket T2 in the data."
    blank = {"ticket_id": "?", "why_absent": "?"}
    assert {**other.to_dict(), **blank} == {**unknown.to_dict(), **blank}
    assert explain(desk.ws, "I10", "T2").found  # without the limit it is there


def test_without_personal_leaves_out_the_agent_and_the_tickets_facts(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-04 08:00"), resolved_at=utc("2024-03-04 09:00"),
                resolving_agent="Ann Agent", caller_id="Carl Caller")  # fmt: skip
    desk.write()
    item = explain(desk.ws, "I3", "T1")
    assert item.verdicts[0]["evidence"]["resolving_agent"] == "Ann Agent"
    shown = item.without_personal()
    assert shown.found
    assert shown.verdicts[0]["evidence"] == {"resolved_at": utc("2024-03-04 09:00")}
    assert "Ann Agent" not in str(shown)
    assert "Carl Caller" not in str(shown)
