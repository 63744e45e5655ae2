"""A ticket's course through the status classes: what starts a stay, and what is a reopen.

One definition for every view: the ticket facts (`resolved_at`, `closed_at`,
`reopen_count`) and the process views (rework's reopen loops, and the waste
findings built on them) all read a ticket's course through these functions.

- An event whose status has no class (the mapping does not classify it) is passed
  over: it neither ends a stay nor reopens the ticket. Each event is read against the
  class of the ticket's last earlier event that has one (its *previous class*).
- A stay in a class starts at an event of that class whose previous class differs
  (or that has none): Resolved → (unclassified) → Resolved is one resolved stay.
- A reopen is an event of an open class (new, active, waiting) whose previous class is
  resolved or closed: a resolved ticket that later reaches an open class counts as
  reopened once, whatever unclassified statuses lie between. Moving on to cancelled
  is not a reopen.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

OPEN_CLASSES = ("new", "active", "waiting")
"""Classes of a ticket still being worked on or waited for."""
DONE_CLASSES = ("resolved", "closed")
"""Classes after which a move back to an open class is a reopen."""


def is_reopen(status_class: ir.StringValue, previous_class: ir.StringValue) -> ir.BooleanValue:
    """Return whether an event reopens its ticket, given the ticket's previous class."""
    return (status_class.isin(OPEN_CLASSES) & previous_class.isin(DONE_CLASSES)).fill_null(False)


def starts_stay(
    status_class: ir.StringValue, previous_class: ir.StringValue, cls: str
) -> ir.BooleanValue:
    """Return whether an event begins a stay in the class `cls`, given the previous class."""
    return ((status_class == cls) & (previous_class != cls).fill_null(True)).fill_null(False)


def classified_course(events: ir.Table) -> ir.Table:
    """Return the events that have a status class, each with its previous class and time.

    Columns: ticket_id, seq, timestamp, status_class, previous_class and previous_at
    (the class and time of the ticket's last earlier event with a class; empty at
    the first). One window over the classified events; runs on every engine.
    """
    log = events.filter(events.status_class.notnull()).select(
        "ticket_id", "seq", "timestamp", "status_class"
    )
    order = ibis.window(group_by="ticket_id", order_by="seq")
    return log.mutate(
        previous_class=log.status_class.lag().over(order),
        previous_at=log.timestamp.lag().over(order),
    )


def reopen_events(course: ir.Table) -> ir.Table:
    """Return the rows of a `classified_course` that reopen their ticket."""
    return course.filter(is_reopen(course.status_class, course.previous_class))
