"""The Mann–Kendall test and Sen's slope, against hand-computed values."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from karsta.signals.series import Point, Series
from karsta.signals.trend import MIN_TREND_POINTS, trend_of


def series(values: list[float], *, lower_is_better: bool | None = False) -> Series:
    points = [Point(f"2024-{i + 1:02d}", v) for i, v in enumerate(values)]
    return Series("O2", "mean", {}, "hours", "continuous", points, lower_is_better)


def test_a_perfectly_rising_series_has_the_exact_p_value_of_one_ordering_in_720() -> None:
    # Six points in order: S = 15 of 15 pairs, tau = 1. Without ties the exact test
    # counts orderings: P(S = 15) = 1/6! = 1/720, two-sided 2/720.
    trend = trend_of(series([1, 2, 3, 4, 5, 6]))
    assert trend.direction == "increasing"
    assert trend.tau == pytest.approx(1.0)
    assert trend.p_value == pytest.approx(2 / 720)
    # Sen's slope: every pairwise slope is 1; the change over five steps is 5, the
    # median 3.5, so the relative change 5/3.5 is capped at 1.
    assert trend.slope == pytest.approx(1.0)
    assert trend.change == pytest.approx(5.0)
    assert trend.strength == pytest.approx(-math.log10(2 / 720))
    # Higher is better on this card: rising is not worse.
    assert trend.worse is False


def test_a_falling_figure_whose_card_wants_it_higher_is_worse() -> None:
    trend = trend_of(series([6, 5, 4, 3, 2, 1]))
    assert trend.direction == "decreasing"
    assert trend.slope == pytest.approx(-1.0)
    assert trend.worse is True
    assert trend_of(series([6, 5, 4, 3, 2, 1], lower_is_better=None)).worse is None


def test_with_ties_the_p_value_is_mann_kendalls_normal_approximation() -> None:
    values = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 4.5]
    n = len(values)
    # S by its definition: the sum of sign(x_j - x_i) over all pairs i < j.
    s = sum(
        (values[j] > values[i]) - (values[j] < values[i]) for i in range(n) for j in range(i + 1, n)
    )
    # Var(S) with the tie correction: two groups of two tied values (2, 2 and 5, 5).
    ties = 2 * (2 * 1 * (2 * 2 + 5))
    variance = (n * (n - 1) * (2 * n + 5) - ties) / 18
    expected = 2 * stats.norm.sf(abs(s) / math.sqrt(variance))
    trend = trend_of(series(values))
    assert trend.p_value == pytest.approx(expected)
    # Sen's slope: the median of the 36 pairwise slopes, computed here by hand.
    slopes = sorted((values[j] - values[i]) / (j - i) for i in range(n) for j in range(i + 1, n))
    assert trend.slope == pytest.approx((slopes[17] + slopes[18]) / 2)


def test_noise_without_a_trend_is_no_trend() -> None:
    trend = trend_of(series([5, 7, 4, 6, 5, 7, 4, 6]))
    assert trend.direction == "none"
    assert trend.p_value is not None
    assert trend.p_value > 0.05
    assert trend.strength == 0.0


def test_too_few_months_say_so_instead_of_testing() -> None:
    trend = trend_of(series([1, 2, 3, 4, 5]))
    assert trend.direction is None
    assert trend.p_value is None
    assert trend.cannot == "cannot be computed: 5 periods with a figure, a trend needs at least 6"
    assert MIN_TREND_POINTS == 6
    assert trend.to_dict()["cannot"] == trend.cannot


def test_a_constant_series_has_no_trend() -> None:
    trend = trend_of(series([3, 3, 3, 3, 3, 3]))
    assert trend.direction == "none"
    assert trend.slope == 0.0
