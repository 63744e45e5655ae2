"""The DuckDB backend's compiler: epochs of instants without calendar arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import hypothesis.strategies as st
import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings

from karsta.workspace.duckdb_backend import duckdb_backend

BACKEND = duckdb_backend(duckdb.connect(":memory:"))
STOCK = ibis.duckdb.connect()
INSTANT = pa.timestamp("us", tz="Europe/Helsinki")
LOCAL = pa.timestamp("us")


def _table(starts: list[datetime], ends: list[datetime], kind: pa.DataType) -> ibis.Table:
    return ibis.memtable(pa.table({"a": pa.array(starts, kind), "b": pa.array(ends, kind)}))


def _expressions(t: ibis.Table) -> ibis.Table:
    return t.select(
        us=t.b.delta(t.a, unit="microsecond"),
        s=(t.b.epoch_seconds() - t.a.epoch_seconds()).cast("float64"),
    )


def test_instants_compile_to_epochs() -> None:
    sql = str(BACKEND.compile(_expressions(_table([], [], INSTANT))))
    assert "EPOCH_US" in sql
    assert "DATE_DIFF" not in sql.upper()
    assert "AS TIMESTAMP" not in sql.upper()


def test_local_timestamps_keep_ibis_sql() -> None:
    expr = _expressions(_table([], [], LOCAL))
    assert str(BACKEND.compile(expr)) == str(STOCK.compile(expr))


moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(moments, st.timedeltas(timedelta(days=-400), timedelta(days=400)))))
def test_same_values_as_ibis(pairs: list[tuple[datetime, timedelta]]) -> None:
    """Across daylight-saving changes and fractions, both compilers give the same durations.

    Microseconds are equal; seconds from two epochs as floats agree to their precision.
    """
    starts = [start for start, _ in pairs]
    ends = [start + gap for start, gap in pairs]
    for kind in (INSTANT, LOCAL):
        values = [e.replace(tzinfo=None) for e in ends] if kind == LOCAL else ends
        firsts = [s.replace(tzinfo=None) for s in starts] if kind == LOCAL else starts
        expr = _expressions(_table(firsts, values, kind))
        ours, stock = BACKEND.to_pyarrow(expr), STOCK.to_pyarrow(expr)
        assert ours["us"].equals(stock["us"])
        assert ours["s"].to_pylist() == pytest.approx(stock["s"].to_pylist(), abs=1e-5)
