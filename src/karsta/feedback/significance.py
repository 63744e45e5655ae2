"""Is a change in a survey score real? Tests of the difference between two samples.

- Shares (CSAT, top box, a scale point, a response rate): the two-proportion z test
  (statsmodels `proportions_ztest`; equal to the 2 × 2 chi-square test).
- The Net Promoter Score: the difference of two independent scores with the sum of
  their trinomial variances, a z test.
- Means (CES, the encounter survey's mean, O5): Welch's t test from the two samples'
  means and standard deviations (scipy `ttest_ind_from_stats`, unequal variances).

A figure from fewer than MIN_ANSWERS answers is "too few answers": no change and no
test is shown for it, because one or two answers more would swing it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from karsta.metrics.intervals import nps_variance, sample_sd

MIN_ANSWERS = 30
"""Fewest answers a figure needs before Karsta shows its change and tests it.

Thirty is the usual rule of thumb for the normal approximation behind the share and
NPS tests; below it the interval is wide enough that a month-to-month change says
little. Override with `--min-answers`.
"""
SIGNIFICANCE = 0.05
"""A change is called significant when its test's p-value is below this."""


@dataclass(frozen=True)
class Comparison:
    """A figure against an earlier one: the change and the test of the difference."""

    current: float | None
    previous: float | None
    change: float | None
    test: str
    """two_proportion_z, nps_z or welch_t."""
    statistic: float | None
    """The test statistic (z or t); None where the samples cannot be tested."""
    p_value: float | None
    significant: bool | None
    too_few: bool
    """True when either figure has fewer answers than the minimum: no change is shown."""

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as plain data (for JSON)."""
        return asdict(self)


def _number(counts: Mapping[str, Any], name: str) -> float:
    value = counts.get(name)
    return 0.0 if value is None else float(value)


def _finished(
    current: float | None,
    previous: float | None,
    test: str,
    statistic: float | None,
    p_value: float | None,
) -> Comparison:
    if statistic is not None and not math.isfinite(statistic):
        statistic, p_value = None, None
    if p_value is not None and not math.isfinite(p_value):
        p_value = None
    change = None if current is None or previous is None else current - previous
    significant = None if p_value is None else p_value < SIGNIFICANCE
    return Comparison(current, previous, change, test, statistic, p_value, significant, False)


def too_few(current: float | None, previous: float | None, test: str) -> Comparison:
    """Return the comparison of figures with too few answers: no change, no test."""
    return Comparison(current, previous, None, test, None, None, None, True)


def compare_shares(hits: float, n: float, hits_before: float, n_before: float) -> Comparison:
    """Return the change of a share (percentage points) with the two-proportion z test."""
    current = 100 * hits / n if n else None
    previous = 100 * hits_before / n_before if n_before else None
    if not n or not n_before or (hits + hits_before) in (0, n + n_before):
        # Both shares 0 % or both 100 %: no variance to test against.
        return _finished(current, previous, "two_proportion_z", None, None)
    z, p = proportions_ztest([hits, hits_before], [n, n_before])
    return _finished(current, previous, "two_proportion_z", float(z), float(p))


def compare_nps(
    promoters: float,
    detractors: float,
    n: float,
    promoters_before: float,
    detractors_before: float,
    n_before: float,
) -> Comparison:
    """Return the change of the NPS (points) with a z test on the sum of both variances."""
    current = 100 * (promoters - detractors) / n if n else None
    previous = 100 * (promoters_before - detractors_before) / n_before if n_before else None
    variance = nps_variance(promoters, detractors, n)
    variance_before = nps_variance(promoters_before, detractors_before, n_before)
    if current is None or previous is None or variance is None or variance_before is None:
        return _finished(current, previous, "nps_z", None, None)
    total = variance + variance_before
    if total <= 0:
        return _finished(current, previous, "nps_z", None, None)
    z = (current - previous) / 100 / math.sqrt(total)
    return _finished(current, previous, "nps_z", z, float(2 * stats.norm.sf(abs(z))))


def compare_means(
    total: float,
    squares: float,
    n: float,
    total_before: float,
    squares_before: float,
    n_before: float,
) -> Comparison:
    """Return the change of a mean with Welch's t test from sums and sums of squares."""
    current = total / n if n else None
    previous = total_before / n_before if n_before else None
    sd, sd_before = sample_sd(total, squares, n), sample_sd(total_before, squares_before, n_before)
    if current is None or previous is None or sd is None or sd_before is None:
        return _finished(current, previous, "welch_t", None, None)
    if sd == 0 and sd_before == 0:
        return _finished(current, previous, "welch_t", None, None)
    result = stats.ttest_ind_from_stats(
        current, sd, int(n), previous, sd_before, int(n_before), equal_var=False
    )
    return _finished(current, previous, "welch_t", float(result.statistic), float(result.pvalue))


def compare_counts(
    kind: str, counts: Mapping[str, Any], before: Mapping[str, Any], *, min_answers: int
) -> Comparison:
    """Return the comparison of one figure's counts with an earlier one's.

    `kind` is the estimate: nps (promoters, detractors, n), share (hits, n) or mean
    (sum, squares, present), by the counts' names in `karsta.metrics.estimates`.
    """
    size = "_present" if kind == "mean" else "_n"
    n, n_before = _number(counts, size), _number(before, size)
    if kind == "nps":
        result = compare_nps(
            _number(counts, "_promoters"),
            _number(counts, "_detractors"),
            n,
            _number(before, "_promoters"),
            _number(before, "_detractors"),
            n_before,
        )
    elif kind == "share":
        result = compare_shares(_number(counts, "_hits"), n, _number(before, "_hits"), n_before)
    else:
        result = compare_means(
            _number(counts, "_sum"),
            _number(counts, "_squares"),
            n,
            _number(before, "_sum"),
            _number(before, "_squares"),
            n_before,
        )
    if n < min_answers or n_before < min_answers:
        return too_few(result.current, result.previous, result.test)
    return result
