"""Monthly series of every figure the workspace can compute, as the signals read them.

A series is one figure (a metric's headline statistic, for the whole desk or for one
group of a metric that is always split) in every month, oldest first, with the counts
behind each point (a share's hits and base, for its p-chart) and the direction the
metric's card calls better.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from karsta.feedback.turnover import StaffTurnover
from karsta.metrics.compute import MetricResult, MetricResults
from karsta.metrics.scorecard import better_when_lower

Kind = Literal["share", "continuous"]
"""A share of counted units (p-chart) or any other figure (individuals chart)."""
TURNOVER = "TURNOVER"
"""The id of the staff turnover series (from the staffing table, not a catalog metric)."""


@dataclass(frozen=True)
class Point:
    """One period's figure with the counts behind it."""

    period: str
    value: float
    n: int | None = None
    """Units (tickets, answers) behind the figure, where known."""
    hits: float | None = None
    """A share's counted units (its numerator); None for other figures."""
    base: float | None = None
    """A share's base (its denominator); None for other figures."""
    interval: tuple[float, float] | None = None
    """The 95 % confidence interval of an estimate from a sample (survey scores)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the point as plain data (for JSON)."""
        return {
            "period": self.period,
            "value": self.value,
            "n": self.n,
            "hits": self.hits,
            "base": self.base,
            "interval": None if self.interval is None else list(self.interval),
        }


@dataclass(frozen=True)
class Series:
    """One figure per period, oldest first."""

    metric: str
    """The catalog metric id (S2, O2, ...) or TURNOVER."""
    statistic: str
    group: dict[str, Any]
    unit: str
    kind: Kind
    points: list[Point]
    lower_is_better: bool | None
    """From the card's direction; None when neither way is better (balanced)."""
    missing: list[str] = field(default_factory=list)
    """Periods in the range without a figure (e.g. no answers that month), left out."""
    basis: str | None = None
    """What a derived series rests on (a Message), e.g. which categories count as easy."""

    @property
    def key(self) -> str:
        """Return a stable name: metric, statistic and group ('S2 share type=incident')."""
        group = ",".join(f"{k}={v}" for k, v in sorted(self.group.items()))
        return " ".join(part for part in (self.metric, self.statistic, group) if part)

    @property
    def periods(self) -> list[str]:
        """Return the periods with a figure, oldest first."""
        return [p.period for p in self.points]

    @property
    def values(self) -> list[float]:
        """Return the figures, oldest first."""
        return [p.value for p in self.points]

    def to_dict(self) -> dict[str, Any]:
        """Return the series as plain data (for JSON)."""
        return {
            "key": self.key,
            "metric": self.metric,
            "statistic": self.statistic,
            "group": self.group,
            "unit": self.unit,
            "kind": self.kind,
            "lower_is_better": self.lower_is_better,
            "points": [p.to_dict() for p in self.points],
            "missing": self.missing,
            "basis": None if self.basis is None else str(self.basis),
        }


def headline_statistic(result: MetricResult, statistic: str | None = None) -> str:
    """Return the statistic the scorecard shows: the target's, else the card's headline.

    A metric whose headline is absent from its rows (O1's formula 2 before categories are
    configured) falls back to its first statistic, as on the scorecard.
    """
    chosen = statistic or result.definition.headline
    present = [r["statistic"] for r in result.rows]
    if present and chosen not in present:
        return str(present[0])
    return chosen


def _point(row: dict[str, Any], kind: Kind) -> Point:
    n = None if row["n"] is None else int(row["n"])
    found = row.get("interval")
    interval = None
    if found and found.get("low") is not None and found.get("high") is not None:
        interval = (float(found["low"]), float(found["high"]))
    if kind == "share":
        hits, base = row["numerator"], row["denominator"]
        return Point(row["period"], float(row["value"]), n, hits, base, interval)
    return Point(row["period"], float(row["value"]), n, interval=interval)


def _kind(rows: list[dict[str, Any]]) -> Kind:
    """Return 'share' when every figure is a percentage of counted units, else 'continuous'."""
    if all(
        r["unit"] == "percent" and r["numerator"] is not None and r["denominator"] for r in rows
    ):
        return "share"
    return "continuous"


def metric_series(
    result: MetricResult, periods: list[str], statistic: str | None = None
) -> list[Series]:
    """Return one metric's series over `periods`: the whole desk, else each group.

    `statistic` overrides the headline (e.g. the one a target names).
    """
    if result.no_data is not None or not result.rows:
        return []
    chosen = headline_statistic(result, statistic)
    rows = [r for r in result.rows if r["statistic"] == chosen and r["period"] in periods]
    whole = [r for r in rows if not r["group"]]
    by_group: dict[tuple[tuple[str, Any], ...], list[dict[str, Any]]] = {}
    for row in whole or rows:
        by_group.setdefault(tuple(sorted(row["group"].items())), []).append(row)
    lower = better_when_lower(result.definition.card.direction, chosen)
    series = []
    for group, members in sorted(by_group.items(), key=lambda kv: str(kv[0])):
        known = sorted((r for r in members if r["value"] is not None), key=lambda r: r["period"])
        kind = _kind(known)
        seen = {r["period"] for r in known}
        series.append(
            Series(
                metric=result.id,
                statistic=chosen,
                group=dict(group),
                unit=str(known[0]["unit"] if known else members[0]["unit"]),
                kind=kind,
                points=[_point(r, kind) for r in known],
                lower_is_better=lower,
                missing=[p for p in periods if p not in seen],
            )
        )
    return series


def catalog_series(
    results: MetricResults, periods: list[str], statistics: dict[str, str] | None = None
) -> list[Series]:
    """Return the series of every computed metric of a run by month (`statistics` by id)."""
    chosen = statistics or {}
    return [s for r in results for s in metric_series(r, periods, chosen.get(r.id))]


def _month_label(start: date, end: date) -> str | None:
    """Return 'YYYY-MM' when start..end (inclusive or exclusive end) is one calendar month."""
    if start.day != 1:
        return None
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if end in (following, following - timedelta(days=1)):
        return f"{start.year}-{start.month:02d}"
    return None


def turnover_series(turnover: StaffTurnover, periods: list[str]) -> list[Series]:
    """Return staff turnover % per month of `periods` (staffing periods that are months).

    Staffing periods that are not calendar months cannot be set beside the monthly
    figures: they are listed as missing under their own dates.
    """
    if turnover.no_data is not None:
        return []
    points = []
    other = []
    for row in turnover.rows:
        label = _month_label(row.period_start, row.period_end)
        if label is None:
            other.append(f"{row.period_start.isoformat()}..{row.period_end.isoformat()}")
        elif row.turnover is not None and (not periods or label in periods):
            points.append(Point(label, float(row.turnover), row.headcount))
    points.sort(key=lambda p: p.period)
    seen = {p.period for p in points}
    return [
        Series(
            metric=TURNOVER,
            statistic="turnover",
            group={},
            unit="percent",
            kind="continuous",
            points=points,
            lower_is_better=True,
            missing=[p for p in periods if p not in seen] + other,
        )
    ]
