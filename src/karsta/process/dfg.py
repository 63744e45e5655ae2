"""The process map (directly-follows graph): how often each step follows another, and the wait.

Nodes are the values of one event attribute (status, group, level, agent); an edge
A → B counts the times a ticket's next event after one in A was in B, with the
waiting time between them. On a status map every edge also carries the kind of the
stay in A (queue, working, waiting, after resolution: `WaitingRules.kind`, the
classification `process waiting` and the waste findings use). The bottlenecks are the
edges with the most time in total (`wait_total_s`) among stays in the flow of work
(queue or working), leaving out loops A → A.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from karsta.process.requirements import NotComputed
from karsta.process.results import TableResult, records
from karsta.process.split_aggregation import SplitAggregation
from karsta.process.transitions import CLOSED_CLASSES
from karsta.process.waiting import FLOW_KINDS, WaitingRules
from karsta.schema import VARIANT_SEPARATOR

BOTTLENECK_STATISTIC = "wait_total_s"
"""What bottlenecks are ranked by, on the map and in the waste findings: time in total."""


def node_counts(log: ir.Table, cases: ir.Table | None = None) -> ir.Table:
    """Return one row per node: id, events, cases (tickets that visit it), starts and ends.

    starts and ends count the tickets whose first or last event is at the node. Every
    event but a ticket's first is the next event of exactly one other, so a node's
    starts are its events less the arrows into it: no ordering needed. `cases`
    (id, cases), when given, replaces counting distinct tickets over the log.
    """
    measures: dict[str, ir.Value] = {
        "events": log.count(),
        "ends": log.next_node.isnull().cast("int64").sum(),
    }
    if cases is None:
        measures["cases"] = log.ticket_id.nunique()
    nodes = log.group_by(id=log.node).aggregate(**measures)
    if cases is not None:
        nodes = nodes.left_join(cases, "id").drop("id_right")
    arrows = log.filter(log.next_node.notnull())
    incoming = arrows.group_by(id=arrows.next_node).aggregate(arrivals=arrows.count())
    joined = nodes.left_join(incoming, "id")
    return joined.select(
        joined.id,
        joined.events,
        joined.cases,
        starts=(joined.events - joined.arrivals.fill_null(0)).cast("int64"),
        ends=joined.ends,
    )


def step_cases(variants: ir.Table) -> ir.Table:
    """Return the tickets that visit each activity (id, cases), from the tickets' variants.

    Which activities a ticket visits follows from its variant alone, so they are
    counted once per distinct variant and weighted by its tickets: the numbers that
    counting distinct tickets over the events gives, from far fewer rows.
    """
    distinct = variants.group_by("variant").aggregate(tickets=variants.count())
    visits = distinct.select(
        "tickets", id=distinct.variant.split(VARIANT_SEPARATOR).unique().unnest()
    )
    return visits.group_by("id").aggregate(cases=visits.tickets.sum())


def arrow_cases(variants: ir.Table) -> ir.Table:
    """Return the tickets that pass each arrow (source, target, cases), from the variants.

    Like `step_cases`: the arrows a ticket passes follow from its variant alone (each
    step to the next), counted once per distinct variant and weighted by its tickets.
    """
    distinct = variants.group_by("variant").aggregate(tickets=variants.count())
    split = distinct.select(
        "tickets",
        number=ibis.row_number().over(order_by="variant"),
        steps=distinct.variant.split(VARIANT_SEPARATOR),
    )
    at = split.mutate(i=ibis.range(0, split.steps.length() - 1).unnest())
    arrows = at.select("tickets", "number", source=at.steps[at.i], target=at.steps[at.i + 1])
    passed = arrows.distinct()  # an arrow passed twice in a variant counts its tickets once
    return passed.group_by("source", "target").aggregate(cases=passed.tickets.sum())


def wait_columns(waits: ir.FloatingValue, prefix: str) -> dict[str, ir.Value]:
    """Return the mean, median, p90 and total of a wait column, named `<prefix>_mean_s` etc."""
    return {
        f"{prefix}_mean_s": waits.mean(),
        f"{prefix}_median_s": waits.median(),
        f"{prefix}_p90_s": waits.quantile(0.9),
        f"{prefix}_total_s": waits.sum(),
    }


def edge_counts(
    log: ir.Table,
    *,
    min_count: int = 1,
    rules: WaitingRules | None = None,
    cases: ir.Table | None = None,
) -> ir.Table:
    """Return one row per edge: source, target, count, cases, kind and waits.

    The expression of `edge_aggregation` as one table; see there.
    """
    return edge_aggregation(log, min_count=min_count, rules=rules, cases=cases).expr()


EDGE_ORDER = (ibis.desc("count"), "source", "target")
"""Edges most frequent first, then by name."""
EDGE_COLUMNS = ("source", "target", "count", "cases", "after_resolution", "kind")
"""The first columns of an edge, in this order; the waits follow."""


def edge_aggregation(
    log: ir.Table,
    *,
    min_count: int = 1,
    rules: WaitingRules | None = None,
    cases: ir.Table | None = None,
) -> SplitAggregation:
    """Return the edges as aggregations: count, cases and kind; then the waits.

    `cases` (source, target, cases: `arrow_cases`), when given, replaces counting
    distinct tickets over the log.

    Waits are seconds from an event to the ticket's next event (calendar and, when
    `log` has `service_wait_s`, service hours); median and p90 are exact
    (interpolated) quantiles. `kind` is the kind of the stays in the source by
    `rules` (a map over status), "mixed" if they differ, and null without `rules`
    (a map over group, agent or level: a stay there spans several statuses).
    """
    moves = log.filter(log.next_node.notnull())
    if rules is not None:
        moves = moves.mutate(stay_kind=rules.kind(moves))
    measures: dict[str, ir.Value] = {"count": moves.count()}
    if cases is None:
        measures["cases"] = moves.ticket_id.nunique()
    measures["after_resolution"] = moves.status_class.isin(CLOSED_CLASSES).fill_null(False).all()
    if rules is not None:
        measures["kind_low"] = moves.stay_kind.min()
        measures["kind_high"] = moves.stay_kind.max()
    edges = moves.group_by(source=moves.node, target=moves.next_node).aggregate(**measures)
    if rules is not None:
        kind = ibis.ifelse(edges.kind_low == edges.kind_high, edges.kind_low, "mixed")
        edges = edges.mutate(kind=kind).drop("kind_low", "kind_high")
    else:
        edges = edges.mutate(kind=ibis.null("string"))
    if min_count > 1:
        edges = edges.filter(edges["count"] >= min_count)
    waits = wait_columns(moves.wait_s, "wait")
    if "service_wait_s" in moves.columns:
        waits.update(wait_columns(moves.service_wait_s, "service_wait"))
    timed = moves.group_by(source=moves.node, target=moves.next_node).aggregate(**waits)
    parts = (edges, timed) if cases is None else (edges, cases, timed)
    return SplitAggregation(parts, ("source", "target"), EDGE_ORDER, EDGE_COLUMNS)


def flag_bottlenecks(edges: pa.Table, top: int) -> pa.Table:
    """Return `edges` with `bottleneck`: true for the `top` edges with most time in total.

    Only stays in the flow of work can be bottlenecks: on a status map, edges whose
    kind is queue or working (a waiting status is its own finding); on any map, not
    the edges that leave a resolved or closed status (the customer already has the
    outcome while the ticket waits to be closed), nor loops A → A (time between
    updates within one step, not a wait between steps).
    """
    totals = pc.fill_null(edges[BOTTLENECK_STATISTIC], 0.0).to_numpy(zero_copy_only=False)
    after = edges["after_resolution"].to_pylist()
    kinds = edges["kind"].to_pylist()
    loops = pc.equal(edges["source"], edges["target"]).to_pylist()
    flags = [False] * edges.num_rows
    candidates = [
        i
        for i in range(edges.num_rows)
        if not (after[i] or loops[i]) and (kinds[i] is None or kinds[i] in FLOW_KINDS)
    ]
    ranked = sorted(candidates, key=lambda i: -float(totals[i]))
    for i in ranked[:top]:
        flags[i] = bool(totals[i] > 0)
    return edges.append_column("bottleneck", pa.array(flags, pa.bool_()))


@dataclass(frozen=True)
class ProcessMap(TableResult):
    """The process map: `table` holds the edges, `nodes` the steps with starts and ends."""

    by: str
    nodes: pa.Table
    node_expr: ir.Table
    service_hours: str | None = None
    min_count: int = 1
    collapse_repeats: bool = False
    not_computed: tuple[NotComputed, ...] = ()
    customer_value: Mapping[str, str] = field(default_factory=dict)
    """Node → value-adding, necessary or waste (maps over status or stage)."""
    open_stage: str | None = None
    """On a map by stage: the stage whose steps the map shows (its nodes are activities)."""
    stage_nodes: tuple[str, ...] = ()
    """On a map by stage: the nodes that are stages (the others are the open stage's steps)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the map as {"by", "nodes", "edges", "starts", "ends", ...} (JSON-ready).

        `bottlenecks_ranked_by` names the edge statistic bottlenecks are ranked by;
        `not_computed` says what to map when the log cannot tell them;
        `customer_value` marks nodes value-adding, necessary or waste.
        """
        nodes = records(self.nodes)
        return {
            "by": self.by,
            "service_hours": self.service_hours,
            "collapse_repeats": self.collapse_repeats,
            "nodes": [{k: n[k] for k in ("id", "events", "cases")} for n in nodes],
            "edges": records(self.table),
            "starts": [{"id": n["id"], "cases": n["starts"]} for n in nodes if n["starts"]],
            "ends": [{"id": n["id"], "cases": n["ends"]} for n in nodes if n["ends"]],
            "bottlenecks_ranked_by": BOTTLENECK_STATISTIC,
            "not_computed": [n.to_dict() for n in self.not_computed],
            "customer_value": dict(self.customer_value),
            "open_stage": self.open_stage,
            "stage_nodes": list(self.stage_nodes),
        }

    @property
    def bottlenecks(self) -> list[dict[str, Any]]:
        """Return the bottleneck edges, most waiting first."""
        edges = [e for e in records(self.table) if e["bottleneck"]]
        return sorted(edges, key=lambda e: -(e[BOTTLENECK_STATISTIC] or 0.0))
