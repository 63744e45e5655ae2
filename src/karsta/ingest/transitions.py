"""The event log sorted once: every event with the next one of its ticket, and the variants.

`ticket_transitions` holds each event with, for the activity, group, agent and
level, the value and time of the ticket's next event where that attribute is
known; `ticket_variants` holds each ticket's sequence of activities. Both are
derived from `ticket_events` for the tickets an import touches, in the import's
transaction, exactly as `tickets` is, so the process views aggregate them instead
of sorting the event log again on every question.

The transitions are DuckDB SQL: "the next known value" is `lead(value IGNORE NULLS)`
over the ticket's events in order, which Ibis cannot say; it costs one sort of the
narrow columns and no frame aggregates.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.ingest.parse import quote
from karsta.schema import (
    TICKET_TRANSITIONS,
    TICKET_VARIANTS,
    TRACKED_ATTRIBUTES,
    VARIANT_SEPARATOR,
)
from karsta.workspace import Workspace, query_int

TABLES = (TICKET_TRANSITIONS.name, TICKET_VARIANTS.name)
"""The tables this module derives; an import deletes the affected tickets' rows of both."""

EVENT_COLUMNS = tuple(c for c in TICKET_TRANSITIONS.column_names if not c.startswith("next_"))
"""The columns of `ticket_transitions` taken from the event itself."""


def next_known(empty: frozenset[str] = frozenset()) -> list[str]:
    """Return SQL for the `next_*` columns over a window `w` of a ticket's events in order.

    An attribute in `empty` (no event has it) has no next value: NULL, no window function.
    """
    columns = []
    for name in TRACKED_ATTRIBUTES:
        value = quote(name)
        if name in empty:
            kind = "BIGINT" if name == "level" else "VARCHAR"
            columns.append(f"CAST(NULL AS {kind}) AS next_{name}")
            columns.append(f"CAST(NULL AS TIMESTAMPTZ) AS next_{name}_at")
            continue
        columns.append(f"lead({value} IGNORE NULLS) OVER w AS next_{name}")
        columns.append(
            f"lead(CASE WHEN {value} IS NOT NULL THEN timestamp END IGNORE NULLS) OVER w "
            f"AS next_{name}_at"
        )
    return columns


def ticket_transitions(workspace: Workspace, events: ir.Table) -> str:
    """Return SQL for the `ticket_transitions` rows of the tickets of `events` (every event)."""
    source = workspace.sql(events.select(*EVENT_COLUMNS))
    columns = ", ".join([*map(quote, EVENT_COLUMNS), *next_known()])
    return f"SELECT {columns} FROM ({source}) WINDOW w AS (PARTITION BY ticket_id ORDER BY seq)"


def ticket_variants(events: ir.Table) -> ir.Table:
    """Return the rows of `ticket_variants`: each ticket's activities in order, and their span.

    Sorting each ticket's (seq, activity) pairs costs less than an ordered string aggregate.
    """
    known = events.filter(events.activity.notnull())
    pairs = ibis.struct({"seq": known.seq, "activity": known.activity})
    return known.group_by("ticket_id").aggregate(
        variant=pairs.collect().sort().map(lambda pair: pair.activity).join(VARIANT_SEPARATOR),
        events=known.count(),
        started_at=known.timestamp.min(),
        ended_at=known.timestamp.max(),
    )


def derive(workspace: Workspace, events: ir.Table, *, numbered: bool = False) -> None:
    """Insert the transitions and variants of the tickets of `events` (none stored yet).

    `numbered`: `events` already carry their `next_*` columns (`karsta.ingest.numbering`),
    so the transitions need no sort. A workspace whose events were imported before
    these tables existed is caught up here: when the transitions do not cover every
    event, both tables are derived again from all the events.
    """
    con = workspace.connection
    if numbered:
        columns = TICKET_TRANSITIONS.column_names
        workspace.insert(TICKET_TRANSITIONS.name, events.select(*columns))
    else:
        _insert_transitions(workspace, events)
    workspace.insert(TICKET_VARIANTS.name, ticket_variants(events))
    covered = f"SELECT count(*) FROM {TICKET_TRANSITIONS.name}"
    if query_int(con, covered) == query_int(con, "SELECT count(*) FROM ticket_events"):
        return
    every = workspace.table("ticket_events")
    for name in TABLES:
        con.execute(f"DELETE FROM {name}")
    _insert_transitions(workspace, every)
    workspace.insert(TICKET_VARIANTS.name, ticket_variants(every))


def _insert_transitions(workspace: Workspace, events: ir.Table) -> None:
    workspace.connection.execute(
        f"INSERT INTO {TICKET_TRANSITIONS.name} BY NAME {ticket_transitions(workspace, events)}"
    )
