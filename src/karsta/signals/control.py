"""The control chart of a series: where a month is outside the process's usual variation.

- A share of counted units (FCR, escalations, CSAT top box) gets a p-chart: the centre
  line p̄ = all hits / all units, and each month its own limits p̄ ± 3·√(p̄(1 − p̄)/nᵢ)
  from its own nᵢ (clipped to 0..100 %).
- Any other figure (times, scores, counts, turnover) gets an individuals chart (XmR):
  the centre line is the mean, MR̄ the mean of the moving ranges |xᵢ − xᵢ₋₁|, and the
  limits mean ± 2.66·MR̄ (2.66 = 3 / d₂, d₂ = 1.128 for ranges of two).

Points are flagged by the Western Electric rules 1 and 4: a point outside the limits,
and a run of RUN_LENGTH (8) or more points in a row on one side of the centre line (a
point on the line ends a run). Nelson's rule 2 is the same run rule with 9 points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from scipy import stats

from karsta.i18n import Message
from karsta.signals.series import Series

MIN_CHART_POINTS = 8
"""Fewest periods a chart is drawn from: the limits of fewer points are too loose to trust,
and the run rule needs eight points to fire at all."""
RUN_LENGTH = 8
"""Points in a row on one side of the centre line that make a run (Western Electric rule 4)."""
XMR_FACTOR = 2.66
"""3 / d₂ for moving ranges of two points (d₂ = 1.128)."""
D2 = 1.128
RULES = "Western Electric rules 1 (outside the limits) and 4 (8 in a row on one side)"

ChartKind = Literal["xmr", "p"]


@dataclass(frozen=True)
class ChartPoint:
    """One period on the chart with its limits and flags."""

    period: str
    value: float
    lower: float
    upper: float
    outside: bool
    """Western Electric rule 1: beyond a limit."""
    in_run: bool
    """Western Electric rule 4: part of a run of RUN_LENGTH or more on one side."""
    chance: float | None = None
    """For a point outside: the two-sided normal probability of a point so far out."""

    def to_dict(self) -> dict[str, Any]:
        """Return the point as plain data (for JSON)."""
        return {
            "period": self.period,
            "value": self.value,
            "lower": self.lower,
            "upper": self.upper,
            "outside": self.outside,
            "in_run": self.in_run,
        }


@dataclass(frozen=True)
class Run:
    """Consecutive points on one side of the centre line."""

    first: str
    last: str
    length: int
    side: Literal["above", "below"]

    def to_dict(self) -> dict[str, Any]:
        """Return the run as plain data (for JSON)."""
        return {"first": self.first, "last": self.last, "length": self.length, "side": self.side}


@dataclass(frozen=True)
class ControlChart:
    """An XmR chart or p-chart of one series, or why it cannot be drawn."""

    kind: ChartKind
    points: list[ChartPoint] = field(default_factory=list)
    centre: float | None = None
    moving_range: float | None = None
    """MR̄ of an XmR chart; None on a p-chart."""
    runs: list[Run] = field(default_factory=list)
    cannot: str | None = None

    @property
    def outside(self) -> list[ChartPoint]:
        """Return the points beyond the limits."""
        return [p for p in self.points if p.outside]

    @property
    def flagged(self) -> bool:
        """Return whether any rule fired."""
        return bool(self.outside or self.runs)

    @property
    def strength(self) -> float:
        """Return −log10 of the least likely flag's chance probability (0 without flags).

        A point outside: the normal two-sided tail of its distance from the centre; a run
        of k points: 2 · 0.5ᵏ, the chance of k points in a row on one side.
        """
        chances = [p.chance for p in self.outside if p.chance is not None]
        chances += [2 * 0.5**run.length for run in self.runs]
        if not chances:
            return 0.0
        return -math.log10(max(min(chances), 1e-300))

    def to_dict(self) -> dict[str, Any]:
        """Return the chart as plain data (for JSON)."""
        return {
            "kind": self.kind,
            "rules": RULES,
            "centre": self.centre,
            "moving_range": self.moving_range,
            "points": [p.to_dict() for p in self.points],
            "outside": [p.period for p in self.outside],
            "runs": [r.to_dict() for r in self.runs],
            "strength": self.strength,
            "cannot": None if self.cannot is None else str(self.cannot),
        }


def runs_of(periods: list[str], values: list[float], centre: float) -> list[Run]:
    """Return the runs of RUN_LENGTH or more points on one side of `centre`."""
    runs = []
    start = 0
    side = 0
    for index, value in enumerate([*values, centre]):  # the sentinel ends the last run
        here = (value > centre) - (value < centre)
        if here != side or here == 0:
            length = index - start
            if side != 0 and length >= RUN_LENGTH:
                runs.append(
                    Run(
                        periods[start], periods[index - 1], length, "above" if side > 0 else "below"
                    )
                )
            start, side = index, here
    return runs


def _chance(value: float, centre: float, sigma: float) -> float | None:
    return None if sigma <= 0 else float(2 * stats.norm.sf(abs(value - centre) / sigma))


def _xmr(series: Series) -> ControlChart:
    values = series.values
    centre = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in pairwise(values)]
    moving = sum(ranges) / len(ranges)
    lower, upper = centre - XMR_FACTOR * moving, centre + XMR_FACTOR * moving
    sigma = moving / D2
    return _chart("xmr", series, centre, [(lower, upper, sigma)] * len(values), moving)


def _p(series: Series) -> ControlChart:
    hits = sum(float(p.hits or 0) for p in series.points)
    base = sum(float(p.base or 0) for p in series.points)
    share = hits / base
    limits = []
    for point in series.points:
        sigma = math.sqrt(share * (1 - share) / float(point.base or 0)) * 100
        centre = 100 * share
        limits.append((max(0.0, centre - 3 * sigma), min(100.0, centre + 3 * sigma), sigma))
    return _chart("p", series, 100 * share, limits, None)


def _chart(
    kind: ChartKind,
    series: Series,
    centre: float,
    limits: list[tuple[float, float, float]],
    moving: float | None,
) -> ControlChart:
    runs = runs_of(series.periods, series.values, centre)
    in_run = {
        period
        for run in runs
        for period in series.periods[
            series.periods.index(run.first) : series.periods.index(run.last) + 1
        ]
    }
    points = []
    for point, (lower, upper, sigma) in zip(series.points, limits, strict=True):
        outside = point.value < lower or point.value > upper
        points.append(
            ChartPoint(
                point.period,
                point.value,
                lower,
                upper,
                outside,
                point.period in in_run,
                _chance(point.value, centre, sigma) if outside else None,
            )
        )
    return ControlChart(kind, points, centre, moving, runs)


def chart_of(series: Series, *, min_points: int = MIN_CHART_POINTS) -> ControlChart:
    """Return the series' p-chart (a share with its counts) or XmR chart (any other)."""
    kind: ChartKind = "p" if series.kind == "share" else "xmr"
    n = len(series.points)
    if n < min_points:
        return ControlChart(
            kind,
            cannot=Message(
                "cannot be computed: {n} periods with a figure, a control chart needs at "
                "least {least}",
                n=n,
                least=min_points,
            ),
        )
    if kind == "p":
        base = sum(float(p.base or 0) for p in series.points)
        if base <= 0:
            return ControlChart(kind, cannot=Message("cannot be computed: no units counted"))
        return _p(series)
    return _xmr(series)
