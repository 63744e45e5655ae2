"""Service-hours calendars: SLA clocks that tick only during agreed service hours.

Service hours are local wall-clock hours in the calendar's time zone, so a day
08:00–16:00 is 8 h even on DST change days, while a 24/7 calendar counts real
elapsed time (23 h / 25 h on those days). Wall-clock semantics are exact: a
moment is in service when its local date is open and its local time of day lies
in one of that day's intervals (a repeated autumn hour can count twice, a
skipped spring hour never exists).

Durations come from a *day table*: every open interval of every local date as
UTC instants plus the service seconds before it, built once per call for the
dates present. Cumulative service time B(t) is then a binary search into that
table (`numpy.interp`, O(n log d)), and a duration is B(end) - B(start). Pause
time is subtracted the same way: ``business_duration(pause_starts, pause_ends)``
summed per ticket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as pyholidays
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from karsta.i18n import Message

Interval = tuple[time, time]
"""A (start, end) local time of day; an end of 00:00 means midnight at the end of the day."""
Hours = tuple[Interval, ...]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_US = timedelta(microseconds=1)
_US_PER_S = 1_000_000
_DAY = timedelta(days=1)
_WHOLE_DAY: Hours = ((time(0), time(0)),)
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FINNISH_DAYS = ("ma", "ti", "ke", "to", "pe", "la", "su")
_DAY_ALIASES = {
    alias: i
    for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    for alias in (name, name[:3], _FINNISH_DAYS[i])
}
_TIME_RANGE = re.compile(r"(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?")


def _since_midnight(t: time, *, end: bool = False) -> timedelta:
    """Return a time of day as time since midnight (an end of 00:00 is 24 h)."""
    if end and t == time(0):
        return _DAY
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _time_of(offset: timedelta) -> time:
    """Return the time of day `offset` after midnight (24 h wraps to 00:00)."""
    return (datetime.min + offset % _DAY).time()


def _fmt_range(interval: Interval) -> str:
    """Return an interval as text such as '08:00–16:00'."""

    def fmt(t: time, end: bool) -> str:
        if end and t == time(0):
            return "24:00"
        return t.strftime("%H:%M:%S" if t.second or t.microsecond else "%H:%M")

    return f"{fmt(interval[0], False)}–{fmt(interval[1], True)}"


def _check_hours(intervals: Iterable[Iterable[time]], where: str) -> Hours:
    """Return the intervals as a tuple; raise ValueError unless sorted, valid and disjoint."""
    result: list[Interval] = []
    for raw in intervals:
        pair = tuple(raw)
        if len(pair) != 2 or not all(isinstance(t, time) and t.tzinfo is None for t in pair):
            raise ValueError(f"{where}: {raw!r} is not a (start, end) pair of naive datetime.time")
        start, end = pair
        if _since_midnight(start) >= _since_midnight(end, end=True):
            raise ValueError(
                Message(
                    "{where}: interval {interval} does not end after it starts",
                    where=where,
                    interval=_fmt_range(pair),
                )
            )
        if result and _since_midnight(start) < _since_midnight(result[-1][1], end=True):
            raise ValueError(
                Message(
                    "{where}: intervals {first} and {second} overlap or are not sorted",
                    where=where,
                    first=_fmt_range(result[-1]),
                    second=_fmt_range(pair),
                )
            )
        result.append(pair)
    return tuple(result)


def _utc_us(moment: datetime) -> int:
    """Return an aware datetime as microseconds since the Unix epoch."""
    return (moment.astimezone(UTC) - _EPOCH) // _US


def _offset_us(zone: ZoneInfo, utc_us: int) -> int:
    """Return the zone's UTC offset in microseconds at an instant."""
    local = (_EPOCH + timedelta(microseconds=utc_us)).astimezone(zone)
    return (local.utcoffset() or timedelta(0)) // _US


def _utc_spans(zone: ZoneInfo, wall_start: datetime, wall_end: datetime) -> list[tuple[int, int]]:
    """Return the UTC spans (µs) during which the local wall clock is in [wall_start, wall_end)."""
    instants = [
        _utc_us(w.replace(tzinfo=zone, fold=f)) for w in (wall_start, wall_end) for f in (0, 1)
    ]
    lo, hi = min(instants), max(instants)
    off_lo, off_hi = _offset_us(zone, lo), _offset_us(zone, hi)
    ws, we = _utc_us(wall_start.replace(tzinfo=UTC)), _utc_us(wall_end.replace(tzinfo=UTC))
    if off_lo == off_hi:
        return [(ws - off_lo, we - off_lo)]
    # An offset change inside the interval. zoneinfo has no public list of transitions,
    # so bisect for it; tzdata transitions fall on whole seconds.
    a, b = lo // _US_PER_S, -(-hi // _US_PER_S)
    while b - a > 1:
        mid = (a + b) // 2
        a, b = (mid, b) if _offset_us(zone, mid * _US_PER_S) == off_lo else (a, mid)
    change = b * _US_PER_S
    spans = [(ws - off_lo, min(we - off_lo, change)), (max(ws - off_hi, change), we - off_hi)]
    return [(s, e) for s, e in spans if s < e]


class _Spans(NamedTuple):
    """Open spans sorted by start: UTC µs bounds, local date (days since epoch), µs before."""

    starts: IntArray
    ends: IntArray
    days: IntArray
    before: IntArray

    def cumulative_us(self, utc_us: IntArray) -> FloatArray:
        """Return service µs from the table's start to each instant (exact until year 2255).

        B(t) is piecewise linear with slope 1 inside spans and 0 between them, so
        `numpy.interp` over the span bounds evaluates it in one C loop.
        """
        if len(self.starts) == 0:
            return np.zeros(utc_us.shape)
        knots = np.column_stack([self.starts, self.ends]).ravel()
        values = np.column_stack([self.before, self.before + self.ends - self.starts]).ravel()
        # Drop the duplicate knot where one span ends as the next begins (0/0 slope).
        keep = np.append(np.diff(knots) != 0, True)
        result: FloatArray = np.interp(utc_us, knots[keep], values[keep])
        return result


def _as_utc_us(values: object) -> tuple[IntArray, BoolArray]:
    """Return timestamps as UTC µs since the epoch and a missing-value mask."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return values.astype("datetime64[us]").view(np.int64), np.isnat(values)
    arr = values if isinstance(values, pa.Array) else pa.array(values)
    if not pa.types.is_timestamp(arr.type):
        raise TypeError(f"expected timestamps, got {arr.type}")
    ints = arr.cast(pa.timestamp("us", arr.type.tz), safe=False).cast(pa.int64())
    missing = np.asarray(ints.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    return np.asarray(ints.fill_null(0).to_numpy(), dtype=np.int64), missing


@dataclass(frozen=True, kw_only=True)
class ServiceCalendar:
    """Agreed service hours: weekly hours in a local time zone minus holidays and closed days.

    `hours` maps weekday (0 = Monday) to sorted, disjoint (start, end) local times; a
    lunch break is a gap between two intervals and an end of 00:00 means midnight at the
    end of the day. Holidays come from the `holidays` package (`country`, `subdivision`)
    and are closed all day, as are `closed_dates`. `extra_hours` replaces the hours of
    single dates (e.g. a short New Year's Eve) and wins over holidays.
    """

    hours: Mapping[int, Hours] = field(hash=False)
    timezone: str = "Europe/Helsinki"
    country: str | None = "FI"
    subdivision: str | None = None
    closed_dates: frozenset[date] = frozenset()
    extra_hours: Mapping[date, Hours] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        """Validate and normalise the fields; raise ValueError naming the bad one."""
        hours: dict[int, Hours] = {}
        for day, intervals in self.hours.items():
            if not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(f"hours: weekday must be 0 (Monday) to 6 (Sunday), got {day!r}")
            hours[day] = _check_hours(intervals, f"hours[{day}]")
        closed = frozenset(self.closed_dates)
        if bad := [d for d in closed if type(d) is not date]:
            raise ValueError(f"closed_dates: expected datetime.date values, got {bad[0]!r}")
        extra: dict[date, Hours] = {}
        for when, intervals in self.extra_hours.items():
            if type(when) is not date:
                raise ValueError(f"extra_hours: keys must be datetime.date, got {when!r}")
            if when in closed:
                raise ValueError(f"{when} is both in closed_dates and in extra_hours")
            extra[when] = _check_hours(intervals, f"extra_hours[{when}]")
        # Read-only copies: a frozen calendar must not change through the caller's dicts.
        object.__setattr__(self, "hours", MappingProxyType(hours))
        object.__setattr__(self, "closed_dates", closed)
        object.__setattr__(self, "extra_hours", MappingProxyType(extra))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as err:
            raise ValueError(Message("unknown timezone '{zone}'", zone=self.timezone)) from err
        if self.country is None:
            if self.subdivision is not None:
                raise ValueError(
                    Message(
                        "subdivision '{subdivision}' given without a country",
                        subdivision=self.subdivision,
                    )
                )
        else:
            try:
                pyholidays.country_holidays(self.country, subdiv=self.subdivision)
            except NotImplementedError as err:
                raise ValueError(
                    Message(
                        "unknown holiday country or subdivision '{code}': {error}",
                        code=self._holiday_code,
                        error=str(err),
                    )
                ) from err

    @property
    def _holiday_code(self) -> str | None:
        """Return the holiday source as 'FI' or 'DE-BY', None without holidays."""
        if self.country is None:
            return None
        return self.country + (f"-{self.subdivision}" if self.subdivision else "")

    @classmethod
    def always_open(cls) -> ServiceCalendar:
        """Return a 24/7 calendar without holidays: durations are plain elapsed time."""
        return cls(hours=dict.fromkeys(range(7), _WHOLE_DAY), timezone="UTC", country=None)

    @classmethod
    def parse(
        cls, spec: str, *, holidays: str | None = "FI", timezone: str = "Europe/Helsinki"
    ) -> ServiceCalendar:
        """Return the calendar described by a spec such as 'mon-fri 08:00-16:00; lunch 11:30-12:00'.

        Parts are separated by ',' or ';'. A part is days (a day, a range such as 'mon-thu',
        or 'daily'; English or Finnish names) followed by one or more time ranges, or
        'lunch HH:MM-HH:MM' which is cut out of every day. '24/7' is always open and
        ignores holidays. `holidays` is a country code, 'DE-BY' for a subdivision, or
        None / 'none'.
        """
        text = re.sub(r"\s*[-–]\s*", "-", spec.strip().lower())
        if text in {"24/7", "24x7"}:
            return cls(hours=dict.fromkeys(range(7), _WHOLE_DAY), timezone=timezone, country=None)
        country, subdivision = None, None
        if holidays is not None and holidays.strip().lower() != "none":
            country, _, sub = holidays.strip().upper().partition("-")
            subdivision = sub or None
        hours: dict[int, Hours] = {}
        lunches: list[Interval] = []
        for part in (p.strip() for p in re.split(r"[;,]", text)):
            head, *ranges = part.split() or [""]
            if not head:
                raise ValueError(Message("empty part in service-hours spec '{spec}'", spec=spec))
            if not ranges:
                raise ValueError(
                    Message(
                        "part '{part}' has no time ranges; expected e.g. 'mon-fri 08:00-16:00'",
                        part=part,
                    )
                )
            intervals = _check_hours([_parse_range(r, part) for r in ranges], repr(part))
            if head == "lunch":
                if len(intervals) != 1:
                    raise ValueError(
                        Message("part '{part}': lunch takes exactly one time range", part=part)
                    )
                lunches.append(intervals[0])
                continue
            for day in _parse_days(head, part):
                if day in hours:
                    raise ValueError(
                        Message(
                            "part '{part}': {day} is already specified",
                            part=part,
                            day=_DAY_NAMES[day],
                        )
                    )
                hours[day] = intervals
        for lunch in lunches:
            cut = {day: _cut(intervals, lunch) for day, intervals in hours.items()}
            if cut == hours:
                raise ValueError(
                    Message("lunch {lunch} is outside the service hours", lunch=_fmt_range(lunch))
                )
            hours = cut
        return cls(hours=hours, timezone=timezone, country=country, subdivision=subdivision)

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Return the service seconds in [start, end) for aware datetimes; 0 if end <= start."""
        for moment in (start, end):
            if moment.utcoffset() is None:
                raise ValueError(f"naive datetime {moment!r}; pass a timezone-aware datetime")
        starts, ends = np.array([_utc_us(start)]), np.array([_utc_us(end)])
        return float(self._durations(starts, ends, np.zeros(1, dtype=np.bool_))[0])

    def business_duration(self, starts: object, ends: object) -> FloatArray:
        """Return service seconds in [start, end) per row; NaN where either is missing.

        `starts` and `ends` are 1-D numpy datetime64 or pyarrow timestamp arrays; naive
        values mean UTC. Rows with end <= start give 0.
        """
        s_us, s_missing = _as_utc_us(starts)
        e_us, e_missing = _as_utc_us(ends)
        if s_us.shape != e_us.shape:
            raise ValueError(f"starts and ends differ in shape: {s_us.shape} vs {e_us.shape}")
        return self._durations(s_us, e_us, s_missing | e_missing)

    def cumulative_seconds(self, timestamps: object, *, origin: date) -> FloatArray:
        """Return service seconds from local midnight starting `origin` to each timestamp.

        This is B(t): negative before `origin`, NaN for missing values, and
        B(end) - B(start) is the service time between two instants. Use the same
        `origin` for values that are subtracted from each other.
        """
        utc_us, missing = _as_utc_us(timestamps)
        first, last = self._date_range([utc_us], missing, extra=origin)
        spans = self._spans(first, last)
        earlier = spans.days < origin.toordinal() - _EPOCH_ORDINAL
        at_origin = int((spans.ends - spans.starts)[earlier].sum())
        result = (spans.cumulative_us(np.where(missing, 0, utc_us)) - at_origin) / _US_PER_S
        result[missing] = np.nan
        return result

    def day_table(self, first: date, last: date) -> pa.Table:
        """Return one row per open interval of local dates first..last, sorted by start.

        Columns: local_date (date32), interval_start_utc and interval_end_utc
        (timestamp[us, tz=UTC]), interval_seconds and cumulative_seconds_before (double,
        service seconds from local midnight starting `first`). Other engines compute B(t)
        with an as-of join on interval_start_utc <= t:
        cumulative_seconds_before + clamp(t - interval_start_utc, 0, interval_seconds).
        """
        if first > last:
            raise ValueError(f"first ({first}) is after last ({last})")
        spans = self._spans(first, last)
        return pa.table(
            {
                "local_date": pa.array(spans.days.astype(np.int32), pa.date32()),
                "interval_start_utc": pa.array(spans.starts, pa.timestamp("us", tz="UTC")),
                "interval_end_utc": pa.array(spans.ends, pa.timestamp("us", tz="UTC")),
                "interval_seconds": (spans.ends - spans.starts) / _US_PER_S,
                "cumulative_seconds_before": spans.before / _US_PER_S,
            }
        )

    def describe(self) -> str:
        """Return a one-line summary, e.g. 'Mon–Fri 08:00–16:00, holidays FI, Europe/Helsinki'."""
        week = [self.hours.get(day, ()) for day in range(7)]
        if week == [_WHOLE_DAY] * 7 and not (self.country or self.closed_dates or self.extra_hours):
            return "24/7 (calendar time)"
        gaps = {(h[0][1], h[1][0]) if len(h) == 2 else None for h in week if h}
        lunch = next(iter(gaps)) if len(gaps) == 1 else None
        parts: list[str] = []
        day = 0
        while day < 7:
            last = day
            while last < 6 and week[last + 1] == week[day]:
                last += 1
            if week[day]:
                days = _DAY_NAMES[day] + (f"–{_DAY_NAMES[last]}" if last > day else "")
                shown = [(week[day][0][0], week[day][-1][1])] if lunch else week[day]
                parts.append(f"{days} {' '.join(_fmt_range(iv) for iv in shown)}")
            day = last + 1
        if lunch:
            parts.append(f"lunch {_fmt_range(lunch)}")
        elif not parts:
            parts.append("no regular hours")
        parts.append(f"holidays {self._holiday_code}" if self._holiday_code else "no holidays")
        if n := len(self.closed_dates):
            parts.append(f"{n} extra closed day{'s' if n != 1 else ''}")
        if n := len(self.extra_hours):
            parts.append(f"{n} special day{'s' if n != 1 else ''}")
        return ", ".join([*parts, self.timezone])

    def _durations(self, s_us: IntArray, e_us: IntArray, missing: BoolArray) -> FloatArray:
        """Return B(end) - B(start) in seconds, 0 where end <= start, NaN where missing."""
        first, last = self._date_range([s_us, e_us], missing)
        spans = self._spans(first, last)
        # Missing rows point at the epoch so arithmetic stays in range; they become NaN.
        diff = spans.cumulative_us(np.where(missing, 0, e_us)) - spans.cumulative_us(
            np.where(missing, 0, s_us)
        )
        result: FloatArray = np.maximum(diff, 0) / _US_PER_S
        result[missing] = np.nan
        return result

    def _date_range(
        self, utc_us: list[IntArray], missing: BoolArray, extra: date | None = None
    ) -> tuple[date, date]:
        """Return the local dates to tabulate: the instants' dates with a day of margin."""
        zone = ZoneInfo(self.timezone)
        dates = [] if extra is None else [extra]
        if not missing.all():
            present = ~missing
            lo = min(int(a.min(where=present, initial=np.iinfo(np.int64).max)) for a in utc_us)
            hi = max(int(a.max(where=present, initial=np.iinfo(np.int64).min)) for a in utc_us)
            for value in (lo, hi):
                local = (_EPOCH + timedelta(microseconds=value)).astimezone(zone).date()
                dates += [local - _DAY, local + _DAY]
        if not dates:
            return date(1970, 1, 1), date(1970, 1, 1)
        return min(dates), max(dates)

    def _spans(self, first: date, last: date) -> _Spans:
        """Return the open spans of local dates first..last sorted by UTC start."""
        zone = ZoneInfo(self.timezone)
        closed = set(self.closed_dates)
        if self.country is not None:
            years = range(first.year, last.year + 1)
            closed.update(
                pyholidays.country_holidays(self.country, subdiv=self.subdivision, years=years)
            )
        rows: list[tuple[int, int, int]] = []
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = date.fromordinal(ordinal)
            hours = self.extra_hours.get(day)
            if hours is None:
                hours = () if day in closed else self.hours.get(day.weekday(), ())
            midnight = datetime.combine(day, time(0))
            for start, end in hours:
                wall_start = midnight + _since_midnight(start)
                wall_end = midnight + _since_midnight(end, end=True)
                for s, e in _utc_spans(zone, wall_start, wall_end):
                    rows.append((s, e, ordinal - _EPOCH_ORDINAL))
        # Spans of different days interleave only around odd DST rules; sort anyway.
        table = np.array(sorted(rows), dtype=np.int64).reshape(-1, 3)
        starts, ends, days = table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy()
        before = np.cumsum(ends - starts) - (ends - starts)
        return _Spans(starts, ends, days, before)


def _parse_range(text: str, part: str) -> Interval:
    """Return the interval written as 'HH:MM-HH:MM' (or 'H-H'); 24:00 ends the day."""
    match = _TIME_RANGE.fullmatch(text)
    if match is None:
        raise ValueError(
            Message(
                "bad time range '{text}' in '{part}'; expected e.g. 08:00-16:00",
                text=text,
                part=part,
            )
        )
    sh, sm, eh, em = (int(g or 0) for g in match.groups())
    if sh > 23 or eh > 24 or sm > 59 or em > 59 or (eh == 24 and em):
        raise ValueError(
            Message(
                "bad time in '{text}' in '{part}'; hours 0-24, minutes 0-59", text=text, part=part
            )
        )
    return time(sh, sm), time(eh % 24, em)


def _parse_days(text: str, part: str) -> list[int]:
    """Return the weekdays (0 = Monday) named by 'mon', 'mon-fri' (may wrap) or 'daily'."""
    if text == "daily":
        return list(range(7))
    names = text.split("-")
    if len(names) > 2 or not all(name in _DAY_ALIASES for name in names):
        raise ValueError(
            Message("bad days '{text}' in '{part}'; expected e.g. mon-fri", text=text, part=part)
        )
    first, last = _DAY_ALIASES[names[0]], _DAY_ALIASES[names[-1]]
    return [(first + k) % 7 for k in range((last - first) % 7 + 1)]


def _cut(hours: Hours, gap: Interval) -> Hours:
    """Return the hours with the gap (e.g. a lunch break) removed."""
    gap_start, gap_end = _since_midnight(gap[0]), _since_midnight(gap[1], end=True)
    result: list[Interval] = []
    for start, end in hours:
        s, e = _since_midnight(start), _since_midnight(end, end=True)
        for a, b in ((s, min(e, gap_start)), (max(s, gap_end), e)):
            if a < b:
                result.append((_time_of(a), _time_of(b)))
    return tuple(result)
