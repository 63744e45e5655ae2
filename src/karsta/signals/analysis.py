"""Warning signals: what changed, what is falling, which patterns appear.

`signals(source, options)` runs the metric catalog by month, adds staff turnover and
the series the patterns need, and for every series tests the trend (Mann–Kendall) and
draws the control chart (XmR or p-chart). The signals are the significant trends,
the charts with flagged points and the patterns present, ranked by strength:

- a trend: −log10(p) × min(1, |change over the series| / |median|), so both the
  evidence and the size of the change count;
- a control chart: −log10 of the chance probability of its least likely flag (a point
  as far out, or a run as long);
- a pattern: the strength of its weakest condition.

Months at either end of the range that received fewer than `BUSY_PERIOD_SHARE` of the
busiest month's tickets (an export's tail, a month just begun) are left out of every
series, and listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from karsta.feedback.significance import MIN_ANSWERS
from karsta.feedback.turnover import staff_turnover
from karsta.formatting import UNIT_SUFFIXES
from karsta.i18n import Message, joined
from karsta.metrics.compute import MetricResults, compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.metrics.scorecard import received_per_period
from karsta.signals.control import ControlChart, chart_of
from karsta.signals.derived import easy_categories, easy_share_series, escalation_delay_series
from karsta.signals.patterns import TREND_PATTERNS, Inputs, Link, Observed, Pattern, series_links
from karsta.signals.segments import repeat_in_low_segment
from karsta.signals.series import Series, catalog_series, turnover_series
from karsta.signals.trend import Trend, trend_of
from karsta.timespan import BUSY_PERIOD_SHARE
from karsta.workspace.source import TableSource

SignalKind = Literal["trend", "chart", "pattern"]
UNIT_WORDS = {**UNIT_SUFFIXES, "percent": UNIT_SUFFIXES["percentage_points"]}
"""The unit written after a slope: a share changes in percentage points."""


@dataclass(frozen=True)
class SeriesSignals:
    """One series with its trend test and control chart."""

    series: Series
    trend: Trend
    chart: ControlChart

    def to_dict(self) -> dict[str, Any]:
        """Return the series, its test and its chart as plain data (for JSON)."""
        return {
            **self.series.to_dict(),
            "trend": self.trend.to_dict(),
            "chart": self.chart.to_dict(),
        }


@dataclass(frozen=True)
class Signal:
    """One thing worth looking at: a trend, a chart's flags or a pattern."""

    kind: SignalKind
    subject: str
    """The series key (trends, charts) or the pattern id."""
    metric: str | None
    group: dict[str, Any]
    strength: float
    text: str
    """What was found, in plain words (a Message), without the metric's name."""
    worse: bool | None
    """Whether it goes the way the card calls worse; None if balanced or a pattern."""
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    """A pattern's title (a Message); None for a series' signal (named by its metric)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the signal as plain data (for JSON)."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "title": None if self.title is None else str(self.title),
            "metric": self.metric,
            "group": self.group,
            "strength": round(self.strength, 3),
            "text": str(self.text),
            "worse": self.worse,
            "links": [link.to_dict() for link in self.links],
        }


@dataclass(frozen=True)
class Signals:
    """Every series' tests, the patterns and the ranked signals."""

    source: str
    periods: list[str]
    left_out: list[str]
    """Months at either end with too few tickets, left out of every series."""
    series: list[SeriesSignals]
    not_computed: dict[str, str]
    """Metrics without figures, with why (the catalog's no-data reasons)."""
    patterns: list[Pattern]
    signals: list[Signal]
    """Strongest first."""
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def strongest(self, count: int = 3) -> list[Signal]:
        """Return the `count` strongest signals."""
        return self.signals[:count]

    def to_dict(self) -> dict[str, Any]:
        """Return the signals as plain data (for JSON)."""
        return {
            "workspace": self.source,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "periods": self.periods,
            "left_out_periods": self.left_out,
            "left_out_rule": str(
                Message(
                    "months at either end with fewer than {share} % of the busiest month's tickets",
                    share=round(100 * BUSY_PERIOD_SHARE),
                )
            ),
            "signals": [s.to_dict() for s in self.signals],
            "patterns": [p.to_dict() for p in self.patterns],
            "series": [s.to_dict() for s in self.series],
            "not_computed": {k: str(v) for k, v in self.not_computed.items()},
        }


def busy_periods(volumes: dict[str, int]) -> tuple[list[str], list[str]]:
    """Return (kept, left out): the months from the first to the last busy one, and the rest.

    A month is busy with at least BUSY_PERIOD_SHARE of the busiest month's tickets; quiet
    months between busy ones are kept (a real dip is a signal, not a tail).
    """
    ordered = sorted(volumes)
    if not ordered:
        return [], []
    busiest = max(volumes.values())
    busy = [p for p in ordered if volumes[p] >= BUSY_PERIOD_SHARE * busiest]
    kept = [p for p in ordered if busy[0] <= p <= busy[-1]]
    return kept, [p for p in ordered if p not in kept]


def trend_text(series: Series, trend: Trend) -> Message:
    """Return a significant trend in plain words: direction, slope a month, months, p."""
    word = Message("rising") if trend.direction == "increasing" else Message("falling")
    unit = UNIT_WORDS.get(series.unit)
    p = trend.p_value or 0.0
    test = (
        Message("Mann–Kendall p < {p:.3f}", p=0.001)
        if p < 0.001
        else Message("Mann–Kendall p = {p:.3f}", p=p)
    )
    args: dict[str, Any] = {
        "direction": word,
        "slope": abs(trend.slope or 0.0),
        "n": trend.points,
        "test": test,
    }
    if unit:
        return Message(
            "{direction}: {slope:.2f} {unit} a month over {n} months ({test})",
            unit=Message(unit) if unit not in ("%", "€") else unit,
            **args,
        )
    return Message("{direction}: {slope:.2f} a month over {n} months ({test})", **args)


def chart_text(chart: ControlChart) -> Message:
    """Return a chart's flags in plain words: the months outside and the runs."""
    parts: list[str] = []
    outside = chart.outside
    if outside:
        parts.append(
            Message(
                "outside the control limits in {periods}",
                periods=", ".join(p.period for p in outside),
            )
        )
    for run in chart.runs:
        side = Message("above") if run.side == "above" else Message("below")
        parts.append(
            Message(
                "{length} months in a row {side} the centre line ({first}–{last})",
                length=run.length,
                side=side,
                first=run.first,
                last=run.last,
            )
        )
    return joined(parts, "; ")


def _chart_worse(series: Series, chart: ControlChart) -> bool | None:
    """Return whether the latest flag is on the side the card calls worse."""
    if series.lower_is_better is None or chart.centre is None:
        return None
    flagged = [p for p in chart.points if p.outside or p.in_run]
    if not flagged:
        return None
    high = flagged[-1].value > chart.centre
    return high == series.lower_is_better


def series_signals(observed: SeriesSignals) -> list[Signal]:
    """Return the signals of one series: its trend when significant, its chart when flagged."""
    series, trend, chart = observed.series, observed.trend, observed.chart
    found = []
    links = series_links(series)
    if trend.significant:
        found.append(
            Signal(
                "trend",
                series.key,
                series.metric,
                series.group,
                trend.strength,
                trend_text(series, trend),
                trend.worse,
                links,
            )
        )
    if chart.cannot is None and chart.flagged:
        flagged = [p.period for p in chart.points if p.outside or p.in_run]
        chart_links = [Link(link.metric, {**link.query, "at": flagged[-1]}) for link in links]
        found.append(
            Signal(
                "chart",
                series.key,
                series.metric,
                series.group,
                chart.strength,
                chart_text(chart),
                _chart_worse(series, chart),
                chart_links,
            )
        )
    return found


def pattern_signal(pattern: Pattern) -> Signal:
    """Return a present pattern as a signal."""
    return Signal(
        "pattern",
        pattern.id,
        None,
        {},
        pattern.strength,
        pattern.meaning,
        None,
        pattern.links,
        pattern.title,
    )


def signals(
    source: TableSource,
    options: MetricOptions | None = None,
    *,
    statistics: dict[str, str] | None = None,
    min_answers: int = MIN_ANSWERS,
    staffing: bool = True,
    results: MetricResults | None = None,
) -> Signals:
    """Return the trends, control charts and patterns of every monthly series of `source`.

    `options` are the workspace's metric settings (the period is set to month);
    `statistics` chooses a metric's statistic other than its headline (e.g. the one its
    target names). Without `staffing` staff turnover is left out and says why (the
    staffing table belongs to no ticket group: a user limited to some groups or channels
    may not see it). `results`, when given, is a run of the whole catalog by month with
    the same options (e.g. the scorecard's), used instead of running it again.
    """
    monthly = replace(options or MetricOptions(), period="month", by=())
    if results is None or results.options != monthly:
        results = compute_metrics(source, monthly)
    periods, left_out = busy_periods(received_per_period(source, monthly))
    if not periods:
        periods = sorted({r["period"] for m in results for r in m.rows if r["period"]})
    all_series = catalog_series(results, periods, statistics)
    not_computed = {m.id: m.no_data for m in results if m.no_data is not None}
    if staffing:
        turnover = staff_turnover(source)
        if turnover.no_data is not None:
            not_computed["TURNOVER"] = turnover.no_data
        all_series += turnover_series(turnover, periods)
    else:
        not_computed["TURNOVER"] = Message(
            "not shown: staffing belongs to no ticket group or channel, and the figures "
            "cover only some of them"
        )
    if "S2" not in not_computed:
        categories = easy_categories(source, monthly)
        if categories:
            all_series.append(easy_share_series(source, monthly, periods, categories))
        else:
            not_computed["EASY"] = Message(
                "cannot be computed: no category is resolved at first contact more often "
                "than the desk overall (or the tickets have no categories)"
            )
    else:
        not_computed["EASY"] = not_computed["S2"]
    if "ESC" not in not_computed:
        all_series.append(escalation_delay_series(source, monthly, periods))
    else:
        not_computed["ESCALATION_DELAY"] = not_computed["ESC"]
    observed = [SeriesSignals(s, trend_of(s), chart_of(s)) for s in all_series]
    inputs = Inputs(
        [Observed(o.series, o.trend) for o in observed], not_computed, min_answers=min_answers
    )
    patterns = [pattern(inputs) for pattern in TREND_PATTERNS]
    patterns.insert(4, repeat_in_low_segment(source, monthly, min_answers=min_answers))
    found = [signal for o in observed for signal in series_signals(o)]
    found += [pattern_signal(p) for p in patterns if p.status == "present"]
    found.sort(key=lambda s: (-s.strength, s.kind, s.subject))
    return Signals(source.label, periods, left_out, observed, not_computed, patterns, found)
