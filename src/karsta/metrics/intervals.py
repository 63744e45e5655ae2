"""Confidence intervals of survey figures from their aggregated counts.

Shares use the Wilson score interval (statsmodels `proportion_confint`), the Net
Promoter Score the normal approximation with the trinomial variance of the
difference of two shares, and means Student's t with the sample standard
deviation. Every function returns None where the sample cannot give an interval
(no answers; one answer for a mean; answers that are all alike — an NPS whose
answers all fall in one group, a mean of equal scores — where the variance
estimate is 0 and a zero-width interval would claim a certainty the sample lacks).
"""

from __future__ import annotations

import math

from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from karsta.metrics.measure import CONFIDENCE, Interval


def z_value(level: float = CONFIDENCE) -> float:
    """Return the two-sided standard normal quantile of `level` (1.96 for 95 %)."""
    return float(stats.norm.ppf(0.5 + level / 2))


def wilson(hits: float, n: float, level: float = CONFIDENCE) -> Interval | None:
    """Return the Wilson interval of a share hits / n, in percent."""
    if n <= 0:
        return None
    low, high = proportion_confint(hits, n, alpha=1 - level, method="wilson")
    return Interval(100 * float(low), 100 * float(high), "wilson", level)


def nps_variance(promoters: float, detractors: float, n: float) -> float | None:
    """Return the variance of the NPS on the −1..1 scale: (p + d − (p − d)²) / n.

    p and d are the promoters' and detractors' shares; this is the variance of the
    mean of a variable that is +1 for a promoter, 0 for a passive and −1 for a
    detractor (the trinomial variance).
    """
    if n <= 0:
        return None
    p, d = promoters / n, detractors / n
    return (p + d - (p - d) ** 2) / n


def nps_interval(
    promoters: float, detractors: float, n: float, level: float = CONFIDENCE
) -> Interval | None:
    """Return the interval of the NPS (−100..100) by the trinomial variance.

    Bounds beyond −100 or 100 are cut to the scale.
    """
    variance = nps_variance(promoters, detractors, n)
    if variance is None or variance <= 0:
        return None
    score = (promoters - detractors) / n
    margin = z_value(level) * math.sqrt(variance)
    low, high = max(-1.0, score - margin), min(1.0, score + margin)
    return Interval(100 * low, 100 * high, "nps_trinomial", level)


def sample_sd(total: float, squares: float, n: float) -> float | None:
    """Return the sample standard deviation from the sum and the sum of squares."""
    if n < 2:
        return None
    variance = (squares - total * total / n) / (n - 1)
    return math.sqrt(max(variance, 0.0))


def t_interval(
    total: float, squares: float, n: float, level: float = CONFIDENCE
) -> Interval | None:
    """Return the t interval of a mean from the sum, the sum of squares and the count."""
    sd = sample_sd(total, squares, n)
    if sd is None or sd == 0:
        return None
    mean = total / n
    margin = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return Interval(mean - margin, mean + margin, "t", level)
