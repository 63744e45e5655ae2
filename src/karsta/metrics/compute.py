"""Run metrics of the catalog on a source and shape the results for every view.

`compute_metrics` runs each asked metric's function, aggregates its
measurement and returns `MetricResults`: rows with the card's identity, the
JSON document of the output contract, and the Ibis expressions for analysts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from karsta.i18n import Message
from karsta.metrics.assumptions import with_breakdown_assumptions
from karsta.metrics.cards import Language
from karsta.metrics.inputs import PERIOD, WHOLE_RANGE, MetricInputs
from karsta.metrics.measure import RESULT_COLUMNS, Estimate, Measurement
from karsta.metrics.options import MetricOptions
from karsta.metrics.registry import MetricDefinition, NoData, catalog, find
from karsta.workspace.coverage import cannot_compute
from karsta.workspace.source import TableSource

DIMENSION_PREFIX = "dim_"


@dataclass(frozen=True)
class MetricResult:
    """One metric's figures (or why there are none) with the card they were computed by."""

    definition: MetricDefinition
    rows: list[dict[str, Any]]
    """One dict per figure: period, group, statistic, unit, value, numerator, denominator,
    excluded, n, assumptions (id, text and count of each assumption the figure rests on), and
    interval (low, high, method, level) for an estimate from a sample, else None."""
    unit: str
    """The unit of the metric's own values (a share or count names its own unit per row)."""
    expr: ir.Table | None = None
    measurement: Measurement | None = None
    no_data: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Return the metric id."""
        return self.definition.id


@dataclass(frozen=True)
class MetricResults:
    """The figures of a metric run, for people (tables), scripts (JSON) and analysts."""

    source: str
    options: MetricOptions
    results: list[MetricResult]
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __iter__(self) -> Any:
        return iter(self.results)

    def __getitem__(self, metric_id: str) -> MetricResult:
        for result in self.results:
            if result.id == metric_id.upper():
                return result
        raise KeyError(metric_id)

    def records(self, lang: Language = "en") -> list[dict[str, Any]]:
        """Return the figures as records of the JSON output contract."""
        records = []
        for result in self.results:
            card = result.definition.card
            for row in result.rows:
                records.append(
                    {
                        "id": card.id,
                        "slug": card.slug,
                        "name": card.name(lang),
                        "value": row["value"],
                        "unit": row["unit"],
                        "numerator": row["numerator"],
                        "denominator": row["denominator"],
                        "excluded": row["excluded"],
                        "assumptions": row.get("assumptions", []),
                        "interval": row.get("interval"),
                        "n": row["n"],
                        "period": row["period"],
                        "group": row["group"],
                        "statistic": row["statistic"],
                        "card_version": card.card_version,
                    }
                )
        return records

    def about(self) -> list[dict[str, Any]]:
        """Return per metric asked what a reader needs beside its figures: notes, or no data."""
        return [
            {
                "id": result.id,
                "card_version": result.definition.card.card_version,
                "computed": result.no_data is None,
                "no_data": result.no_data,
                "notes": list(result.notes),
            }
            for result in self.results
        ]

    def to_json_document(self, lang: Language = "en") -> dict[str, Any]:
        """Return the output contract: workspace, generated_at, the figures and their notes."""
        return {
            "workspace": self.source,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "metrics": self.records(lang),
            "metric_notes": self.about(),
        }

    def to_arrow(self, lang: Language = "en") -> pa.Table:
        """Return the figures as one Arrow table (group flattened to text columns)."""
        flat = []
        dimensions = sorted({d for r in self.records(lang) for d in r["group"]})
        for record in self.records(lang):
            row = {k: v for k, v in record.items() if k != "group"}
            row.update({f"by_{d}": record["group"].get(d) for d in dimensions})
            flat.append(row)
        return pa.Table.from_pylist(flat)

    def to_pandas(self, lang: Language = "en") -> Any:
        """Return the figures as a pandas DataFrame."""
        return self.to_arrow(lang).to_pandas()

    def to_polars(self, lang: Language = "en") -> Any:
        """Return the figures as a Polars DataFrame."""
        import polars as pl  # optional: only analysts who ask for Polars need it

        return pl.from_arrow(self.to_arrow(lang))

    @property
    def expr(self) -> dict[str, ir.Table]:
        """Return each computed metric's Ibis expression (keys, statistic, value, ...)."""
        return {r.id: r.expr for r in self.results if r.expr is not None}


def _rows(table: pa.Table, units: dict[str, str]) -> list[dict[str, Any]]:
    """Return result rows with the period (None for a whole range), a group dict and the unit.

    `units` gives each statistic's unit by its name.
    """
    rows = []
    for raw in table.to_pylist():
        group = {
            key[len(DIMENSION_PREFIX) :]: value
            for key, value in raw.items()
            if key.startswith(DIMENSION_PREFIX)
        }
        period = raw[PERIOD]
        rows.append(
            {
                "period": None if period == WHOLE_RANGE else period,
                "group": group,
                "unit": units[raw["statistic"]],
                **{column: raw[column] for column in RESULT_COLUMNS},
            }
        )
    rows.sort(key=lambda r: (r["period"] or "", sorted(r["group"].items()), r["statistic"]))
    return rows


def _add_assumptions(
    rows: list[dict[str, Any]], measurement: Measurement, inputs: MetricInputs
) -> None:
    """Give each row the count of its units resting on each of the measurement's assumptions."""
    counts = measurement.assumption_counts()
    if counts is None:
        return
    by_key = {}
    for raw in inputs.source.to_arrow(counts).to_pylist():
        key = tuple(raw[k] for k in measurement.keys)
        by_key[key] = raw
    for row in rows:
        period = WHOLE_RANGE if row["period"] is None else row["period"]
        group = row["group"]
        key = tuple(
            period if k == PERIOD else group.get(k[len(DIMENSION_PREFIX) :])
            for k in measurement.keys
        )
        found = by_key.get(key, {})
        row["assumptions"] = [
            {"id": a.id, "text": a.text, "count": int(found.get(a.id) or 0)}
            for a in measurement.assumptions
        ]


def _key_of(row: dict[str, Any], keys: Sequence[str]) -> tuple[Any, ...]:
    """Return a result row's key values in the order of a measurement's keys."""
    period = WHOLE_RANGE if row["period"] is None else row["period"]
    group = row["group"]
    return tuple(period if k == PERIOD else group.get(k[len(DIMENSION_PREFIX) :]) for k in keys)


def _add_intervals(
    rows: list[dict[str, Any]], measurement: Measurement, inputs: MetricInputs
) -> None:
    """Give each row of an estimate its confidence interval (None where not estimable)."""
    for statistic in measurement.statistics:
        if not isinstance(statistic, Estimate):
            continue
        table = inputs.source.to_arrow(
            statistic.interval_counts(measurement.units, measurement.keys)
        )
        counts = {tuple(raw[k] for k in measurement.keys): raw for raw in table.to_pylist()}
        for row in rows:
            if row["statistic"] != statistic.name:
                continue
            found = counts.get(_key_of(row, measurement.keys))
            interval = None if found is None else statistic.interval(found)
            row["interval"] = None if interval is None else interval.to_dict()
            # The counts behind the interval, for comparisons between periods (not in JSON).
            row["estimate_counts"] = {
                k: v for k, v in (found or {}).items() if k not in measurement.keys
            }


def measure(definition: MetricDefinition, inputs: MetricInputs) -> Measurement:
    """Return the metric's measurement, or raise NoData saying what is missing."""
    if definition.function is None:
        needs = ", ".join(definition.card.requires)
        raise NoData(Message("needs {tables} data, which Karsta does not import yet", tables=needs))
    requires = definition.card.requires
    if requires == ("contacts",) and not inputs.has_rows("contacts"):
        raise NoData(Message("the contacts table is empty: import contacts first"))
    # A metric that reads tickets or contacts (I7) has data when either has rows.
    either = "contacts" in requires and inputs.has_rows("contacts")
    for table in requires:
        if table in ("tickets", "ticket_events") and not either and not inputs.has_rows(table):
            raise NoData(Message("the {table} table is empty: import tickets first", table=table))
    lacking = inputs.coverage.lacking(definition.needs)
    if lacking:
        raise NoData(cannot_compute(lacking))
    return with_breakdown_assumptions(definition.function(inputs))


def measurement_rows(
    measurement: Measurement,
    inputs: MetricInputs,
    card_unit: str,
    expr: ir.Table | None = None,
) -> list[dict[str, Any]]:
    """Return a measurement's result rows with their units, assumptions and intervals."""
    units = {s.name: measurement.unit_of(s, card_unit) for s in measurement.statistics}
    table = inputs.source.to_arrow(measurement.result() if expr is None else expr)
    rows = _rows(table, units)
    _add_assumptions(rows, measurement, inputs)
    _add_intervals(rows, measurement, inputs)
    return rows


def compute_metric(definition: MetricDefinition, inputs: MetricInputs) -> MetricResult:
    """Return one metric's figures on `inputs` (no-data results say why)."""
    try:
        measurement = measure(definition, inputs)
    except NoData as reason:
        # The reason as raised: a Message keeps its translation.
        why = reason.args[0] if reason.args and isinstance(reason.args[0], str) else str(reason)
        return MetricResult(definition, [], definition.card.unit, no_data=why)
    expr = measurement.result()
    rows = measurement_rows(measurement, inputs, definition.card.unit, expr)
    return MetricResult(
        definition,
        rows,
        measurement.unit or definition.card.unit,
        expr=expr,
        measurement=measurement,
        notes=measurement.notes,
    )


def compute_metrics(
    source: TableSource,
    options: MetricOptions | None = None,
    *,
    metrics: Iterable[str] | None = None,
    progress: Any = None,
) -> MetricResults:
    """Return the figures of the asked metrics (all by default) on `source`.

    `progress`, when given, is called as progress(metric_id, done, total).
    """
    options = options or MetricOptions()
    definitions: Sequence[MetricDefinition] = (
        [find(m) for m in metrics] if metrics is not None else list(catalog().values())
    )
    inputs = MetricInputs(source, options)
    results = []
    for index, definition in enumerate(definitions):
        if progress is not None:
            progress(definition.id, index, len(definitions))
        results.append(compute_metric(definition, inputs))
    return MetricResults(source.label, options, results)
