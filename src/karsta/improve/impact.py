"""The measured effect of a change (PDCA's Check): baseline vs follow-up on a metric.

Every figure comes from the metric layer (`compute_metrics`): the baseline and the
follow-up are two runs of the metric on either side of the change date, and the
control chart is a run by period. The improvement code only compares them:

- a share (e.g. I10 reopened): the difference of the two proportions with Newcombe's
  hybrid score interval, tested with a two-proportion z test, or Fisher's exact test
  when an expected cell is under 5;
- a median or other quantile of durations (e.g. O2 median hours): the difference with
  a bootstrap percentile interval of the two samples' quantiles, tested with the
  Mann–Whitney U test; a mean: Welch's t test and its interval.

The control chart is a p-chart for shares (limits per period from its own n) and an
XmR chart otherwise, with limits from the baseline periods and recomputed from the
follow-up ones. The status is computed, never typed in: "improved" when the test
rejects "no change" at `alpha` and the difference goes the card's better way, and the
"standard holds" when, besides, the last `hold_periods` follow-up periods all lie
within the new limits.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from karsta.i18n import Message
from karsta.metrics.compute import MetricResult, compute_metrics
from karsta.metrics.config import Target, parse_target
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Mean, Quantile, Share
from karsta.metrics.options import MetricOptions
from karsta.metrics.periods import PeriodKind, next_period, period_start, periods_between
from karsta.metrics.registry import find
from karsta.metrics.scorecard import better_when_lower
from karsta.workspace.source import TableSource

Status = Literal[
    "no follow-up yet",
    "following up",
    "improved",
    "standard holds",
    "no change shown",
    "worse",
    "changed",
    "not tested",
    "cannot be computed",
]
STATUSES: tuple[str, ...] = (
    "no follow-up yet",
    "following up",
    "improved",
    "standard holds",
    "no change shown",
    "worse",
    "changed",
    "not tested",
    "cannot be computed",
)
BOOTSTRAP_RESAMPLES = 1999
FISHER_BELOW = 5.0
"""Fisher's exact test replaces the z test when an expected cell count is under this."""
XMR_FACTOR = 2.66
"""3 / d2 (1.128): the XmR chart's limits are the mean ± 2.66 × the mean moving range."""


@dataclass(frozen=True)
class Comparison:
    """Baseline vs follow-up of one statistic: the difference, its interval and the test."""

    method: str
    """proportions, quantiles or means (English; views translate)."""
    test: str
    baseline: float
    follow_up: float
    difference: float
    """follow_up − baseline, in the statistic's unit (percentage points for a share)."""
    low: float
    high: float
    """The difference's confidence interval at 1 − alpha."""
    p_value: float
    n_baseline: int
    n_follow_up: int
    alpha: float

    @property
    def significant(self) -> bool:
        """Return whether the test rejects 'no change' at alpha."""
        return self.p_value < self.alpha


def compare_proportions(
    hits_before: int, n_before: int, hits_after: int, n_after: int, *, alpha: float = 0.05
) -> Comparison:
    """Return the difference of two shares in percentage points, Newcombe's interval and a test.

    The test is the two-proportion z test, or Fisher's exact test when an expected cell
    count is under 5.
    """
    if n_before == 0 or n_after == 0:
        raise ValueError(Message("both the baseline and the follow-up need units"))
    low, high = confint_proportions_2indep(
        hits_after, n_after, hits_before, n_before, method="newcomb", compare="diff", alpha=alpha
    )
    total_hits, total = hits_before + hits_after, n_before + n_after
    expected = [
        n * share
        for n in (n_before, n_after)
        for share in (total_hits / total, 1 - total_hits / total)
    ]
    if min(expected) < FISHER_BELOW:
        table = [[hits_after, n_after - hits_after], [hits_before, n_before - hits_before]]
        p_value = float(stats.fisher_exact(table).pvalue)
        test = "Fisher's exact test"
    elif total_hits in (0, total):
        p_value, test = 1.0, "two-proportion z test"
    else:
        p_value = float(proportions_ztest([hits_after, hits_before], [n_after, n_before])[1])
        test = "two-proportion z test"
    before, after = 100 * hits_before / n_before, 100 * hits_after / n_after
    return Comparison(
        method="proportions",
        test=test,
        baseline=before,
        follow_up=after,
        difference=after - before,
        low=100 * float(low),
        high=100 * float(high),
        p_value=p_value,
        n_baseline=n_before,
        n_follow_up=n_after,
        alpha=alpha,
    )


def compare_durations(
    before: np.ndarray[Any, Any],
    after: np.ndarray[Any, Any],
    *,
    statistic: Literal["mean", "quantile"] = "quantile",
    probability: float = 0.5,
    alpha: float = 0.05,
    seed: int = 0,
) -> Comparison:
    """Return the difference of two samples' quantile (or mean), its interval and a test.

    A quantile: the bootstrap percentile interval of the difference of the samples'
    quantiles (numpy's default, the metrics' type 7), tested with Mann–Whitney U. A mean:
    Welch's t test and its interval.
    """
    x, y = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    if len(x) < 2 or len(y) < 2:
        raise ValueError(Message("both the baseline and the follow-up need at least two values"))
    if statistic == "mean":
        welch = stats.ttest_ind(y, x, equal_var=False)
        interval = welch.confidence_interval(confidence_level=1 - alpha)
        return Comparison(
            method="means",
            test="Welch's t test",
            baseline=float(x.mean()),
            follow_up=float(y.mean()),
            difference=float(y.mean() - x.mean()),
            low=float(interval.low),
            high=float(interval.high),
            p_value=float(welch.pvalue),
            n_baseline=len(x),
            n_follow_up=len(y),
            alpha=alpha,
        )

    def difference(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any], axis: int = -1) -> Any:
        return np.quantile(b, probability, axis=axis) - np.quantile(a, probability, axis=axis)

    boot = stats.bootstrap(
        (x, y),
        difference,
        confidence_level=1 - alpha,
        n_resamples=BOOTSTRAP_RESAMPLES,
        method="percentile",
        batch=100,
        rng=np.random.default_rng(seed),
    )
    tested = stats.mannwhitneyu(y, x, alternative="two-sided")
    return Comparison(
        method="quantiles",
        test="Mann–Whitney U test",
        baseline=float(np.quantile(x, probability)),
        follow_up=float(np.quantile(y, probability)),
        difference=float(difference(x, y)),
        low=float(boot.confidence_interval.low),
        high=float(boot.confidence_interval.high),
        p_value=float(tested.pvalue),
        n_baseline=len(x),
        n_follow_up=len(y),
        alpha=alpha,
    )


def verdict(comparison: Comparison, lower_is_better: bool | None) -> str:
    """Return improved, worse, changed (no better way on the card) or no change shown."""
    if not comparison.significant:
        return "no change shown"
    if lower_is_better is None:
        return "changed"
    return "improved" if (comparison.difference < 0) == lower_is_better else "worse"


# --- control chart --------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """A control chart's centre line and limits (per period for a p-chart: see the points)."""

    centre: float
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class ChartPoint:
    """One period on the control chart, with the limits of its phase."""

    period: str
    start: str
    phase: str
    """baseline, change (the period the change fell in) or follow-up."""
    value: float | None
    n: int
    centre: float | None = None
    lower: float | None = None
    upper: float | None = None

    @property
    def within(self) -> bool | None:
        """Return whether the value lies within its phase's limits (None without limits)."""
        if self.value is None or self.centre is None:
            return None
        low = -math.inf if self.lower is None else self.lower
        high = math.inf if self.upper is None else self.upper
        return low <= self.value <= high


@dataclass(frozen=True)
class ControlChart:
    """A p-chart or XmR chart around the change, limits recomputed after it."""

    kind: str
    """p (shares) or XmR (other statistics)."""
    points: list[ChartPoint]
    baseline: Limits | None
    follow_up: Limits | None

    def to_dict(self) -> dict[str, Any]:
        """Return the chart as JSON-ready data."""
        return {
            "kind": self.kind,
            "points": [{**asdict(p), "within": p.within} for p in self.points],
            "baseline": None if self.baseline is None else asdict(self.baseline),
            "follow_up": None if self.follow_up is None else asdict(self.follow_up),
        }


def _p_limits(points: list[ChartPoint], phase: str) -> tuple[list[ChartPoint], Limits | None]:
    """Return the phase's points with p-chart limits (percent), and its centre line."""
    own = [p for p in points if p.phase == phase and p.value is not None and p.n > 0]
    if not own:
        return points, None
    hits = sum(p.value * p.n / 100 for p in own if p.value is not None)
    total = sum(p.n for p in own)
    centre = hits / total
    placed = []
    for p in points:
        if p.phase != phase or p.n == 0:
            placed.append(p)
            continue
        spread = 3 * math.sqrt(centre * (1 - centre) / p.n)
        placed.append(
            replace(
                p,
                centre=100 * centre,
                lower=100 * max(0.0, centre - spread),
                upper=100 * min(1.0, centre + spread),
            )
        )
    return placed, Limits(100 * centre, None, None)


def _xmr_limits(points: list[ChartPoint], phase: str) -> tuple[list[ChartPoint], Limits | None]:
    """Return the phase's points with XmR limits, and the limits."""
    values = [p.value for p in points if p.phase == phase and p.value is not None]
    if len(values) < 2:
        return points, None
    centre = float(np.mean(values))
    moving = float(np.mean(np.abs(np.diff(values))))
    limits = Limits(centre, centre - XMR_FACTOR * moving, centre + XMR_FACTOR * moving)
    placed = [
        replace(p, centre=limits.centre, lower=limits.lower, upper=limits.upper)
        if p.phase == phase
        else p
        for p in points
    ]
    return placed, limits


def control_chart(points: list[ChartPoint], kind: str) -> ControlChart:
    """Return the chart of `points` with limits from the baseline and from the follow-up."""
    limit = _p_limits if kind == "p" else _xmr_limits
    placed, baseline = limit(points, "baseline")
    placed, follow_up = limit(placed, "follow-up")
    return ControlChart(kind, placed, baseline, follow_up)


# --- one metric around one change ----------------------------------------------------------


@dataclass(frozen=True)
class MetricImpact:
    """The effect of a change on one metric: windows, figures, comparison, chart, status."""

    metric: str
    statistic: str
    unit: str
    lower_is_better: bool | None
    target: str | None
    target_statistic_matches: bool
    change: str
    baseline_from: str
    period: str
    status: str
    reason: str | None
    """Why the status is what it is, where a reader needs it (English; views translate)."""
    baseline: float | None
    now: float | None
    """The metric over the whole follow-up (from the change on)."""
    target_met: bool | None
    comparison: Comparison | None
    chart: ControlChart | None
    hold_periods: int
    follow_up_periods: int
    periods_within: int
    """How many of the last follow-up periods in a row lie within the new limits."""
    notes: list[str] = field(default_factory=list)
    card_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the impact as JSON-ready data."""
        data = asdict(self)
        data["comparison"] = None if self.comparison is None else asdict(self.comparison)
        data["chart"] = None if self.chart is None else self.chart.to_dict()
        return data


def _instant(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _step_back(start: date, kind: PeriodKind, count: int) -> date:
    if kind == "week":
        return start - timedelta(weeks=count)
    for _ in range(count):
        start = period_start(start - timedelta(days=1), kind)
    return start


def _row(result: MetricResult, statistic: str, period: str | None = None) -> dict[str, Any] | None:
    for row in result.rows:
        if row["statistic"] == statistic and not row["group"] and row["period"] == period:
            return row
    return None


def _values(source: TableSource, result: MetricResult, statistic: str) -> np.ndarray[Any, Any]:
    """Return the unit values a mean or quantile statistic of `result` summarises."""
    assert result.measurement is not None
    spec = next(s for s in result.measurement.statistics if s.name == statistic)
    assert isinstance(spec, Mean | Quantile)
    units = result.measurement.units
    present = units.filter(units.included & units[spec.column].notnull())
    column = source.to_arrow(
        present.select(value=present[spec.column].cast("float64") / spec.scale)
    )
    return np.asarray(column.column("value").to_numpy(), dtype=float)


def metric_impact(
    source: TableSource,
    options: MetricOptions,
    *,
    metric: str,
    changed_on: date,
    statistic: str | None = None,
    target: str | None = None,
    period: PeriodKind = "week",
    baseline_periods: int = 12,
    hold_periods: int = 6,
    alpha: float = 0.05,
) -> MetricImpact:
    """Return the effect of the change of `changed_on` on `metric` (see the module's rules).

    `options` are the workspace's metric options (with any restriction of the tickets);
    `statistic` defaults to the target's statistic, else the metric's headline.
    """
    definition = find(metric)
    card = definition.card
    parsed: Target | None = None
    if target:
        parsed = parse_target(
            definition.id, target, service_hours=options.service_calendar is not None
        )
    chosen = statistic or (parsed.statistic if parsed else definition.headline)
    lower = better_when_lower(card.direction, chosen)
    zone = options.timezone
    change = _instant(changed_on, zone)
    first_day = _step_back(period_start(changed_on, period), period, baseline_periods)
    since = _instant(first_day, zone)

    def run(**overrides: Any) -> MetricResult:
        return compute_metrics(
            source, replace(options, by=(), **overrides), metrics=[definition.id]
        )[definition.id]

    base = MetricImpact(
        metric=definition.id,
        statistic=chosen,
        unit="",
        lower_is_better=lower,
        target=target,
        target_statistic_matches=parsed is None or parsed.statistic == chosen,
        change=changed_on.isoformat(),
        baseline_from=first_day.isoformat(),
        period=period,
        status="cannot be computed",
        reason=None,
        baseline=None,
        now=None,
        target_met=None,
        comparison=None,
        chart=None,
        hold_periods=hold_periods,
        follow_up_periods=0,
        periods_within=0,
        card_version=card.card_version,
    )
    before = run(period=None, since=since, until=change)
    if before.no_data is not None:
        return replace(base, reason=before.no_data)
    names = {s.name for s in before.measurement.statistics} if before.measurement else set()
    if chosen not in names:
        return replace(
            base,
            reason=Message(
                "{metric} has no statistic '{statistic}'; it has {known}",
                metric=definition.id,
                statistic=chosen,
                known=", ".join(sorted(names)),
            ),
        )
    data_end = MetricInputs(source, replace(options, by=())).data_range[1]
    after = run(period=None, since=change) if data_end >= change else None
    chart_run = run(period=period, since=since)
    b_row = _row(before, chosen)
    a_row = _row(after, chosen) if after is not None else None
    unit = (b_row or a_row or {}).get("unit") or before.unit
    now_value = None if a_row is None else a_row["value"]
    impact = replace(
        base,
        unit=unit,
        baseline=None if b_row is None else b_row["value"],
        now=now_value,
        target_met=None if parsed is None or parsed.statistic != chosen else parsed.met(now_value),
    )
    chart, notes = _chart(
        chart_run,
        chosen,
        first_day=first_day,
        changed_on=changed_on,
        kind=period,
        data_end=data_end,
        zone=zone,
    )
    follow = [p for p in chart.points if p.phase == "follow-up"]
    within = 0
    for point in reversed(follow):
        if not point.within:
            break
        within += 1
    impact = replace(
        impact, chart=chart, notes=notes, follow_up_periods=len(follow), periods_within=within
    )
    if a_row is None or not a_row["n"]:
        return replace(
            impact, status="no follow-up yet", reason=Message("no figures after the change yet")
        )
    if b_row is None or not b_row["n"]:
        return replace(impact, reason=Message("no figures in the baseline period"))
    spec = next(s for s in before.measurement.statistics if s.name == chosen)  # type: ignore[union-attr]
    try:
        if isinstance(spec, Share):
            comparison = compare_proportions(
                int(b_row["numerator"]),
                int(b_row["denominator"]),
                int(a_row["numerator"]),
                int(a_row["denominator"]),
                alpha=alpha,
            )
        elif isinstance(spec, Mean | Quantile):
            assert after is not None
            comparison = compare_durations(
                _values(source, before, chosen),
                _values(source, after, chosen),
                statistic="mean" if isinstance(spec, Mean) else "quantile",
                probability=spec.probability if isinstance(spec, Quantile) else 0.5,
                alpha=alpha,
            )
        else:
            return replace(
                impact,
                status="not tested",
                reason=Message(
                    "a {statistic} has no test here: compare it on the control chart",
                    statistic=chosen,
                ),
            )
    except ValueError as exc:
        return replace(impact, reason=exc.args[0])
    impact = replace(impact, comparison=comparison)
    found = verdict(comparison, lower)
    if found == "improved":
        holds = len(follow) >= hold_periods and within >= hold_periods
        return replace(impact, status="standard holds" if holds else "improved")
    if found == "no change shown" and len(follow) < hold_periods:
        return replace(impact, status="following up")
    return replace(impact, status=found)


def _chart(
    result: MetricResult,
    statistic: str,
    *,
    first_day: date,
    changed_on: date,
    kind: PeriodKind,
    data_end: datetime,
    zone: str,
) -> tuple[ControlChart, list[str]]:
    """Return the control chart of the run by period; the change's own period stands apart.

    A period the data ends inside is left off (its figure would rest on part of it).
    """
    rows = {r["period"]: r for r in result.rows if r["statistic"] == statistic and not r["group"]}
    notes: list[str] = []
    points = []
    last_day = data_end.astimezone(ZoneInfo(zone)).date()
    for p in periods_between(first_day, last_day, kind, zone):
        start = p.start.astimezone(ZoneInfo(zone)).date()
        end = next_period(start, kind)
        if p.end > data_end + timedelta(seconds=1):
            notes.append(
                Message("{period} is left off the chart: the data ends inside it", period=p.label)
            )
            continue
        phase = (
            "baseline" if end <= changed_on else "follow-up" if start >= changed_on else "change"
        )
        row = rows.get(p.label)
        points.append(
            ChartPoint(
                period=p.label,
                start=start.isoformat(),
                phase=phase,
                value=None if row is None else row["value"],
                n=0 if row is None else int(row["n"] or 0),
            )
        )
    share = result.measurement is not None and any(
        isinstance(s, Share) and s.name == statistic for s in result.measurement.statistics
    )
    return control_chart(points, "p" if share else "XmR"), notes
