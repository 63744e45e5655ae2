"""Seeded generators of monthly series for the signal tests.

`trending` draws a figure that moves in a straight line from `start` to `end` over
`months` months, plus normal noise of standard deviation `noise` (numpy's default
generator seeded with `seed`, so every run draws the same numbers). A share also gets
its counts: `base` units a month and hits = value × base / 100.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from karsta.schema import STAFFING
from karsta.signals.patterns import Observed
from karsta.signals.series import Kind, Point, Series
from karsta.signals.trend import trend_of
from karsta.workspace import Workspace
from tests.metrics.conftest import Desk, _arrow, hki

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


def desk_months(
    desk: Desk,
    *,
    fcr: tuple[float, float],
    slow_hours: tuple[float, float],
    months: int = 12,
    per_month: int = 60,
    seed: int = 0,
) -> None:
    """Write `months` months of tickets from 2024-01 into a hand-built desk.

    Month m's tickets are resolved at first contact with a probability moving linearly
    from fcr[0] to fcr[1] (then: level 1, 30 minutes, category "Password", group L1);
    the others go to level 2 (category "Network", reassigned once, two groups) and are
    resolved after a gamma(4, h/4) number of hours, h moving from slow_hours[0] to
    slow_hours[1]. Seeded numpy draws; opening times spread over the month's days.
    """
    rng = np.random.default_rng(seed)
    for m in range(months):
        share = fcr[0] + (fcr[1] - fcr[0]) * m / (months - 1)
        hours = slow_hours[0] + (slow_hours[1] - slow_hours[0]) * m / (months - 1)
        for i in range(per_month):
            opened = hki(f"2024-{m + 1:02d}-{1 + i % 27:02d} 09:00")
            common = {"status_class": "closed", "reopen_count": 0, "intake_group": "L1"}
            if rng.random() < share:
                desk.ticket(
                    f"T{m}-{i}",
                    opened,
                    resolved_at=opened + timedelta(minutes=30),
                    closed_at=opened + timedelta(days=1),
                    resolving_level=1,
                    reassignment_count=0,
                    group_count=1,
                    category_close="Password",
                    resolving_group="L1",
                    **common,
                )
            else:
                took = float(rng.gamma(4.0, hours / 4))
                desk.ticket(
                    f"T{m}-{i}",
                    opened,
                    resolved_at=opened + timedelta(hours=took),
                    closed_at=opened + timedelta(hours=took, days=1),
                    resolving_level=2,
                    reassignment_count=1,
                    group_count=2,
                    category_close="Network",
                    resolving_group="L2",
                    **common,
                )
    desk.write()


def staffing_months(ws: Workspace, leavers: list[int], *, headcount: int = 40) -> None:
    """Write one staffing row a month from 2024-01: `headcount` people, as many starters
    as leavers (so the team stays the same size), and the given leavers."""
    rows = []
    for m, left in enumerate(leavers):
        start = date(2024, m + 1, 1)
        end = date(2024 + (m + 1) // 12, (m + 1) % 12 + 1, 1) - timedelta(days=1)
        rows.append(
            {
                "period_start": start,
                "period_end": end,
                "team": "Desk",
                "headcount": headcount,
                "starters": left,
                "leavers": left,
            }
        )
    ws.connection.register("_staff_rows", _arrow(STAFFING, rows))
    ws.connection.execute("INSERT INTO staffing BY NAME SELECT * FROM _staff_rows")
    ws.connection.unregister("_staff_rows")
