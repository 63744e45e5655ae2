"""Tests for karsta.calendar: hand-computed SLA examples, spec parsing and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from karsta.calendar import Hours, ServiceCalendar

HKI = ZoneInfo("Europe/Helsinki")
HOUR = 3600.0
OFFICE = ServiceCalendar.parse("mon-fri 08:00-16:00")


def hki(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return a Helsinki wall-clock datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=HKI)


def utc64(*stamps: str) -> np.ndarray:
    """Return naive (= UTC) datetime64[us] values."""
    return np.array(stamps, dtype="datetime64[us]")


# --- hand-computed examples ---------------------------------------------------------------


def test_friday_afternoon_to_monday_morning_is_two_hours() -> None:
    assert OFFICE.business_seconds(hki(2024, 11, 8, 15), hki(2024, 11, 11, 9)) == 2 * HOUR


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # Independence Day Fri 6 Dec 2024 is closed: Thu 1 h + Mon 1 h.
        (hki(2024, 12, 5, 15), hki(2024, 12, 9, 9), 2),
        # Midsummer Eve Fri 20 Jun 2025 and Midsummer Day are closed.
        (hki(2025, 6, 19, 15), hki(2025, 6, 23, 9), 2),
        # Christmas Eve, Christmas Day and Boxing Day 2025 fall on Wed-Fri.
        (hki(2025, 12, 23, 15), hki(2025, 12, 29, 9), 2),
        # A whole week with Easter: Good Friday and Easter Monday 2025 are closed.
        (hki(2025, 4, 14), hki(2025, 4, 22), 3 * 8 + 8),
    ],
)
def test_finnish_holidays_are_closed(start: datetime, end: datetime, hours: int) -> None:
    assert OFFICE.business_seconds(start, end) == hours * HOUR


def test_holidays_can_be_disabled() -> None:
    cal = ServiceCalendar.parse("mon-fri 08:00-16:00", holidays=None)
    assert cal.business_seconds(hki(2024, 12, 5, 15), hki(2024, 12, 9, 9)) == 10 * HOUR
    assert ServiceCalendar.parse("mon-fri 8-16", holidays="none") == cal


def test_lunch_break_is_not_service_time() -> None:
    cal = ServiceCalendar.parse("mon-fri 08:00-16:00; lunch 11:30-12:00")
    assert cal.business_seconds(hki(2024, 11, 11, 7), hki(2024, 11, 11, 17)) == 7.5 * HOUR
    assert cal.business_seconds(hki(2024, 11, 11, 11, 40), hki(2024, 11, 11, 12, 10)) == 600


@pytest.mark.parametrize(
    ("day", "elapsed_hours"),
    [(date(2025, 3, 30), 23), (date(2025, 10, 26), 25)],  # last Sundays of March/October
)
def test_dst_days(day: date, elapsed_hours: int) -> None:
    start, end = hki(day.year, day.month, day.day), hki(day.year, day.month, day.day + 1)
    # 24/7 counts real elapsed time; wall-clock service hours stay 8 h.
    always = ServiceCalendar.parse("24/7")
    assert always.business_seconds(start, end) == elapsed_hours * HOUR
    daily = ServiceCalendar.parse("daily 08:00-16:00", holidays=None)
    assert daily.business_seconds(start, end) == 8 * HOUR
    night = ServiceCalendar.parse("daily 02:00-05:00", holidays=None)
    assert night.business_seconds(start, end) == (elapsed_hours - 24 + 3) * HOUR


def test_always_open_is_elapsed_time() -> None:
    cal = ServiceCalendar.always_open()
    start = datetime(2024, 2, 28, 13, 5, 7, 123456, tzinfo=UTC)
    end = datetime(2024, 3, 2, 1, tzinfo=HKI)
    assert cal.business_seconds(start, end) == (end - start).total_seconds()


def test_utc_numpy_inputs() -> None:
    # Helsinki is UTC+2 in winter and UTC+3 in summer.
    starts = utc64("2024-11-11T06:00", "2025-06-02T05:00", "2025-06-02T05:00")
    ends = utc64("2024-11-11T14:00", "2025-06-02T13:00", "2025-06-02T14:00")
    assert OFFICE.business_duration(starts, ends).tolist() == [8 * HOUR, 8 * HOUR, 8 * HOUR]
    nanos = OFFICE.business_duration(starts.astype("datetime64[ns]"), ends.astype("datetime64[ns]"))
    assert nanos.tolist() == [8 * HOUR] * 3


def test_pyarrow_inputs_with_any_zone_and_nulls() -> None:
    ny = ZoneInfo("America/New_York")
    starts = pa.chunked_array(
        [
            pa.array(
                [datetime(2024, 11, 11, 1, tzinfo=ny), None],
                pa.timestamp("s", tz="America/New_York"),
            )
        ]
    )
    ends = pa.array([datetime(2024, 11, 11, 7, tzinfo=ny)] * 2, pa.timestamp("ns", tz="UTC"))
    # 01:00-07:00 New York is 08:00-14:00 Helsinki.
    result = OFFICE.business_duration(starts, ends)
    assert result[0] == 6 * HOUR
    assert np.isnan(result[1])


def test_end_before_start_is_zero_and_missing_is_nan() -> None:
    starts = utc64("2024-11-11T14:00", "NaT", "2024-11-11T06:00", "2024-11-11T06:00")
    ends = utc64("2024-11-11T06:00", "2024-11-11T06:00", "NaT", "2024-11-11T06:00")
    result = OFFICE.business_duration(starts, ends)
    assert result[0] == 0
    assert np.isnan(result[1:3]).all()
    assert result[3] == 0
    assert OFFICE.business_seconds(hki(2024, 11, 11, 12), hki(2024, 11, 11, 9)) == 0
    assert np.isnan(OFFICE.business_duration(utc64("NaT"), utc64("NaT"))).all()
    assert OFFICE.business_duration(utc64(), utc64()).shape == (0,)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        OFFICE.business_seconds(datetime(2024, 1, 1), hki(2024, 1, 2))
    with pytest.raises(TypeError, match="expected timestamps"):
        OFFICE.business_duration(np.array([1, 2]), np.array([3, 4]))
    with pytest.raises(ValueError, match="differ in shape"):
        OFFICE.business_duration(utc64("2024-01-01"), utc64("2024-01-01", "2024-01-02"))


def test_closed_dates_and_extra_hours() -> None:
    cal = ServiceCalendar(
        hours=dict.fromkeys(range(5), ((time(8), time(16)),)),
        closed_dates=frozenset({date(2025, 12, 30)}),
        # New Year's Eve shortened; Epiphany (a holiday) opened on purpose.
        extra_hours={
            date(2025, 12, 31): ((time(8), time(12)),),
            date(2026, 1, 6): ((time(10), time(11)),),
        },
    )
    assert cal.business_seconds(hki(2025, 12, 29), hki(2025, 12, 31, 23)) == 12 * HOUR
    assert cal.business_seconds(hki(2026, 1, 6), hki(2026, 1, 7)) == HOUR
    assert cal.describe().endswith(
        "holidays FI, 1 extra closed day, 2 special days, Europe/Helsinki"
    )


def test_cumulative_seconds_share_an_origin() -> None:
    ts = utc64("2024-11-11T10:00", "2024-11-08T13:00", "NaT", "2024-11-12T10:00")
    b = OFFICE.cumulative_seconds(ts, origin=date(2024, 11, 11))  # a Monday
    assert b[0] == 4 * HOUR  # Monday 12:00 local
    assert b[1] == -HOUR  # Friday 15:00 local: an hour before closing
    assert np.isnan(b[2])
    assert b[3] - b[1] == OFFICE.business_duration(ts[1:2], ts[3:4])[0]


def test_day_table_rows_and_asof_formula() -> None:
    cal = ServiceCalendar.parse("mon-fri 08:00-16:00; lunch 11:30-12:00")
    table = cal.day_table(date(2025, 3, 28), date(2025, 3, 31))  # DST on Sunday 30 March
    assert table.schema.field("interval_start_utc").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("local_date").type == pa.date32()
    rows = table.to_pylist()
    assert [r["local_date"] for r in rows] == [date(2025, 3, 28)] * 2 + [date(2025, 3, 31)] * 2
    assert rows[0]["interval_start_utc"] == datetime(2025, 3, 28, 6, tzinfo=UTC)
    assert rows[2]["interval_start_utc"] == datetime(2025, 3, 31, 5, tzinfo=UTC)
    assert [r["cumulative_seconds_before"] / HOUR for r in rows] == [0, 3.5, 7.5, 11]
    # The documented as-of formula agrees with cumulative_seconds (origin = first).
    t = datetime(2025, 3, 31, 9, 30, tzinfo=UTC)  # 12:30 local
    row = max(
        (r for r in rows if r["interval_start_utc"] <= t), key=lambda r: r["interval_start_utc"]
    )
    inside = min(max((t - row["interval_start_utc"]).total_seconds(), 0), row["interval_seconds"])
    b = cal.cumulative_seconds(pa.array([t]), origin=date(2025, 3, 28))
    assert row["cumulative_seconds_before"] + inside == b[0] == 11.5 * HOUR
    with pytest.raises(ValueError, match="after last"):
        cal.day_table(date(2025, 1, 2), date(2025, 1, 1))


def test_describe() -> None:
    assert (
        ServiceCalendar.parse("mon-fri 08:00-16:00; lunch 11:30-12:00").describe()
        == "Mon–Fri 08:00–16:00, lunch 11:30–12:00, holidays FI, Europe/Helsinki"
    )
    assert (
        ServiceCalendar.parse("mon-thu 08:00-16:15, fri 08:00-14:00", holidays="DE-BY").describe()
        == "Mon–Thu 08:00–16:15, Fri 08:00–14:00, holidays DE-BY, Europe/Helsinki"
    )
    assert (
        ServiceCalendar.parse("mon 8-12 13-17, wed 9-24, sat 10-14", holidays=None).describe()
        == "Mon 08:00–12:00 13:00–17:00, Wed 09:00–24:00, Sat 10:00–14:00, no holidays, "
        "Europe/Helsinki"
    )
    assert ServiceCalendar.parse("24/7").describe() == "24/7 (calendar time)"
    assert ServiceCalendar.always_open().describe() == "24/7 (calendar time)"
    assert (
        ServiceCalendar(hours={}, country=None).describe()
        == "no regular hours, no holidays, Europe/Helsinki"
    )


# --- construction and parsing -------------------------------------------------------------


def test_calendar_is_frozen_and_hashable() -> None:
    cal = ServiceCalendar.parse("mon-fri 8-16")
    assert cal == ServiceCalendar(hours={d: [(time(8), time(16))] for d in range(5)})  # type: ignore[misc]
    assert hash(cal) == hash(ServiceCalendar.parse("ma-pe 08:00 – 16:00"))
    with pytest.raises(AttributeError):
        cal.timezone = "UTC"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("spec", "weekday_hours"),
    [
        ("mon-fri 08:00-16:00", {d: ((time(8), time(16)),) for d in range(5)}),
        (
            "Mon-Fri 8-16; lunch 11:30-12",
            {d: ((time(8), time(11, 30)), (time(12), time(16))) for d in range(5)},
        ),
        (
            "mon-thu 08:00-16:15, fri 08:00-14:00",
            {**{d: ((time(8), time(16, 15)),) for d in range(4)}, 4: ((time(8), time(14)),)},
        ),
        ("fri-mon 22:00-24:00", {d: ((time(22), time(0)),) for d in (4, 5, 6, 0)}),
        ("saturday 10-14; sunday 0-24", {5: ((time(10), time(14)),), 6: ((time(0), time(0)),)}),
        ("24/7", {d: ((time(0), time(0)),) for d in range(7)}),
    ],
)
def test_parse(spec: str, weekday_hours: dict[int, Hours]) -> None:
    cal = ServiceCalendar.parse(spec, timezone="Europe/Stockholm")
    assert dict(cal.hours) == weekday_hours
    assert cal.timezone == "Europe/Stockholm"
    assert cal.country == (None if spec == "24/7" else "FI")


def test_parse_holiday_subdivision() -> None:
    cal = ServiceCalendar.parse("mon-fri 8-16", holidays="de-by", timezone="Europe/Berlin")
    assert (cal.country, cal.subdivision) == ("DE", "BY")
    # Corpus Christi (Thu 19 Jun 2025) is a holiday in Bavaria, not in all of Germany.
    day = datetime(2025, 6, 19, tzinfo=ZoneInfo("Europe/Berlin"))
    assert cal.business_seconds(day, day + timedelta(days=1)) == 0
    federal = ServiceCalendar.parse("mon-fri 8-16", holidays="DE", timezone="Europe/Berlin")
    assert federal.business_seconds(day, day + timedelta(days=1)) == 8 * HOUR


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty part"),
        ("mon-fri 8-16;", "empty part"),
        ("mon-fri", "'mon-fri' has no time ranges"),
        ("mon-fri 16:00-08:00", "'mon-fri 16:00-08:00'.*does not end after it starts"),
        ("mon-fri 8-25", "bad time in '8-25'"),
        ("mon-fri 8:70-9", "bad time in '8:70-9'"),
        ("mon-fri 8am-4pm", "bad time range '8am-4pm'"),
        ("mon-fry 8-16", "bad days 'mon-fry'"),
        ("mon-wed-fri 8-16", "bad days 'mon-wed-fri'"),
        ("mon-fri 8-12 11-16", "overlap"),
        ("mon-fri 8-16, mon 9-10", "Mon is already specified"),
        ("mon-fri 8-16; lunch 17-18", "lunch 17:00–18:00 is outside"),
        ("mon-fri 8-16; lunch 11-12 13-14", "exactly one time range"),
    ],
)
def test_parse_rejects_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServiceCalendar.parse(spec)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": {7: ()}}, "weekday must be 0"),
        ({"hours": {0: ((time(16), time(8)),)}}, r"hours\[0\]: interval 16:00–08:00"),
        (
            {"hours": {0: ((time(12), time(16)), (time(8), time(12, 1)))}},
            "overlap or are not sorted",
        ),
        ({"hours": {0: ((time(8),),)}}, "not a .start, end. pair"),
        ({"hours": {0: ((time(8, tzinfo=UTC), time(9)),)}}, "naive datetime.time"),
        ({"hours": {}, "country": "XX"}, "unknown holiday country or subdivision 'XX'"),
        ({"hours": {}, "subdivision": "ZZ"}, "'FI-ZZ'"),
        ({"hours": {}, "country": None, "subdivision": "BY"}, "without a country"),
        ({"hours": {}, "timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'"),
        ({"hours": {}, "closed_dates": frozenset({datetime(2025, 1, 1)})}, "closed_dates"),
        ({"hours": {}, "extra_hours": {date(2025, 1, 1): ((time(9), time(8)),)}}, "extra_hours"),
        (
            {
                "hours": {},
                "closed_dates": frozenset({date(2025, 1, 1)}),
                "extra_hours": {date(2025, 1, 1): ()},
            },
            "both in closed_dates and in extra_hours",
        ),
    ],
)
def test_invalid_calendars(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServiceCalendar(**kwargs)  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------------

ZONES = [
    "Europe/Helsinki",
    "UTC",
    "America/New_York",
    "Australia/Lord_Howe",
]  # Lord Howe: 30 min DST
ANCHORS = [
    datetime(2025, 3, 30),
    datetime(2025, 10, 26),
    datetime(2025, 3, 9),
    datetime(2025, 11, 2),
    datetime(2025, 4, 6),
    datetime(2025, 10, 5),
    datetime(2025, 6, 20),
    datetime(2025, 12, 24),
    datetime(2024, 12, 6),
]
QUARTER = timedelta(minutes=15)


def quarter_time(q: int) -> time:
    """Return the time of day q quarter hours after midnight (96 = 24:00 = 00:00 end)."""
    return (datetime.min + (q % 96) * QUARTER).time()


@st.composite
def day_hours(draw: st.DrawFn) -> Hours:
    """Draw 0-3 sorted, disjoint intervals on a quarter-hour grid."""
    bounds = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
    bounds = bounds[: len(bounds) // 2 * 2]
    return tuple(
        (quarter_time(a), quarter_time(b)) for a, b in zip(bounds[::2], bounds[1::2], strict=True)
    )


@st.composite
def calendars(draw: st.DrawFn) -> ServiceCalendar:
    """Draw a calendar with random weekly hours, zone, holidays and special days."""
    near = draw(st.sampled_from(ANCHORS)).date()
    specials = st.integers(-4, 8).map(lambda k: near + timedelta(days=k))
    closed = draw(st.frozensets(specials, max_size=2))
    extra = draw(
        st.dictionaries(specials.filter(lambda d: d not in closed), day_hours(), max_size=2)
    )
    return ServiceCalendar(
        hours=draw(st.dictionaries(st.integers(0, 6), day_hours())),
        timezone=draw(st.sampled_from(ZONES)),
        country=draw(st.sampled_from([None, "FI"])),
        closed_dates=closed,
        extra_hours=extra,
    )


def instants(max_minutes: int) -> st.SearchStrategy[datetime]:
    """Draw minute-aligned UTC datetimes, mostly near DST changes and holidays."""
    base = st.one_of(
        st.sampled_from(ANCHORS),
        st.datetimes(datetime(2020, 1, 1), datetime(2027, 1, 1)).map(
            lambda d: d.replace(second=0, microsecond=0)
        ),
    )
    return st.builds(
        lambda b, m: (b + timedelta(minutes=m)).replace(tzinfo=UTC),
        base,
        st.integers(-max_minutes, max_minutes),
    )


def brute_force_seconds(cal: ServiceCalendar, start: datetime, end: datetime) -> float:
    """Return service seconds by checking each minute's local wall-clock time."""
    zone = ZoneInfo(cal.timezone)
    closed = holidays.country_holidays(cal.country) if cal.country else {}
    minutes, t = 0, start
    while t < end:
        local = t.astimezone(zone)
        day, minute = local.date(), local.hour * 60 + local.minute
        if day in cal.extra_hours:
            hours = cal.extra_hours[day]
        elif day in closed or day in cal.closed_dates:
            hours = ()
        else:
            hours = cal.hours.get(day.weekday(), ())
        for a, b in hours:
            if a.hour * 60 + a.minute <= minute < (b.hour * 60 + b.minute or 24 * 60):
                minutes += 1
                break
        t += timedelta(minutes=1)
    return minutes * 60.0


def as_utc64(moments: list[datetime]) -> np.ndarray:
    """Return aware datetimes as naive-UTC datetime64[us]."""
    return np.array(
        [m.astimezone(UTC).replace(tzinfo=None) for m in moments], dtype="datetime64[us]"
    )


@settings(max_examples=80, deadline=None)
@given(cal=calendars(), start=instants(3 * 24 * 60), minutes=st.integers(-60, 4 * 24 * 60))
def test_matches_brute_force_minute_count(
    cal: ServiceCalendar, start: datetime, minutes: int
) -> None:
    end = start + timedelta(minutes=minutes)
    expected = brute_force_seconds(cal, start, end)
    assert cal.business_duration(as_utc64([start]), as_utc64([end]))[0] == expected
    assert cal.business_seconds(start.astimezone(ZoneInfo(cal.timezone)), end) == expected


@settings(max_examples=60, deadline=None)
@given(
    cal=calendars(),
    start=instants(2 * 24 * 60),
    steps=st.lists(st.integers(0, 10**6 * 3600 * 24 * 10), min_size=2, max_size=2),
)
def test_additive_bounded_and_scalar_equals_vectorised(
    cal: ServiceCalendar, start: datetime, steps: list[int]
) -> None:
    a = start + timedelta(microseconds=steps[0] % 10**6)
    b = a + timedelta(microseconds=steps[0])
    c = b + timedelta(microseconds=steps[1])
    ab, bc, ac = cal.business_duration(as_utc64([a, b, a]), as_utc64([b, c, c]))
    assert ac == pytest.approx(ab + bc, abs=1e-6)
    assert 0 <= ac <= (c - a).total_seconds()
    assert cal.business_seconds(a, c) == ac
    table = pa.array([a, b, c], pa.timestamp("us", tz="UTC"))
    assert cal.business_duration(table[:2], table[1:]).tolist() == [ab, bc]
    cumulative = cal.cumulative_seconds(as_utc64([a, b, c]), origin=b.date())
    assert cumulative[2] - cumulative[0] == pytest.approx(ac, abs=1e-6)
