"""Every metric gives identical figures on DuckDB, DuckDB over Parquet and Spark.

The real ServiceNow log is imported once, exported to Parquet, and each metric's
result expression is built on each source and run by its engine.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import pytest

from karsta.calendar import ServiceCalendar
from karsta.metrics.compute import measure
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.metrics.registry import catalog
from karsta.workspace import TableSource
from tests.parity import assert_same_results

CONTACT_ONLY = {"S1", "S3", "I6"}
"""Metrics of contacts only: their parity is checked on a call log (tests/channels)."""
COMPUTED = [
    d.id
    for d in catalog().values()
    if d.function is not None
    and d.id != "I1"
    and d.id not in CONTACT_ONLY
    and "surveys" not in d.card.requires
]
"""Metrics with a function; I1 needs recorded costs, the contact metrics contacts and the survey
scores survey answers, which the ServiceNow log lacks (tests/channels and
tests/metrics/test_survey_engine_parity.py cover those)."""

RUNS: dict[str, dict[str, Any]] = {
    "by month": {"period": "month"},
    "by priority and channel": {"by": ("priority", "channel")},
}


def _result(metric_id: str, options: MetricOptions) -> Any:
    def build(source: TableSource) -> ir.Table:
        inputs = MetricInputs(source, options)
        return measure(catalog()[metric_id], inputs).result()

    return build


pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.mark.parametrize("run", list(RUNS))
@pytest.mark.parametrize("metric_id", COMPUTED)
def test_metric_is_identical_on_every_engine(metric_id: str, run: str) -> None:
    assert_same_results(_result(metric_id, MetricOptions(**RUNS[run])))


def test_time_to_resolve_in_service_hours_is_identical_on_every_engine() -> None:
    options = MetricOptions(
        period="month",
        service_calendar=ServiceCalendar.parse("mon-fri 08:00-16:00", holidays="FI"),
        resolve_target_hours=24.0,
    )
    rows = assert_same_results(_result("O2", options), min_rows=20)
    assert {"mean", "median", "p90", "share_over_target"} <= set(
        rows.column("statistic").to_pylist()
    )


def test_open_tickets_by_status_at_the_moment_is_identical_on_every_engine() -> None:
    options = MetricOptions(period="quarter", by=("status",))
    assert_same_results(_result("O3", options), min_rows=5)
