"""The process map (directly-follows graph): how often each step follows another, and the wait.

Nodes are the values of one event attribute (status, group, level, agent); an edge
A → B counts the times a ticket's next event after one in A was in B, with the
waiting time between them. The edges with the most waiting in total are the
bottlenecks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from karsta.process.results import TableResult, records
from karsta.process.transitions import CLOSED_CLASSES
from karsta.schema import VARIANT_SEPARATOR


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


def wait_columns(waits: ir.FloatingValue, prefix: str) -> dict[str, ir.Value]:
    """Return the mean, median, p90 and total of a wait column, named `<prefix>_mean_s` etc."""
    return {
        f"{prefix}_mean_s": waits.mean(),
        f"{prefix}_median_s": waits.median(),
        f"{prefix}_p90_s": waits.quantile(0.9),
        f"{prefix}_total_s": waits.sum(),
    }


def edge_counts(log: ir.Table, *, min_count: int = 1) -> ir.Table:
    """Return one row per edge: source, target, count, cases and waits (calendar and service).

    Waits are seconds from an event to the ticket's next event; median and p90 are
    exact (interpolated) quantiles. Service-hour waits appear when `log` has
    `service_wait_s`.
    """
    moves = log.filter(log.next_node.notnull())
    measures: dict[str, ir.Value] = {
        "count": moves.count(),
        "cases": moves.ticket_id.nunique(),
        "after_resolution": moves.status_class.isin(CLOSED_CLASSES).fill_null(False).all(),
        **wait_columns(moves.wait_s, "wait"),
    }
    if "service_wait_s" in moves.columns:
        measures.update(wait_columns(moves.service_wait_s, "service_wait"))
    edges = moves.group_by(source=moves.node, target=moves.next_node).aggregate(**measures)
    if min_count > 1:
        edges = edges.filter(edges["count"] >= min_count)
    return edges.order_by(ibis.desc("count"), "source", "target")


def flag_bottlenecks(edges: pa.Table, top: int) -> pa.Table:
    """Return `edges` with `bottleneck`: true for the `top` edges with most waiting in total.

    Edges that leave a resolved or closed status are not bottlenecks (the customer
    already has the outcome while the ticket waits to be closed), nor are loops A → A
    (time between updates within one step, not a wait between steps).
    """
    totals = pc.fill_null(edges["wait_total_s"], 0.0).to_numpy(zero_copy_only=False)
    after = edges["after_resolution"].to_pylist()
    loops = pc.equal(edges["source"], edges["target"]).to_pylist()
    flags = [False] * edges.num_rows
    candidates = [i for i in range(edges.num_rows) if not (after[i] or loops[i])]
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

    def to_dict(self) -> dict[str, Any]:
        """Return the map as {"by", "nodes", "edges", "starts", "ends"} (JSON-ready)."""
        nodes = records(self.nodes)
        return {
            "by": self.by,
            "service_hours": self.service_hours,
            "nodes": [{k: n[k] for k in ("id", "events", "cases")} for n in nodes],
            "edges": records(self.table),
            "starts": [{"id": n["id"], "cases": n["starts"]} for n in nodes if n["starts"]],
            "ends": [{"id": n["id"], "cases": n["ends"]} for n in nodes if n["ends"]],
        }

    @property
    def bottlenecks(self) -> list[dict[str, Any]]:
        """Return the bottleneck edges, most waiting first."""
        edges = [e for e in records(self.table) if e["bottleneck"]]
        return sorted(edges, key=lambda e: -(e["wait_total_s"] or 0.0))
