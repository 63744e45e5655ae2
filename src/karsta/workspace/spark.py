"""The canonical tables of a Parquet export, read by Spark (PySpark local mode) through Ibis.

`SparkSource` is a `TableSource` over the folder `karsta export --format parquet`
writes: one `<table>.parquet` per canonical table, with the workspace's column
types (timestamps in UTC to the microsecond). It runs in one local Spark session
per process (2 cores, UTC, quiet), started on first use and stopped at exit or by
`stop_spark`. Rows come back through Arrow, never pandas, so every timestamp a
workspace can hold arrives unchanged.

Engine-neutral expressions
--------------------------
Ibis 12 compiles one expression for DuckDB and for Spark 4.0; these are where the
two agree and where they do not. Each rule is proven on both engines by the test
named after it in `tests/workspace/test_engine_rules.py`.

Agree (use freely):

- `median()`, `quantile(p)` of numbers: exact, interpolated linearly between ranks
  (DuckDB `percentile_cont`, Spark `percentile`), also grouped and with `where`.
  Not of timestamps: DuckDB picks a row, Spark refuses. Take quantiles of durations
  in seconds. (`test_median_and_quantile_are_exact_and_interpolated_on_both`,
  `test_quantile_of_timestamps_works_on_duckdb_only`)
- `nunique()`, with or without `where`: an exact count distinct. (`test_nunique_is_exact`)
- `count`, `sum`, `mean`, `std`, `var`, booleans summed or averaged; floats agree to
  about 1e-15 relative, not bit for bit (summation order, `log10` and the like):
  compare floats with a tolerance. An aggregate of no rows is NULL, a count 0.
  (`test_integer_float_and_boolean_aggregates_agree`,
  `test_floating_functions_differ_in_the_last_bits`,
  `test_aggregates_of_nothing_are_null_and_counts_zero`)
- `ibis.memtable` joined to source tables, timestamps included; build it from a
  pyarrow table (a dict goes through pandas). (`test_memtables_join_source_tables`)
- Inequality (range) joins, inner and left. (`test_inequality_joins_agree_inner_and_left`)
- `row_number()` (from 0), `lag`, `lead`, running sums over `group_by="ticket_id",
  order_by="seq"`, and `rank`/`dense_rank` with ties. The order must be total
  (ticket_id, seq is): Spark numbers tied rows arbitrarily.
  (`test_window_functions_over_ticket_and_seq_agree`, `test_rank_with_ties_agrees`)
- `truncate` to year, month, week (Monday), day and hour, `date()`, `hour()`,
  `day_of_week`, `quarter()`, `week_of_year()`: both sessions run in UTC, so shift
  to local time explicitly before taking local periods.
  (`test_truncate_and_date_parts_agree`)
- Timestamp literals (naive ones are UTC, aware ones, Python datetimes) and adding
  `ibis.interval(days=..., hours=...)`. (`test_timestamp_literals_and_interval_arithmetic_agree`)
- `/` divides as floats; `//` floors and `%` keeps the dividend's sign, negatives too.
  (`test_division_floor_division_and_modulo_agree`)
- Sorting: NULLs last both ascending and descending (`nulls_first=True` is honoured);
  strings by code point (B < Z < a < z < ä); `lower`/`upper` handle ä and ö.
  (`test_nulls_sort_last_both_ways`, `test_strings_sort_by_code_point`,
  `test_string_functions_agree`)

Differ (avoid, or use the form given):

- Durations: `delta(unit="second"/"minute"/"hour"/"day")` counts unit boundaries
  crossed on DuckDB and whole units elapsed on Spark, and `epoch_seconds()` keeps
  fractions on DuckDB but floors on Spark, so both agree only on whole-second
  timestamps. Exact on both: `end.delta(start, unit="microsecond").cast("float64") / 1e6`
  seconds. (`test_delta_differs_above_microseconds`,
  `test_epoch_seconds_differ_below_a_second`, `test_durations_on_the_real_log_agree`)
- An interval (`end - start`) cannot be a result column: DuckDB's cannot become
  Arrow. Return numbers. (`test_intervals_are_not_results`)
- Division by zero: DuckDB gives ±inf, Spark (ANSI mode, pinned on) raises. Guard
  every divisor: `x / y.nullif(0)` is NULL on both.
  (`test_division_by_zero_differs_unless_the_divisor_is_guarded`)
- `cast("int64")` of a float rounds on DuckDB and truncates on Spark: say which with
  `floor()`, `ceil()` or `round()` (half away from zero on both).
  (`test_float_to_integer_cast_differs_use_floor_ceil_or_round`)
- `round(digits)` rounds the decimal text on Spark (1.005 → 1.01) and the binary
  double on DuckDB (1.0): round for display, outside the expression.
  (`test_rounding_to_digits_differs`)
- `first()`/`last()` over a window: DuckDB keeps a leading NULL, Spark skips NULLs.
  Join the row with `seq == 1` (or the max seq) instead.
  (`test_first_value_over_a_window_differs_on_nulls_join_the_first_row`)
- `argmin`/`argmax` with tied keys pick different rows: make the key unique.
  (`test_argmax_with_ties_differs_unless_the_key_is_unique`)
- `approx_nunique`, `approx_median`, `approx_quantile`: different algorithms.
  (`test_approximate_aggregates_differ`)
- Not compiled for Spark: `asof_join` (use a range join and the max seq, as in
  `test_asof_join_is_not_supported_on_spark_use_a_range_join`), `mode()`, and
  `first(order_by=...)` or other ordered aggregates
  (`test_mode_and_ordered_first_do_not_compile_for_spark`).
- Row order without `order_by`, and `limit` without a total order, are arbitrary.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.formats.pyarrow import PyArrowData

from karsta.i18n import Message
from karsta.workspace import WorkspaceError
from karsta.workspace.parquet import conform, export_file, export_folder
from karsta.workspace.source import Closing

SPARK_MEMORY_ENV = "KARSTA_SPARK_MEMORY"
DEFAULT_SPARK_MEMORY = "4g"
MIN_JAVA = 17

_LOG4J2 = """\
# Errors only. org.apache.spark is named as well: Spark announces a "default log level"
# on stderr unless its own level equals the root's.
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.spark.name = org.apache.spark
logger.spark.level = error
"""

_lock = threading.Lock()
_session: Any = None
_scratch: Path | None = None


def java_major(version_text: str) -> int | None:
    """Return the major version in `java -version` output ("1.8.0" is 8), or None."""
    found = re.search(r'version "(\d+)(?:\.(\d+))?', version_text)
    if not found:
        return None
    major = int(found[1])
    return int(found[2] or 0) if major == 1 else major


@functools.cache
def spark_missing() -> str | None:
    """Return why Spark cannot run here (no pyspark, no Java 17+), or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'karsta[spark]')"
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if java is None or not Path(java).exists():
        return "no Java runtime (install Java 17, e.g. openjdk-17-jre-headless)"
    try:
        shown = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{java} does not run ({exc})"
    major = java_major(shown.stderr + shown.stdout)
    if major is None or major < MIN_JAVA:
        found = f"Java {major}" if major else f"an unknown Java at {java}"
        return f"Spark 4 needs Java {MIN_JAVA} or newer, found {found}"
    return None


def spark_conf(scratch: Path) -> dict[str, str]:
    """Return the settings of the local session: small, quiet, UTC, on the loopback."""
    return {
        "spark.master": "local[2]",
        "spark.app.name": "karsta",
        "spark.driver.memory": os.environ.get(SPARK_MEMORY_ENV, DEFAULT_SPARK_MEMORY),
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.extraJavaOptions": (
            f"-Dlog4j2.configurationFile=file:{scratch / 'log4j2.properties'}"
        ),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "4",
        "spark.default.parallelism": "2",
        "spark.sql.warehouse.dir": str(scratch / "warehouse"),
        "spark.local.dir": str(scratch / "local"),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        # Spark 4's default, pinned: overflow and division by zero raise instead of
        # giving NULL, so an unguarded expression fails loudly rather than differing.
        "spark.sql.ansi.enabled": "true",
        # Timestamps are read as written (proleptic Gregorian, as DuckDB writes them),
        # also before 1900, instead of failing over the old hybrid calendar.
        "spark.sql.parquet.datetimeRebaseModeInRead": "CORRECTED",
        "spark.sql.parquet.int96RebaseModeInRead": "CORRECTED",
    }


def spark_session() -> Any:
    """Return the process's Spark session, starting it on first use."""
    global _session, _scratch
    with _lock:
        if _session is None:
            missing = spark_missing()
            if missing:
                raise WorkspaceError(Message("Spark cannot run here: {missing}.", missing=missing))
            from pyspark.sql import SparkSession

            _scratch = Path(tempfile.mkdtemp(prefix="karsta-spark-"))
            (_scratch / "log4j2.properties").write_text(_LOG4J2, encoding="utf-8")
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            builder = SparkSession.builder
            for key, value in spark_conf(_scratch).items():
                builder = builder.config(key, value)
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
            _quiet_python_loggers()
            atexit.register(stop_spark)
        return _session


def _quiet_python_loggers() -> None:
    """Silence PySpark's loggers that print a failed query's error before it is raised."""
    import logging

    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)


def stop_spark() -> None:
    """Stop the process's Spark session, if one runs, and remove its scratch folder."""
    global _session, _scratch
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None
        if _scratch is not None:
            shutil.rmtree(_scratch, ignore_errors=True)
            _scratch = None


class SparkSource(Closing):
    """Canonical tables of a Parquet export folder, run on Spark."""

    _sources = 0

    def __init__(self, folder: str | Path) -> None:
        self.folder = export_folder(folder)
        self._backend = ibis.pyspark.connect(spark_session())
        SparkSource._sources += 1
        self._prefix = f"karsta_{SparkSource._sources}_"
        self._tables: dict[str, ir.Table] = {}

    @property
    def label(self) -> str:
        """Return the export folder, as results name their source."""
        return str(self.folder)

    def table(self, name: str) -> ir.Table:
        """Return a canonical table as an Ibis expression with the workspace's types."""
        if name not in self._tables:
            path = export_file(self.folder, name)
            raw = self._backend.read_parquet(path, table_name=self._prefix + name)
            self._tables[name] = conform(raw, name, self.label)
        return self._tables[name]

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run an expression on Spark and return the rows, typed as the expression says.

        Rows come straight from Spark as Arrow (not through pandas, whose nanosecond
        timestamps end in 1677 and 2262), so every timestamp arrives to the microsecond.
        """
        table = expr.as_table()
        backend = self._backend
        backend._run_pre_execute_hooks(table)  # registers memtables (and UDFs) with Spark
        frame = backend.raw_sql(backend.compile(table))
        result: pa.Table = PyArrowData.convert_table(frame.toArrow(), table.schema())
        return result

    def close(self) -> None:
        """Forget this source's tables; the session stays for the process."""
        if _session is not None:
            for name in self._tables:
                _session.catalog.dropTempView(self._prefix + name)
        self._tables.clear()
