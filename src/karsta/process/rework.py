"""Rework: activities a ticket enters again, by the same person or another, and reopen loops.

Consecutive events of the same status are one stay (status logs record every update),
so an activity counts as repeated when the ticket comes back to it after being
elsewhere. The time a repeat adds is the length of the repeated stay. A reopen is
defined once, in `karsta.ingest.course` (the ticket facts count it the same way): a
move from a resolved or closed status to an open one, passing over statuses without a
class; it adds the time from the resolution that did not hold to the next resolution
(or the last event).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.ingest.course import DONE_CLASSES, classified_course, reopen_events
from karsta.process.results import TableResult, records
from karsta.process.transitions import steps
from karsta.timespan import seconds_between


def repeated_stays(events: ir.Table) -> ir.Table:
    """Return every stay in an activity the ticket had already visited, with who did it.

    Columns: ticket_id, seq, activity, visit (2 = first return), same_person (true,
    false, or null when either agent is unknown) and added_s (the stay's length).
    """
    runs = steps(events, by="status", collapse_repeats=True)
    visits = ibis.window(group_by=["ticket_id", "node"], order_by="seq")
    runs = runs.mutate(
        visit=ibis.row_number().over(visits) + 1,
        previous_agent=runs.agent.lag().over(visits),
    )
    again = runs.filter(runs.visit > 1)
    return again.select(
        "ticket_id",
        "seq",
        activity=again.node,
        visit=again.visit,
        same_person=again.agent == again.previous_agent,
        added_s=again.wait_s.fill_null(0.0),
    )


def repeats_by_activity(stays: ir.Table) -> ir.Table:
    """Return one row per activity: repeats, tickets, by the same/another/unknown person, time.

    same_person + other_person + unknown_person = repeats: a repeat is by an unknown
    person when either stay has no agent.
    """
    return (
        stays.group_by("activity")
        .aggregate(
            repeats=stays.count(),
            tickets=stays.ticket_id.nunique(),
            same_person=stays.same_person.fill_null(False).cast("int64").sum(),
            other_person=(~stays.same_person).fill_null(False).cast("int64").sum(),
            unknown_person=stays.same_person.isnull().cast("int64").sum(),
            added_s=stays.added_s.sum(),
        )
        .order_by(ibis.desc("repeats"), "activity")
    )


def reopens(events: ir.Table) -> ir.Table:
    """Return one row per reopen: ticket, when it was resolved, reopened, and the time added."""
    log = classified_course(events)
    later = ibis.window(group_by="ticket_id", order_by="seq", rows=(1, None))
    done = log.status_class.isin(DONE_CLASSES)
    log = log.mutate(
        next_resolution=ibis.ifelse(done, log.timestamp, ibis.null()).min().over(later),
        last_event=log.timestamp.max().over(ibis.window(group_by="ticket_id")),
    )
    found = reopen_events(log)
    until = found.next_resolution.fill_null(found.last_event)
    return found.select(
        "ticket_id",
        resolved_at=found.previous_at,
        reopened_at=found.timestamp,
        added_s=seconds_between(found.previous_at, until),
    )


@dataclass(frozen=True)
class Rework(TableResult):
    """Rework: `table` is repeats per activity, `reopens` the reopen loops in total."""

    tickets: int
    reopens: dict[str, Any]
    has_status_classes: bool

    def to_dict(self) -> dict[str, Any]:
        """Return {"repeats": [...], "reopens": {...}} (JSON-ready)."""
        return {
            "tickets_with_repeats": self.tickets,
            "repeats": records(self.table),
            "reopens": self.reopens,
            "has_status_classes": self.has_status_classes,
        }


def reopen_summary(found: ir.Table) -> ir.Table:
    """Return one row: reopens, tickets reopened and the time they added."""
    return found.aggregate(
        reopens=found.count(), tickets=found.ticket_id.nunique(), added_s=found.added_s.sum()
    )
