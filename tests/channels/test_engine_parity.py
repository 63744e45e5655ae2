"""The contact metrics and the channel analyses give identical figures on every engine.

The real call month (filled as in `conftest.bank`) is exported to Parquet; each
expression is built on the workspace, on the export read by DuckDB and by Spark.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import ibis.expr.types as ir
import pytest

from karsta.calendar import ServiceCalendar
from karsta.channels.intervals import per_utc_interval
from karsta.channels.population import realtime_contacts
from karsta.metrics.compute import measure
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.metrics.registry import find
from karsta.workspace import TableSource, Workspace
from karsta.workspace.parquet import ParquetSource
from tests.parity import assert_same_results, require_spark

pytestmark = [pytest.mark.spark, pytest.mark.slow]

OPTIONS = MetricOptions(
    timezone="Asia/Jerusalem",
    period="week",
    by=("queue", "priority"),
    until=datetime(1999, 9, 1, tzinfo=UTC),
    special_routing={"IVR": "answered"},
    service_calendar=ServiceCalendar.parse("sun-thu 08:00-17:00", timezone="Asia/Jerusalem"),
)


@pytest.fixture(scope="module")
def sources(
    bank: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, TableSource]]:
    require_spark()
    from karsta.workspace.spark import SparkSource

    folder = tmp_path_factory.mktemp("bank-export")
    bank.export(folder, fmt="parquet")
    parquet = ParquetSource(folder)
    try:
        yield {"duckdb": bank, "duckdb-parquet": parquet, "spark": SparkSource(folder)}
    finally:
        parquet.close()


def _metric(metric_id: str) -> Any:
    def build(source: TableSource) -> ir.Table:
        return measure(find(metric_id), MetricInputs(source, OPTIONS)).result()

    return build


@pytest.mark.parametrize("metric_id", ["S1", "S3", "I6", "I7"])
def test_contact_metric_is_identical_on_every_engine(
    metric_id: str, sources: dict[str, TableSource]
) -> None:
    assert_same_results(_metric(metric_id), sources=sources, min_rows=10)


def test_intervals_are_identical_on_every_engine(sources: dict[str, TableSource]) -> None:
    def build(source: TableSource) -> ir.Table:
        contacts = realtime_contacts(MetricInputs(source, MetricOptions()))
        return per_utc_interval(contacts.filter(contacts.realtime), 1800)

    assert_same_results(build, sources=sources, min_rows=1000)
