"""`ProcessAnalysis`: the process views of one source, with the same filters and calendar."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.common.exceptions import TableNotFound

from karsta.calendar import ServiceCalendar
from karsta.i18n import Message
from karsta.process import findings
from karsta.process.dfg import (
    ProcessMap,
    edge_counts,
    flag_bottlenecks,
    node_counts,
    step_cases,
)
from karsta.process.filters import ProcessFilters, filtered
from karsta.process.handoffs import Handoffs, handoff_expressions
from karsta.process.rework import (
    Rework,
    reopen_summary,
    reopens,
    repeated_stays,
    repeats_by_activity,
)
from karsta.process.service_time import clock_segments, with_service_clock
from karsta.process.transitions import column_of, steps, stored_steps
from karsta.process.variants import Variants, stored_variants, ticket_variants, variant_counts
from karsta.process.waiting import (
    WaitingRules,
    WaitingTime,
    by_kind,
    by_variant,
    classified_stays,
    shares,
)
from karsta.process.waste import ObservedPeriod, WasteAssumptions, WasteFindings, ranked
from karsta.schema import TICKET_TRANSITIONS, TICKET_VARIANTS
from karsta.workspace import WorkspaceError
from karsta.workspace.source import TableSource


class ProcessAnalysis:
    """Process views (map, variants, hand-offs, rework, waiting, waste) of one source.

    `calendar` adds waits in service hours to the map; `filters` chooses the tickets;
    `waiting` says which statuses are waiting rather than work; `stored_log=False`
    ignores the log sorted at import (to compare the two ways).

    Where the source holds the event log sorted at import (`ticket_transitions` and
    `ticket_variants` covering every event), the map, variants and hand-offs read
    it; otherwise, and for service-hour waits and collapsed repeats, they sort the
    events themselves. Both give the same rows.
    """

    def __init__(
        self,
        source: TableSource,
        *,
        calendar: ServiceCalendar | None = None,
        filters: ProcessFilters | None = None,
        waiting: WaitingRules | None = None,
        stored_log: bool = True,
    ) -> None:
        self.source = source
        self.stored_log = stored_log
        self.calendar = calendar
        self.filters = filters or ProcessFilters()
        self.waiting_rules = waiting or WaitingRules()

    @cached_property
    def stored(self) -> tuple[ir.Table, ir.Table] | None:
        """Return the stored transitions and variants, or None unless they cover every event.

        A workspace from before these tables existed has them empty (or, for an
        export, lacks their files) until its next import derives them.
        """
        if not self.stored_log:
            return None
        try:
            transitions = self.source.table(TICKET_TRANSITIONS.name)
            variants = self.source.table(TICKET_VARIANTS.name)
        except (TableNotFound, WorkspaceError):  # an old workspace, or an export without them
            return None
        events = self.source.table("ticket_events")
        counts = transitions.aggregate(stored=transitions.count()).cross_join(
            events.aggregate(events=events.count())
        )
        row = self._one_row(counts)
        if row.get("stored") != row.get("events"):
            return None
        return transitions, variants

    def events(self) -> ir.Table:
        """Return the events of the tickets the filters keep."""
        variants = None if self.stored is None else self.stored[1]
        return filtered(
            self.source.table("ticket_events"), self.source, self.filters, variants=variants
        )

    def _keep(self, table: ir.Table) -> ir.Table:
        """Return the rows of a stored table of the tickets the filters keep."""
        variants = None if self.stored is None else self.stored[1]
        return filtered(table, self.source, self.filters, variants=variants)

    def _log(self, by: str) -> ir.Table:
        """Return the sorted log over `by` in calendar time: stored if there, else sorted now."""
        if self.stored is None:
            return steps(self.events(), by=by)
        return stored_steps(self._keep(self.stored[0]), by=by)

    def _per_ticket_variants(self) -> ir.Table:
        """Return each kept ticket's variant, events and throughput."""
        if self.stored is None:
            return ticket_variants(self.events())
        return stored_variants(self._keep(self.stored[1]))

    def _one_row(self, expr: ir.Table) -> dict[str, Any]:
        rows = self.source.to_arrow(expr).to_pylist()
        return dict(rows[0]) if rows else {}

    def period(self) -> ObservedPeriod:
        """Return the span of the analysed events."""
        events = self.events()
        span = self._one_row(
            events.aggregate(first=events.timestamp.min(), last=events.timestamp.max())
        )
        return ObservedPeriod(first=span.get("first"), last=span.get("last"))

    def steps(self, *, by: str = "status", collapse_repeats: bool = False) -> ir.Table:
        """Return the sorted log over `by`, with service-hour waits when there is a calendar."""
        if self.calendar is None and not collapse_repeats:
            return self._log(by)
        events = self.events()
        if self.calendar is None:
            return steps(events, by=by, collapse_repeats=collapse_repeats)
        period = self.period()
        if period.first is None or period.last is None:
            return steps(events, by=by, collapse_repeats=collapse_repeats)
        segments = clock_segments(self.calendar, period.first.date(), period.last.date())
        clocked = with_service_clock(events, segments)
        return steps(clocked, by=by, collapse_repeats=collapse_repeats)

    def map(
        self,
        *,
        by: str = "status",
        min_count: int = 1,
        collapse_repeats: bool = False,
        bottlenecks: int = 3,
    ) -> ProcessMap:
        """Return the process map over `by` with frequencies and waits on every edge."""
        column_of(by)
        log = self.steps(by=by, collapse_repeats=collapse_repeats)
        edges_expr = edge_counts(log, min_count=min_count)
        nodes_expr = node_counts(log, self._step_cases(by, collapse_repeats))
        nodes_expr = nodes_expr.order_by(ibis.desc("events"), "id")
        edges = flag_bottlenecks(self.source.to_arrow(edges_expr), bottlenecks)
        return ProcessMap(
            edges,
            edges_expr,
            by=by,
            nodes=self.source.to_arrow(nodes_expr),
            node_expr=nodes_expr,
            service_hours=self.calendar.describe() if self.calendar else None,
            min_count=min_count,
        )

    def _step_cases(self, by: str, collapse_repeats: bool) -> ir.Table | None:
        """Return the tickets per step from the stored variants, where they tell; else None.

        They do for the activity map read from the stored log; otherwise the map
        counts distinct tickets over its log.
        """
        if self.stored is None or self.calendar is not None or collapse_repeats:
            return None
        if column_of(by) != "activity":
            return None
        return step_cases(self._keep(self.stored[1]))

    def variants(self, *, top: int | None = 20) -> Variants:
        """Return the variants ranked by cases: the `top` ones and the tail's totals."""
        counts = variant_counts(self._per_ticket_variants())
        listed = counts.limit(top) if top is not None else counts
        table = self.source.to_arrow(listed)
        if table.num_rows:  # every row carries the totals
            totals = {
                "cases": table["total_cases"][0].as_py(),
                "variants": table["total_variants"][0].as_py(),
            }
        else:
            totals = self._one_row(
                counts.aggregate(cases=counts.cases.sum(), variants=counts.count())
            )
        return Variants(
            table,
            listed,
            total_cases=int(totals.get("cases") or 0),
            total_variants=int(totals.get("variants") or 0),
        )

    def handoffs(self, *, by: str = "group", max_nodes: int = 3) -> Handoffs:
        """Return who passes tickets to whom, ping-pong, bounces and tickets over `max_nodes`."""
        column_of(by)
        network, summary = handoff_expressions(
            self._log(by), self._log("level"), max_nodes=max_nodes
        )
        figures = _counts(self._one_row(summary))
        return Handoffs(
            self.source.to_arrow(network), network, by=by, max_nodes=max_nodes, summary=figures
        )

    def rework(self) -> Rework:
        """Return repeated activities per activity and the reopen loops."""
        events = self.events()
        stays = repeated_stays(events)
        table_expr = repeats_by_activity(stays)
        tickets = self._one_row(stays.aggregate(tickets=stays.ticket_id.nunique()))
        reopen = _counts(self._one_row(reopen_summary(reopens(events))))
        classes = self._one_row(
            events.aggregate(known=events.status_class.notnull().cast("int64").sum())
        )
        return Rework(
            self.source.to_arrow(table_expr),
            table_expr,
            tickets=int(tickets.get("tickets") or 0),
            reopens=reopen,
            has_status_classes=bool(classes.get("known")),
        )

    def waiting(self, *, top_variants: int = 10) -> WaitingTime:
        """Return waiting vs working time: per status, in total, per group and per variant."""
        events = self.events()
        stays = classified_stays(events, self.waiting_rules)
        per_status = by_kind(stays)
        per_ticket = self._per_ticket_variants()
        top = variant_counts(per_ticket).limit(top_variants)
        overall = {k: _plain(v) for k, v in self._one_row(shares(stays)).items()}
        groups = shares(stays.mutate(group=stays.group.fill_null("(no group)")), "group")
        return WaitingTime(
            self.source.to_arrow(per_status),
            per_status,
            overall=overall,
            per_group=self.source.to_arrow(groups.order_by(ibis.desc("waiting_s"), "group")),
            per_variant=self.source.to_arrow(
                by_variant(stays, per_ticket, top).order_by(ibis.desc("tickets"), "variant")
            ),
            rules=self.waiting_rules,
        )

    def recategorised(self) -> dict[str, int]:
        """Return tickets with both categories known and those closed in another category."""
        tickets = self.source.table("tickets").semi_join(
            self.events().select("ticket_id"), "ticket_id"
        )
        known = tickets.filter(tickets.category_intake.notnull() & tickets.category_close.notnull())
        row = self._one_row(
            known.aggregate(
                tickets=known.count(),
                corrected=(known.category_intake != known.category_close).cast("int64").sum(),
            )
        )
        return {
            "tickets": int(row.get("tickets") or 0),
            "corrected": int(row.get("corrected") or 0),
        }

    def waste(self, *, assumptions: WasteAssumptions | None = None) -> WasteFindings:
        """Return the waste findings ranked by hours lost a year, with the assumptions."""
        a = assumptions or WasteAssumptions()
        period = self.period()
        waiting = self.waiting()
        found = [
            *findings.bottlenecks(self.map(collapse_repeats=True), waiting, period, a),
            *findings.waiting_statuses(waiting, period, a),
            *findings.handoff_findings(self.handoffs(by="group"), period, a),
            *findings.rework_findings(self.rework(), period, a),
        ]
        recat = self.recategorised()
        if recat["tickets"]:
            found += findings.recategorised(recat["tickets"], recat["corrected"], period, a)
        notes: list[str] = []
        if self.calendar is not None:
            notes.append(Message("service hours: {hours}", hours=self.calendar.describe()))
        return WasteFindings(ranked(found), a, period, notes)


def _counts(row: dict[str, Any]) -> dict[str, Any]:
    """Return a one-row summary with missing sums (nothing to add up) as zero."""
    return {k: 0 if v is None else _plain(v) for k, v in row.items()}


def _plain(value: Any) -> Any:
    """Return a value as a JSON-ready Python value (None for missing counts stays None)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, pa.Scalar):
        return value.as_py()
    return value
