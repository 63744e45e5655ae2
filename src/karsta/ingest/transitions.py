"""The event log sorted once: every event with the next one of its ticket, and the variants.

`ticket_transitions` holds each event with, for the activity, group, agent and
level, the value and time of the ticket's next event where that attribute is
known; `ticket_variants` holds each ticket's sequence of activities. Both are
derived from `ticket_events` for the tickets an import touches, in the import's
transaction, exactly as `tickets` is, so the process views aggregate them instead
of sorting the event log again on every question.

The expressions run on the workspace's engine (DuckDB): "the next known value" is
DuckDB's `arg_min` over the following events of the ticket, filtered to the known
ones, which needs no second sort.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from karsta.schema import (
    TICKET_TRANSITIONS,
    TICKET_VARIANTS,
    TRACKED_ATTRIBUTES,
    VARIANT_SEPARATOR,
)
from karsta.workspace import Workspace, query_int

TABLES = (TICKET_TRANSITIONS.name, TICKET_VARIANTS.name)
"""The tables this module derives; an import deletes the affected tickets' rows of both."""


@functools.cache
def _arg_min(dtype: dt.DataType) -> Any:
    """Return DuckDB's aggregate arg_min(value, seq) for values of `dtype`, as an Ibis UDF."""

    def fn(value: Any, key: Any) -> Any: ...

    fn.__name__ = re.sub(r"\W", "_", f"arg_min_{dtype}")
    return ibis.udf.agg.builtin(fn, name="arg_min", signature=((dtype, dt.int64), dtype))


def ticket_transitions(events: ir.Table) -> ir.Table:
    """Return the rows of `ticket_transitions` for the tickets of `events` (all their events)."""
    e = events.select(*(c.name for c in TICKET_TRANSITIONS.columns if c.name in events.columns))
    following = ibis.window(group_by=e.ticket_id, order_by=e.seq, following=(1, None))
    nexts: dict[str, ir.Value] = {}
    for name in TRACKED_ATTRIBUTES:
        known = e[name].notnull()
        nexts[f"next_{name}"] = _arg_min(e[name].type())(e[name], e.seq, where=known).over(
            following
        )
        nexts[f"next_{name}_at"] = _arg_min(e.timestamp.type())(
            e.timestamp, e.seq, where=known
        ).over(following)
    return e.mutate(**nexts).select(*TICKET_TRANSITIONS.column_names)


def ticket_variants(events: ir.Table) -> ir.Table:
    """Return the rows of `ticket_variants`: each ticket's activities in order, and their span."""
    known = events.filter(events.activity.notnull())
    return known.group_by("ticket_id").aggregate(
        variant=known.activity.group_concat(VARIANT_SEPARATOR, order_by=known.seq),
        events=known.count(),
        started_at=known.timestamp.min(),
        ended_at=known.timestamp.max(),
    )


def derive(workspace: Workspace, events: ir.Table) -> None:
    """Insert the transitions and variants of the tickets of `events` (none stored yet).

    A workspace whose events were imported before these tables existed is caught
    up here: when the transitions do not cover every event, both tables are derived
    again from all the events.
    """
    con = workspace.connection
    workspace.insert(TICKET_TRANSITIONS.name, ticket_transitions(events))
    workspace.insert(TICKET_VARIANTS.name, ticket_variants(events))
    covered = f"SELECT count(*) FROM {TICKET_TRANSITIONS.name}"
    if query_int(con, covered) == query_int(con, "SELECT count(*) FROM ticket_events"):
        return
    every = workspace.table("ticket_events")
    for name in TABLES:
        con.execute(f"DELETE FROM {name}")
    workspace.insert(TICKET_TRANSITIONS.name, ticket_transitions(every))
    workspace.insert(TICKET_VARIANTS.name, ticket_variants(every))
