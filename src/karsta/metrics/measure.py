"""From a metric's unit table to its result table: the statistics every metric shares.

A metric function returns a `Measurement`: one row per counted unit (usually a
ticket) with its period, breakdowns, whether it is in the population
(`included`) and the rule that decided it (`reason`), plus the statistics to
compute. Aggregation, exclusion counts and `explain` all read that one table,
so a figure and its explanation can never disagree.

Every result row has the same columns: the keys (period and breakdowns),
statistic, value, numerator, denominator, excluded and n. Each statistic says
its unit: a share is a percent, a count a count, a mean or quantile is in the
unit of the values it summarises (the measurement's or the card's, unless it
names its own, such as days for an age). Beside them, a measurement counts its
assumptions per key (`Measurement.assumption_counts`): the units of the
population that rest on a rule the data does not state, shown with every
figure as exclusions are.

A statistic that estimates a population figure from a sample (a survey score)
is an `Estimate`: besides its rows it aggregates the counts its confidence
interval needs (`interval_counts`), and turns them into an `Interval` in Python
(`interval`), so an engine never needs a distribution's quantiles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import ibis
import ibis.expr.types as ir

RESULT_COLUMNS = ("statistic", "value", "numerator", "denominator", "excluded", "n")
PERCENT = "percent"
COUNT = "count"


class Statistic(Protocol):
    """One figure computed from a unit table per key (period and breakdowns)."""

    @property
    def name(self) -> str:
        """Return the statistic's name in results (mean, median, p90, share, ...)."""
        ...

    @property
    def unit(self) -> str | None:
        """Return the unit of its values (percent, count, ...); None: the values' own unit."""
        ...

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return keys + RESULT_COLUMNS for every key present in `units`."""
        ...


CONFIDENCE = 0.95
"""The confidence level of every interval Karsta shows."""


@dataclass(frozen=True)
class Interval:
    """A confidence interval of a figure, in the figure's unit."""

    low: float
    high: float
    method: str
    """How it was computed: wilson, nps_trinomial or t."""
    level: float = CONFIDENCE

    def to_dict(self) -> dict[str, Any]:
        """Return the interval as plain data (for JSON)."""
        return {"low": self.low, "high": self.high, "method": self.method, "level": self.level}


@runtime_checkable
class Estimate(Protocol):
    """A statistic with a confidence interval, computed from counts aggregated per key."""

    @property
    def name(self) -> str:
        """Return the statistic's name in results."""
        ...

    def interval_counts(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return keys + the aggregated counts `interval` reads, for every key in `units`."""
        ...

    def interval(self, counts: Mapping[str, Any]) -> Interval | None:
        """Return the interval from one key's counts; None where it cannot be estimated."""
        ...


def _row(
    table: ir.Table,
    keys: Sequence[str],
    name: str,
    *,
    value: ir.Value,
    numerator: ir.Value,
    denominator: ir.Value,
    excluded: ir.Value,
    n: ir.Value,
) -> ir.Table:
    """Return the standard result columns, typed identically for every statistic."""
    return table.select(
        *keys,
        statistic=ibis.literal(name),
        value=value.cast("float64"),
        numerator=numerator.cast("float64"),
        denominator=denominator.cast("float64"),
        excluded=excluded.cast("int64"),
        n=n.cast("int64"),
    )


def share_row(counts: ir.Table, keys: Sequence[str], name: str) -> ir.Table:
    """Return the result columns of a share from `_hits`, `_n` and `_excluded` per key."""
    return _row(
        counts,
        keys,
        name,
        value=_ratio(counts._hits * 100, counts._n),
        numerator=counts._hits,
        denominator=counts._n,
        excluded=counts._excluded,
        n=counts._n,
    )


def excluded_units(units: ir.Table) -> ir.BooleanValue:
    """Return whether a unit was excluded by a rule.

    Units that are neither included nor excluded lie outside what is measured
    (e.g. tickets already resolved, for open tickets): a unit table may say so
    with its own `excluded` column; without one, every unit not included was
    excluded.
    """
    if "excluded" in units.columns:
        return units.excluded.fill_null(False)
    return ~units.included


def _counts(units: ir.Table) -> dict[str, ir.Value]:
    """Return the aggregate expressions of population size and exclusions."""
    return {
        "_n": units.included.cast("int64").sum().fill_null(0),
        "_excluded": excluded_units(units).cast("int64").sum().fill_null(0),
    }


def _missing_or_excluded(units: ir.Table, column: str) -> ir.IntegerValue:
    """Return the count of excluded units plus included units lacking a value in `column`."""
    lacking = units.included & units[column].isnull()
    return (excluded_units(units) | lacking).cast("int64").sum().fill_null(0)


def _member_and_missing(
    units: ir.Table, column: str, population: str, outside: str | None
) -> tuple[ir.BooleanValue, ir.IntegerValue]:
    """Return who has a value in `column` among `population`, and the count left out.

    With the default population (`included`) the left-out are the excluded units and
    included units lacking a value; for another population, the units its `outside`
    column marks (none without one) and members lacking a value.
    """
    if population == "included":
        return units.included & units[column].notnull(), _missing_or_excluded(units, column)
    member = units[population].fill_null(False)
    lacking = member & units[column].isnull()
    if outside is not None:
        lacking = lacking | units[outside].fill_null(False)
    return member & units[column].notnull(), lacking.cast("int64").sum().fill_null(0)


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.NumericValue:
    """Return numerator / denominator, NULL where the denominator is 0."""
    return ibis.cases(
        (denominator == 0, ibis.null("float64")),
        else_=numerator.cast("float64") / denominator.cast("float64"),
    )


@dataclass(frozen=True)
class Count:
    """The number of units in the population."""

    name: str = "count"
    unit: str | None = COUNT

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return the count of included units per key."""
        agg = units.group_by(keys).aggregate(**_counts(units))
        return _row(
            agg,
            keys,
            self.name,
            value=agg._n,
            numerator=agg._n,
            denominator=ibis.null("float64"),
            excluded=agg._excluded,
            n=agg._n,
        )


@dataclass(frozen=True)
class Share:
    """Percentage of the population for which the boolean column `hit` is true."""

    hit: str
    name: str = "share"
    population: str = "included"
    unit: str | None = PERCENT
    """Boolean column that defines the population (the metric's own `included` by default)."""
    outside: str | None = None
    """Boolean column of the units this population excluded (default: every non-member)."""

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return 100 × hits / population per key."""
        member = units[self.population].fill_null(False)
        hits = (member & units[self.hit].fill_null(False)).cast("int64").sum()
        outside = ~member if self.population != "included" else excluded_units(units)
        if self.outside is not None:
            outside = units[self.outside].fill_null(False)
        agg = units.group_by(keys).aggregate(
            _hits=hits.fill_null(0),
            _n=member.cast("int64").sum().fill_null(0),
            _excluded=outside.cast("int64").sum().fill_null(0),
        )
        return share_row(agg, keys, self.name)


@dataclass(frozen=True)
class Mean:
    """Mean of a numeric column over the population (units where it is empty are excluded)."""

    column: str
    name: str = "mean"
    scale: float = 1.0
    """Divisor applied to the values, e.g. 3600 to show seconds as hours."""
    unit: str | None = None
    population: str = "included"
    """Boolean column of the units averaged (the metric's own `included` by default)."""
    outside: str | None = None
    """Boolean column of the units this population excluded (with another population)."""

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return sum / count of the column per key."""
        value = units[self.column].cast("float64") / self.scale
        present, missing = _member_and_missing(units, self.column, self.population, self.outside)
        agg = units.group_by(keys).aggregate(
            _sum=ibis.cases((present, value), else_=0.0).sum().fill_null(0.0),
            _present=present.cast("int64").sum().fill_null(0),
            _excluded=missing,
        )
        return _row(
            agg,
            keys,
            self.name,
            value=_ratio(agg._sum, agg._present),
            numerator=agg._sum,
            denominator=agg._present,
            excluded=agg._excluded,
            n=agg._present,
        )


@dataclass(frozen=True)
class Quantile:
    """Exact quantile of a numeric column, interpolated linearly between ranks.

    Computed from ranks rather than an engine's percentile function, because
    engines differ (some approximate); the rank form is exact everywhere.
    """

    column: str
    probability: float
    name: str = "median"
    scale: float = 1.0
    unit: str | None = None
    population: str = "included"
    """Boolean column of the units summarised (the metric's own `included` by default)."""
    outside: str | None = None
    """Boolean column of the units this population excluded (with another population)."""

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return the quantile (type 7, as numpy's default) per key."""
        value = units[self.column].cast("float64") / self.scale
        present, missing = _member_and_missing(units, self.column, self.population, self.outside)
        base = units.group_by(keys).aggregate(
            _present=present.cast("int64").sum().fill_null(0),
            _excluded=missing,
        )
        kept = units.filter(present).mutate(_value=value)
        ranked = kept.mutate(
            _rank=ibis.row_number().over(group_by=list(keys), order_by=kept._value),
        )
        ranked = ranked.join(base.select(*keys, "_present"), list(keys))
        position = (ranked._present - 1).cast("float64") * self.probability
        low, high = position.floor(), position.ceil()
        picked = ranked.group_by(keys).aggregate(
            _low=ibis.cases((ranked._rank == low, ranked._value)).max(),
            _high=ibis.cases((ranked._rank == high, ranked._value)).max(),
            _fraction=(position - low).max(),
        )
        joined = base.left_join(picked, list(keys))
        quantile = joined._low + joined._fraction * (joined._high - joined._low)
        return _row(
            joined,
            keys,
            self.name,
            value=quantile,
            numerator=ibis.null("float64"),
            denominator=ibis.null("float64"),
            excluded=joined._excluded,
            n=joined._present,
        )


@dataclass(frozen=True)
class ShareOfTotal:
    """Each breakdown value's share of its period (e.g. a channel's share of all tickets)."""

    within: tuple[str, ...]
    """Keys that define the total (the period and the breakdowns the user asked for)."""
    name: str = "share"
    unit: str | None = PERCENT

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return 100 × count / count of all values with the same `within` keys."""
        agg = units.group_by(keys).aggregate(**_counts(units))
        total = agg._n.sum().over(group_by=list(self.within))
        with_total = agg.mutate(_total=total)
        return _row(
            with_total,
            keys,
            self.name,
            value=_ratio(with_total._n * 100, with_total._total),
            numerator=with_total._n,
            denominator=with_total._total,
            excluded=with_total._excluded,
            n=with_total._n,
        )


@dataclass(frozen=True)
class PerDistinct:
    """Population size per distinct value of a column (e.g. tickets per agent)."""

    column: str
    name: str = "per_agent"
    unit: str | None = None

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return population / distinct non-empty values of the column per key."""
        counted = ibis.cases((units.included, units[self.column]), else_=ibis.null("string"))
        agg = units.group_by(keys).aggregate(_distinct=counted.nunique(), **_counts(units))
        return _row(
            agg,
            keys,
            self.name,
            value=_ratio(agg._n, agg._distinct),
            numerator=agg._n,
            denominator=agg._distinct,
            excluded=agg._excluded,
            n=agg._n,
        )


@dataclass(frozen=True)
class ShareOf:
    """Population size as a percentage of another unit table's population (same keys)."""

    reference: ir.Table
    """Units of the denominator, e.g. tickets received, with the same keys and `included`."""
    name: str = "share_of_received"
    unit: str | None = PERCENT

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return 100 × population / reference population per key present in `units`."""
        agg = units.group_by(keys).aggregate(**_counts(units))
        ref = self.reference
        ref_agg = ref.group_by(keys).aggregate(_reference=ref.included.cast("int64").sum())
        joined = agg.left_join(ref_agg, list(keys))
        reference = joined._reference.fill_null(0)
        return _row(
            joined,
            keys,
            self.name,
            value=_ratio(joined._n * 100, reference),
            numerator=joined._n,
            denominator=reference,
            excluded=joined._excluded,
            n=joined._n,
        )


@dataclass(frozen=True)
class Assumption:
    """A rule a figure rests on where the data does not say, counted like an exclusion.

    Each unit of the population for which the boolean unit column `applies` holds
    rests on it; the result rows count them per period and breakdown, and `explain`
    shows it on the ticket, with the time in the unit column `at` where there is one.
    """

    id: str
    """Stable identifier in JSON and CSV, e.g. resolving_group_carried_forward."""
    text: str
    """What is assumed (English; views translate it)."""
    applies: str
    at: str | None = None
    """A unit column with the time of the event the assumed value was taken from."""
    detail: str | None = None
    """What `explain` says on a ticket, with `{at}` for that time (English; views translate)."""


@dataclass(frozen=True)
class Measurement:
    """A metric's unit table and the statistics to compute from it."""

    units: ir.Table
    statistics: Sequence[Statistic]
    keys: Sequence[str]
    period_by: str | None = None
    """The unit column that places a unit in a period (e.g. resolved_at)."""
    evidence: tuple[str, ...] = ()
    """Unit columns `explain` shows (the timestamps and facts the rules used)."""
    unit: str | None = None
    """Overrides the card's unit for this run (e.g. service hours instead of hours)."""
    notes: tuple[str, ...] = field(default=())
    """Remarks every view shows with the figures (e.g. a rule not configured)."""
    assumptions: tuple[Assumption, ...] = field(default=())
    """Rules the figures rest on where the data does not say; counted per result row."""

    def unit_of(self, statistic: Statistic, card_unit: str) -> str:
        """Return the unit of a statistic's values: its own, else this run's, else the card's."""
        return statistic.unit or self.unit or card_unit

    def result(self) -> ir.Table:
        """Return every statistic's rows, one table."""
        parts = [statistic.aggregate(self.units, self.keys) for statistic in self.statistics]
        return ibis.union(*parts) if len(parts) > 1 else parts[0]

    def assumption_counts(self) -> ir.Table | None:
        """Return per key the units of the population resting on each assumption (by id).

        None when the measurement makes no assumption.
        """
        if not self.assumptions:
            return None
        units = self.units
        member = units.included.fill_null(False)
        return units.group_by(list(self.keys)).aggregate(
            **{
                a.id: (member & units[a.applies].fill_null(False)).cast("int64").sum().fill_null(0)
                for a in self.assumptions
            }
        )
