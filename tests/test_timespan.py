"""Time between two instants."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb
import ibis
import pyarrow as pa
import pytest

from karsta.timespan import seconds_between
from karsta.workspace.duckdb_backend import duckdb_backend

STAMP = pa.timestamp("us", tz="UTC")


def _instants() -> pa.Table:
    start = datetime(2024, 3, 4, 8, 0, 0, 250_000, tzinfo=UTC)
    return pa.table(
        {
            "a": pa.array([start] * 2, STAMP),
            "b": pa.array(
                [
                    datetime(2024, 3, 4, 8, 0, 1, 750_000, tzinfo=UTC),
                    datetime(2024, 3, 4, 7, 59, 59, 750_000, tzinfo=UTC),
                ],
                STAMP,
            ),
        }
    )


def _stock_backend() -> Any:
    return ibis.duckdb.connect()


def _workspace_backend() -> Any:
    return duckdb_backend(duckdb.connect(":memory:"))


@pytest.mark.parametrize("backend", [_stock_backend, _workspace_backend], ids=["ibis", "karsta"])
def test_seconds_between_keeps_fractions_and_sign(backend: Any) -> None:
    con = backend()
    table = ibis.memtable(_instants())
    result = con.to_pyarrow(table.select(s=seconds_between(table.a, table.b)))
    assert result.column("s").to_pylist() == [1.5, -0.5]
