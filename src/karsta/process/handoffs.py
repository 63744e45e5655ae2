"""Hand-offs: who passes a ticket to whom, ping-pong, escalations that bounce back.

A hand-off is a change of the attribute (group, agent or level) between consecutive
events of a ticket where it is known. Ping-pong is A → B → A: the ticket comes back
to where it was ("pompottelu", customers bounced between service points). A bounce
is an escalation that returns to the level it came from (L1 → L2 → L1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.process.dfg import wait_columns
from karsta.process.results import TableResult, records
from karsta.process.transitions import seconds_between, steps, ticket_order


def handoff_network(log: ir.Table) -> ir.Table:
    """Return one row per (source, target) hand-off: count, tickets and the gap between them.

    The gap is the time from the last event with the giver to the first with the
    receiver: what the hand-off itself adds.
    """
    moves = log.filter(log.next_node.notnull() & (log.next_node != log.node))
    return (
        moves.group_by(source=moves.node, target=moves.next_node)
        .aggregate(
            count=moves.count(),
            tickets=moves.ticket_id.nunique(),
            **wait_columns(moves.wait_s, "gap"),
        )
        .order_by(ibis.desc("count"), "source", "target")
    )


def returns(runs: ir.Table) -> ir.Table:
    """Return the A → B → A returns in collapsed runs, with the detour's start and end.

    `runs` is a `steps(..., collapse_repeats=True)` log: consecutive runs differ, so
    the run two ahead equal to this one is a return. The detour lasts from leaving A
    to coming back.
    """
    order = ticket_order()
    ahead = runs.mutate(
        return_node=runs.node.lead(2).over(order),
        returned_at=runs.timestamp.lead(2).over(order),
    )
    found = ahead.filter(ahead.return_node == ahead.node)
    return found.mutate(detour_s=seconds_between(found.next_timestamp, found.returned_at))


def level_bounces(events: ir.Table) -> ir.Table:
    """Return the escalations that came back down: level L → higher → L again."""
    known = events.filter(events.level.notnull()).select("ticket_id", "seq", "timestamp", "level")
    known = known.mutate(previous=known.level.lag().over(ticket_order()))
    runs = known.filter(known.previous.isnull() | (known.previous != known.level)).drop("previous")
    order = ticket_order()
    runs = runs.mutate(
        up=runs.level.lead().over(order),
        back=runs.level.lead(2).over(order),
        left_at=runs.timestamp.lead().over(order),
        returned_at=runs.timestamp.lead(2).over(order),
    )
    bounced = runs.filter((runs.up > runs.level) & (runs.back == runs.level))
    return bounced.mutate(detour_s=seconds_between(bounced.left_at, bounced.returned_at))


def ticket_handoffs(log: ir.Table) -> ir.Table:
    """Return one row per ticket: hand-offs and distinct nodes (groups, agents, levels)."""
    moved = (log.next_node.notnull() & (log.next_node != log.node)).cast("int64")
    return log.group_by("ticket_id").aggregate(handoffs=moved.sum(), nodes=log.node.nunique())


def summary_expr(log: ir.Table, runs: ir.Table, bounces: ir.Table, *, max_nodes: int) -> ir.Table:
    """Return one row of hand-off figures for all tickets together."""
    per_ticket = ticket_handoffs(log)
    found = returns(runs)
    tickets = per_ticket.aggregate(
        tickets=per_ticket.count(),
        tickets_with_handoff=(per_ticket.handoffs > 0).cast("int64").sum(),
        handoffs=per_ticket.handoffs.sum(),
        tickets_over_max=(per_ticket.nodes > max_nodes).cast("int64").sum(),
    )
    ping_pong = found.aggregate(
        ping_pong=found.count(),
        ping_pong_tickets=found.ticket_id.nunique(),
        ping_pong_detour_s=found.detour_s.sum(),
    )
    bounce = bounces.aggregate(
        bounces=bounces.count(),
        bounce_tickets=bounces.ticket_id.nunique(),
        bounce_detour_s=bounces.detour_s.sum(),
    )
    return tickets.cross_join(ping_pong).cross_join(bounce)


@dataclass(frozen=True)
class Handoffs(TableResult):
    """Hand-offs: `table` is the network (source → target), `summary` the totals."""

    by: str
    max_nodes: int
    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return {"by", "summary", "network": [...]} (JSON-ready)."""
        return {
            "by": self.by,
            "max_nodes": self.max_nodes,
            "summary": self.summary,
            "network": records(self.table),
        }


def handoff_views(events: ir.Table, *, by: str, max_nodes: int) -> tuple[ir.Table, ir.Table]:
    """Return the expressions for the hand-off network and the one-row summary."""
    log = steps(events, by=by)
    runs = steps(events, by=by, collapse_repeats=True)
    return handoff_network(log), summary_expr(log, runs, level_bounces(events), max_nodes=max_nodes)
