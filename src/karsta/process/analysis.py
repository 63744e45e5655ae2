"""`ProcessAnalysis`: the process views of one source, with the same filters and calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.common.exceptions import TableNotFound

from karsta.calendar import ServiceCalendar
from karsta.i18n import N_, Message
from karsta.ingest.stages import StageDeclaration
from karsta.process import findings
from karsta.process.dfg import (
    ProcessMap,
    arrow_cases,
    edge_aggregation,
    flag_bottlenecks,
    node_counts,
    step_cases,
)
from karsta.process.filters import ProcessFilters, filtered
from karsta.process.handoffs import LEVEL_FIGURES, Handoffs, handoff_expressions
from karsta.process.landscape import (
    LANDSCAPE_COLUMNS,
    Landscape,
    Service,
    distinct_values,
    value_counts,
)
from karsta.process.period import ObservedPeriod, complete_period, daily_openings
from karsta.process.requirements import (
    CATEGORY,
    NEEDS,
    STATUS_CLASSES,
    LogHolds,
    NotComputed,
    log_holds,
    log_holds_expr,
)
from karsta.process.rework import (
    Rework,
    reopen_summary,
    reopens,
    repeated_stays,
    repeats_by_activity,
)
from karsta.process.service_time import clock_segments, with_service_clock
from karsta.process.stages import (
    NO_STAGE,
    Stages,
    activity_kinds,
    mapping_declaration,
    parse_recorded,
    resolve_stages,
)
from karsta.process.transitions import column_of, steps, stored_steps
from karsta.process.variants import Variants, stored_variants, ticket_variants, variant_counts
from karsta.process.waiting import (
    WaitingRules,
    WaitingTime,
    by_kind,
    by_variant,
    classified_stays,
    shares,
    unclassified_note,
)
from karsta.process.waste import WasteAssumptions, WasteFindings, ranked
from karsta.schema import TICKET_TRANSITIONS, TICKET_VARIANTS
from karsta.workspace import WorkspaceError
from karsta.workspace.source import TableSource

NO_GROUP = N_("(no group)")
"""The group of stays in no group, in `process waiting` (JSON keeps it; views translate it)."""


class ProcessAnalysis:
    """Process views (map, variants, hand-offs, rework, waiting, waste) of one source.

    `calendar` adds waits in service hours to the map; `filters` chooses the tickets;
    `waiting` says which statuses are waiting rather than work; `stages` are the
    stages and customer-value marks of the settings file (see `karsta.process.stages`);
    `assumptions` are the waste's figures when `waste()` is not given others;
    `stored_log=False` ignores the log sorted at import (to compare the two ways).

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
        stages: StageDeclaration | None = None,
        stored_log: bool = True,
        assumptions: WasteAssumptions | None = None,
    ) -> None:
        self.source = source
        self.stored_log = stored_log
        self.calendar = calendar
        self.filters = filters or ProcessFilters()
        self.waiting_rules = waiting or WaitingRules()
        self.stage_settings = stages
        self.assumptions = assumptions or WasteAssumptions()

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
        if column_of(by) == "stage":
            return steps(self.stages.with_stage(self.events()), by=by)
        if self.stored is None:
            return steps(self.events(), by=by)
        return stored_steps(self._keep(self.stored[0]), by=by)

    @cached_property
    def stages(self) -> Stages:
        """Return the stages and customer-value marks: the settings', the mapping's, or proposed.

        The proposal and the steps' event counts read the events the filters keep:
        an analysis limited to some tickets learns nothing of the others.
        """
        events = self.events()
        rows = self.source.to_arrow(activity_kinds(events, self.waiting_rules)).to_pylist()
        name, recorded = parse_recorded(self._recorded_stages())
        return resolve_stages(
            rows,
            rules=self.waiting_rules,
            has_classes=self.holds.status_classes,
            settings=self.stage_settings,
            mapping=recorded,
            mapping_name=name,
        )

    def _recorded_stages(self) -> str | None:
        """Return the stages the latest import's mapping declared (JSON), where kept."""
        try:
            settings = self.source.table("settings")
        except (TableNotFound, WorkspaceError):  # an export holds canonical tables only
            return None
        value = self._one_row(mapping_declaration(settings)).get("value")
        return None if value is None else str(value)

    def _per_ticket_variants(self) -> ir.Table:
        """Return each kept ticket's variant, events and throughput."""
        if self.stored is None:
            return ticket_variants(self.events())
        return stored_variants(self._keep(self.stored[1]))

    def _one_row(self, expr: ir.Table) -> dict[str, Any]:
        rows = self.source.to_arrow(expr).to_pylist()
        return dict(rows[0]) if rows else {}

    @cached_property
    def holds(self) -> LogHolds:
        """Return which fields the figures need the source's events carry anywhere."""
        return log_holds(self._one_row(log_holds_expr(self.source.table("ticket_events"))))

    def _event_span(self) -> tuple[datetime | None, datetime | None]:
        """Return the first and last timestamp of the analysed events."""
        events = self.events()
        span = self._one_row(
            events.aggregate(first=events.timestamp.min(), last=events.timestamp.max())
        )
        return span.get("first"), span.get("last")

    def period(self) -> ObservedPeriod:
        """Return the opening period yearly figures are scaled from, and its basis.

        The filters' opening bounds where given, else the months in which the log is
        complete (see `karsta.process.period`); the tickets opened in it are counted
        at its exact bounds.
        """
        tickets = self._keep(self.source.table("tickets"))
        daily = self.source.to_arrow(daily_openings(tickets)).to_pylist()
        found = complete_period(
            [(row["day"], int(row["tickets"])) for row in daily],
            opened_from=self.filters.opened_from,
            opened_before=self.filters.opened_before,
        )
        if found.start is None or found.end is None:
            return found
        inside = tickets.filter(
            (tickets.opened_at >= found.start) & (tickets.opened_at < found.end)
        )
        counted = self._one_row(inside.aggregate(tickets=inside.count()))
        return replace(found, tickets=int(counted.get("tickets") or 0))

    def steps(
        self, *, by: str = "status", collapse_repeats: bool = False, open_stage: str | None = None
    ) -> ir.Table:
        """Return the sorted log over `by`, with service-hour waits when there is a calendar.

        Over `stage`, `open_stage` shows that stage's activities instead of its name.
        """
        staged = column_of(by) == "stage"
        if self.calendar is None and not collapse_repeats and not staged:
            return self._log(by)
        events = self.events()
        if staged:
            events = self.stages.with_stage(events, open_stage=open_stage)
        if self.calendar is None:
            return steps(events, by=by, collapse_repeats=collapse_repeats)
        first, last = self._event_span()
        if first is None or last is None:
            return steps(events, by=by, collapse_repeats=collapse_repeats)
        segments = clock_segments(self.calendar, first.date(), last.date())
        clocked = with_service_clock(events, segments)
        return steps(clocked, by=by, collapse_repeats=collapse_repeats)

    def map(
        self,
        *,
        by: str = "status",
        min_count: int = 1,
        collapse_repeats: bool = False,
        bottlenecks: int = 3,
        open_stage: str | None = None,
    ) -> ProcessMap:
        """Return the process map over `by` with frequencies and waits on every edge.

        On a map over status every edge carries the kind of stay it leaves (the
        waiting rules' classification). Without status classes the log cannot tell
        waiting, work or the time after resolution: no edge has a kind, no
        bottleneck is marked, and the map says what to map.

        `by="stage"` is the map over the stages (`stages`): the same expressions over
        the stage of every event; an edge's kind is that of the event a stay starts
        with. `open_stage` shows one stage's steps among the other stages. Maps over
        status and stage mark their nodes' customer value.
        """
        column = column_of(by)
        if open_stage is not None and column != "stage":
            raise ValueError(Message("open_stage needs a map by stage"))
        log = self.steps(by=by, collapse_repeats=collapse_repeats, open_stage=open_stage)
        classes = self.holds.status_classes
        missing: tuple[NotComputed, ...] = ()
        if column == "stage" and not self.stages.stages:
            missing = self.stages.not_computed
            log = log.filter(ibis.literal(False))
        rules = self.waiting_rules if column in ("activity", "stage") and classes else None
        edges_split = edge_aggregation(
            log, min_count=min_count, rules=rules, cases=self._arrow_cases(by, collapse_repeats)
        )
        nodes_expr = node_counts(log, self._step_cases(by, collapse_repeats))
        nodes_expr = nodes_expr.order_by(ibis.desc("events"), "id")
        if not classes:
            missing += (NotComputed(Message("bottlenecks and the kinds of stay"), STATUS_CLASSES),)
            bottlenecks = 0
        edges = flag_bottlenecks(edges_split.run(self.source.to_arrow), bottlenecks)
        values, stage_nodes = self._node_values(column, open_stage)
        return ProcessMap(
            edges,
            edges_split.expr(),
            by=by,
            nodes=self.source.to_arrow(nodes_expr),
            node_expr=nodes_expr,
            service_hours=self.calendar.describe() if self.calendar else None,
            min_count=min_count,
            collapse_repeats=collapse_repeats,
            not_computed=missing,
            customer_value=values,
            open_stage=open_stage,
            stage_nodes=stage_nodes,
        )

    def _node_values(
        self, column: str, open_stage: str | None
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        """Return the customer value of a map's nodes, and which nodes are stages."""
        if column == "activity":
            return self.stages.step_values(), ()
        if column != "stage":
            return {}, ()
        values = self.stages.stage_values()
        names = self.stages.names()
        if open_stage is not None:
            opened = self.stages.stage(open_stage).activities
            values = {k: v for k, v in values.items() if k != open_stage}
            steps = self.stages.step_values()
            values |= {a: steps[a] for a in opened if a in steps}
            names = tuple(n for n in names if n != open_stage)
        return values, (*names, NO_STAGE) if self.stages.unstaged else names

    def landscape(self, *, by: str | None = None, top: int = 6, min_count: int = 1) -> Landscape:
        """Return the `top` values of a ticket column side by side, each with its stage map.

        `by` is a ticket column (default: the first of LANDSCAPE_COLUMNS with two or
        more values among the kept tickets). Every small map uses this analysis's
        stages, repeats collapsed.
        """
        tickets = self._keep(self.source.table("tickets"))
        if by is None:
            distinct = self._one_row(distinct_values(tickets, LANDSCAPE_COLUMNS))
            by = next(
                (c for c in LANDSCAPE_COLUMNS if (distinct.get(c) or 0) >= 2), LANDSCAPE_COLUMNS[0]
            )
        ProcessFilters(ticket_attributes={by: ()})  # a column tickets do not have: ValueError
        rows = self.source.to_arrow(value_counts(tickets, by)).to_pylist()
        known = [r for r in rows if r["value"] is not None]
        total = sum(int(r["tickets"]) for r in rows)
        services = []
        for row in known[:top]:
            narrowed = ProcessAnalysis(
                self.source,
                calendar=self.calendar,
                filters=self._narrowed(by, str(row["value"])),
                waiting=self.waiting_rules,
                stored_log=self.stored_log,
            )
            narrowed.stages = self.stages
            narrowed.holds = self.holds
            stage_map = narrowed.map(by="stage", collapse_repeats=True, min_count=min_count)
            tickets_in = int(row["tickets"])
            share = tickets_in / total if total else 0.0
            services.append(Service(str(row["value"]), tickets_in, share, stage_map))
        rest = known[top:]
        return Landscape(
            by=by,
            tickets=total,
            services=tuple(services),
            other_values=len(rest),
            other_tickets=sum(int(r["tickets"]) for r in rest),
            unknown_tickets=sum(int(r["tickets"]) for r in rows if r["value"] is None),
        )

    def _narrowed(self, column: str, value: str) -> ProcessFilters:
        """Return the filters with `column` narrowed to `value` (within what they already allow)."""
        attributes = dict(self.filters.ticket_attributes)
        allowed = attributes.get(column)
        attributes[column] = (value,) if allowed is None or value in allowed else ()
        return replace(self.filters, ticket_attributes=attributes)

    def ticket_values(self, columns: tuple[str, ...], *, limit: int = 100) -> dict[str, list[Any]]:
        """Return, per ticket column, its values among the kept tickets with their tickets.

        Each is a list of {"value", "tickets"}, most tickets first, at most `limit`;
        tickets without a value are left out. What a filter can choose from.
        """
        ProcessFilters(ticket_attributes=dict.fromkeys(columns, ()))  # unknown column: ValueError
        tickets = self._keep(self.source.table("tickets"))
        found: dict[str, list[Any]] = {}
        for column in columns:
            counted = value_counts(tickets, column)
            counted = counted.filter(counted.value.notnull()).limit(limit)
            found[column] = [
                {"value": r["value"], "tickets": int(r["tickets"])}
                for r in self.source.to_arrow(counted).to_pylist()
            ]
        return found

    def _step_cases(self, by: str, collapse_repeats: bool) -> ir.Table | None:
        """Return the tickets per step from the stored variants, where they tell; else None.

        They do for the activity map read from the stored log; otherwise the map
        counts distinct tickets over its log.
        """
        variants = self._stored_variants(by, collapse_repeats)
        return None if variants is None else step_cases(variants)

    def _arrow_cases(self, by: str, collapse_repeats: bool) -> ir.Table | None:
        """Return the tickets per arrow from the stored variants, where they tell; else None."""
        variants = self._stored_variants(by, collapse_repeats)
        return None if variants is None else arrow_cases(variants)

    def _stored_variants(self, by: str, collapse_repeats: bool) -> ir.Table | None:
        """Return the stored variants of the kept tickets when the map is over them."""
        if self.stored is None or self.calendar is not None or collapse_repeats:
            return None
        if column_of(by) != "activity":
            return None
        return self._keep(self.stored[1])

    def variants(self, *, top: int | None = 20, collapse_repeats: bool = False) -> Variants:
        """Return the variants ranked by cases: the `top` ones and the tail's totals.

        `collapse_repeats` merges consecutive repeats of an activity into one step.
        """
        per_ticket = (
            ticket_variants(self.events(), collapse_repeats=True)
            if collapse_repeats
            else self._per_ticket_variants()
        )
        counts = variant_counts(per_ticket)
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
            collapse_repeats=collapse_repeats,
        )

    def handoffs(self, *, by: str = "group", max_nodes: int = 3) -> Handoffs:
        """Return hand-offs, ping-pong, escalations that came back and tickets over `max_nodes`.

        Figures the log cannot give are None, with what to map in `not_computed`:
        hand-offs and ping-pong need the attribute `by`, the escalation figures levels.
        """
        column_of(by)
        network, summary = handoff_expressions(
            self._log(by), self._log("level"), max_nodes=max_nodes
        )
        figures = _counts(self._one_row(summary))
        missing = []
        if not self.holds.attribute(by):
            missing.append(NotComputed(Message("hand-offs and ping-pong"), NEEDS[by]))
            figures.update({k: None for k in figures if k not in LEVEL_FIGURES})
        if not self.holds.levels:
            missing.append(NotComputed(Message("escalations that came back"), NEEDS["level"]))
            figures.update(dict.fromkeys(LEVEL_FIGURES))
        return Handoffs(
            network.run(self.source.to_arrow),
            network.expr(),
            by=by,
            max_nodes=max_nodes,
            summary=figures,
            not_computed=tuple(missing),
        )

    def rework(self) -> Rework:
        """Return repeated activities per activity and the reopen loops.

        Without status classes a reopen cannot be told: its figures are None.
        """
        events = self.events()
        stays = repeated_stays(events)
        table_expr = repeats_by_activity(stays)
        tickets = self._one_row(stays.aggregate(tickets=stays.ticket_id.nunique()))
        reopen = _counts(self._one_row(reopen_summary(reopens(events))))
        if not self.holds.status_classes:  # no resolution to reopen: not 0, unknown
            reopen = dict.fromkeys(reopen)
        return Rework(
            self.source.to_arrow(table_expr),
            table_expr,
            tickets=int(tickets.get("tickets") or 0),
            reopens=reopen,
            has_status_classes=self.holds.status_classes,
        )

    def waiting(self, *, top_variants: int = 10) -> WaitingTime:
        """Return waiting vs working time: per status, in total, per group and per variant.

        Without status classes in the log no stay can be classed: the statuses' time
        is given without a kind, the shares are None and `not_computed` says what
        to map.
        """
        events = self.events()
        classes = self.holds.status_classes
        stays = classified_stays(events, self.waiting_rules, classes=classes)
        per_status = by_kind(stays)
        per_ticket = self._per_ticket_variants()
        top = variant_counts(per_ticket).limit(top_variants)
        overall = {k: _plain(v) for k, v in self._one_row(shares(stays)).items()}
        groups = shares(stays.mutate(group=stays.group.fill_null(NO_GROUP)), "group")
        groups = groups.order_by(ibis.desc("waiting_s"), "group")
        variants = by_variant(stays, per_ticket, top).order_by(ibis.desc("tickets"), "variant")
        missing: tuple[NotComputed, ...] = ()
        if not classes:
            missing = (NotComputed(Message("waiting share"), STATUS_CLASSES),)
            overall.update(waiting_s=None, working_s=None, waiting_share=None)
            groups, variants = groups.limit(0), variants.limit(0)
        return WaitingTime(
            self.source.to_arrow(per_status),
            per_status,
            overall=overall,
            per_group=self.source.to_arrow(groups),
            per_variant=self.source.to_arrow(variants),
            rules=self.waiting_rules,
            not_computed=missing,
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
        """Return the waste findings ranked by hours a year, with the headline and assumptions.

        The findings look at the tickets opened in the observed period (`period()`)
        and scale their hours by its length. A finding the log cannot give is
        listed in `not_computed` with what to map.
        """
        a = assumptions or self.assumptions
        period = self.period()
        scope = self
        if period.start is not None and period.end is not None:
            within = replace(self.filters, opened_from=period.start, opened_before=period.end)
            scope = ProcessAnalysis(
                self.source,
                calendar=self.calendar,
                filters=within,
                waiting=self.waiting_rules,
                stages=self.stage_settings,
                stored_log=self.stored_log,
                assumptions=a,
            )
        waiting = scope.waiting()
        process_map = scope.map(collapse_repeats=True, bottlenecks=a.bottlenecks)
        handoffs = scope.handoffs(by="group")
        rework = scope.rework()
        found = [
            *findings.bottlenecks(process_map, waiting, period, a),
            *findings.waiting_statuses(waiting, period, a),
            *findings.handoff_findings(handoffs, period, a),
            *findings.rework_findings(rework, period, a),
        ]
        recat = scope.recategorised()
        if recat["tickets"]:
            found += findings.recategorised(recat["tickets"], recat["corrected"], period, a)
        missing, gaps = _waste_gaps(self.holds, handoffs, categories=bool(recat["tickets"]))
        notes: list[str] = []
        if self.calendar is not None:
            notes.append(Message("service hours: {hours}", hours=self.calendar.describe()))
        if waiting.unclassified:
            notes.append(unclassified_note(waiting.unclassified))
        return WasteFindings(ranked(found), a, period, notes, missing, gaps)


def _waste_gaps(
    holds: LogHolds, handoffs: Handoffs, *, categories: bool
) -> tuple[tuple[NotComputed, ...], frozenset[str]]:
    """Return what the waste findings cannot compute, and which sources of the totals it misses.

    The sources are those of `karsta.process.waste.SOURCES`; an escalation that came
    back only adds to the totals where the hand-offs between groups cannot be computed.
    """
    missing: list[NotComputed] = []
    gaps: set[str] = set()
    if not holds.status_classes:
        figures = Message("customer waiting, bottlenecks and reopens")
        missing.append(NotComputed(figures, STATUS_CLASSES))
        gaps |= {"customer waiting", "reopens"}
    missing += handoffs.not_computed
    if handoffs.summary["handoffs"] is None:
        gaps.add("hand-offs")
        if handoffs.summary["escalations_returned"] is None:
            gaps.add("escalations that came back")
    if not categories:
        missing.append(NotComputed(Message("categories corrected after intake"), CATEGORY))
        gaps.add("categories corrected after intake")
    return tuple(missing), frozenset(gaps)


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
