"""What every process result offers: its rows as Arrow or pandas, and the Ibis expression."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from karsta.formatting import duration


def records(table: pa.Table) -> list[dict[str, Any]]:
    """Return the rows of a table as JSON-ready dicts (NaN becomes None)."""
    rows: list[dict[str, Any]] = table.to_pylist()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                row[key] = None
    return rows


@dataclass(frozen=True)
class TableResult:
    """A result whose main rows are one table, with the expression that computed them."""

    table: pa.Table
    expr: ir.Table

    def to_arrow(self) -> pa.Table:
        """Return the main rows as an Arrow table."""
        return self.table

    def to_pandas(self) -> Any:
        """Return the main rows as a pandas DataFrame (needs pandas installed)."""
        return self.table.to_pandas()


def duration_text(seconds: float | None) -> str:
    """Return a duration for people in the current language: '45 s', '3,2 h', '14 967 d'."""
    return duration(seconds)
