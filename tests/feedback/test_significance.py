"""Tests of a change between two periods, checked against the textbook formulas by hand."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from karsta.feedback.significance import (
    compare_counts,
    compare_means,
    compare_nps,
    compare_shares,
)


def test_two_proportion_z_by_hand() -> None:
    # 45 of 60 against 30 of 60: pooled p = 75 / 120 = 0.625,
    # se = √(0.625 × 0.375 × (1/60 + 1/60)) = √0.0078125 = 0.088388, z = 0.25 / se = 2.8284.
    result = compare_shares(45, 60, 30, 60)
    z = 0.25 / math.sqrt(0.625 * 0.375 * (2 / 60))
    assert result.statistic == pytest.approx(z)
    assert result.statistic == pytest.approx(2.8284, abs=1e-4)
    assert result.p_value == pytest.approx(2 * (1 - stats.norm.cdf(z)))  # 0.00468
    assert result.change == pytest.approx(25.0)
    assert result.significant is True
    assert result.test == "two_proportion_z"


def test_nps_difference_with_the_sum_of_trinomial_variances() -> None:
    # Now 20 promoters, 5 detractors of 40: NPS 37.5, variance (0.5 + 0.125 − 0.375²) / 40.
    # Before 10 and 10 of 40: NPS 0, variance (0.25 + 0.25 − 0) / 40 = 0.0125.
    result = compare_nps(20, 5, 40, 10, 10, 40)
    variance = (0.5 + 0.125 - 0.375**2) / 40 + 0.5 / 40
    z = 0.375 / math.sqrt(variance)
    assert z == pytest.approx(2.3905, abs=1e-4)
    assert (result.current, result.previous, result.change) == (37.5, 0.0, 37.5)
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z))  # 0.0168
    assert result.significant is True


def test_welch_t_by_hand() -> None:
    # Now 1..5 (sum 15, squares 55), before 2, 4, …, 10 (sum 30, squares 220).
    # Means 3 and 6; variances 2.5 and 10; se = √(2.5/5 + 10/5) = √2.5;
    # t = −3 / √2.5 = −1.8974; Welch df = 2.5² / (0.5²/4 + 2²/4) = 5.882.
    result = compare_means(15, 55, 5, 30, 220, 5)
    t = -3 / math.sqrt(2.5)
    df = 2.5**2 / (0.5**2 / 4 + 2**2 / 4)
    assert result.statistic == pytest.approx(t)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(t), df))
    assert result.significant is False
    assert result.change == pytest.approx(-3.0)


def test_too_few_answers_shows_no_change() -> None:
    counts = {"_hits": 9, "_n": 10}
    before = {"_hits": 2, "_n": 10}
    result = compare_counts("share", counts, before, min_answers=30)
    assert result.too_few is True
    assert (result.change, result.p_value, result.significant) == (None, None, None)
    assert result.current == 90.0
    tested = compare_counts("share", counts, before, min_answers=10)
    assert tested.too_few is False
    assert tested.change == pytest.approx(70.0)


def test_samples_without_variance_are_not_tested() -> None:
    # All promoters in both periods: no variance, no test (and no false certainty).
    result = compare_nps(40, 0, 40, 35, 0, 35)
    assert (result.change, result.p_value, result.statistic) == (0.0, None, None)
    assert compare_shares(0, 40, 0, 35).p_value is None
    assert compare_means(200, 1000, 40, 175, 875, 35).p_value is None  # all 5s
