"""The sorted event log: every event with the next event of its ticket where `by` is known.

A process view looks at one attribute of the events (status, group, level, agent):
the events where it is known, in ticket order (`seq`, which already breaks timestamp
ties by the source's own sequence), each with the next such event's value and time.

A workspace keeps that log, sorted once at import, in `ticket_transitions`
(`stored_steps` reads it without sorting); `steps` computes it from `ticket_events`
with a window, for what the stored log does not hold (service-hour clocks,
collapsed repeats) and for sources without it.
"""

from __future__ import annotations

from typing import Literal

import ibis
import ibis.expr.types as ir

from karsta.i18n import Message
from karsta.timespan import seconds_between

Attribute = Literal["status", "activity", "group", "level", "agent", "stage"]
ATTRIBUTES: dict[str, str] = {
    "status": "activity",
    "activity": "activity",
    "group": "group",
    "level": "level",
    "agent": "agent",
    "stage": "stage",
}
"""What a user calls an attribute → the `ticket_events` column it reads (`stage`: the column
`Stages.with_stage` adds, the stage of the event's activity)."""

SERVICE_CLOCK = "service_at_s"
"""Service seconds up to the event, when the analysis has a calendar."""

CLOSED_CLASSES = ("resolved", "closed", "cancelled")
"""Status classes after which the customer has their outcome."""

KEPT_COLUMNS = (
    "ticket_id",
    "seq",
    "timestamp",
    "activity",
    "status_class",
    "is_pause",
    "group",
    "agent",
)


def column_of(by: str) -> str:
    """Return the `ticket_events` column behind an attribute name; raise ValueError if unknown."""
    try:
        return ATTRIBUTES[by]
    except KeyError:
        known = ", ".join(ATTRIBUTES)
        raise ValueError(
            Message("unknown attribute '{name}'; known: {known}", name=by, known=known)
        ) from None


def ticket_order() -> ibis.expr.builders.LegacyWindowBuilder:
    """Return the window over one ticket's events in their recorded order."""
    return ibis.window(group_by="ticket_id", order_by="seq")


def steps(events: ir.Table, *, by: str = "status", collapse_repeats: bool = False) -> ir.Table:
    """Return the events where `by` is known, each with the next one's node and time.

    Columns: ticket_id, seq, timestamp, node (the attribute as text), activity,
    status_class, is_pause, group, agent, next_node, next_timestamp and wait_s
    (seconds to the next event; null at the last one). When
    `events` carries the service clock (`service_at_s`), service_wait_s is the wait in
    service hours.
    With `collapse_repeats`, consecutive events with the same node are one step that
    lasts until the node changes.
    """
    column = column_of(by)
    kept = [*KEPT_COLUMNS, *(c for c in (SERVICE_CLOCK,) if c in events.columns)]
    log = events.filter(events[column].notnull()).select(*kept, node=events[column].cast("string"))
    if collapse_repeats:
        # A window in a filter is not portable (Spark): name it as a column first.
        log = log.mutate(previous_node=log.node.lag().over(ticket_order()))
        log = log.filter(log.previous_node.isnull() | (log.previous_node != log.node))
        log = log.drop("previous_node")
    order = ticket_order()
    log = log.mutate(
        next_node=log.node.lead().over(order),
        next_timestamp=log.timestamp.lead().over(order),
    )
    log = log.mutate(wait_s=seconds_between(log.timestamp, log.next_timestamp))
    if SERVICE_CLOCK in log.columns:
        clock = log[SERVICE_CLOCK]
        log = log.mutate(service_wait_s=clock.lead().over(order) - clock)
    return log


def stored_steps(transitions: ir.Table, *, by: str = "status") -> ir.Table:
    """Return the `steps` log over `by` read from a `ticket_transitions` table: no sort.

    The same columns and rows as `steps(events, by=by)` on the events the table
    was derived from (without service clock or collapsed repeats).
    """
    column = column_of(by)
    t = transitions.filter(transitions[column].notnull())
    log = t.select(
        *KEPT_COLUMNS,
        node=t[column].cast("string"),
        next_node=t[f"next_{column}"].cast("string"),
        next_timestamp=t[f"next_{column}_at"],
    )
    return log.mutate(wait_s=seconds_between(log.timestamp, log.next_timestamp))
