"""What every process result offers: its rows as Arrow or pandas, and the Ibis expression."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from karsta.i18n import _


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
    """Return a duration for people: '45 s', '12 min', '3.2 h' or '4.1 d' ('–' if unknown)."""
    if seconds is None or math.isnan(seconds):
        return "–"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return _("{days:.1f} d").format(days=seconds / 86_400)
