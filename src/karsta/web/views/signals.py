"""The signals page (/signals): the ranked signals, the metric combinations, every series.

It renders what `karsta.signals.signals` returns for the tickets the visitor may see;
its JSON twin serves the same. Each signal links to the metric page of the period
behind it (with the breakdown and value of a segment). The overview lists the strongest
three (`strongest_signals`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter
from pydantic import BaseModel

from karsta import formatting
from karsta.i18n import Language, Message, current_language, gettext, localized
from karsta.signals.analysis import SeriesSignals, Signal, Signals, signals
from karsta.signals.control import MIN_CHART_POINTS, RUN_LENGTH
from karsta.signals.names import series_name
from karsta.signals.patterns import Link, Pattern, series_links
from karsta.signals.trend import MIN_TREND_POINTS
from karsta.timespan import BUSY_PERIOD_SHARE
from karsta.web import links
from karsta.web.improve_charts import control_chart_spec
from karsta.web.pages import page
from karsta.web.rendering import TEMPLATES, Numbers
from karsta.web.requests import Viewer, Visitor
from karsta.web.text import Text
from karsta.web.views.figures import DataScopeInfo, has_workspace, scope_info, scorecard

router = APIRouter(tags=["signals"])

STRONGEST = 3
"""Signals the overview lists."""


class SignalItem(BaseModel):
    """One signal: a trend, a control chart's flags or a metric combination."""

    kind: str
    subject: str
    metric: str | None
    name: Text
    """The figure's name (or the pattern's title) in the page's language."""
    strength: float
    text: Text
    worse: bool | None
    links: list[str]


class ConditionItem(BaseModel):
    """One condition of a metric combination."""

    text: Text
    met: bool | None
    missing: Text | None
    links: list[str]


class PatternItem(BaseModel):
    """A metric combination: present, absent or not assessable, and why."""

    id: str
    title: Text
    meaning: Text
    status: str
    strength: float
    conditions: list[ConditionItem]
    missing: list[Text]


class SeriesItem(BaseModel):
    """One monthly series with its trend test and control chart."""

    key: str
    metric: str
    name: Text
    unit: str
    months: int
    latest: float | None
    trend: dict[str, Any]
    chart: dict[str, Any]
    trend_cannot: Text | None
    chart_cannot: Text | None
    links: list[str]
    basis: Text | None = None
    """What a derived series rests on (e.g. which categories count as easy)."""


class SignalsPage(BaseModel):
    """Every signal of the workspace, strongest first, with the patterns and the series."""

    has_data: bool
    scope: DataScopeInfo
    generated_at: datetime | None = None
    periods: list[str] = []
    left_out: list[str] = []
    signals: list[SignalItem] = []
    patterns: list[PatternItem] = []
    series: list[SeriesItem] = []
    not_computed: list[Text] = []


def href(link: Link) -> str:
    """Return the metric page a signal's link names."""
    return links.metric_page(link.metric, **link.query)


def signal_item(signal: Signal) -> SignalItem:
    """Return a signal as the pages show it."""
    lang = current_language()
    name: str = (
        signal.title or signal.subject
        if signal.metric is None
        else series_name(signal.metric, signal.group, lang)
    )
    return SignalItem(
        kind=signal.kind,
        subject=signal.subject,
        metric=signal.metric,
        name=name,
        strength=round(signal.strength, 3),
        text=signal.text,
        worse=signal.worse,
        links=[href(link) for link in signal.links],
    )


def _pattern(pattern: Pattern) -> PatternItem:
    return PatternItem(
        id=pattern.id,
        title=pattern.title,
        meaning=pattern.meaning,
        status=pattern.status,
        strength=round(pattern.strength, 3),
        conditions=[
            ConditionItem(
                text=c.text, met=c.met, missing=c.missing, links=[href(x) for x in c.links]
            )
            for c in pattern.conditions
        ],
        missing=pattern.missing,
    )


def _series(item: SeriesSignals) -> SeriesItem:
    series = item.series
    return SeriesItem(
        key=series.key,
        metric=series.metric,
        name=series_name(series.metric, series.group, current_language()),
        unit=series.unit,
        months=len(series.points),
        latest=series.values[-1] if series.points else None,
        trend=item.trend.to_dict(),
        chart=item.chart.to_dict(),
        trend_cannot=item.trend.cannot,
        chart_cannot=item.chart.cannot,
        links=[href(link) for link in series_links(series)],
        basis=series.basis,
    )


def signals_of(visitor: Visitor) -> Signals:
    """Return the signals of the tickets the visitor may see (kept per workspace version).

    A user limited to some groups or channels gets no staff turnover: staffing belongs
    to no group or channel.
    """
    scope = visitor.scope
    monthly = scorecard(visitor).results  # the same run by month: not computed twice

    def compute(ws: Any) -> Signals:
        config = ws.config
        return signals(
            ws.source,
            config.options(**scope.metric_options()),
            statistics={m: t.statistic for m, t in config.targets.items()},
            staffing=not scope.restricted,
            results=monthly,
        )

    return visitor.state.results.get("signals", scope, compute)


def strongest_signals(visitor: Visitor) -> list[SignalItem]:
    """Return the STRONGEST signals, as the overview lists them."""
    return [signal_item(s) for s in signals_of(visitor).strongest(STRONGEST)]


@page(router, links.SIGNALS, template="signals/page.html", model=SignalsPage, summary="Signals")
def signals_page(visitor: Viewer) -> SignalsPage:
    """Return the signals strongest first, the metric combinations and every series."""
    scope = scope_info(visitor.scope)
    if not has_workspace(visitor):
        return SignalsPage(has_data=False, scope=scope)
    found = signals_of(visitor)
    return SignalsPage(
        has_data=bool(found.periods),
        scope=scope,
        generated_at=found.generated_at,
        periods=found.periods,
        left_out=found.left_out,
        signals=[signal_item(s) for s in found.signals],
        patterns=[_pattern(p) for p in found.patterns],
        series=[_series(s) for s in found.series],
        not_computed=[
            Message("{input}: {why}", input=series_name(m, {}, current_language()), why=why)
            for m, why in found.not_computed.items()
        ],
    )


def trend_words(item: SeriesItem, fmt: Numbers) -> str:
    """Return a series' trend for people: 'falling 2,8 pp a month (p = 0,003)' or why not."""
    trend = item.trend
    if item.trend_cannot is not None:
        return str(localized(item.trend_cannot))
    p = trend["p_value"]
    p_text = "p < " + fmt.decimal(0.001, 3) if p < 0.001 else "p = " + fmt.decimal(p, 3)
    if trend["direction"] not in ("increasing", "decreasing"):
        return gettext("no trend ({p})").format(p=p_text)
    word = gettext("rising") if trend["direction"] == "increasing" else gettext("falling")
    slope = abs(trend["slope_per_period"] or 0.0)
    if item.unit == "percent":
        size = fmt.decimal(slope, 1) + "\N{NO-BREAK SPACE}" + gettext("pp")
    else:
        size = fmt.figure(slope, item.unit)
    return gettext("{direction} {slope} a month ({p})").format(direction=word, slope=size, p=p_text)


def chart_words(item: SeriesItem) -> str:
    """Return a series' control chart flags for people, or why it has none."""
    chart = item.chart
    if item.chart_cannot is not None:
        return str(localized(item.chart_cannot))
    parts = []
    if chart["outside"]:
        parts.append(
            Message("outside the control limits in {periods}", periods=", ".join(chart["outside"]))
        )
    for run in chart["runs"]:
        side = Message("above") if run["side"] == "above" else Message("below")
        parts.append(
            Message(
                "{length} months in a row {side} the centre line ({first}–{last})",
                length=run["length"],
                side=side,
                first=run["first"],
                last=run["last"],
            )
        )
    if not parts:
        return gettext("within the limits")
    return "; ".join(str(p.localized()) for p in parts)


def chart_spec(item: SeriesItem, lang: Language) -> dict[str, Any]:
    """Return the Vega-Lite control chart of a series (one phase), titles in `lang`."""
    chart = item.chart
    points = [
        {
            "period": p["period"],
            "phase": "all",
            "value": p["value"],
            "centre": chart["centre"],
            "lower": p["lower"],
            "upper": p["upper"],
            "within": not p["outside"],
        }
        for p in chart["points"]
    ]
    return control_chart_spec(
        points,
        title=gettext("Control chart of {name}").format(name=localized(item.name)),
        period_title=gettext("Period"),
        value_title=formatting.unit_name(item.unit),
        value_format=formatting.d3_format(item.unit),
        phase_names={"all": ""},
        limit_title=gettext("Limit"),
        centre_title=gettext("Centre"),
    )


def link_label(link: str) -> str:
    """Return a link's words: the metric, and the breakdown value or name it opens on."""
    path, _, query = link.partition("?")
    asked = parse_qs(query)
    metric = unquote(path.rsplit("/", 1)[-1])
    detail = (asked.get("value") or asked.get("by") or [""])[0]
    return f"{metric} ({detail})" if detail else metric


def flagged(page: SignalsPage) -> list[SeriesItem]:
    """Return the series whose control chart flags a month, in the order of their signals."""
    charted = [s.subject for s in page.signals if s.kind == "chart"]
    by_key = {s.key: s for s in page.series}
    return [by_key[key] for key in charted if key in by_key]


TEMPLATES.globals.update(
    signal_chart_spec=chart_spec,
    signal_flagged=flagged,
    signal_link_label=link_label,
    signal_trend_words=trend_words,
    signal_chart_words=chart_words,
    signal_rules={
        "trend": MIN_TREND_POINTS,
        "chart": MIN_CHART_POINTS,
        "run": RUN_LENGTH,
        "quiet": round(100 * BUSY_PERIOD_SHARE),
    },
)
