"""Hand-offs: who passes a ticket to whom, ping-pong, escalations that bounce back.

A hand-off is a change of the attribute (group, agent or level) between consecutive
events of a ticket where it is known. Ping-pong is A → B → A: the ticket comes back
to where it was ("pompottelu", customers bounced between service points).

Two figures follow the levels, each named for what it counts:
- escalations returned: an escalation to a higher level whose next level change
  brings the ticket back to the level it came from, at any level (L1 → L2 → L1,
  L2 → L3 → L2);
- sent back to level 1: a move down to level 1 of a ticket that had been at level 1
  before (L1 → L2 → L1, and L1 → L2 → L3 → L1), counted per move and per ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.process.dfg import EDGE_ORDER, wait_columns
from karsta.process.requirements import NotComputed
from karsta.process.results import TableResult, records
from karsta.process.split_aggregation import SplitAggregation
from karsta.process.transitions import steps, ticket_order
from karsta.timespan import seconds_between


def handoff_network(log: ir.Table) -> ir.Table:
    """Return one row per (source, target) hand-off: count, tickets and the gap between them.

    The expression of `handoff_aggregation` as one table; see there.
    """
    return handoff_aggregation(log).expr()


def handoff_aggregation(log: ir.Table) -> SplitAggregation:
    """Return the hand-off network as two aggregations: count and tickets; then the gaps.

    The gap is the time from the last event with the giver to the first with the
    receiver: what the hand-off itself adds.
    """
    moves = log.filter(_is_handoff(log))
    pairs = moves.group_by(source=moves.node, target=moves.next_node)
    counts = pairs.aggregate(count=moves.count(), tickets=moves.ticket_id.nunique())
    gaps = pairs.aggregate(**wait_columns(moves.wait_s, "gap"))
    return SplitAggregation((counts, gaps), ("source", "target"), EDGE_ORDER)


def _moves(log: ir.Table) -> ir.Table:
    """Return the hand-offs of a `steps` log, each with the hand-off after it in its ticket.

    A hand-off A → B ends a run of A and starts one of B, so consecutive hand-offs
    are consecutive runs: the next hand-off's target is the run after B, and its
    time (the start of that run) is when the ticket left B. Only the hand-offs are
    ordered, not the whole log.
    """
    moves = log.filter(_is_handoff(log))
    order = ticket_order()
    return moves.mutate(
        after_node=moves.next_node.lead().over(order),
        after_at=moves.next_timestamp.lead().over(order),
    )


def returns(log: ir.Table) -> ir.Table:
    """Return the A → B → A returns of a `steps` log, with the detour's length.

    A return is a hand-off A → B followed by the hand-off B → A; the detour lasts
    from leaving A to coming back.
    """
    moves = _moves(log)
    found = moves.filter(moves.after_node == moves.node)
    return found.mutate(detour_s=seconds_between(found.next_timestamp, found.after_at))


FIRST_LEVEL = 1
"""Level 1: the service desk, the first line."""


def escalations_returned(levels: ir.Table) -> ir.Table:
    """Return the escalations of a `steps` log over level that came back: L → higher → L.

    At any level; the detour lasts from leaving L to coming back.
    """
    moves = _moves(levels)
    up = moves.next_node.cast("int64") > moves.node.cast("int64")
    bounced = moves.filter(up & (moves.after_node == moves.node))
    return bounced.mutate(detour_s=seconds_between(bounced.next_timestamp, bounced.after_at))


def sent_back_to_level_1(levels: ir.Table) -> ir.Table:
    """Return the moves of a `steps` log over level down to level 1 after being there before.

    A ticket that was at level 1 has left it by a hand-off from level 1, so an earlier
    (or this) hand-off from level 1 in the ticket tells; a ticket that starts higher
    and is passed down to level 1 for the first time is not sent back.
    """
    moves = levels.filter(_is_handoff(levels))
    so_far = ibis.window(group_by="ticket_id", order_by="seq", rows=(None, 0))
    from_first = (moves.node.cast("int64") == FIRST_LEVEL).cast("int64")
    moves = moves.mutate(left_first=from_first.max().over(so_far))
    down = moves.next_node.cast("int64") == FIRST_LEVEL
    return moves.filter(down & (moves.left_first == 1))


def _is_handoff(log: ir.Table) -> ir.BooleanValue:
    """Return whether a `steps` row hands the ticket on to another node."""
    return log.next_node.notnull() & (log.next_node != log.node)


def ticket_nodes(moves: ir.Table) -> ir.Table:
    """Return one row per ticket with a hand-off: the distinct nodes it passed through.

    `moves` are the hand-offs of a `steps` log. A ticket's hand-offs A → B, B → C, ...
    join its runs end to end, so their sources and targets are every node it
    visited: the hand-offs alone tell, without the other events. A ticket without
    hand-offs stays at one node.
    """
    visits = moves.select("ticket_id", node=ibis.array([moves.node, moves.next_node]).unnest())
    return visits.group_by("ticket_id").aggregate(nodes=visits.node.nunique())


def summary_expr(log: ir.Table, levels: ir.Table, *, max_nodes: int) -> ir.Table:
    """Return one row of hand-off figures for all tickets together.

    `log` is the `steps` log over the hand-off attribute, `levels` the one over level.
    Every ticket in the log has exactly one last event (no next node) there.
    """
    last = log.filter(log.next_node.isnull())
    moves = log.filter(_is_handoff(log))
    per_ticket = ticket_nodes(moves)
    found = returns(log)
    bounces = escalations_returned(levels)
    back = sent_back_to_level_1(levels)
    tickets = last.aggregate(tickets=last.count()).cross_join(
        moves.aggregate(handoffs=moves.count()),
        per_ticket.aggregate(
            tickets_with_handoff=per_ticket.count(),
            tickets_over_max=(per_ticket.nodes > max_nodes).cast("int64").sum(),
        ),
    )
    tickets = tickets.select("tickets", "tickets_with_handoff", "handoffs", "tickets_over_max")
    ping_pong = found.aggregate(
        ping_pong=found.count(),
        ping_pong_tickets=found.ticket_id.nunique(),
        ping_pong_detour_s=found.detour_s.sum(),
    )
    bounce = bounces.aggregate(
        escalations_returned=bounces.count(),
        escalations_returned_tickets=bounces.ticket_id.nunique(),
        escalations_returned_detour_s=bounces.detour_s.sum(),
    )
    sent_back = back.aggregate(
        sent_back_to_level_1=back.count(),
        sent_back_to_level_1_tickets=back.ticket_id.nunique(),
    )
    return tickets.cross_join(ping_pong).cross_join(bounce).cross_join(sent_back)


LEVEL_FIGURES = (
    "escalations_returned",
    "escalations_returned_tickets",
    "escalations_returned_detour_s",
    "sent_back_to_level_1",
    "sent_back_to_level_1_tickets",
)
"""The summary's figures that need levels."""


@dataclass(frozen=True)
class Handoffs(TableResult):
    """Hand-offs: `table` is the network (source → target), `summary` the totals.

    A figure the log cannot give is None in `summary`, and `not_computed` says
    what to map (the attribute for hand-offs and ping-pong, levels for the rest).
    """

    by: str
    max_nodes: int
    summary: dict[str, Any]
    not_computed: tuple[NotComputed, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return {"by", "summary", "network": [...], "not_computed": [...]} (JSON-ready)."""
        return {
            "by": self.by,
            "max_nodes": self.max_nodes,
            "summary": self.summary,
            "network": records(self.table),
            "not_computed": [n.to_dict() for n in self.not_computed],
        }


def handoff_views(events: ir.Table, *, by: str, max_nodes: int) -> tuple[ir.Table, ir.Table]:
    """Return the expressions for the hand-off network and the one-row summary."""
    network, summary = handoff_expressions(
        steps(events, by=by), steps(events, by="level"), max_nodes=max_nodes
    )
    return network.expr(), summary


def handoff_expressions(
    log: ir.Table, levels: ir.Table, *, max_nodes: int
) -> tuple[SplitAggregation, ir.Table]:
    """Return the network and summary from `steps` logs over the attribute and over level."""
    return handoff_aggregation(log), summary_expr(log, levels, max_nodes=max_nodes)
