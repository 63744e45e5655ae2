"""The survey scores give identical figures on DuckDB, DuckDB over Parquet and Spark.

The demo's synthetic answers about the real ServiceNow log (tickets and surveys)
are written into a workspace and its Parquet export, and each survey metric's
result expression and interval counts are run by every engine.
"""

from __future__ import annotations

import functools
from typing import Any

import ibis.expr.types as ir
import pandas as pd
import pytest

from karsta.feedback.synthetic import write_synthetic_surveys
from karsta.metrics.compute import measure
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Estimate
from karsta.metrics.options import MetricOptions
from karsta.metrics.registry import catalog
from karsta.workspace import TableSource, Workspace
from karsta.workspace.parquet import ParquetSource
from tests.parity import assert_same_results, require_spark, scratch, servicenow_workspace

SURVEY_METRICS = ["NPS", "CSAT", "CES", "S4"]
RUNS: dict[str, dict[str, Any]] = {
    "by month": {"period": "month"},
    "by channel": {"by": ("channel",)},
}

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@functools.cache
def _sources() -> dict[str, TableSource]:
    tickets = servicenow_workspace()
    folder = scratch() / "surveys"
    folder.mkdir()
    csv = folder / "surveys.csv"
    write_synthetic_surveys(tickets, csv)
    frame = pd.read_csv(csv, dtype={"respondent_id": str, "free_text": str, "language": str})
    for column in ("sent_at", "answered_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    # The encounter survey: the CSAT answers again as a 1–5 encounter question.
    encounter = frame[frame.instrument == "CSAT"].assign(instrument="encounter")
    ws = Workspace.open(folder / "surveys.karsta")
    ws.connection.register("_tickets", tickets.to_arrow(tickets.table("tickets")))
    ws.connection.execute("INSERT INTO tickets BY NAME SELECT * FROM _tickets")
    ws.connection.register("_answers", pd.concat([frame, encounter]))
    ws.connection.execute("INSERT INTO surveys BY NAME SELECT * FROM _answers")
    ws.export(folder / "export", fmt="parquet")
    require_spark()
    from karsta.workspace.spark import SparkSource

    return {
        "duckdb": ws,
        "duckdb-parquet": ParquetSource(folder / "export"),
        "spark": SparkSource(folder / "export"),
    }


def _result(metric_id: str, options: MetricOptions) -> Any:
    def build(source: TableSource) -> ir.Table:
        return measure(catalog()[metric_id], MetricInputs(source, options)).result()

    return build


def _interval_counts(metric_id: str, options: MetricOptions, index: int) -> Any:
    def build(source: TableSource) -> ir.Table:
        measurement = measure(catalog()[metric_id], MetricInputs(source, options))
        estimates = [s for s in measurement.statistics if isinstance(s, Estimate)]
        return estimates[index].interval_counts(measurement.units, measurement.keys)

    return build


@pytest.mark.parametrize("run", list(RUNS))
@pytest.mark.parametrize("metric_id", SURVEY_METRICS)
def test_survey_metric_is_identical_on_every_engine(metric_id: str, run: str) -> None:
    options = MetricOptions(**RUNS[run])
    assert_same_results(_result(metric_id, options), sources=_sources())


@pytest.mark.parametrize("metric_id", ["NPS", "CES"])
def test_interval_counts_are_identical_on_every_engine(metric_id: str) -> None:
    options = MetricOptions(period="month")
    assert_same_results(_interval_counts(metric_id, options, 0), sources=_sources())
