"""The tickets behind a figure: a metric's unit table, one page at a time.

A figure is aggregated from its unit table (one row per counted unit, usually a
ticket, with whether it is in the population and the rule that decided it). Its
rows are what a reader checks a figure against: which tickets it counts, which it
excludes, and why. `unit_rows` returns a page of them for one period and breakdown
value, with the count of each rule over all of them; values of personal columns (an
agent's identifier) are never among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from karsta.metrics.compute import measure
from karsta.metrics.inputs import PERIOD, WHOLE_RANGE, MetricInputs, dimension
from karsta.metrics.measure import excluded_units
from karsta.metrics.options import MetricOptions
from karsta.metrics.registry import NoData, find
from karsta.schema import PERSONAL_COLUMNS
from karsta.workspace.source import TableSource

UnitStatus = Literal["included", "excluded", "outside"]
"""In the population, excluded by a rule, or neither (outside what is measured)."""
UNIT_STATUSES: tuple[UnitStatus, ...] = ("included", "excluded", "outside")
MAX_LIMIT = 500
"""The most rows one page holds."""


@dataclass(frozen=True)
class UnitPage:
    """A page of the unit rows of one metric in one period and breakdown value."""

    metric: str
    card_version: str
    period: str | None
    group: dict[str, str]
    status: UnitStatus | None
    """The rows asked for: those in the population, excluded, outside, or all (None)."""
    offset: int
    limit: int
    total: int
    """Rows of the asked status in the period and group (all pages)."""
    rows: list[dict[str, Any]]
    """Per unit: unit_id, period, group, included, excluded, reason, evidence (column →
    value, personal columns left out) and the ids of the assumptions it rests on."""
    evidence: tuple[str, ...] = ()
    """The evidence columns every row shows, in order."""
    assumptions: tuple[dict[str, str], ...] = ()
    """The metric's assumptions: id and text (English; views translate)."""
    reasons: list[dict[str, Any]] = field(default_factory=list)
    """Every rule in the period and group, whatever the asked status: reason, included,
    excluded and count, most units first."""
    no_data: str | None = None
    """Why the metric cannot be computed, when it cannot (then there are no rows)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the page as plain data (for JSON)."""
        return {
            "metric": self.metric,
            "card_version": self.card_version,
            "period": self.period,
            "group": self.group,
            "status": self.status,
            "offset": self.offset,
            "limit": self.limit,
            "total": self.total,
            "evidence": list(self.evidence),
            "assumptions": list(self.assumptions),
            "reasons": self.reasons,
            "rows": self.rows,
            "no_data": self.no_data,
        }


def _status(units: ir.Table, status: UnitStatus) -> ir.BooleanValue:
    included = units.included.fill_null(False)
    excluded = excluded_units(units)
    if status == "included":
        return included
    if status == "excluded":
        return excluded & ~included
    return ~included & ~excluded


def _selected(
    units: ir.Table, options: MetricOptions, period: str | None, group: Mapping[str, str]
) -> ir.Table:
    """Return the unit rows of `period` (every period when None) and the breakdown `group`."""
    if period is not None or options.period is None:
        units = units.filter(units[PERIOD] == (period or WHOLE_RANGE))
    for name, value in group.items():
        column = dimension(name)
        if column not in units.columns:
            raise ValueError(f"the run is not broken down by {name!r}: add it to `by`")
        units = units.filter(units[column] == str(value))
    return units


def unit_rows(
    source: TableSource,
    metric_id: str,
    options: MetricOptions,
    *,
    period: str | None = None,
    group: Mapping[str, str] | None = None,
    status: UnitStatus | None = None,
    offset: int = 0,
    limit: int = 50,
) -> UnitPage:
    """Return a page of `metric_id`'s unit rows in `period` and breakdown `group`.

    `period` is a label of `options.period` (None: every period); `group` gives a value
    of breakdowns in `options.by`. Rows come in ticket order. Raises ValueError for a
    negative offset, a limit outside 1..MAX_LIMIT or a breakdown the run lacks.
    """
    if offset < 0 or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"offset must be >= 0 and limit 1..{MAX_LIMIT}")
    definition = find(metric_id)
    card_version = definition.card.card_version
    asked = dict(group or {})
    empty = UnitPage(definition.id, card_version, period, asked, status, offset, limit, 0, [])
    inputs = MetricInputs(source, options)
    try:
        measurement = measure(definition, inputs)
    except NoData as reason:
        return UnitPage(**{**empty.__dict__, "no_data": reason.args[0]})
    units = _selected(measurement.units, options, period, asked)
    evidence = tuple(c for c in measurement.evidence if c not in PERSONAL_COLUMNS)
    assumptions = tuple({"id": a.id, "text": a.text} for a in measurement.assumptions)
    reasons = _reasons(source, units)
    chosen = units if status is None else units.filter(_status(units, status))
    counted = chosen.aggregate(n=chosen.count())
    total = int(source.to_arrow(counted).column("n")[0].as_py())
    shown = chosen.mutate(_excluded=excluded_units(chosen)).select(
        "unit_id",
        PERIOD,
        "included",
        "_excluded",
        "reason",
        *inputs.dimensions,
        *evidence,
        *[a.applies for a in measurement.assumptions],
    )
    page = shown.order_by("unit_id", PERIOD).limit(limit, offset=offset)
    rows = [
        {
            "unit_id": str(raw["unit_id"]),
            "period": None if raw[PERIOD] == WHOLE_RANGE else raw[PERIOD],
            "group": {d[len("dim_") :]: raw[d] for d in inputs.dimensions},
            "included": bool(raw["included"]),
            "excluded": bool(raw["_excluded"]),
            "reason": raw["reason"],
            "evidence": {name: raw[name] for name in evidence},
            "assumptions": [a.id for a in measurement.assumptions if raw[a.applies]],
        }
        for raw in source.to_arrow(page).to_pylist()
    ]
    return UnitPage(
        definition.id,
        card_version,
        period,
        asked,
        status,
        offset,
        limit,
        total,
        rows,
        evidence,
        assumptions,
        reasons,
    )


def _reasons(source: TableSource, units: ir.Table) -> list[dict[str, Any]]:
    """Return the count of units per rule (and verdict), most first."""
    flagged = units.mutate(
        _included=units.included.fill_null(False), _excluded=excluded_units(units)
    )
    counts = flagged.group_by(["reason", "_included", "_excluded"]).aggregate(n=flagged.count())
    counts = counts.order_by(ibis.desc("n"), "reason")
    return [
        {
            "reason": row["reason"],
            "included": bool(row["_included"]),
            "excluded": bool(row["_excluded"]) and not row["_included"],
            "count": int(row["n"]),
        }
        for row in source.to_arrow(counts).to_pylist()
    ]
