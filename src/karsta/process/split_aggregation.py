"""Figures per key computed by separate aggregations of the same rows, joined on the keys.

Exact distinct counts and exact quantiles in one aggregation hold both kinds of state
for every group at once: over 100 million events DuckDB runs out of memory. Two
aggregations joined in one query are no better, since the engine then materialises
the rows they share. Run apart, each stays within memory and the joined result is
small (one row per key), so `run` executes the parts one after the other and joins
them in Arrow; `expr` is the same result as one expression, for the record and for
engines that plan it well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

_ORDER = "__order"


@dataclass(frozen=True)
class SplitAggregation:
    """Aggregations over the same `keys`; the first gives the rows and their order."""

    parts: tuple[ir.Table, ...]
    keys: tuple[str, ...]
    order: tuple[str | ir.Value, ...] = ()
    """`order_by` arguments applied to the first part (and to the joined expression)."""
    leading: tuple[str, ...] = ()
    """Columns that come first in the result, in this order; the others follow as joined."""

    def first(self) -> ir.Table:
        """Return the first part in its order."""
        head = self.parts[0]
        return head.order_by(*self.order) if self.order else head

    def expr(self) -> ir.Table:
        """Return the whole result as one expression: the first part with the others' columns."""
        joined = self.parts[0]
        for part in self.parts[1:]:
            joined = joined.left_join(part, list(self.keys)).drop(
                *(f"{key}_right" for key in self.keys)
            )
        joined = joined.select(*self._columns(joined.columns))
        return joined.order_by(*self.order) if self.order else joined

    def run(self, to_arrow: Callable[[ir.Table], pa.Table]) -> pa.Table:
        """Execute each part apart with `to_arrow` and join them in the first part's order."""
        result = to_arrow(self.first())
        for part in self.parts[1:]:
            result = joined_in_order(result, to_arrow(part), self.keys)
        return result.select(self._columns(result.column_names))

    def _columns(self, names: Sequence[str]) -> list[str]:
        """Return `names` with the leading columns first."""
        return [*self.leading, *(n for n in names if n not in self.leading)]


def joined_in_order(first: pa.Table, other: pa.Table, keys: Sequence[str]) -> pa.Table:
    """Return `first`'s rows in their order with `other`'s columns matched on `keys`."""
    numbered = first.append_column(_ORDER, pa.array(range(first.num_rows), pa.int64()))
    joined = numbered.join(other, list(keys), join_type="left outer")
    joined = joined.take(pc.sort_indices(joined[_ORDER]))
    columns = [*first.column_names, *(c for c in other.column_names if c not in keys)]
    return joined.select(columns)
