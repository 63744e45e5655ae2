"""How a duration measure is spread: counts of visits per bin of equal width, per kind.

The values are those `measures` keeps for the measure (the same unit expressions, the
same exclusions), so the bins add up to the measure's n. The bin width is a round
number picked so that about `TARGET_BINS` bins cover the values up to their 95th
percentile; the values beyond the last bin are counted in an open last bin ("60+"),
never dropped. Binning is one Ibis aggregate, so it runs on DuckDB and Spark alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis

from karsta.i18n import Message
from karsta.visits.measures import DURATIONS, NO_DATA
from karsta.visits.population import VisitFilters, filtered
from karsta.workspace.source import TableSource

TARGET_BINS = 12
"""About this many bins up to the 95th percentile."""
MAX_BINS = 24
"""Bins before the open last one."""
WIDTHS = {
    "minutes": (1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 240.0),
    "days": (1.0, 2.0, 7.0, 14.0, 30.0, 60.0, 90.0),
}
"""The round bin widths of each unit, smallest first."""


@dataclass(frozen=True)
class Bin:
    """Visits of one kind whose value is in [start, end) (end None: the open last bin)."""

    group: str
    start: float
    end: float | None
    visits: int

    def to_dict(self) -> dict[str, Any]:
        """Return {"group", "start", "end", "visits"}."""
        return {"group": self.group, "start": self.start, "end": self.end, "visits": self.visits}


@dataclass(frozen=True, kw_only=True)
class Histogram:
    """The spread of one duration measure: bins per kind of visit."""

    measure: str
    unit: str
    width: float | None
    bins: tuple[Bin, ...]
    not_computed: Message | None = None

    @property
    def visits(self) -> int:
        """Return the visits binned (the measure's n over every kind)."""
        return sum(b.visits for b in self.bins)

    def to_dict(self) -> dict[str, Any]:
        """Return the histogram (JSON-ready)."""
        return {
            "measure": self.measure,
            "unit": self.unit,
            "width": self.width,
            "visits": self.visits,
            "bins": [b.to_dict() for b in self.bins],
            "not_computed": self.not_computed,
        }


def bin_width(unit: str, p95: float) -> float:
    """Return the smallest round width giving at most `TARGET_BINS` bins up to `p95`."""
    widths = WIDTHS[unit]
    wanted = max(p95, 0.0) / TARGET_BINS
    return next((w for w in widths if w >= wanted), widths[-1])


def duration_histogram(
    source: TableSource, measure: str, *, filters: VisitFilters | None = None
) -> Histogram:
    """Return the histogram of a duration measure (waiting_time, lead_time, …) per kind."""
    unit, unit_expr = DURATIONS[measure]
    visits = filtered(source.table("visits"), filters or VisitFilters())
    units = unit_expr(visits)
    kept = units.filter(units.reason.isnull())
    p95 = source.to_arrow(kept.aggregate(p95=kept.value.quantile(0.95))).to_pylist()[0]["p95"]
    if p95 is None:
        missing = NO_DATA[measure]
        return Histogram(measure=measure, unit=unit, width=None, bins=(), not_computed=missing)
    width = bin_width(unit, float(p95))
    index = (kept.value / width).floor().cast("int64")
    capped = ibis.cases((index >= MAX_BINS, MAX_BINS), else_=index)
    binned = kept.select(group=kept.group, index=capped)
    rows = source.to_arrow(
        binned.group_by(["group", "index"]).aggregate(visits=binned.count())
    ).to_pylist()
    bins = tuple(
        Bin(
            group=str(r["group"]),
            start=int(r["index"]) * width,
            end=None if int(r["index"]) >= MAX_BINS else (int(r["index"]) + 1) * width,
            visits=int(r["visits"]),
        )
        for r in sorted(rows, key=lambda r: (str(r["group"]), int(r["index"])))
    )
    return Histogram(measure=measure, unit=unit, width=width, bins=bins)
