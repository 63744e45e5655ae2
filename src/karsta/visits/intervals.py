"""Confidence intervals of one sample's statistics (both sides of a comparison use them).

- a share: Wilson's score interval (statsmodels), see `measures.wilson`;
- a mean: Student's t interval, mean ± t(n−1) · s/√n (scipy);
- a median: the distribution-free interval from order statistics (scipy's
  `quantile_test`), which needs no assumption about the shape of the waits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    """A statistic of one sample and its confidence interval (None where it has none)."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    def to_dict(self) -> dict[str, Any]:
        """Return {"value", "low", "high", "n"}."""
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def mean_estimate(values: np.ndarray[Any, Any], confidence: float = CONFIDENCE) -> Estimate:
    """Return the mean with Student's t interval (no interval under two values)."""
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    mean = float(np.mean(values))
    if n < 2:
        return Estimate(mean, None, None, n)
    sem = float(stats.sem(values))
    if sem == 0:
        return Estimate(mean, mean, mean, n)
    low, high = stats.t.interval(confidence, n - 1, loc=mean, scale=sem)
    return Estimate(mean, _finite(low), _finite(high), n)


def median_estimate(values: np.ndarray[Any, Any], confidence: float = CONFIDENCE) -> Estimate:
    """Return the median with its order-statistic interval (none where n is too small)."""
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    median = float(np.median(values))
    interval = stats.quantile_test(values, q=median, p=0.5).confidence_interval(confidence)
    return Estimate(median, _finite(interval.low), _finite(interval.high), n)
