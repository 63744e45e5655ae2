"""Helpers every metric shares: durations between timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

import ibis
import pyarrow as pa

from karsta.metrics.inputs import seconds_between


def test_seconds_between_keeps_fractions_and_sign() -> None:
    stamp = pa.timestamp("us", tz="UTC")
    table = ibis.memtable(
        pa.table(
            {
                "a": pa.array([datetime(2024, 3, 4, 8, 0, 0, 250_000, tzinfo=UTC)] * 2, stamp),
                "b": pa.array(
                    [
                        datetime(2024, 3, 4, 8, 0, 1, 750_000, tzinfo=UTC),
                        datetime(2024, 3, 4, 7, 59, 59, 750_000, tzinfo=UTC),
                    ],
                    stamp,
                ),
            }
        )
    )
    result = table.select(s=seconds_between(table.a, table.b)).to_pyarrow()
    assert result.column("s").to_pylist() == [1.5, -0.5]
