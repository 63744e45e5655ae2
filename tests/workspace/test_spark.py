"""The Parquet export on Spark: same tables, same types, same rows as the DuckDB workspace."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import karsta
from karsta.schema import CANONICAL_TABLES
from karsta.workspace import WorkspaceError, open_source
from tests.parity import (
    assert_same_results,
    require_spark,
    servicenow_export,
    servicenow_workspace,
    spark_source,
)

pytestmark = pytest.mark.spark

EDGE_TIMES = [
    datetime(1500, 1, 1, tzinfo=UTC),  # before the Gregorian switch and pandas' 1677
    datetime(1899, 12, 31, 23, 59, 59, tzinfo=UTC),  # before Spark's rebase threshold
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # just before the epoch
    datetime(2016, 3, 27, 0, 59, 59, 123456, tzinfo=UTC),  # a DST night in Helsinki
    datetime(2300, 6, 1, 12, 0, 0, 1, tzinfo=UTC),  # past pandas' 2262
]


def test_spark_tables_have_the_workspace_schema() -> None:
    ws, spark = servicenow_workspace(), spark_source()
    for table in CANONICAL_TABLES:
        assert spark.table(table.name).schema() == ws.table(table.name).schema(), table.name


@pytest.mark.parametrize("name", [t.name for t in CANONICAL_TABLES])
def test_every_canonical_table_round_trips_exactly(name: str) -> None:
    rows = 0 if name in {"contacts", "surveys", "visits", "staffing"} else 1
    assert_same_results(lambda source: source.table(name), min_rows=rows)


def test_timestamps_round_trip_to_the_microsecond(tmp_path: Path) -> None:
    require_spark()
    with karsta.open(tmp_path / "t.karsta") as ws:
        for seq, moment in enumerate(EDGE_TIMES, start=1):
            ws.connection.execute(
                "INSERT INTO ticket_events (ticket_id, event_key, seq, timestamp, "
                "source_closed_at, source_file, source_row, import_id) "
                "VALUES ('T1', ?, ?, ?, ?, 'f.csv', ?, 1)",
                [seq, seq, moment, moment if seq % 2 else None, seq + 1],
            )
        ws.export(tmp_path / "export")
        with open_source(tmp_path / "export", engine="spark") as spark:
            events = spark.to_arrow(spark.table("ticket_events").order_by("seq"))
            assert events.column("timestamp").to_pylist() == EDGE_TIMES
            assert_same_results(
                lambda s: s.table("ticket_events"), sources={"duckdb": ws, "spark": spark}
            )


def test_open_source_runs_an_export_folder_on_spark() -> None:
    require_spark()
    with open_source(servicenow_export(), engine="spark") as source:
        assert source.label == str(servicenow_export())
        count = source.to_arrow(source.table("tickets").aggregate(n=lambda t: t.count()))
        assert count.column("n").to_pylist() == [24_918]


def test_one_local_session_for_the_process_in_utc() -> None:
    require_spark()
    from karsta.workspace.spark import spark_session

    session = spark_session()
    assert spark_session() is session
    conf = session.sparkContext.getConf()
    assert conf.get("spark.master") == "local[2]"
    assert session.conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.ui.enabled") == "false"
    assert session.conf.get("spark.sql.ansi.enabled") == "true"


def test_closing_a_source_drops_its_views() -> None:
    require_spark()
    from karsta.workspace.spark import SparkSource, spark_session

    def views() -> set[str]:
        return {t.name for t in spark_session().catalog.listTables() if t.isTemporary}

    before = views()
    with SparkSource(servicenow_export()) as source:
        source.table("tickets")
        source.table("ticket_pauses")
        assert len(views() - before) == 2
    assert views() == before


def test_unknown_table_is_refused() -> None:
    with pytest.raises(WorkspaceError, match="not a canonical table"):
        spark_source().table("imports")


def test_a_script_on_spark_is_quiet_and_stops_cleanly() -> None:
    require_spark()
    script = (
        "import sys\n"
        "from karsta.workspace import open_source\n"
        "with open_source(sys.argv[1], engine='spark') as s:\n"
        "    print(s.to_arrow(s.table('tickets').count().as_table()).to_pylist())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(servicenow_export())],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "24918" in done.stdout
    # The JVM's own notice of its incubator module is all that may reach stderr.
    noise = [line for line in done.stderr.splitlines() if "incubator modules" not in line]
    assert not noise, done.stderr
