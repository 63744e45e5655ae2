"""The result objects of the visit measures: durations, shares and the counts behind them.

Every figure names what it left out and why (`exclusions`) and what it had to assume
(`assumptions`), each with its count, so every view shows them beside the figure. A
figure the data cannot give says so (`not_computed`) instead of showing 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from karsta.i18n import Message

ALL = "all"
"""The group of every visit, beside the groups per kind."""


@dataclass(frozen=True)
class Counted:
    """Visits left out of a figure, or resting on an assumption, for one reason."""

    reason: Message
    count: int

    def to_dict(self) -> dict[str, Any]:
        """Return {"reason", "count"} (English reason)."""
        return {"reason": self.reason, "count": self.count}


def counted_dicts(items: tuple[Counted, ...]) -> list[dict[str, Any]]:
    """Return counted items as JSON-ready dicts."""
    return [item.to_dict() for item in items]


@dataclass(frozen=True, kw_only=True)
class DurationFigure:
    """A duration measure over one group of visits: mean, median and 90th percentile."""

    measure: str
    group: str
    unit: str
    """minutes or days."""
    n: int
    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    exclusions: tuple[Counted, ...] = ()
    assumptions: tuple[Counted, ...] = ()
    not_computed: Message | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the figure (JSON-ready)."""
        return {
            "measure": self.measure,
            "group": self.group,
            "unit": self.unit,
            "n": self.n,
            "mean": self.mean,
            "median": self.median,
            "p90": self.p90,
            "exclusions": counted_dicts(self.exclusions),
            "assumptions": counted_dicts(self.assumptions),
            "not_computed": self.not_computed,
        }


@dataclass(frozen=True, kw_only=True)
class ShareFigure:
    """A share of visits (no-shows, late cancellations, …) with its Wilson interval."""

    measure: str
    group: str
    hits: int
    n: int
    share: float | None = None
    low: float | None = None
    high: float | None = None
    exclusions: tuple[Counted, ...] = ()
    assumptions: tuple[Counted, ...] = ()
    not_computed: Message | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the figure (JSON-ready); the interval is Wilson's at 95 %."""
        return {
            "measure": self.measure,
            "group": self.group,
            "hits": self.hits,
            "n": self.n,
            "share": self.share,
            "interval": {"low": self.low, "high": self.high, "method": "Wilson score, 95 %"},
            "exclusions": counted_dicts(self.exclusions),
            "assumptions": counted_dicts(self.assumptions),
            "not_computed": self.not_computed,
        }


@dataclass(frozen=True, kw_only=True)
class Utilisation:
    """Advisers' service time over their available time, and where that time came from."""

    service_hours: float
    available_hours: float
    share: float | None
    advisers: int
    adviser_days: int
    basis: Message
    exclusions: tuple[Counted, ...] = ()
    not_computed: Message | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the figure (JSON-ready)."""
        return {
            "measure": "adviser_utilisation",
            "service_hours": self.service_hours,
            "available_hours": self.available_hours,
            "share": self.share,
            "advisers": self.advisers,
            "adviser_days": self.adviser_days,
            "basis": self.basis,
            "exclusions": counted_dicts(self.exclusions),
            "not_computed": self.not_computed,
        }


@dataclass(frozen=True)
class ChannelShare:
    """Served visits whose matter another channel handles, for one channel of the map."""

    channel: str
    visits: int
    share: float

    def to_dict(self) -> dict[str, Any]:
        """Return {"channel", "visits", "share"}."""
        return {"channel": self.channel, "visits": self.visits, "share": self.share}
