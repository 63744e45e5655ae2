"""The scorecard's figures as pages show them: the models shared by the overview and the
metric pages, built from what `ws.scorecard(...)` returns, and their names and charts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from karsta import charts, formatting
from karsta.i18n import N_, Language, Message, gettext, localized
from karsta.metrics.labels import group_label, is_average, statistic_label
from karsta.metrics.periods import PeriodKind
from karsta.metrics.registry import find
from karsta.metrics.scorecard import Scorecard, ScorecardRow
from karsta.web import links
from karsta.web.access import DataScope
from karsta.web.rendering import TEMPLATES
from karsta.web.requests import Visitor
from karsta.web.text import Text

PagePeriod = Literal["month", "week", "quarter"]
"""The periods a page offers: a scorecard by month (default), week or quarter."""
PAGE_PERIODS: tuple[PagePeriod, ...] = ("month", "week", "quarter")


class DataScopeInfo(BaseModel):
    """The tickets the figures cover: null = every group (channel)."""

    groups: list[str] | None
    channels: list[str] | None


def scope_info(scope: DataScope) -> DataScopeInfo:
    """Return the user's limits as a page states them."""
    return DataScopeInfo(
        groups=None if scope.groups is None else list(scope.groups),
        channels=None if scope.channels is None else list(scope.channels),
    )


class TrendPoint(BaseModel):
    """A figure in one period."""

    period: str
    value: float | None
    n: int | None = None
    excluded: int | None = None
    assumed: int | None = None
    """Units of the population resting on an assumption (all assumptions added up)."""


class Assumed(BaseModel):
    """An assumption a figure rests on, and how many of its units rest on it."""

    id: str
    text: Text
    """What is assumed (English; the page translates it)."""
    count: int


class Figure(BaseModel):
    """One metric's headline figure in a period: value, previous period, target and counts."""

    id: str
    slug: str
    name: str
    """The metric's name in English (pages show it in the reader's language)."""
    statistic: str
    statistic_label: Text
    group: dict[str, Any]
    """Empty for the whole desk; a metric always split (e.g. by channel) has one per value."""
    unit: str
    """The unit of the statistic's values, as its result rows name it."""
    average: bool
    """Whether the statistic averages counts (shown with two decimals)."""
    clock: str
    """The unit of the metric's durations in this run (hours or service_hours)."""
    value: float | None
    previous: float | None
    change: float | None
    direction: Literal["better", "worse", "same"] | None
    """The change by the card's desired direction."""
    desired_direction: Literal["higher", "lower", "balanced"]
    target: str | None
    """The target as written in the settings, e.g. '<= 2 %'."""
    target_operator: str | None
    target_value: float | None
    """The target's limit in the statistic's unit (for O2's '80 % within 24 h': 20 % over)."""
    target_within_hours: float | None
    """For 'X % within Y hours': Y."""
    target_met: bool | None
    n: int | None
    excluded: int | None
    assumed: int
    assumptions: list[Assumed]
    no_data: Text | None
    """Why the metric cannot be computed (e.g. 'cannot be computed: map ...')."""
    notes: list[Text]
    card_version: str
    trend: list[TrendPoint]


def figure(row: ScorecardRow) -> Figure:
    """Return a scorecard row as a page's figure."""
    result = row.result
    card = result.definition.card
    target = row.target
    desired = "lower" if row.statistic == "share_over_target" else card.direction
    assumptions = [Assumed(**a) for a in row.assumptions]
    return Figure(
        id=card.id,
        slug=card.slug,
        name=card.name("en"),
        statistic=row.statistic,
        statistic_label=statistic_label(row.statistic),
        group=row.group,
        unit=row.unit,
        average=is_average(row.statistic),
        clock=result.unit,
        value=row.value,
        previous=row.previous,
        change=row.change,
        direction=row.direction,  # type: ignore[arg-type]
        desired_direction=desired,  # type: ignore[arg-type]
        target=None if target is None else target.text,
        target_operator=None if target is None else target.operator,
        target_value=None if target is None else target.value,
        target_within_hours=None if target is None else target.threshold_hours,
        target_met=row.target_met,
        n=row.n,
        excluded=row.excluded,
        assumed=sum(a.count for a in assumptions),
        assumptions=assumptions,
        no_data=result.no_data,
        notes=list(result.notes),
        card_version=card.card_version,
        trend=[
            TrendPoint(
                period=r["period"],
                value=r["value"],
                n=r["n"],
                excluded=r["excluded"],
                assumed=sum(a["count"] for a in r.get("assumptions", [])),
            )
            for r in row.history
        ],
    )


def scorecard(visitor: Visitor, period: PeriodKind = "month") -> Scorecard:
    """Return the scorecard by `period` of the tickets the visitor may see (kept per version)."""
    scope = visitor.scope
    return visitor.state.results.get(
        ("scorecard", period),
        scope,
        lambda ws: ws.scorecard(period=period, **scope.metric_options()),
    )


def has_workspace(visitor: Visitor) -> bool:
    """Return whether the workspace file exists (before the first import it does not)."""
    return visitor.state.config.workspace.exists()


def generated(card: Scorecard) -> datetime:
    """Return when the figures were computed."""
    return card.results.generated_at


# --- names and charts, as templates call them ------------------------------------------


def metric_name(metric_id: str, lang: Language) -> str:
    """Return a metric's name in `lang`."""
    return find(metric_id).card.name(lang)


def figure_name(item: Figure, lang: Language, *, statistic: bool = True) -> str:
    """Return the figure's metric name in `lang`, with its statistic and its group."""
    text = metric_name(item.id, lang)
    if statistic:
        text = f"{text}: {localized(item.statistic_label)}"
    if item.group:
        text += f" ({group_label(item.group)})"
    return text


def figure_value(item: Figure, value: float | None, lang: Language) -> str:
    """Return one of the figure's values (value, previous, a trend point) for people."""
    return formatting.figure(value, item.unit, average=item.average, lang=lang)


def target_text(item: Figure, lang: Language) -> str:
    """Return the figure's target for people ('≤ 2,0 %'), or '' without one."""
    if item.target_operator is None or item.target_value is None:
        return ""
    return formatting.target(
        item.target_operator,
        item.target_value,
        item.unit,
        within_hours=item.target_within_hours,
        clock=item.clock,
        lang=lang,
    )


PERIOD_NAMES = {"month": N_("month"), "week": N_("week"), "quarter": N_("quarter")}
"""The name of each kind of period, as a chart's axis gives it."""


def trend_spec(item: Figure, lang: Language, period: PeriodKind = "month") -> dict[str, Any]:
    """Return the Vega-Lite spec of a figure's trend, titles in `lang`."""
    return charts.trend_chart(
        [(formatting.period(p.period, short=True, lang=lang), p.value) for p in item.trend],
        title=figure_name(item, lang),
        period_title=gettext(PERIOD_NAMES[period]),
        value_title=formatting.unit_name(item.unit, lang=lang),
        value_format=formatting.d3_format(item.unit, average=item.average),
        target=item.target_value,
        target_title=gettext("target"),
    )


def sparkline_spec(item: Figure, lang: Language) -> dict[str, Any]:
    """Return the Vega-Lite spec of a figure's small trend line."""
    return charts.sparkline(
        [(formatting.period(p.period, short=True, lang=lang), p.value) for p in item.trend],
        title=figure_name(item, lang),
        value_format=formatting.d3_format(item.unit, average=item.average),
        target=item.target_value,
    )


def trend_words(item: Figure, lang: Language) -> str:
    """Return a figure's trend as words, the text alternative of its small chart."""
    points = ", ".join(
        f"{formatting.period(p.period, short=True, lang=lang)} {figure_value(item, p.value, lang)}"
        for p in item.trend
    )
    return gettext("Trend: {points}").format(points=points)


TEMPLATES.globals.update(
    metric_link=links.metric_page,
    trend_words=trend_words,
    figure_name=figure_name,
    metric_name=metric_name,
    figure_value=figure_value,
    target_text=target_text,
    trend_spec=trend_spec,
    sparkline_spec=sparkline_spec,
)


def translated(text: str | None) -> str | None:
    """Return a text of the analyses in the current language.

    A Message translates with its arguments; a plain text is a message id marked where
    it is written (an assumption, a reason).
    """
    if isinstance(text, Message):
        return text.localized()
    return gettext(text) if text else text


TEMPLATES.filters["localized"] = translated
