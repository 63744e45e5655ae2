"""The trend test of a series: Mann–Kendall with Sen's slope, both from scipy.

The Mann–Kendall test asks whether later values tend to be higher (or lower) than
earlier ones, without assuming a straight line or normal errors. Its statistic S is
Kendall's rank correlation between time and value, so the test is
`scipy.stats.kendalltau(time, values)`: with untied time indices tau-b is S divided by
the pairs, its p-value is exact for small series without ties and otherwise the normal
approximation with the tie-corrected variance of S (the Mann–Kendall variance; scipy
applies no continuity correction). The size of the trend is Sen's slope, the median of
all pairwise slopes (`scipy.stats.theilslopes`), in the figure's unit per period.
`pymannkendall` would add nothing these two calls do not give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median
from typing import Any, Literal

from scipy import stats

from karsta.i18n import Message
from karsta.signals.series import Series

MIN_TREND_POINTS = 6
"""Fewest periods a trend is tested on: with five, even a perfectly ordered series has a
two-sided exact p-value of 2/120 ≈ 0.017, and one month more or less turns the answer."""
SIGNIFICANCE = 0.05
"""A trend is called a trend when its two-sided p-value is below this."""

Direction = Literal["increasing", "decreasing", "none"]


@dataclass(frozen=True)
class Trend:
    """The Mann–Kendall test of one series, or why it cannot be computed."""

    points: int
    direction: Direction | None = None
    """increasing / decreasing when significant, none when not; None when not computed."""
    tau: float | None = None
    p_value: float | None = None
    slope: float | None = None
    """Sen's slope: the change per period, in the series' unit."""
    change: float | None = None
    """Slope × (periods − 1): the change over the series."""
    relative_change: float | None = None
    """|change| / |median of the values| (1 when the median is 0 and the values change)."""
    worse: bool | None = None
    """Whether the trend goes the way the card calls worse; None if balanced or no trend."""
    cannot: str | None = None
    """Why the test cannot be computed (a Message), else None."""

    @property
    def significant(self) -> bool:
        """Return whether the series has a trend (p-value below SIGNIFICANCE)."""
        return self.direction in ("increasing", "decreasing")

    @property
    def strength(self) -> float:
        """Return −log10(p) × min(1, relative change): 0 without a significant trend.

        A tiny p-value alone is not enough (a large desk makes every wobble significant),
        nor a large change from a few noisy points: both must be there.
        """
        if not self.significant or self.p_value is None or self.relative_change is None:
            return 0.0
        return -math.log10(max(self.p_value, 1e-300)) * min(1.0, self.relative_change)

    def to_dict(self) -> dict[str, Any]:
        """Return the test as plain data (for JSON)."""
        return {
            "method": "mann_kendall (scipy.stats.kendalltau) + sen_slope (scipy.stats.theilslopes)",
            "points": self.points,
            "direction": self.direction,
            "tau": self.tau,
            "p_value": self.p_value,
            "slope_per_period": self.slope,
            "change": self.change,
            "relative_change": self.relative_change,
            "worse": self.worse,
            "strength": self.strength,
            "cannot": None if self.cannot is None else str(self.cannot),
        }


def trend_of(series: Series, *, min_points: int = MIN_TREND_POINTS) -> Trend:
    """Return the Mann–Kendall test and Sen's slope of a series."""
    values = series.values
    n = len(values)
    if n < min_points:
        return Trend(
            n,
            cannot=Message(
                "cannot be computed: {n} periods with a figure, a trend needs at least {least}",
                n=n,
                least=min_points,
            ),
        )
    if len(set(values)) == 1:
        # A constant series: no trend, nothing to test.
        return Trend(n, "none", 0.0, 1.0, 0.0, 0.0, 0.0)
    time = list(range(n))
    tau, p_value = stats.kendalltau(time, values)
    slope = float(stats.theilslopes(values, time).slope)
    change = slope * (n - 1)
    middle = abs(median(values))
    relative = abs(change) / middle if middle > 0 else (1.0 if change else 0.0)
    p = float(p_value)
    direction: Direction = "none"
    if p < SIGNIFICANCE:
        direction = "increasing" if tau > 0 else "decreasing"
    worse = None
    if direction != "none" and series.lower_is_better is not None:
        worse = (direction == "increasing") == series.lower_is_better
    return Trend(n, direction, float(tau), p, slope, change, relative, worse)
