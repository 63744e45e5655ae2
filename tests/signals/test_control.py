"""XmR and p-charts with the Western Electric rules, against hand-computed limits."""

from __future__ import annotations

import math

import pytest

from karsta.signals.control import MIN_CHART_POINTS, chart_of, runs_of
from karsta.signals.series import Point, Series

MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]


def continuous(values: list[float]) -> Series:
    points = [Point(MONTHS[i], v) for i, v in enumerate(values)]
    return Series("O2", "mean", {}, "hours", "continuous", points, True)


def share(counts: list[tuple[int, int]]) -> Series:
    points = [
        Point(MONTHS[i], 100 * hits / base, base, hits, base)
        for i, (hits, base) in enumerate(counts)
    ]
    return Series("S2", "share", {}, "percent", "share", points, False)


def test_xmr_limits_are_the_mean_plus_minus_2_66_mean_moving_ranges() -> None:
    values = [10.0, 11, 10, 11, 10, 11, 10, 25, 10, 11]
    chart = chart_of(continuous(values))
    # Mean 119/10 = 11.9. Moving ranges 1,1,1,1,1,1,15,15,1: MR̄ = 37/9.
    assert chart.kind == "xmr"
    assert chart.centre == pytest.approx(11.9)
    assert chart.moving_range == pytest.approx(37 / 9)
    upper = 11.9 + 2.66 * 37 / 9  # 22.836
    lower = 11.9 - 2.66 * 37 / 9  # 0.964
    assert chart.points[0].upper == pytest.approx(upper)
    assert chart.points[0].lower == pytest.approx(lower)
    assert [p.period for p in chart.outside] == ["2024-08"]  # 25 > 22.836
    assert chart.runs == []
    # Strength: the chance of a point so far out, sigma = MR̄ / 1.128.
    z = (25 - 11.9) / (37 / 9 / 1.128)
    assert chart.strength == pytest.approx(-math.log10(2 * (0.5 * math.erfc(z / math.sqrt(2)))))


def test_p_chart_limits_follow_each_months_own_base() -> None:
    counts = [(20, 100)] * 8 + [(40, 100), (5, 25)]
    chart = chart_of(share(counts))
    # p̄ = (8·20 + 40 + 5) / (8·100 + 100 + 25) = 205 / 925.
    p = 205 / 925
    assert chart.kind == "p"
    assert chart.centre == pytest.approx(100 * p)
    wide = 3 * math.sqrt(p * (1 - p) / 100) * 100
    narrow_base = 3 * math.sqrt(p * (1 - p) / 25) * 100
    assert chart.points[0].upper == pytest.approx(100 * p + wide)
    assert chart.points[9].upper == pytest.approx(100 * p + narrow_base)
    assert chart.points[9].lower == pytest.approx(max(0.0, 100 * p - narrow_base))
    # 40 % of 100 is beyond 22.2 + 12.5; 20 % of 25 is well inside its wider limits.
    assert [pt.period for pt in chart.outside] == ["2024-09"]


def test_eight_in_a_row_on_one_side_is_a_run_seven_is_not() -> None:
    periods = MONTHS[:10]
    eight = runs_of(periods, [1, 1, 1, 1, 1, 1, 1, 1, -1, 1], 0.0)
    assert [(r.first, r.last, r.length, r.side) for r in eight] == [
        ("2024-01", "2024-08", 8, "above")
    ]
    assert runs_of(periods, [-1, -1, -1, -1, -1, -1, -1, 1, 1, 1], 0.0) == []
    # A point on the centre line ends the run.
    assert runs_of(periods, [1, 1, 1, 1, 0, 1, 1, 1, 1, 1], 0.0) == []
    nine_below = runs_of(periods, [1, -1, -1, -1, -1, -1, -1, -1, -1, -1], 0.0)
    assert [(r.first, r.length, r.side) for r in nine_below] == [("2024-02", 9, "below")]


def test_a_run_is_flagged_on_the_chart_with_its_chance() -> None:
    values = [12.0, 13, 12, 13, 12, 13, 12, 13, 4, 5, 4, 5]
    chart = chart_of(continuous(values))
    # Mean 9.8333: the first eight points are all above it.
    assert [(r.first, r.last, r.length) for r in chart.runs] == [("2024-01", "2024-08", 8)]
    assert [p.in_run for p in chart.points] == [True] * 8 + [False] * 4
    assert chart.flagged


def test_too_few_months_say_so() -> None:
    chart = chart_of(continuous([1.0] * 7))
    assert MIN_CHART_POINTS == 8
    assert chart.cannot == (
        "cannot be computed: 7 periods with a figure, a control chart needs at least 8"
    )
    assert chart.points == []
    assert not chart.flagged
