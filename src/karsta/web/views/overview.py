"""The overview: the scorecard's headline figures against their targets, and a trend."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from karsta.i18n import N_, Language, gettext
from karsta.metrics.registry import find
from karsta.metrics.scorecard import Scorecard, ScorecardRow
from karsta.web import formatting
from karsta.web.charts import trend_chart
from karsta.web.formatting import statistic_unit, vega_format_locale
from karsta.web.pages import page
from karsta.web.rendering import TEMPLATES
from karsta.web.requests import Viewer

router = APIRouter(tags=["overview"])

STATISTICS = {
    "value": N_("value"),
    "mean": N_("mean"),
    "median": N_("median"),
    "p90": N_("90th percentile"),
    "share": N_("share"),
    "share_over_target": N_("share over target"),
    "count": N_("count"),
}
"""Names of the statistics a scorecard shows (others are shown as they are)."""
D3_FORMATS = {"percent": ",.1f", "hours": ",.1f", "days": ",.1f", "count": ",.0f"}


class TrendPoint(BaseModel):
    """A figure in one period."""

    period: str
    value: float | None


class Figure(BaseModel):
    """One headline figure of the scorecard: value, previous period, target and trend."""

    id: str
    slug: str
    name: str
    statistic: str
    group: dict[str, Any]
    unit: str
    """The card's unit; a share statistic is a percentage whatever the card's unit."""
    value: float | None
    previous: float | None
    change: float | None
    direction: Literal["better", "worse", "same"] | None
    target: str | None
    """The target as written in the settings, e.g. '<= 2 %'."""
    target_value: float | None
    """The target's limit in the statistic's unit (for O2's '80 % within 24 h': 20 % over)."""
    target_met: bool | None
    n: int | None
    excluded: int | None
    no_data: str | None
    card_version: str
    trend: list[TrendPoint]


class DataScopeInfo(BaseModel):
    """The tickets the figures cover: null = every group (channel)."""

    groups: list[str] | None
    channels: list[str] | None


class OverviewPage(BaseModel):
    """The overview of the latest busy period."""

    has_data: bool
    generated_at: datetime | None
    period: str | None
    previous_period: str | None
    rule: str
    scope: DataScopeInfo
    figures: list[Figure]
    trend: str | None
    """The metric whose trend the page draws (the `trend` parameter; default: the first)."""


def _figure(row: ScorecardRow) -> Figure:
    data = row.to_dict()
    card = row.result.definition.card
    return Figure(
        **{key: data[key] for key in Figure.model_fields if key in data},
        name=card.name("en"),
        target_value=None if row.target is None else row.target.value,
        trend=[TrendPoint(period=p, value=v) for p, v in row.trend],
    )


@page(
    router,
    "/overview",
    template="overview/page.html",
    fragment="overview/_trend.html",
    model=OverviewPage,
    summary="Overview",
)
def overview(visitor: Viewer, trend: str | None = None) -> OverviewPage:
    """Return the scorecard's headline figures of the latest busy month, with their trends."""
    scope = visitor.scope
    info = DataScopeInfo(
        groups=None if scope.groups is None else list(scope.groups),
        channels=None if scope.channels is None else list(scope.channels),
    )
    if not visitor.state.config.workspace.exists():
        return OverviewPage(
            has_data=False,
            generated_at=None,
            period=None,
            previous_period=None,
            rule="",
            scope=info,
            figures=[],
            trend=None,
        )
    card: Scorecard = visitor.state.results.get(
        "scorecard", scope, lambda ws: ws.scorecard(**scope.metric_options())
    )
    return OverviewPage(
        has_data=any(r.value is not None for r in card.rows),
        generated_at=card.results.generated_at,
        period=card.period,
        previous_period=card.previous_period,
        rule=card.rule,
        scope=info,
        figures=[_figure(row) for row in card.rows],
        trend=_charted(card, trend),
    )


def _charted(card: Scorecard, asked: str | None) -> str | None:
    """Return the asked metric if it has a trend, else the first with a target, else the first."""
    with_trend = [row for row in card.rows if len(row.trend) > 1]
    ids = [row.result.id for row in with_trend]
    if asked and asked.upper() in ids:
        return asked.upper()
    targeted = [row.result.id for row in with_trend if row.target is not None]
    chosen = targeted or ids
    return chosen[0] if chosen else None


def figure_name(figure: Figure, lang: Language) -> str:
    """Return the figure's metric name in `lang`, with its statistic (when named) and group."""
    name = find(figure.id).card.name(lang)
    statistic = STATISTICS.get(figure.statistic)
    text = f"{name}: {gettext(statistic)}" if statistic else name
    if figure.group:
        text += " (" + ", ".join(str(v) for v in figure.group.values()) + ")"
    return text


def metric_name(figure: Figure, lang: Language) -> str:
    """Return the figure's metric name in `lang`."""
    return find(figure.id).card.name(lang)


def figure_unit(figure: Figure) -> str:
    """Return the unit the figure's statistic is in."""
    return statistic_unit(figure.unit, figure.statistic)


def trend_spec(figure: Figure, lang: Language) -> dict[str, Any]:
    """Return the Vega-Lite spec of a figure's trend, titles in `lang`."""
    unit = figure_unit(figure)
    return trend_chart(
        [(formatting.period(p.period, lang, short=True), p.value) for p in figure.trend],
        title=figure_name(figure, lang),
        period_title=gettext("month"),
        value_title=gettext(UNIT_NAMES.get(unit, unit)),
        value_format=D3_FORMATS.get(unit, ",.2f"),
        target=figure.target_value,
        target_title=gettext("target"),
    )


UNIT_NAMES = {
    "percent": N_("%"),
    "hours": N_("hours"),
    "days": N_("days"),
    "count": N_("tickets"),
    "euros": N_("euros"),
    "seconds": N_("seconds"),
}

TEMPLATES.globals.update(
    figure_name=figure_name,
    metric_name=metric_name,
    figure_unit=figure_unit,
    trend_spec=trend_spec,
    vega_format_locale=vega_format_locale,
)
