"""One metric: its card, its trend, its breakdowns, its exclusions and assumptions, and the
tickets behind the figure, each explained on request."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi import Path as PathParameter
from pydantic import BaseModel

from karsta.metrics.cards import TEXT_FIELDS, MetricCard
from karsta.metrics.compute import MetricResult, MetricResults
from karsta.metrics.explain import Explanation
from karsta.metrics.labels import is_average, statistic_label
from karsta.metrics.registry import MetricDefinition, find
from karsta.metrics.scorecard import Scorecard
from karsta.metrics.units import UnitPage, UnitStatus
from karsta.web import links
from karsta.web.pages import page
from karsta.web.requests import Viewer, Visitor
from karsta.web.text import Text
from karsta.web.views import metric_names  # noqa: F401 - the pages' words, for templates
from karsta.web.views.figures import (
    DataScopeInfo,
    Figure,
    PagePeriod,
    figure,
    has_workspace,
    scope_info,
)
from karsta.web.views.metrics import chosen_period

router = APIRouter(tags=["metrics"])

BreakdownName = Literal["channel", "category", "group", "priority", "level"]
BREAKDOWNS: tuple[BreakdownName, ...] = ("channel", "category", "group", "priority", "level")
"""The breakdowns a metric page offers (never the agent: a person)."""
PER_PAGE = 25
"""Tickets on one page of the list behind a figure."""
MetricId = Annotated[str, PathParameter(max_length=40)]
TicketId = Annotated[str, PathParameter(max_length=200)]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
BreakdownValue = Annotated[str | None, Query(max_length=200)]


class Assumed(BaseModel):
    """An assumption a figure rests on, and how many of its units rest on it."""

    id: str
    text: Text
    count: int


class StatisticRow(BaseModel):
    """One statistic of the metric in the period shown."""

    statistic: str
    label: Text
    group: dict[str, Any]
    unit: str
    average: bool
    value: float | None
    numerator: float | None
    denominator: float | None
    n: int
    excluded: int
    assumptions: list[Assumed]


class BreakdownRow(BaseModel):
    """The figure of one value of the breakdown, in the period shown."""

    group: dict[str, Any]
    """The breakdown's value (and, for a metric always split, the split's value)."""
    value: float | None
    n: int
    excluded: int
    assumed: int


class Breakdown(BaseModel):
    """The figure by the values of one breakdown, most tickets first."""

    by: BreakdownName
    statistic: str
    unit: str
    average: bool
    rows: list[BreakdownRow]
    no_data: Text | None = None
    """Why the breakdown cannot be computed (e.g. the data has no such column)."""


class Reason(BaseModel):
    """A rule that decided some units of the period, and how many."""

    reason: str
    """As the unit table states it (English; the page translates it)."""
    included: bool
    excluded: bool
    count: int


class TicketRow(BaseModel):
    """One unit behind the figure: its verdict, the rule and the evidence (no personal data)."""

    ticket_id: str
    period: str | None
    group: dict[str, Any]
    included: bool
    excluded: bool
    reason: str
    evidence: dict[str, Any]
    assumptions: list[str]
    """The ids of the assumptions the verdict rests on."""
    explain_link: str


class Tickets(BaseModel):
    """A page of the tickets behind the figure, and the count of every rule among them all."""

    status: UnitStatus | None
    """Which tickets: in the population, excluded, outside it, or all (null)."""
    value: str | None
    """The breakdown value the list is limited to (with `by`), if any."""
    page: int
    pages: int
    per_page: int
    total: int
    evidence: list[str]
    """The evidence columns every row shows, in order (those that fit a table's cell; a
    ticket's explanation shows all)."""
    rows: list[TicketRow]
    reasons: list[Reason]
    """Every rule in the period (and breakdown value), whatever `status`."""


class MetricPage(BaseModel):
    """A metric's card and figures in one period, with the tickets behind them."""

    id: str
    slug: str
    name: str
    card_version: str
    card: dict[str, str]
    """The card's fields in English: its text fields and its codes (group, perspective,
    direction, unit, requires); the page shows them in the reader's language."""
    computed: bool
    """False when the metric cannot be computed from the workspace (see `no_data`)."""
    no_data: Text | None
    notes: list[Text]
    period_kind: PagePeriod
    period: str | None
    previous_period: str | None
    periods: list[str]
    scope: DataScopeInfo
    figures: list[Figure]
    """The headline figure of the period (one per value for a metric always split), with
    its target, previous period, exclusions, assumptions and trend."""
    statistics: list[StatisticRow]
    """Every statistic of the metric in the period."""
    breakdowns: list[BreakdownName]
    breakdown: Breakdown | None
    """The figure by the asked breakdown (`by`), in the period."""
    tickets: Tickets | None
    timezone: str
    """The desk's time zone, in which the page writes the evidence's times."""


class VerdictAssumption(BaseModel):
    """An assumption one verdict rests on."""

    id: str
    text: Text
    detail: str | None
    """What is assumed on this ticket, with `{at}` for `at` (English; the page translates it)."""
    at: datetime | None


class Verdict(BaseModel):
    """How the ticket counts in one period (and breakdown value)."""

    period: str | None
    group: dict[str, Any]
    included: bool
    excluded: bool
    reason: str
    evidence: dict[str, Any]
    assumptions: list[VerdictAssumption]


class ExplainPage(BaseModel):
    """Why one ticket counts in a metric, or not, with the evidence (no personal data)."""

    metric: str
    name: str
    card_version: str
    ticket_id: str
    period_kind: PagePeriod
    verdicts: list[Verdict]
    why_absent: Text | None
    notes: list[Text]
    metric_link: str
    timezone: str


def _definition(metric_id: str) -> MetricDefinition:
    try:
        return find(metric_id)
    except KeyError as unknown:
        raise HTTPException(status_code=404) from unknown


def _card(card: MetricCard) -> dict[str, str]:
    return {
        **{name: card.field(name, "en") for name in TEXT_FIELDS},
        "group": card.group,
        "perspective": card.perspective,
        "direction": card.direction,
        "unit": card.unit,
        "requires": ", ".join(card.requires),
    }


def _statistics(result: MetricResult, period: str | None) -> list[StatisticRow]:
    return [
        StatisticRow(
            statistic=row["statistic"],
            label=statistic_label(row["statistic"]),
            group=row["group"],
            unit=row["unit"],
            average=is_average(row["statistic"]),
            value=row["value"],
            numerator=row["numerator"],
            denominator=row["denominator"],
            n=row["n"],
            excluded=row["excluded"],
            assumptions=[Assumed(**a) for a in row.get("assumptions", [])],
        )
        for row in result.rows
        if row["period"] == period
    ]


def _breakdown(
    visitor: Visitor, metric_id: str, kind: PagePeriod, by: BreakdownName, card: Scorecard
) -> Breakdown:
    scope = visitor.scope
    results: MetricResults = visitor.state.results.get(
        ("breakdown", metric_id, kind, by),
        scope,
        lambda ws: ws.metrics([metric_id], period=kind, by=(by,), **scope.metric_options()),
    )
    result = results[metric_id]
    shown = next(row for row in card.rows if row.result.id == metric_id)
    rows = [
        BreakdownRow(
            group=r["group"],
            value=r["value"],
            n=r["n"],
            excluded=r["excluded"],
            assumed=sum(a["count"] for a in r.get("assumptions", [])),
        )
        for r in result.rows
        if r["period"] == card.period and r["statistic"] == shown.statistic
    ]
    rows.sort(key=lambda r: (-r.n, sorted((k, str(v)) for k, v in r.group.items())))
    return Breakdown(
        by=by,
        statistic=shown.statistic,
        unit=shown.unit,
        average=is_average(shown.statistic),
        rows=rows,
        no_data=result.no_data,
    )


def _tickets(
    visitor: Visitor,
    metric_id: str,
    kind: PagePeriod,
    at: str | None,
    *,
    by: BreakdownName | None,
    value: str | None,
    status: UnitStatus | None,
    number: int,
) -> Tickets:
    scope = visitor.scope
    offset = (number - 1) * PER_PAGE
    group: dict[str, str] = {by: value} if by is not None and value is not None else {}
    units: UnitPage = visitor.state.results.get(
        ("units", metric_id, kind, at, by, value, status, offset),
        scope,
        lambda ws: ws.units(
            metric_id,
            period=kind,
            at=at,
            by=() if by is None else (by,),
            group=group,
            status=status,
            offset=offset,
            limit=PER_PAGE,
            **scope.metric_options(),
        ),
    )
    # The list shows the evidence that fits a cell (times, counts, hours); a ticket's
    # pauses are on its explanation.
    shown = [
        name
        for name in units.evidence
        if not any(isinstance(row["evidence"][name], list | dict) for row in units.rows)
    ]
    return Tickets(
        status=status,
        value=value if group else None,
        page=number,
        pages=max(1, math.ceil(units.total / PER_PAGE)),
        per_page=PER_PAGE,
        total=units.total,
        evidence=shown,
        rows=[
            TicketRow(
                ticket_id=row["unit_id"],
                period=row["period"],
                group=row["group"],
                included=row["included"],
                excluded=row["excluded"],
                reason=row["reason"],
                evidence={name: row["evidence"][name] for name in shown},
                assumptions=row["assumptions"],
                explain_link=links.explain_page(metric_id, row["unit_id"], period=kind),
            )
            for row in units.rows
        ],
        reasons=[Reason(**r) for r in units.reasons],
    )


def _timezone(visitor: Visitor) -> str:
    """Return the desk's time zone (from its settings)."""
    zone: str = visitor.state.results.get("timezone", visitor.scope, lambda ws: ws.config.timezone)
    return zone


@page(
    router,
    links.SCORECARD + "/{metric_id}",
    template="metrics/metric.html",
    fragment="metrics/_fragment.html",
    model=MetricPage,
    summary="Metric",
)
def metric_page(
    visitor: Viewer,
    metric_id: MetricId,
    period: PagePeriod = "month",
    at: str | None = None,
    by: BreakdownName | None = None,
    value: BreakdownValue = None,
    status: UnitStatus | None = None,
    page: PageNumber = 1,
) -> MetricPage:
    """Return a metric's card, its figures in a period, a breakdown and the tickets behind it.

    `by` breaks the figure down (channel, category, group, priority or level); with
    `value` the tickets are those of one of its values. `status` lists the tickets in
    the population, excluded or outside it; `page` pages through them.
    """
    definition = _definition(metric_id)
    card = definition.card
    if not has_workspace(visitor):
        raise HTTPException(status_code=404)
    shown = chosen_period(visitor, period, at)
    result = shown.results[card.id]
    computed = result.no_data is None
    return MetricPage(
        id=card.id,
        slug=card.slug,
        name=card.name("en"),
        card_version=card.card_version,
        card=_card(card),
        computed=computed,
        no_data=result.no_data,
        notes=list(result.notes),
        period_kind=period,
        period=shown.period,
        previous_period=shown.previous_period,
        periods=shown.periods,
        scope=scope_info(visitor.scope),
        figures=[figure(row) for row in shown.rows if row.result.id == card.id],
        statistics=_statistics(result, shown.period),
        breakdowns=list(BREAKDOWNS),
        breakdown=_breakdown(visitor, card.id, period, by, shown)
        if by is not None and computed
        else None,
        tickets=_tickets(
            visitor,
            card.id,
            period,
            shown.period,
            by=by,
            value=value,
            status=status,
            number=page,
        )
        if computed
        else None,
        timezone=_timezone(visitor),
    )


def _verdict(raw: dict[str, Any]) -> Verdict:
    return Verdict(
        period=raw["period"],
        group=raw["group"],
        included=raw["included"],
        excluded=raw["excluded"],
        reason=raw["reason"],
        evidence=raw["evidence"],
        assumptions=[VerdictAssumption(**a) for a in raw.get("assumptions", [])],
    )


@page(
    router,
    links.SCORECARD + "/{metric_id}/explain/{ticket_id:path}",
    template="metrics/explain.html",
    model=ExplainPage,
    summary="Explain a ticket",
)
def explain_page(
    visitor: Viewer, metric_id: MetricId, ticket_id: TicketId, period: PagePeriod = "month"
) -> ExplainPage:
    """Return why one ticket counts in a metric, or not, in each period it is measured in.

    A ticket the user may not see is answered as one that does not exist (404).
    """
    definition = _definition(metric_id)
    if not has_workspace(visitor):
        raise HTTPException(status_code=404)
    scope = visitor.scope
    item: Explanation = visitor.state.results.get(
        ("explain", definition.id, ticket_id, period),
        scope,
        lambda ws: ws.explain(
            definition.id, ticket_id, period=period, **scope.metric_options()
        ).without_personal(),
    )
    if not item.found:
        raise HTTPException(status_code=404)
    return ExplainPage(
        metric=definition.id,
        name=definition.card.name("en"),
        card_version=definition.card.card_version,
        ticket_id=ticket_id,
        period_kind=period,
        verdicts=[_verdict(v) for v in item.verdicts],
        why_absent=item.why_absent,
        notes=list(item.notes),
        metric_link=links.metric_page(definition.id, period=period),
        timezone=_timezone(visitor),
    )
