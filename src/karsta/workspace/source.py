"""The one boundary between analyses and engines: a source of canonical tables.

Analyses (metrics, process) take a `TableSource` and build Ibis expressions on
its tables. A DuckDB workspace is one source; the Parquet export read by Spark
is another. Nothing above this boundary asks which engine it got.
"""

from __future__ import annotations

from typing import Protocol, Self, runtime_checkable

import ibis.expr.types as ir
import pyarrow as pa


@runtime_checkable
class TableSource(Protocol):
    """Canonical tables as Ibis expressions, and a way to run them."""

    @property
    def label(self) -> str:
        """Return what to call the source in results (the workspace path or export folder)."""
        ...

    def table(self, name: str) -> ir.Table:
        """Return a canonical table as an Ibis expression."""
        ...

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run an expression on this source's engine and return the rows."""
        ...


class Closing:
    """Mixin for sources that hold an engine open: `with source:` closes it at the end."""

    def close(self) -> None:
        """Release what the source holds."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
