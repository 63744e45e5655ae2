"""Ticket facts and pause intervals derived from the event history, as Ibis expressions.

The rules (documented on the columns in `karsta.schema`): a value the source
recorded wins; otherwise the fact is derived from the ordered events; where
neither is possible the fact stays empty, never invented. Where a fact rests on an
assumption (an event log's resolving group carried forward from an earlier event),
the ticket keeps the evidence in its own column, so every figure can count it.
A ticket's course through the status classes (stays, reopens) follows
`karsta.ingest.course`.

The expressions run on the workspace's engine (DuckDB): "the value at the last
(first) event" is DuckDB's `arg_max_null` (`arg_min_null`), which keeps a NULL
value at that event, as `FIRST(x ORDER BY seq DESC)` would, without sorting.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from karsta.ingest.course import is_reopen, starts_stay
from karsta.schema import TICKET_PAUSES, TICKETS

RESPONDED = ("active", "waiting", "resolved", "closed")

FACTS_VERSION = "3"
"""The version of the rules the ticket facts follow; raise it when a rule changes.

A workspace stores the version its facts were derived under (setting
`FACTS_SETTING`); an import into a workspace with older facts derives every ticket
again (version 2: closed is not resolved, one reopen rule, the resolving group by source;
version 3: the responsible group).
"""
FACTS_SETTING = "facts_version"


@functools.cache
def _builtin(name: str, dtype: dt.DataType) -> Any:
    """Return DuckDB's aggregate `name`(value, seq) for values of `dtype`, as an Ibis UDF."""

    def fn(value: Any, key: Any) -> Any: ...

    fn.__name__ = re.sub(r"\W", "_", f"{name}_{dtype}")
    return ibis.udf.agg.builtin(fn, name=name, signature=((dtype, dt.int64), dtype))


def _last(value: ir.Column, seq: ir.IntegerColumn, where: ir.BooleanValue | None = None) -> Any:
    """Return the value at the last event (by `seq`) among those `where` holds."""
    return _builtin("arg_max_null", value.type())(value, seq, where=where)


def _first(value: ir.Column, seq: ir.IntegerColumn, where: ir.BooleanValue | None = None) -> Any:
    """Return the value at the first event (by `seq`) among those `where` holds."""
    return _builtin("arg_min_null", value.type())(value, seq, where=where)


# What the facts that depend on an event's neighbours need. The window sorts only
# these columns: every column carried through it is sorted with it.
NEIGHBOUR_COLUMNS = (
    "ticket_id",
    "seq",
    "timestamp",
    "activity",
    "status_class",
    "is_pause",
    "group",
    "agent",
)


def _with_neighbours(events: ir.Table, *, course: bool = False) -> ir.Table:
    """Return events with the previous event's activity, group and agent and the next time.

    With `course`, also the ticket's previous class (`_previous_class`), in the same window.
    """
    events = events.select(*NEIGHBOUR_COLUMNS)
    w = ibis.window(group_by=events.ticket_id, order_by=events.seq)
    previous = _previous_class(events) if course else {}
    return events.mutate(**_neighbours(events, w), **previous)


def _previous_class(events: ir.Table) -> dict[str, ir.Value]:
    """Return `prev_known_class`: the class of the ticket's last earlier event that has one.

    A frame aggregate over the events in `seq` order (see `karsta.ingest.course`).
    """
    earlier = ibis.window(group_by=events.ticket_id, order_by=events.seq, rows=(None, -1))
    known = events.status_class.notnull()
    return {"prev_known_class": _last(events.status_class, events.seq, where=known).over(earlier)}


def _neighbours(events: ir.Table, w: Any) -> dict[str, ir.Value]:
    """Return the previous event's activity, pause, group and agent and the next time."""
    return {
        "prev_activity": events.activity.lag().over(w),
        "prev_pause": events.is_pause.lag().over(w),
        "prev_group": events.group.lag().over(w),
        "prev_agent": events.agent.lag().over(w),
        "next_ts": events.timestamp.lead().over(w),
    }


def _changed(value: ir.Column, previous: ir.Column) -> ir.BooleanColumn:
    return value.notnull() & previous.notnull() & (value != previous)


def ticket_facts(events: ir.Table, *, snapshots: bool = False) -> ir.Table:
    """Return one row per ticket with the facts of `karsta.schema.TICKETS`.

    `snapshots`: the events are snapshots of the whole ticket record (`combine_facts`).
    """
    return combine_facts(event_facts(events), order_facts(events), events, snapshots=snapshots)


def order_facts(events: ir.Table) -> ir.Table:
    """Return per ticket the facts read from the order of its events (one narrow window)."""
    return order_facts_of(_with_neighbours(events, course=True))


def _flags(e: ir.Table) -> ir.Table:
    """Return events with their neighbours and what each says about the ticket's course."""
    return e.mutate(
        reopened=is_reopen(e.status_class, e.prev_known_class),
        reassigned=(_changed(e.group, e.prev_group) | _changed(e.agent, e.prev_agent)).fill_null(
            False
        ),
        resolution_start=starts_stay(e.status_class, e.prev_known_class, "resolved"),
        closed_start=starts_stay(e.status_class, e.prev_known_class, "closed"),
        pause_seconds=ibis.ifelse(
            e.is_pause, e.next_ts.epoch_seconds() - e.timestamp.epoch_seconds(), 0
        ),
    )


def order_facts_of(events: ir.Table) -> ir.Table:
    """Return `order_facts` from events carrying their neighbours.

    The neighbours: `prev_group`, `prev_agent`, `next_ts` and `prev_known_class`, as
    `_with_neighbours(course=True)` or `karsta.ingest.numbering` give them.
    """
    e = _flags(events)
    return e.group_by("ticket_id").aggregate(
        resolution_seq=e.seq.max(where=e.resolution_start),
        derived_resolved_at=_last(e.timestamp, e.seq, where=e.resolution_start),
        derived_closed_at=_last(e.timestamp, e.seq, where=e.closed_start),
        derived_reopen_count=e.reopened.sum(),
        derived_reassignment_count=e.reassigned.sum(),
        pause_seconds=e.pause_seconds.sum(),
    )


def event_facts(events: ir.Table, empty: frozenset[str] = frozenset()) -> ir.Table:
    """Return per ticket the facts read from single events (first, last, counts).

    Facts read only from columns in `empty` (known to be NULL on every event) are
    not aggregated: they are NULL, or 0 for a count.
    """
    v = events
    facts = {
        "ticket_type": _last(v.ticket_type, v.seq, where=v.ticket_type.notnull()),
        "ticket_type_intake": _first(v.ticket_type, v.seq, where=v.ticket_type.notnull()),
        "channel": _last(v.channel, v.seq, where=v.channel.notnull()),
        "priority": _last(v.priority, v.seq, where=v.priority.notnull()),
        "category_intake": _first(v.category, v.seq, where=v.category.notnull()),
        "category_close": _last(v.category, v.seq, where=v.category.notnull()),
        "subcategory_close": _last(v.subcategory, v.seq, where=v.subcategory.notnull()),
        "caller_id": _last(v.caller_id, v.seq, where=v.caller_id.notnull()),
        "status": _last(v.activity, v.seq),
        "status_class": _last(v.status_class, v.seq),
        "source_opened_at": _last(v.source_opened_at, v.seq, where=v.source_opened_at.notnull()),
        "first_event_at": v.timestamp.min(),
        "source_first_response_at": _last(
            v.source_first_response_at, v.seq, where=v.source_first_response_at.notnull()
        ),
        "derived_first_response_at": v.timestamp.min(where=v.status_class.isin(RESPONDED)),
        "source_resolved_at": _last(
            v.source_resolved_at, v.seq, where=v.source_resolved_at.notnull()
        ),
        "source_closed_at": _last(v.source_closed_at, v.seq, where=v.source_closed_at.notnull()),
        "source_reopen_count": v.source_reopen_count.max(),
        "source_reassignment_count": v.source_reassignment_count.max(),
        "group_count": v.group.nunique(),
        "agent_count": v.agent.nunique(),
        "intake_group": _first(v.group, v.seq, where=v.group.notnull()),
        "current_group": _last(v.group, v.seq, where=v.group.notnull()),
        "intake_level": _first(v.level, v.seq, where=v.group.notnull()),
        "resolution_code": _last(v.resolution_code, v.seq, where=v.resolution_code.notnull()),
        "event_count": v.count(),
        "cost": _last(v.cost, v.seq, where=v.cost.notnull()),
    }
    constant = {
        name: ibis.literal(0, "int64")
        if name in ("group_count", "agent_count")
        else ibis.null(value.type().copy(nullable=True))
        for name, value in facts.items()
        if not empty.isdisjoint(_FACT_SOURCES.get(name, ()))
    }
    aggregated = v.group_by("ticket_id").aggregate(
        **{k: f for k, f in facts.items() if k not in constant}
    )
    return aggregated.mutate(**constant).select("ticket_id", *facts) if constant else aggregated


# The event columns each fact of `event_facts` reads; with any of them empty, the fact is.
_FACT_SOURCES: dict[str, tuple[str, ...]] = {
    "ticket_type": ("ticket_type",),
    "ticket_type_intake": ("ticket_type",),
    "channel": ("channel",),
    "priority": ("priority",),
    "category_intake": ("category",),
    "category_close": ("category",),
    "subcategory_close": ("subcategory",),
    "caller_id": ("caller_id",),
    "status": ("activity",),
    "status_class": ("status_class",),
    "source_opened_at": ("source_opened_at",),
    "source_first_response_at": ("source_first_response_at",),
    "derived_first_response_at": ("status_class",),
    "source_resolved_at": ("source_resolved_at",),
    "source_closed_at": ("source_closed_at",),
    "source_reopen_count": ("source_reopen_count",),
    "source_reassignment_count": ("source_reassignment_count",),
    "group_count": ("group",),
    "agent_count": ("agent",),
    "intake_group": ("group",),
    "current_group": ("group",),
    "intake_level": ("group", "level"),
    "resolution_code": ("resolution_code",),
    "cost": ("cost",),
}


def combine_facts(
    single: ir.Table, ordered: ir.Table, events: ir.Table, *, snapshots: bool = False
) -> ir.Table:
    """Return the ticket rows from `event_facts` and `order_facts` of the same `events`.

    `snapshots` says the events are snapshots of the whole ticket record (see
    `_resolving_event`).
    """
    facts = single.join(ordered, "ticket_id")
    # Resolved now: in a resolved status, or closed after a resolution the events show or
    # the source recorded. A ticket closed without ever being resolved is closed, not
    # resolved; one whose last status is open is unresolved, whatever resolution time the
    # source kept from before it was reopened.
    klass = facts.status_class
    resolution_known = facts.resolution_seq.notnull() | facts.source_resolved_at.notnull()
    resolved_now = ((klass == "resolved") | ((klass == "closed") & resolution_known)).fill_null(
        False
    )
    facts = facts.mutate(
        resolved_now=resolved_now,
        resolution_seq=ibis.ifelse(resolved_now, facts.resolution_seq, None),
    )
    resolver = _resolving_event(events, facts, snapshots=snapshots)
    f = facts.left_join(resolver, "ticket_id")
    resolving_level = ibis.coalesce(
        f.resolving_level_known,
        ibis.cases(
            (f.resolving_group.isnull() | f.intake_group.isnull(), ibis.null("int64")),
            (f.resolving_group == f.intake_group, ibis.literal(1, "int64")),
            else_=ibis.literal(2, "int64"),
        ),
    )
    resolved_at = ibis.ifelse(
        f.resolved_now, ibis.coalesce(f.source_resolved_at, f.derived_resolved_at), None
    )
    return f.select(
        ticket_id=f.ticket_id,
        ticket_type=f.ticket_type,
        ticket_type_intake=f.ticket_type_intake,
        channel=f.channel,
        priority=f.priority,
        category_intake=f.category_intake,
        category_close=f.category_close,
        subcategory_close=f.subcategory_close,
        caller_id=f.caller_id,
        status=f.status,
        status_class=f.status_class,
        opened_at=ibis.coalesce(f.source_opened_at, f.first_event_at),
        first_response_at=ibis.coalesce(f.source_first_response_at, f.derived_first_response_at),
        resolved_at=resolved_at,
        closed_at=ibis.coalesce(
            f.source_closed_at,
            ibis.ifelse(f.status_class == "closed", f.derived_closed_at, None),
        ),
        reopen_count=ibis.coalesce(f.source_reopen_count, f.derived_reopen_count).cast("int64"),
        reassignment_count=ibis.coalesce(
            f.source_reassignment_count, f.derived_reassignment_count
        ).cast("int64"),
        group_count=f.group_count.cast("int64"),
        agent_count=f.agent_count.cast("int64"),
        intake_group=f.intake_group,
        resolving_group=f.resolving_group,
        responsible_group=ibis.coalesce(f.resolving_group, f.current_group),
        resolving_group_carried_from=f.resolving_group_carried_from,
        resolving_agent=f.resolving_agent,
        resolving_agent_carried_from=f.resolving_agent_carried_from,
        resolving_level=resolving_level,
        resolution_code=f.resolution_code,
        pause_seconds=f.pause_seconds.fill_null(0).cast("float64"),
        event_count=f.event_count.cast("int64"),
        desk_resolvable=ibis.null("boolean"),
        cost=f.cost,
    ).select(*TICKETS.column_names)


def _resolving_event(events: ir.Table, facts: ir.Table, *, snapshots: bool) -> ir.Table:
    """Return the group, agent and level that held each resolved ticket when it was resolved.

    The resolving event is the one that started the ticket's final resolved stay.
    Where the events are snapshots of the whole record (ServiceNow's audit rows, one
    row per ticket exports), an empty group or agent on that event means the record
    had none then: the value stays empty. In an event log an event records only what
    it says, so an empty group or agent there is carried forward from the last earlier
    event that records one, and `resolving_*_carried_from` keeps that event's time (an
    assumption every figure that reads it counts).
    """
    joined = events.select("ticket_id", "seq", "timestamp", "group", "agent", "level").join(
        facts.select("ticket_id", "resolution_seq").filter(facts.resolution_seq.notnull()),
        "ticket_id",
    )
    at = joined.seq == joined.resolution_seq
    values: dict[str, ir.Value] = {}
    for name in ("group", "agent"):
        values[f"_{name}_there"] = _last(joined[name], joined.seq, where=at)
        if not snapshots:
            recorded = (joined.seq <= joined.resolution_seq) & joined[name].notnull()
            values[f"_{name}_last"] = _last(joined[name], joined.seq, where=recorded)
            values[f"_{name}_last_at"] = _last(joined.timestamp, joined.seq, where=recorded)
    if snapshots:
        level = _last(joined.level, joined.seq, where=at)
    else:
        upto = (joined.seq <= joined.resolution_seq) & joined.level.notnull()
        level = _last(joined.level, joined.seq, where=upto)
    r = joined.group_by("ticket_id").aggregate(**values, resolving_level_known=level)
    no_time = ibis.null("timestamp('UTC')")
    columns: dict[str, ir.Value] = {}
    for name in ("group", "agent"):
        there = r[f"_{name}_there"]
        if snapshots:
            columns[f"resolving_{name}"] = there
            columns[f"resolving_{name}_carried_from"] = no_time
        else:
            columns[f"resolving_{name}"] = ibis.coalesce(there, r[f"_{name}_last"])
            columns[f"resolving_{name}_carried_from"] = ibis.ifelse(
                there.isnull(), r[f"_{name}_last_at"], no_time
            )
    return r.select("ticket_id", "resolving_level_known", **columns)


def pause_intervals(events: ir.Table) -> ir.Table:
    """Return one row per stay in a pausing status, with its start and end."""
    # Only tickets that were ever paused have stays; the others skip the window.
    paused_tickets = events.filter(events.is_pause).select("ticket_id").distinct()
    e = _with_neighbours(events.semi_join(paused_tickets, "ticket_id"))
    starts = e.is_pause & (
        (e.prev_activity != e.activity).fill_null(True) | ~e.prev_pause.fill_null(False)
    )
    w = ibis.window(group_by=e.ticket_id, order_by=e.seq, preceding=None, following=0)
    e = e.mutate(run=starts.cast("int64").sum().over(w))
    paused = e.filter(e.is_pause)
    return (
        paused.group_by(["ticket_id", "run"])
        .aggregate(
            status=_first(paused.activity, paused.seq),
            started_at=paused.timestamp.min(),
            ended_at=_last(paused.next_ts, paused.seq),
        )
        .select(*TICKET_PAUSES.column_names)
    )
