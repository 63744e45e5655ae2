"""The canonical tables of a Parquet export, read by Spark (PySpark local mode) through Ibis.

`SparkSource` is a `TableSource` over the folder `karsta export --format parquet`
writes: one `<table>.parquet` per canonical table. It runs in one Spark session
per process, started on first use and stopped at exit (or by `stop_spark`).

Rules for engine-neutral expressions: see the section below; tests in
`tests/workspace/test_engine_rules.py` prove each one on both engines.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.formats.pyarrow import PyArrowData

from karsta.workspace import WorkspaceError
from karsta.workspace.parquet import conform, export_file, export_folder

SPARK_MEMORY_ENV = "KARSTA_SPARK_MEMORY"
DEFAULT_SPARK_MEMORY = "4g"

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


def spark_missing() -> str | None:
    """Return why Spark cannot run here (no pyspark, no Java), or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'karsta[spark]')"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java runtime (install Java 17, e.g. openjdk-17-jre-headless)"
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
                raise WorkspaceError(f"Spark cannot run here: {missing}.")
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


class SparkSource:
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

    def __enter__(self) -> SparkSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
