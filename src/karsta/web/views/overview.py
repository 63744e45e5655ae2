"""The overview: the headline figures against their targets, the waste a year, the bottlenecks
and the top waste findings, each leading to its evidence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from karsta.metrics.scorecard import Scorecard
from karsta.process.waste import Finding, WasteFindings
from karsta.web import links
from karsta.web.pages import page
from karsta.web.requests import Viewer, Visitor
from karsta.web.text import Text
from karsta.web.views.figures import (
    DataScopeInfo,
    Figure,
    figure,
    has_workspace,
    scope_info,
    scorecard,
)
from karsta.web.views.signals import SignalItem, strongest_signals

router = APIRouter(tags=["overview"])

TOP_FINDINGS = 3
"""Findings shown of each kind of hours (staff time, customer time)."""


class WasteTotals(BaseModel):
    """The waste a year, every hour counted once: staff time and customer waiting."""

    staff_hours_per_year: float | None
    staff_person_years: float | None
    staff_euros_per_year: float | None
    staff_partial: bool
    """True when the staff total leaves out figures the log cannot give (it is at least this)."""
    customer_waiting_hours_per_year: float | None
    customer_waiting_euros_per_year: float | None
    """None unless an hour of customer waiting is given a price."""
    customer_waiting_partial: bool
    hourly_cost: float
    hours_per_person_year: float
    basis: Text
    """How the observed period was scaled to a year."""


class WasteItem(BaseModel):
    """One waste finding, with where its evidence is."""

    kind: str
    title: Text
    evidence: Text
    family: Text
    hours_kind: str
    """staff time or customer time."""
    hours_per_year: float
    euros_per_year: float | None
    person_years: float | None
    in_totals: bool
    not_in_totals: Text | None
    link: str
    """The page that shows the finding's evidence."""


class WasteSummary(BaseModel):
    """The waste of the process a year, its three bottlenecks and its top findings."""

    totals: WasteTotals
    bottlenecks: list[WasteItem]
    """The arrows of the process map where the customers' time goes (not added up again)."""
    staff_time: list[WasteItem]
    """The findings with the most staff hours a year (at most three)."""
    customer_time: list[WasteItem]
    """The findings with the most customer waiting hours a year (at most three)."""
    not_computed: list[Text]
    """Figures the log cannot give, and what to map for them."""


class OverviewPage(BaseModel):
    """The overview of the latest busy month."""

    has_data: bool
    generated_at: datetime | None
    period: str | None
    previous_period: str | None
    rule: Text
    scope: DataScopeInfo
    figures: list[Figure]
    """Every metric of the scorecard; the page shows those with a target as headline cards."""
    trend: str | None
    """The metric whose trend the page draws (the `trend` parameter; default: the first)."""
    waste: WasteSummary | None
    """None while the workspace holds no figures."""
    scorecard_link: str
    process_map_link: str
    waste_link: str
    signals: list[SignalItem] = []
    """The strongest three warning signals (see /signals)."""
    signals_link: str = links.SIGNALS


def _item(found: Finding) -> WasteItem:
    link = links.PROCESS_MAP if found.kind == "bottleneck" else links.PROCESS_WASTE
    return WasteItem(
        kind=found.kind,
        title=found.title,
        evidence=found.evidence,
        family=found.family,
        hours_kind=found.hours_kind,
        hours_per_year=found.hours_per_year,
        euros_per_year=found.euros_per_year,
        person_years=found.person_years,
        in_totals=found.in_totals,
        not_in_totals=found.not_in_totals,
        link=link,
    )


def waste_summary(found: WasteFindings) -> WasteSummary:
    """Return the waste findings as the overview shows them."""
    head: dict[str, Any] = found.headline()
    totals = WasteTotals(
        staff_hours_per_year=head["staff_hours_per_year"],
        staff_person_years=head["staff_person_years"],
        staff_euros_per_year=head["staff_euros_per_year"],
        staff_partial=bool(head["staff_missing"]),
        customer_waiting_hours_per_year=head["customer_waiting_hours_per_year"],
        customer_waiting_euros_per_year=head["customer_waiting_euros_per_year"],
        customer_waiting_partial=bool(head["customer_waiting_missing"]),
        hourly_cost=head["hourly_cost"],
        hours_per_person_year=head["hours_per_person_year"],
        basis=head["basis"],
    )
    counted = [f for f in found.findings if f.kind != "bottleneck"]
    return WasteSummary(
        totals=totals,
        bottlenecks=[_item(f) for f in found.findings if f.kind == "bottleneck"][:3],
        staff_time=[_item(f) for f in counted if f.hours_kind == "staff time"][:TOP_FINDINGS],
        customer_time=[_item(f) for f in counted if f.hours_kind == "customer time"][:TOP_FINDINGS],
        not_computed=[n.text for n in found.not_computed],
    )


def waste(visitor: Visitor) -> WasteSummary:
    """Return the waste of the tickets the visitor may see (kept per workspace version)."""
    scope = visitor.scope
    found: WasteFindings = visitor.state.results.get(
        "waste", scope, lambda ws: ws.process_analysis(filters=scope.process_filters()).waste()
    )
    return waste_summary(found)


def _charted(card: Scorecard, asked: str | None) -> str | None:
    """Return the asked metric if it has a trend, else the first with a target, else the first."""
    with_trend = [row for row in card.rows if len(row.trend) > 1]
    ids = [row.result.id for row in with_trend]
    if asked and asked.upper() in ids:
        return asked.upper()
    targeted = [row.result.id for row in with_trend if row.target is not None]
    chosen = targeted or ids
    return chosen[0] if chosen else None


@page(
    router,
    links.OVERVIEW,
    template="overview/page.html",
    fragment="overview/_trend.html",
    model=OverviewPage,
    summary="Overview",
)
def overview(visitor: Viewer, trend: str | None = None) -> OverviewPage:
    """Return the headline figures of the latest busy month with their trends, and the waste."""
    common: dict[str, Any] = {
        "scope": scope_info(visitor.scope),
        "scorecard_link": links.SCORECARD,
        "process_map_link": links.PROCESS_MAP,
        "waste_link": links.PROCESS_WASTE,
    }
    if not has_workspace(visitor):
        return OverviewPage(
            has_data=False,
            generated_at=None,
            period=None,
            previous_period=None,
            rule="",
            figures=[],
            trend=None,
            waste=None,
            **common,
        )
    card = scorecard(visitor)
    has_data = any(r.value is not None for r in card.rows)
    return OverviewPage(
        has_data=has_data,
        generated_at=card.results.generated_at,
        period=card.period,
        previous_period=card.previous_period,
        rule=card.rule,
        figures=[figure(row) for row in card.rows],
        trend=_charted(card, trend),
        waste=waste(visitor) if has_data else None,
        signals=strongest_signals(visitor) if has_data else [],
        **common,
    )
