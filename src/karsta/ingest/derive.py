"""Ticket facts and pause intervals derived from the event history, as Ibis expressions.

The rules (documented on the columns in `karsta.schema`): a value the source
recorded wins; otherwise the fact is derived from the ordered events; where
neither is possible the fact stays empty, never invented.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.schema import TICKET_PAUSES, TICKETS

RESOLVED = ("resolved", "closed")
RESPONDED = ("active", "waiting", "resolved", "closed")


def _with_neighbours(events: ir.Table) -> ir.Table:
    """Return events with the previous event's class, group and agent and the next time."""
    w = ibis.window(group_by=events.ticket_id, order_by=events.seq)
    return events.mutate(
        prev_class=events.status_class.lag().over(w),
        prev_activity=events.activity.lag().over(w),
        prev_pause=events.is_pause.lag().over(w),
        prev_group=events.group.lag().over(w),
        prev_agent=events.agent.lag().over(w),
        next_ts=events.timestamp.lead().over(w),
    )


def _changed(value: ir.Column, previous: ir.Column) -> ir.BooleanColumn:
    return value.notnull() & previous.notnull() & (value != previous)


def ticket_facts(events: ir.Table) -> ir.Table:
    """Return one row per ticket with the facts of `karsta.schema.TICKETS`."""
    e = _with_neighbours(events)
    in_resolved = e.status_class.isin(RESOLVED)
    was_resolved = e.prev_class.isin(RESOLVED).fill_null(False)
    e = e.mutate(
        reopened=(
            was_resolved & e.status_class.notnull() & ~in_resolved & (e.status_class != "cancelled")
        ).fill_null(False),
        reassigned=(_changed(e.group, e.prev_group) | _changed(e.agent, e.prev_agent)).fill_null(
            False
        ),
        resolution_start=(in_resolved & ~was_resolved).fill_null(False),
        closed_start=(
            (e.status_class == "closed") & (e.prev_class != "closed").fill_null(True)
        ).fill_null(False),
        pause_seconds=ibis.ifelse(
            e.is_pause, e.next_ts.epoch_seconds() - e.timestamp.epoch_seconds(), 0
        ),
    )
    facts = e.group_by("ticket_id").aggregate(
        ticket_type=e.ticket_type.argmax(e.seq, where=e.ticket_type.notnull()),
        ticket_type_intake=e.ticket_type.argmin(e.seq, where=e.ticket_type.notnull()),
        channel=e.channel.argmax(e.seq, where=e.channel.notnull()),
        priority=e.priority.argmax(e.seq, where=e.priority.notnull()),
        category_intake=e.category.argmin(e.seq, where=e.category.notnull()),
        category_close=e.category.argmax(e.seq, where=e.category.notnull()),
        subcategory_close=e.subcategory.argmax(e.seq, where=e.subcategory.notnull()),
        caller_id=e.caller_id.argmax(e.seq, where=e.caller_id.notnull()),
        status=e.activity.argmax(e.seq),
        status_class=e.status_class.argmax(e.seq),
        source_opened_at=e.source_opened_at.argmax(e.seq, where=e.source_opened_at.notnull()),
        first_event_at=e.timestamp.min(),
        source_first_response_at=e.source_first_response_at.argmax(
            e.seq, where=e.source_first_response_at.notnull()
        ),
        derived_first_response_at=e.timestamp.min(where=e.status_class.isin(RESPONDED)),
        source_resolved_at=e.source_resolved_at.argmax(e.seq, where=e.source_resolved_at.notnull()),
        resolution_seq=e.seq.max(where=e.resolution_start),
        derived_resolved_at=e.timestamp.argmax(e.seq, where=e.resolution_start),
        source_closed_at=e.source_closed_at.argmax(e.seq, where=e.source_closed_at.notnull()),
        derived_closed_at=e.timestamp.argmax(e.seq, where=e.closed_start),
        source_reopen_count=e.source_reopen_count.max(),
        derived_reopen_count=e.reopened.sum(),
        source_reassignment_count=e.source_reassignment_count.max(),
        derived_reassignment_count=e.reassigned.sum(),
        group_count=e.group.nunique(),
        agent_count=e.agent.nunique(),
        intake_group=e.group.argmin(e.seq, where=e.group.notnull()),
        intake_level=e.level.argmin(e.seq, where=e.group.notnull()),
        resolution_code=e.resolution_code.argmax(e.seq, where=e.resolution_code.notnull()),
        pause_seconds=e.pause_seconds.sum(),
        event_count=e.count(),
        cost=e.cost.argmax(e.seq, where=e.cost.notnull()),
    )
    resolved_now = facts.status_class.isin(RESOLVED).fill_null(False)
    facts = facts.mutate(
        resolved_now=resolved_now,
        resolution_seq=ibis.ifelse(resolved_now, facts.resolution_seq, None),
    )
    resolver = _resolving_event(e, facts)
    f = facts.left_join(resolver, "ticket_id")
    resolving_level = ibis.coalesce(
        f.resolving_level_known,
        ibis.cases(
            (f.resolving_group.isnull() | f.intake_group.isnull(), ibis.null("int64")),
            (f.resolving_group == f.intake_group, ibis.literal(1, "int64")),
            else_=ibis.literal(2, "int64"),
        ),
    )
    # A reopened ticket is unresolved, whatever resolution time the source kept from before.
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
        resolving_agent=f.resolving_agent,
        resolving_level=resolving_level,
        resolution_code=f.resolution_code,
        pause_seconds=f.pause_seconds.fill_null(0).cast("float64"),
        event_count=f.event_count.cast("int64"),
        desk_resolvable=ibis.null("boolean"),
        cost=f.cost,
    ).select(*TICKETS.column_names)


def _resolving_event(events: ir.Table, facts: ir.Table) -> ir.Table:
    """Return the group, agent and level that held each resolved ticket when it was resolved.

    The values are the last ones recorded at or before the event that started the
    ticket's final resolved stay (sources often leave the group empty on that row).
    """
    joined = events.join(
        facts.select("ticket_id", "resolution_seq").filter(facts.resolution_seq.notnull()),
        "ticket_id",
    )
    upto = joined.seq <= joined.resolution_seq
    return joined.group_by("ticket_id").aggregate(
        resolving_group=joined.group.argmax(joined.seq, where=upto & joined.group.notnull()),
        resolving_agent=joined.agent.argmax(joined.seq, where=upto & joined.agent.notnull()),
        resolving_level_known=joined.level.argmax(joined.seq, where=upto & joined.level.notnull()),
    )


def pause_intervals(events: ir.Table) -> ir.Table:
    """Return one row per stay in a pausing status, with its start and end."""
    e = _with_neighbours(events)
    starts = e.is_pause & (
        (e.prev_activity != e.activity).fill_null(True) | ~e.prev_pause.fill_null(False)
    )
    w = ibis.window(group_by=e.ticket_id, order_by=e.seq, preceding=None, following=0)
    e = e.mutate(run=starts.cast("int64").sum().over(w))
    paused = e.filter(e.is_pause)
    return (
        paused.group_by(["ticket_id", "run"])
        .aggregate(
            status=paused.activity.argmin(paused.seq),
            started_at=paused.timestamp.min(),
            ended_at=paused.next_ts.argmax(paused.seq),
        )
        .select(*TICKET_PAUSES.column_names)
    )
