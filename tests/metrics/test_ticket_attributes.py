"""Restricting a metric run to tickets with some attribute values (a user's groups)."""

from __future__ import annotations

import pytest

from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import MetricOptions
from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")
RESOLVED = utc("2024-03-05 08:00")


def two_groups(desk: Desk) -> None:
    """Group A resolves 2 tickets (1 reopened), group B 3 (2 reopened)."""
    desk.ticket("a1", T0, resolved_at=RESOLVED, reopen_count=1, resolving_group="A")
    desk.ticket("a2", T0, resolved_at=RESOLVED, reopen_count=0, resolving_group="A")
    desk.ticket("b1", T0, resolved_at=RESOLVED, reopen_count=1, resolving_group="B")
    desk.ticket("b2", T0, resolved_at=RESOLVED, reopen_count=2, resolving_group="B")
    desk.ticket("b3", T0, resolved_at=RESOLVED, reopen_count=0, resolving_group="B")


def test_restricted_run_counts_only_the_kept_tickets(desk: Desk) -> None:
    two_groups(desk)
    # Whole desk: 3 reopened of 5 resolved = 60 %.
    assert desk.run("I10").figure("share")["value"] == 60.0
    # Group A alone: 1 reopened of 2 = 50 %; the others are not excluded, they are absent.
    only_a = desk.run("I10", ticket_attributes={"resolving_group": ("A",)})
    share = only_a.figure("share")
    assert (share["numerator"], share["denominator"], share["value"]) == (1, 2, 50.0)
    assert (share["excluded"], share["n"]) == (0, 2)
    assert only_a.unit_ids() == {"a1", "a2"}
    # Group B alone: 2 of 3.
    only_b = desk.run("I10", ticket_attributes={"resolving_group": ("B",)})
    assert only_b.figure("share")["value"] == 100 * 2 / 3


def test_restriction_applies_to_events_and_pauses(desk: Desk) -> None:
    two_groups(desk)
    desk.pause("a1", T0, RESOLVED)
    desk.pause("b1", T0, RESOLVED)
    desk.run("I10")  # writes the rows
    inputs = MetricInputs(desk.ws, MetricOptions(ticket_attributes={"resolving_group": ("A",)}))
    events = desk.ws.to_arrow(inputs.events).column("ticket_id").to_pylist()
    pauses = desk.ws.to_arrow(inputs.table("ticket_pauses")).column("ticket_id").to_pylist()
    # Each fixture ticket has one opening event: a1 and a2 are group A's.
    assert sorted(events) == ["a1", "a2"]
    assert pauses == ["a1"]


def test_restriction_needs_a_ticket_column_and_a_tuple() -> None:
    with pytest.raises(ValueError, match="no column 'team'"):
        MetricOptions(ticket_attributes={"team": ("A",)})
    with pytest.raises(ValueError, match="not the string"):
        MetricOptions(ticket_attributes={"channel": "phone"})  # type: ignore[dict-item]
