"""The Ibis backend of a DuckDB connection, as every DuckDB source of Karsta uses it.

Karsta stores instants as `TIMESTAMP WITH TIME ZONE`. Ibis's DuckDB SQL takes the
difference of two instants with `date_diff` and the epoch of one through a cast to
a local timestamp; on that type both go through DuckDB's calendar code, about ten
times slower than reading the instant's epoch. The compiler here asks DuckDB for
the epoch directly (`epoch`, `epoch_us`): the same values, exact to the
microsecond, without the calendar.
"""

from __future__ import annotations

from typing import Any

import duckdb
import ibis
import ibis.expr.operations as ops
from ibis.backends.sql.compilers.duckdb import DuckDBCompiler


def _is_instant(op: ops.Value) -> bool:
    """Return whether an operand is a timestamp with a time zone."""
    dtype = op.dtype
    return bool(dtype.is_timestamp() and dtype.timezone is not None)


class InstantCompiler(DuckDBCompiler):  # type: ignore[misc]
    """DuckDB SQL that measures time between instants by their epoch."""

    def visit_TimestampDelta(  # noqa: N802 (Ibis names its visitors after operations)
        self, op: ops.TimestampDelta, *, part: Any, left: Any, right: Any
    ) -> Any:
        """Return `left - right` in microseconds as `epoch_us(left) - epoch_us(right)`."""
        unit = getattr(op.part, "value", None)
        if unit == "microsecond" and _is_instant(op.left) and _is_instant(op.right):
            return self.f.epoch_us(left) - self.f.epoch_us(right)
        return super().visit_TimestampDelta(op, part=part, left=left, right=right)

    def visit_ExtractEpochSeconds(self, op: ops.ExtractEpochSeconds, *, arg: Any) -> Any:  # noqa: N802
        """Return an instant's seconds since 1970 UTC without converting it to local time."""
        if _is_instant(op.arg):
            return self.f.epoch(arg)
        return super().visit_ExtractEpochSeconds(op, arg=arg)


def duckdb_backend(connection: duckdb.DuckDBPyConnection) -> Any:
    """Return the Ibis backend of `connection`, compiling with `InstantCompiler`."""
    backend = ibis.duckdb.from_connection(connection)
    backend.compiler = InstantCompiler()
    return backend
