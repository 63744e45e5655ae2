"""Statistics of survey answers that come with a confidence interval (`Estimate`).

Each is an ordinary statistic of `karsta.metrics.measure` (its rows are computed by
the engine like any other) that also aggregates the counts its interval needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.metrics.intervals import nps_interval, t_interval, wilson
from karsta.metrics.measure import (
    Interval,
    Mean,
    Share,
    _missing_or_excluded,
    _ratio,
    _row,
    excluded_units,
    share_row,
)


def _number(counts: Mapping[str, Any], name: str) -> float:
    value = counts.get(name)
    return 0.0 if value is None else float(value)


@dataclass(frozen=True)
class NetPromoter:
    """The Net Promoter Score: 100 × (promoters − detractors) / answers, −100..100."""

    promoter: str = "promoter"
    detractor: str = "detractor"
    name: str = "nps"
    unit: str | None = "score"

    def _counts(self, units: ir.Table) -> dict[str, ir.Value]:
        member = units.included.fill_null(False)
        return {
            "_promoters": (member & units[self.promoter].fill_null(False))
            .cast("int64")
            .sum()
            .fill_null(0),
            "_detractors": (member & units[self.detractor].fill_null(False))
            .cast("int64")
            .sum()
            .fill_null(0),
            "_n": member.cast("int64").sum().fill_null(0),
        }

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return the score per key; numerator = promoters − detractors, denominator = answers."""
        agg = units.group_by(keys).aggregate(
            **self._counts(units),
            _excluded=excluded_units(units).cast("int64").sum().fill_null(0),
        )
        net = agg._promoters - agg._detractors
        return _row(
            agg,
            keys,
            self.name,
            value=_ratio(net * 100, agg._n),
            numerator=net,
            denominator=agg._n,
            excluded=agg._excluded,
            n=agg._n,
        )

    def interval_counts(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return promoters, detractors and answers per key."""
        return units.group_by(keys).aggregate(**self._counts(units))

    def interval(self, counts: Mapping[str, Any]) -> Interval | None:
        """Return the trinomial-variance interval of the score."""
        return nps_interval(
            _number(counts, "_promoters"), _number(counts, "_detractors"), _number(counts, "_n")
        )


@dataclass(frozen=True)
class EstimatedShare(Share):
    """A share of the answers with its Wilson interval."""

    def interval_counts(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return hits and population per key."""
        member = units[self.population].fill_null(False)
        hits = (member & units[self.hit].fill_null(False)).cast("int64").sum()
        return units.group_by(keys).aggregate(
            _hits=hits.fill_null(0), _n=member.cast("int64").sum().fill_null(0)
        )

    def interval(self, counts: Mapping[str, Any]) -> Interval | None:
        """Return the Wilson interval of hits / population."""
        return wilson(_number(counts, "_hits"), _number(counts, "_n"))


@dataclass(frozen=True)
class EstimatedMean(Mean):
    """A mean of the answers' scores with its t interval."""

    def interval_counts(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return the sum, the sum of squares and the count of present values per key."""
        value = units[self.column].cast("float64") / self.scale
        present = units.included & units[self.column].notnull()
        kept = ibis.cases((present, value), else_=0.0)
        return units.group_by(keys).aggregate(
            _sum=kept.sum().fill_null(0.0),
            _squares=(kept * kept).sum().fill_null(0.0),
            _present=present.cast("int64").sum().fill_null(0),
            _excluded=_missing_or_excluded(units, self.column),
        )

    def interval(self, counts: Mapping[str, Any]) -> Interval | None:
        """Return the t interval of the mean."""
        return t_interval(
            _number(counts, "_sum"), _number(counts, "_squares"), _number(counts, "_present")
        )


@dataclass(frozen=True)
class ScalePoint:
    """The share of answers at one point of their scale, with its Wilson interval.

    The population is the included answers whose scale holds the point (an answer
    that records no scale counts for every point); others are outside, not excluded.
    """

    point: float
    unit: str | None = "percent"

    @property
    def name(self) -> str:
        """Return share_<point> (share_1, share_2, ...)."""
        return f"share_{self.point:g}"

    def _member(self, units: ir.Table) -> ir.BooleanValue:
        holds = (units.scale_min <= self.point) & (units.scale_max >= self.point)
        unknown = units.scale_min.isnull() | units.scale_max.isnull()
        return (units.included & (holds | unknown)).fill_null(False)

    def interval_counts(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return answers at the point and answers on a scale holding it, per key."""
        member = self._member(units)
        at = member & (units.score == self.point).fill_null(False)
        return units.group_by(keys).aggregate(
            _hits=at.cast("int64").sum().fill_null(0),
            _n=member.cast("int64").sum().fill_null(0),
            _excluded=excluded_units(units).cast("int64").sum().fill_null(0),
        )

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return 100 × answers at the point / answers on a scale holding it."""
        agg = self.interval_counts(units, keys)
        return share_row(agg, keys, self.name)

    def interval(self, counts: Mapping[str, Any]) -> Interval | None:
        """Return the Wilson interval of the share."""
        return wilson(_number(counts, "_hits"), _number(counts, "_n"))
