"""The effect of a change: generated desks with a known change, and with none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

import karsta
from karsta.improve.impact import (
    ChartPoint,
    compare_durations,
    compare_proportions,
    control_chart,
    metric_impact,
    verdict,
)
from karsta.metrics.options import MetricOptions
from tests.metrics.conftest import Desk

CHANGE = date(2024, 3, 4)  # a Monday
WEEKS = 12
MEDIAN_BEFORE, MEDIAN_AFTER = 24.0, 16.0  # hours: the true effect on O2's median is −8 h
REOPEN_BEFORE, REOPEN_AFTER = 0.30, 0.15  # the true effect on I10 is −15 percentage points


def _generated_desk(path: Path, *, seed: int, changed: bool) -> None:
    """Write a desk of 40 tickets a week for 12 weeks either side of the change.

    Durations are log-normal (σ 0.5) around the median of their side and reopens happen
    with their side's probability; with `changed` False both sides follow the baseline.
    Nothing is opened in the week before the change, so every baseline ticket is
    resolved before it (a duration over a week has probability below 1e-6).
    """
    rng = np.random.default_rng(seed)
    start = datetime(2023, 12, 11, tzinfo=UTC)  # 12 weeks before the change
    change = datetime(2024, 3, 4, tzinfo=UTC)
    ws = karsta.open(path)
    desk = Desk(ws)  # type: ignore[arg-type]
    n = 0
    for side, first in (("before", start), ("after", change)):
        after = side == "after" and changed
        median = MEDIAN_AFTER if after else MEDIAN_BEFORE
        reopen = REOPEN_AFTER if after else REOPEN_BEFORE
        span_days = 7 * (WEEKS - 1) if side == "before" else 7 * WEEKS
        for _ in range(40 * (WEEKS - 1 if side == "before" else WEEKS)):
            n += 1
            opened = first + timedelta(days=float(rng.uniform(0, span_days)))
            hours = float(np.exp(np.log(median) + 0.5 * rng.standard_normal()))
            resolved = opened + timedelta(hours=hours)
            desk.ticket(
                f"T{n}",
                opened,
                resolved_at=resolved,
                closed_at=resolved,
                reopen_count=int(rng.uniform() < reopen),
                status_class="closed",
            )
    desk.write()
    ws.close()


@pytest.fixture(scope="module")
def changed_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("changed") / "desk.karsta"
    _generated_desk(path, seed=7, changed=True)
    return path


def _impact(
    path: Path, metric: str, statistic: str, target: str | None = None, hold: int = 6
) -> object:
    with karsta.open(path, read_only=True) as ws:
        return metric_impact(
            ws.source,
            ws.config.options(),
            metric=metric,
            statistic=statistic,
            target=target,
            changed_on=CHANGE,
            baseline_periods=WEEKS,
            hold_periods=hold,
        )


def test_a_shorter_median_time_to_resolve_is_detected(changed_desk: Path) -> None:
    impact = _impact(changed_desk, "O2", "median", target="<= 20 h")
    c = impact.comparison  # type: ignore[attr-defined]
    assert c.method == "quantiles"
    assert c.test == "Mann–Whitney U test"
    assert c.significant
    assert c.difference < 0
    assert c.low <= MEDIAN_AFTER - MEDIAN_BEFORE <= c.high  # the interval covers −8 h
    # All 12 follow-up weeks lie within the limits recomputed after the change.
    assert impact.status == "standard holds"  # type: ignore[attr-defined]
    assert impact.periods_within == impact.follow_up_periods == 12  # type: ignore[attr-defined]
    # Asked to hold for 13 weeks, 12 are not enough yet: improved, not standardised.
    longer = _impact(changed_desk, "O2", "median", hold=13)
    assert longer.status == "improved"  # type: ignore[attr-defined]
    # The figures are the metric layer's: baseline and now are O2's medians either side.
    assert impact.baseline == pytest.approx(c.baseline)  # type: ignore[attr-defined]
    assert impact.now == pytest.approx(c.follow_up)  # type: ignore[attr-defined]
    # The target "<= 20 h" names O2's headline (mean), not the median: not judged here.
    assert impact.target_statistic_matches is False  # type: ignore[attr-defined]
    assert impact.target_met is None  # type: ignore[attr-defined]


def test_fewer_reopens_are_detected_on_a_p_chart(changed_desk: Path) -> None:
    impact = _impact(changed_desk, "I10", "share", target="<= 20 %")
    c = impact.comparison  # type: ignore[attr-defined]
    assert c.method == "proportions"
    assert c.test == "two-proportion z test"
    assert c.significant
    assert c.difference < 0
    assert c.low <= 100 * (REOPEN_AFTER - REOPEN_BEFORE) <= c.high
    assert impact.target_met is True  # type: ignore[attr-defined]
    chart = impact.chart  # type: ignore[attr-defined]
    assert chart.kind == "p"
    phases = [p.phase for p in chart.points]
    # 12 whole weeks before; the change falls on a Monday, so no week straddles it; the
    # follow-up's last week ends after the data (resolutions spill over): left off.
    assert phases.count("baseline") == WEEKS
    assert "change" not in phases
    assert chart.follow_up.centre < chart.baseline.centre
    assert impact.notes == ["2024-W22 is left off the chart: the data ends inside it"]  # type: ignore[attr-defined]
    assert impact.status == "standard holds"  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", [1, 2])
def test_no_change_is_not_called_an_improvement(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "desk.karsta"
    _generated_desk(path, seed=seed, changed=False)
    for metric, statistic in (("O2", "median"), ("I10", "share")):
        impact = _impact(path, metric, statistic)
        assert impact.status not in ("improved", "standard holds", "worse"), (metric, seed)  # type: ignore[attr-defined]


def test_the_false_improved_rate_stays_under_alpha_over_many_seeds() -> None:
    # 400 desks without a change, each compared at α = 0.05: "improved" needs the test
    # to reject at α and the difference to go the better way, so at most α of them
    # (about α / 2 expected) may be called improved: at most 20 of 400.
    alpha, runs = 0.05, 400
    improved_medians = improved_shares = 0
    for seed in range(runs):
        rng = np.random.default_rng(1000 + seed)
        before = np.exp(np.log(24) + 0.5 * rng.standard_normal(120))
        after = np.exp(np.log(24) + 0.5 * rng.standard_normal(120))
        found = compare_durations(before, after, alpha=alpha, seed=seed)
        improved_medians += verdict(found, lower_is_better=True) == "improved"
        hits = rng.binomial(200, 0.3, size=2)
        shares = compare_proportions(int(hits[0]), 200, int(hits[1]), 200, alpha=alpha)
        improved_shares += verdict(shares, lower_is_better=True) == "improved"
    assert improved_medians <= alpha * runs
    assert improved_shares <= alpha * runs


def test_small_counts_use_fishers_exact_test() -> None:
    # 3 of 10 vs 0 of 10: the expected cells (1,5) are under 5.
    found = compare_proportions(3, 10, 0, 10)
    assert found.test == "Fisher's exact test"
    assert found.difference == pytest.approx(-30.0)
    assert found.p_value == pytest.approx(0.2105, abs=1e-4)  # scipy's two-sided Fisher p


def test_xmr_limits_are_the_mean_and_2_66_moving_ranges() -> None:
    # Baseline 10, 12, 11: mean 11, moving ranges 2 and 1, mean 1,5: 11 ± 3,99.
    # Follow-up 6, 6, 8: mean 6,67, moving ranges 0 and 2, mean 1: 6,67 ± 2,66.
    values = [("baseline", 10.0), ("baseline", 12.0), ("baseline", 11.0)] + [
        ("follow-up", v) for v in (6.0, 6.0, 8.0)
    ]
    points = [ChartPoint(f"P{i}", "", phase, v, 10) for i, (phase, v) in enumerate(values)]
    chart = control_chart(points, "XmR")
    assert chart.baseline.centre == pytest.approx(11)  # type: ignore[union-attr]
    assert chart.baseline.upper == pytest.approx(11 + 2.66 * 1.5)  # type: ignore[union-attr]
    assert chart.follow_up.lower == pytest.approx(20 / 3 - 2.66)  # type: ignore[union-attr]
    assert all(p.within for p in chart.points)


def test_a_change_without_data_after_it_waits_for_the_follow_up(changed_desk: Path) -> None:
    with karsta.open(changed_desk, read_only=True) as ws:
        impact = metric_impact(
            ws.source, MetricOptions(), metric="O2", statistic="median", changed_on=date(2030, 1, 7)
        )
    assert impact.status == "no follow-up yet"
    assert impact.comparison is None
