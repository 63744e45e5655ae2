"""Engine parity: run one Ibis expression on every engine and compare the rows.

The sources are built once per test process from the real ServiceNow log: the
DuckDB workspace it imports into, its Parquet export read by DuckDB, and the
same export read by Spark. Tests must not close them or write to them.

    from tests.parity import assert_same_results

    @pytest.mark.spark
    def test_o2_on_every_engine() -> None:
        assert_same_results(lambda source: time_to_resolve_table(source))

Without pyspark, Java or ../shared/data a test that needs them is skipped on a
developer machine and fails in CI (the `CI` environment variable is set).
"""

from __future__ import annotations

import atexit
import functools
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from karsta.ingest import import_file, load_preset
from karsta.workspace import TableSource, Workspace
from karsta.workspace.parquet import ParquetSource

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SERVICENOW = DATA / "servicenow-incidents" / "incident_event_log.csv.gz"
REL = 1e-9
"""Relative tolerance for floats: engines sum in different orders."""
ABS = 1e-12
"""Absolute tolerance for floats near zero."""

Build = Callable[[TableSource], ir.Table]


def unavailable(reason: str) -> NoReturn:
    """Skip the test on a developer machine; fail it in CI, where everything must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


def require_spark() -> None:
    """Make sure Spark can run here (see `unavailable`)."""
    from karsta.workspace.spark import spark_missing

    missing = spark_missing()
    if missing:
        unavailable(f"Spark cannot run: {missing}")


@functools.cache
def scratch() -> Path:
    """Return a folder for this test process, removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="karsta-parity-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@functools.cache
def servicenow_workspace() -> Workspace:
    """Return the real ServiceNow log imported with the servicenow preset (once per process)."""
    if not SERVICENOW.exists():
        unavailable(f"the real ServiceNow log is not at {SERVICENOW}")
    ws = Workspace.open(scratch() / "servicenow.karsta")
    import_file(SERVICENOW, workspace=ws, mapping=load_preset("servicenow"))
    atexit.register(ws.close)
    return ws


@functools.cache
def servicenow_export() -> Path:
    """Return the folder of the workspace's Parquet export, as `karsta export` writes it."""
    folder = scratch() / "export"
    servicenow_workspace().export(folder, fmt="parquet")
    return folder


@functools.cache
def parquet_source() -> ParquetSource:
    """Return the export read by an in-memory DuckDB."""
    source = ParquetSource(servicenow_export())
    atexit.register(source.close)
    return source


@functools.cache
def spark_source() -> TableSource:
    """Return the export read by Spark in local mode (one session per process)."""
    require_spark()
    from karsta.workspace.spark import SparkSource

    return SparkSource(servicenow_export())


def engine_sources(*, spark: bool = True) -> dict[str, TableSource]:
    """Return the sources to compare, by name: DuckDB workspace, DuckDB on Parquet, Spark."""
    sources: dict[str, TableSource] = {
        "duckdb": servicenow_workspace(),
        "duckdb-parquet": parquet_source(),
    }
    if spark:
        sources["spark"] = spark_source()
    return sources


def run_everywhere(
    build: Build, sources: Mapping[str, TableSource] | None = None
) -> dict[str, pa.Table]:
    """Build the expression on each source and run it there; return the rows by source name."""
    sources = engine_sources() if sources is None else sources
    return {name: source.to_arrow(build(source)) for name, source in sources.items()}


def _sort_key(value: Any) -> tuple[Any, ...]:
    """Return a key ordering values of one column; floats rounded so tiny noise keeps order."""
    if value is None:
        return (1,)
    if isinstance(value, float):
        return (0, 0.0) if math.isnan(value) else (0, float(f"{value:.9g}"))
    if isinstance(value, list | tuple):
        return (0, tuple(_sort_key(v) for v in value))
    if isinstance(value, dict):
        return (0, tuple((k, _sort_key(v)) for k, v in sorted(value.items())))
    return (0, value)


def _sorted_by_arrow(table: pa.Table) -> pa.Table | None:
    """Return the table sorted by every column, or None where Arrow cannot sort a type."""
    keys = [(name, "ascending") for name in table.column_names]
    try:
        return table.take(pc.sort_indices(table, sort_keys=keys))
    except (pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


def _identical(expected: pa.Table, actual: pa.Table) -> bool:
    """Return whether two results hold the same values bit for bit, in any row order."""
    if expected.schema.types != actual.schema.types or expected.num_rows != actual.num_rows:
        return False
    a, b = _sorted_by_arrow(expected), _sorted_by_arrow(actual)
    return (
        a is not None
        and b is not None
        and all(x.equals(y) for x, y in zip(a.columns, b.columns, strict=True))
    )


def sorted_rows(table: pa.Table) -> list[dict[str, Any]]:
    """Return the rows as dicts, sorted by every column in order."""
    rows: list[dict[str, Any]] = table.to_pylist()
    return sorted(rows, key=lambda row: tuple(_sort_key(v) for v in row.values()))


def same_value(left: Any, right: Any, *, rel: float = REL, abs_tol: float = ABS) -> bool:
    """Return whether two values are equal: exactly, or floats within `rel` (NaN equals NaN)."""
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=rel, abs_tol=abs_tol)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            same_value(a, b, rel=rel, abs_tol=abs_tol) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(
            same_value(left[k], right[k], rel=rel, abs_tol=abs_tol) for k in left
        )
    return bool(type(left) is type(right) and left == right)


def differences(
    expected: pa.Table,
    actual: pa.Table,
    *,
    names: tuple[str, str] = ("expected", "actual"),
    rel: float = REL,
    abs_tol: float = ABS,
    limit: int = 10,
) -> list[str]:
    """Return how two results differ (columns, types, row count, values), empty when equal.

    Rows are compared after sorting both by every column, so row order never matters.
    """
    a, b = names
    if expected.column_names == actual.column_names and _identical(expected, actual):
        return []
    if expected.column_names != actual.column_names:
        return [f"columns differ: {a} {expected.column_names}, {b} {actual.column_names}"]
    found = [
        f"column {field.name!r}: {a} {field.type}, {b} {other.type}"
        for field, other in zip(expected.schema, actual.schema, strict=True)
        if field.type != other.type
    ]
    if expected.num_rows != actual.num_rows:
        return [*found, f"row count: {a} {expected.num_rows}, {b} {actual.num_rows}"]
    for i, (x, y) in enumerate(zip(sorted_rows(expected), sorted_rows(actual), strict=True)):
        wrong = [c for c in x if not same_value(x[c], y[c], rel=rel, abs_tol=abs_tol)]
        if wrong:
            context = {c: x[c] for c in x if c not in wrong and not isinstance(x[c], float)}
            values = ", ".join(f"{c}: {a} {x[c]!r}, {b} {y[c]!r}" for c in wrong)
            found.append(f"sorted row {i} {context}: {values}")
            if len(found) >= limit:
                found.append("... (further differences not shown)")
                break
    return found


def assert_same_results(
    build: Build,
    *,
    sources: Mapping[str, TableSource] | None = None,
    rel: float = REL,
    min_rows: int = 1,
) -> pa.Table:
    """Run `build` on every engine and assert identical rows; return them sorted.

    Strings, integers, booleans, dates and timestamps must be equal exactly; floats
    within `rel`. `min_rows` guards against comparing two empty results.
    """
    results = run_everywhere(build, sources)
    (first, expected), *others = results.items()
    report = [
        f"{first} vs {name}: {line}"
        for name, actual in others
        for line in differences(expected, actual, names=(first, name), rel=rel)
    ]
    assert not report, "engines disagree:\n" + "\n".join(report)
    assert expected.num_rows >= min_rows, (
        f"only {expected.num_rows} rows on every engine; expected at least {min_rows}"
    )
    return pa.Table.from_pylist(sorted_rows(expected), schema=expected.schema)
