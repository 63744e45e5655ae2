"""Service-hours clock on the engine: seconds of service time up to each event.

The calendar's cumulative service time B(t) is tabulated per UTC day as segments
(open or closed) with B at each segment's start. An event finds its one segment
with an equality join on its UTC date plus a range condition, so any engine runs it;
a wait in service hours is then B(next event) - B(event).
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from karsta.calendar import ServiceCalendar

_US = 1_000_000
_DAY_US = 86_400 * _US


def clock_segments(calendar: ServiceCalendar, first: date, last: date) -> pa.Table:
    """Return the service clock of UTC dates first..last as segments that tile each day.

    Columns: day (date32), segment_start and segment_end (timestamp[us, UTC]),
    service_before_s (service seconds from local midnight starting `first` to the
    segment's start) and open_s (service seconds inside the segment: 0 when closed).
    """
    hours = calendar.day_table(first - timedelta(days=1), last + timedelta(days=1))
    epoch_day = (first - date(1970, 1, 1)).days
    midnights = (np.arange(epoch_day, epoch_day + (last - first).days + 2) * _DAY_US).astype(
        np.int64
    )
    bounds = [midnights]
    for name in ("interval_start_utc", "interval_end_utc"):
        bounds.append(hours[name].cast(pa.int64()).to_numpy())
    points = np.unique(np.concatenate(bounds))
    points = points[(points >= midnights[0]) & (points <= midnights[-1])]
    starts, ends = points[:-1], points[1:]
    clock = calendar.cumulative_seconds(
        pa.array(points, pa.timestamp("us", tz="UTC")), origin=first
    )
    return pa.table(
        {
            "day": pa.array((starts // _DAY_US).astype(np.int32), pa.date32()),
            "segment_start": pa.array(starts, pa.timestamp("us", tz="UTC")),
            "segment_end": pa.array(ends, pa.timestamp("us", tz="UTC")),
            "service_before_s": clock[:-1],
            "open_s": clock[1:] - clock[:-1],
        }
    )


def with_service_clock(
    log: ir.Table, segments: pa.Table, *, column: str = "timestamp", name: str = "service_at_s"
) -> ir.Table:
    """Return `log` with `name`: service seconds up to `column` on the calendar's clock."""
    clock = ibis.memtable(segments)
    at = log[column]
    joined = log.left_join(
        clock,
        [at.date() == clock.day, clock.segment_start <= at, at < clock.segment_end],
    )
    # The joined table's own column: a filtered log's column does not resolve through the join.
    moment = joined[column]
    into = (moment.epoch_seconds() - joined.segment_start.epoch_seconds()).cast("float64")
    inside = ibis.least(into, joined.open_s)
    return joined.mutate(**{name: joined.service_before_s + inside}).drop(*clock.columns)
