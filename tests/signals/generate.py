"""Seeded generators of monthly series for the signal tests.

`trending` draws a figure that moves in a straight line from `start` to `end` over
`months` months, plus normal noise of standard deviation `noise` (numpy's default
generator seeded with `seed`, so every run draws the same numbers). A share also gets
its counts: `base` units a month and hits = value × base / 100.
"""

from __future__ import annotations

import numpy as np

from karsta.signals.series import Kind, Point, Series
from karsta.signals.trend import trend_of
from karsta.signals.patterns import Observed

MONTHS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]


def trending(
    metric: str,
    start: float,
    end: float,
    *,
    months: int = 12,
    noise: float = 1.0,
    seed: int = 0,
    statistic: str = "share",
    unit: str = "percent",
    kind: Kind = "continuous",
    lower_is_better: bool | None = False,
    base: int = 200,
    n: int | None = None,
    interval: float | None = None,
) -> Series:
    """Return a series moving linearly from `start` to `end`, with seeded normal noise.

    `interval`, when given, is the half-width of each point's 95 % interval.
    """
    rng = np.random.default_rng(seed)
    line = np.linspace(start, end, months)
    values = line + rng.normal(0.0, noise, months)
    points = []
    for period, value in zip(MONTHS[:months], values, strict=False):
        v = float(value)
        bounds = None if interval is None else (v - interval, v + interval)
        if kind == "share":
            points.append(Point(period, v, base, v * base / 100, float(base), bounds))
        else:
            points.append(Point(period, v, n, interval=bounds))
    return Series(metric, statistic, {}, unit, kind, points, lower_is_better)


def flat(metric: str, level: float, **options: object) -> Series:
    """Return a series without trend: `level` plus noise."""
    return trending(metric, level, level, **options)  # type: ignore[arg-type]


def observed(series: Series) -> Observed:
    """Return the series with its trend test, as the patterns read it."""
    return Observed(series, trend_of(series))
