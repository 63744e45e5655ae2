"""Measurement periods as local-calendar boundaries, turned into UTC instants.

A month in Helsinki starts at local midnight, not at 00:00 UTC, so periods are
built here in Python in the service's time zone and handed to the engine as a
small table (label, start, end) to join against. Every engine then assigns a
timestamp to the same period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

import pyarrow as pa

PeriodKind = Literal["day", "week", "month", "quarter", "year"]
PERIOD_KINDS: tuple[str, ...] = get_args(PeriodKind)


def period_start(day: date, kind: PeriodKind) -> date:
    """Return the first day of the period of `kind` that contains `day`."""
    if kind == "day":
        return day
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def next_period(start: date, kind: PeriodKind) -> date:
    """Return the first day of the period after the one starting `start`."""
    if kind == "day":
        return start + timedelta(days=1)
    if kind == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_label(start: date, kind: PeriodKind) -> str:
    """Return a period's label: 2016-03-07, 2016-W10, 2016-03, 2016-Q1 or 2016."""
    if kind == "day":
        return start.isoformat()
    if kind == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


@dataclass(frozen=True, slots=True)
class Period:
    """One measurement period: its label and its bounds as UTC instants [start, end)."""

    label: str
    start: datetime
    end: datetime


def periods_between(first: date, last: date, kind: PeriodKind, timezone: str) -> list[Period]:
    """Return the periods of `kind` covering local dates first..last, in order."""
    zone = ZoneInfo(timezone)

    def instant(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)

    periods = []
    start = period_start(first, kind)
    while start <= last:
        end = next_period(start, kind)
        periods.append(Period(period_label(start, kind), instant(start), instant(end)))
        start = end
    return periods


def periods_table(periods: list[Period]) -> pa.Table:
    """Return periods as an Arrow table: period, period_start, period_end (UTC µs)."""
    stamp = pa.timestamp("us", tz="UTC")
    return pa.table(
        {
            "period": pa.array([p.label for p in periods], pa.string()),
            "period_start": pa.array([p.start for p in periods], stamp),
            "period_end": pa.array([p.end for p in periods], stamp),
        }
    )
