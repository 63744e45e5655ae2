"""Time between two instants, as metrics and process views measure it."""

from __future__ import annotations

import ibis.expr.types as ir

BUSY_PERIOD_SHARE = 0.25
"""A period (a month, a week) is complete enough to show as "the latest" and to scale a year
from when it received at least this share of the busiest period's tickets. The scorecard's
default period and the waste's observed period follow the same rule."""


def seconds_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.FloatingValue:
    """Return end - start in seconds, exact to the microsecond on every engine.

    Not `epoch_seconds()` (Spark drops the fraction) nor `delta` in seconds
    (DuckDB counts boundaries crossed): a microsecond delta means the same everywhere.
    """
    return end.delta(start, unit="microsecond").cast("float64") / 1e6
