"""Arrivals and handling time per interval (30 minutes by default), in local time.

The engine counts per interval of UTC time (the arrival's epoch seconds floored to
the interval), so the same expression runs on DuckDB and Spark; the interval starts
are then read in the workspace's time zone. That is exact for a zone whose offset is
a whole number of intervals (every zone for 15 and 30 minutes but a few, such as
Nepal's); another zone is refused with a clear message.

The profile by weekday and time of day averages over every day of that weekday in the
range, days without a contact included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from karsta.channels.population import exclusions, realtime_contacts
from karsta.i18n import Message
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.workspace.source import TableSource


@dataclass(frozen=True)
class Interval:
    """Counts of one interval (a date and time of day, or a weekday and time of day)."""

    start: str
    """Local start: 'YYYY-MM-DD HH:MM' for a dated interval, 'HH:MM' in a profile."""
    weekday: int
    """ISO weekday of the start: 1 = Monday … 7 = Sunday."""
    offered: float
    """Contacts offered to an agent (answered + abandoned); a profile's mean per day."""
    answered: float
    abandoned: float
    handled: int
    """Answered contacts with a talk time (the handling time's population)."""
    handling_seconds_sum: float
    s1_population: int
    s1_within: int
    agents: float
    """Distinct agents who answered in the interval (a profile's mean over days with calls)."""
    days: int = 1
    """Days averaged (profile), 1 for a dated interval."""

    @property
    def aht_seconds(self) -> float | None:
        """Return the mean handling time, None without a handled contact."""
        return self.handling_seconds_sum / self.handled if self.handled else None

    @property
    def observed_service_level(self) -> float | None:
        """Return S1's share (0–1) in the interval, None without a counted contact."""
        return self.s1_within / self.s1_population if self.s1_population else None

    def to_dict(self) -> dict[str, Any]:
        """Return the interval as JSON-ready data, with its mean handling time and S1 share."""
        return {
            **asdict(self),
            "aht_seconds": self.aht_seconds,
            "observed_service_level": self.observed_service_level,
        }


@dataclass(frozen=True)
class IntervalTable:
    """Arrivals and handling per interval: dated intervals and the weekday profile."""

    interval_minutes: int
    timezone: str
    dated: list[Interval]
    profile: list[Interval]
    excluded: dict[str, int] = field(default_factory=dict)
    """Contacts left out, by reason (phantom records, routing counted as excluded, ...)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the table as JSON-ready data."""
        return {
            "interval_minutes": self.interval_minutes,
            "timezone": self.timezone,
            "excluded": dict(self.excluded),
            "dated": [i.to_dict() for i in self.dated],
            "profile": [i.to_dict() for i in self.profile],
        }


def per_utc_interval(contacts: ir.Table, seconds: int) -> ir.Table:
    """Return one row per UTC interval with the counts of the contacts arriving in it."""
    bucket = (contacts.arrived_at.epoch_seconds() / seconds).floor().cast("int64")
    t = contacts.mutate(_bucket=bucket)
    return t.group_by("_bucket").aggregate(
        offered=t.offered.cast("int64").sum(),
        answered=t.answered.cast("int64").sum(),
        abandoned=t.abandoned.cast("int64").sum(),
        handled=t.handled.cast("int64").sum(),
        handling_seconds_sum=t.handling_seconds.sum().fill_null(0.0),
        s1_population=t.s1_member.cast("int64").sum(),
        s1_within=t.within_target.cast("int64").sum(),
        agents=ibis.cases((t.answered, t.agent), else_=ibis.null("string")).nunique(),
    )


def interval_table(
    source: TableSource, options: MetricOptions | None = None, *, minutes: int = 30
) -> IntervalTable:
    """Return arrivals, handling and S1 per interval of `minutes`, in the run's time zone."""
    options = options or MetricOptions()
    if minutes <= 0 or 1440 % minutes:
        raise ValueError(Message("The interval must divide a day: 15, 30 or 60 minutes."))
    inputs = MetricInputs(source, options)
    contacts = realtime_contacts(inputs)
    seconds = minutes * 60
    realtime = contacts.filter(contacts.realtime)
    rows = source.to_arrow(per_utc_interval(realtime, seconds)).to_pylist()
    zone = ZoneInfo(options.timezone)
    dated = []
    for row in sorted(rows, key=lambda r: int(r["_bucket"])):
        start = datetime.fromtimestamp(int(row["_bucket"]) * seconds, UTC).astimezone(zone)
        offset = start.utcoffset() or timedelta(0)
        if offset.total_seconds() % seconds:
            raise ValueError(
                Message(
                    "The time zone {zone} is not a whole number of {minutes}-minute intervals "
                    "from UTC: choose another interval.",
                    zone=options.timezone,
                    minutes=str(minutes),
                )
            )
        dated.append(
            Interval(
                start=start.strftime("%Y-%m-%d %H:%M"),
                weekday=start.isoweekday(),
                offered=float(row["offered"] or 0),
                answered=float(row["answered"] or 0),
                abandoned=float(row["abandoned"] or 0),
                handled=int(row["handled"] or 0),
                handling_seconds_sum=float(row["handling_seconds_sum"] or 0.0),
                s1_population=int(row["s1_population"] or 0),
                s1_within=int(row["s1_within"] or 0),
                agents=float(row["agents"] or 0),
            )
        )
    return IntervalTable(
        interval_minutes=minutes,
        timezone=options.timezone,
        dated=dated,
        profile=weekday_profile(dated, _days(dated, options, zone)),
        excluded=exclusions(inputs, contacts),
    )


def _days(dated: list[Interval], options: MetricOptions, zone: ZoneInfo) -> list[date]:
    """Return every local date of the range: since/until where given, else the data's."""
    if not dated:
        return []
    first = options.since.astimezone(zone).date() if options.since else _date(dated[0])
    if options.until:
        last = (options.until - timedelta(microseconds=1)).astimezone(zone).date()
    else:
        last = _date(dated[-1])
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _date(interval: Interval) -> date:
    return date.fromisoformat(interval.start[:10])


def weekday_profile(dated: list[Interval], days: list[date]) -> list[Interval]:
    """Return the mean day per weekday and time of day (days without contacts count as 0)."""
    per_weekday: dict[int, int] = defaultdict(int)
    for day in days:
        per_weekday[day.isoweekday()] += 1
    slots: dict[tuple[int, str], list[Interval]] = defaultdict(list)
    for interval in dated:
        slots[interval.weekday, interval.start[11:]].append(interval)
    profile = []
    for (weekday, clock), found in sorted(slots.items()):
        n = per_weekday.get(weekday) or len(found)
        staffed = [i.agents for i in found if i.answered]
        profile.append(
            Interval(
                start=clock,
                weekday=weekday,
                offered=sum(i.offered for i in found) / n,
                answered=sum(i.answered for i in found) / n,
                abandoned=sum(i.abandoned for i in found) / n,
                handled=sum(i.handled for i in found),
                handling_seconds_sum=sum(i.handling_seconds_sum for i in found),
                s1_population=sum(i.s1_population for i in found),
                s1_within=sum(i.s1_within for i in found),
                agents=sum(staffed) / len(staffed) if staffed else 0.0,
                days=n,
            )
        )
    return profile
