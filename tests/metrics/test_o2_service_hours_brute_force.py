"""O2 in service hours against a brute-force count, minute by minute, of the same hours.

Service hours: Mon-Fri 08:00-16:00 Helsinki wall-clock time, closed on Finnish
public holidays. The expected time of a ticket is every minute from opening to
resolution that falls in service hours and in none of the ticket's pauses,
found by stepping through the minutes in plain Python.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import karsta
from karsta.calendar import ServiceCalendar
from tests.metrics.conftest import Desk

HELSINKI = ZoneInfo("Europe/Helsinki")
FINNISH_HOLIDAYS = holidays.country_holidays("FI", years=[2024])
MINUTE = timedelta(minutes=1)

Pauses = list[tuple[datetime, datetime | None]]
Ticket = tuple[datetime, datetime, Pauses]

WINDOWS = (
    # Easter (Good Friday 29 Mar, Easter Monday 1 Apr) and summer time from 31 Mar.
    datetime(2024, 3, 18, tzinfo=UTC),
    # Back to winter time on 27 Oct; All Saints' Day falls on Saturday 2 Nov.
    datetime(2024, 10, 14, tzinfo=UTC),
    # Midsummer Eve and Day (21-22 Jun).
    datetime(2024, 6, 10, tzinfo=UTC),
    # Independence Day (Fri 6 Dec), Christmas Eve to St Stephen's Day (24-26 Dec).
    datetime(2024, 12, 2, tzinfo=UTC),
)
WINDOW_MINUTES = 28 * 24 * 60


def in_service(moment: datetime) -> bool:
    """Return whether a UTC minute lies in Mon-Fri 08:00-16:00 Helsinki, holidays closed."""
    local = moment.astimezone(HELSINKI)
    return local.weekday() < 5 and local.date() not in FINNISH_HOLIDAYS and 8 <= local.hour < 16


def brute_force_seconds(opened: datetime, resolved: datetime, pauses: Pauses) -> float:
    """Return service seconds in [opened, resolved) outside the pauses, a minute at a time."""
    seconds = 0.0
    moment = opened
    while moment < resolved:
        paused = any(start <= moment < (end or resolved) for start, end in pauses)
        if not paused and in_service(moment):
            seconds += 60
        moment += MINUTE
    return seconds


@st.composite
def tickets(draw: st.DrawFn) -> list[Ticket]:
    """Return 1-10 tickets: opening, resolution and disjoint pauses, on whole minutes."""
    window = draw(st.sampled_from(WINDOWS))
    result = []
    for _ in range(draw(st.integers(1, 10))):
        opened_at = draw(st.integers(0, WINDOW_MINUTES - 1))
        length = draw(st.integers(0, min(14 * 24 * 60, WINDOW_MINUTES - opened_at)))
        # Pause bounds may lie before the opening or after the resolution.
        bounds = sorted(
            draw(
                st.lists(
                    st.integers(opened_at - 600, opened_at + length + 600),
                    max_size=6,
                    unique=True,
                )
            )
        )
        open_ended = len(bounds) % 2 == 1
        pauses: Pauses = [
            (window + bounds[i] * MINUTE, window + bounds[i + 1] * MINUTE)
            for i in range(0, len(bounds) - 1, 2)
        ]
        if open_ended:
            pauses.append((window + bounds[-1] * MINUTE, None))
        result.append((window + opened_at * MINUTE, window + (opened_at + length) * MINUTE, pauses))
    return result


def test_brute_force_counts_a_known_week() -> None:
    # The reference itself: Thu 28 Mar 2024 15:00 -> Tue 2 Apr 09:00 over Easter = 2 h.
    opened = datetime(2024, 3, 28, 15, tzinfo=HELSINKI)
    resolved = datetime(2024, 4, 2, 9, tzinfo=HELSINKI)
    assert brute_force_seconds(opened, resolved, []) == 2 * 3600
    assert brute_force_seconds(opened, resolved, [(opened, None)]) == 0
    assert date(2024, 3, 29) in FINNISH_HOLIDAYS


@settings(max_examples=8, deadline=None)
@given(batch=tickets())
def test_service_hours_equal_a_minute_count(batch: list[Ticket]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(karsta.open(Path(folder) / "desk.karsta"))
        try:
            for index, (opened, resolved, pauses) in enumerate(batch):
                desk.ticket(f"T{index}", opened, resolved_at=resolved)
                for start, end in pauses:
                    desk.pause(f"T{index}", start, end)
            calendar = ServiceCalendar.parse("mon-fri 08:00-16:00", holidays="FI")
            run = desk.run("O2", service_calendar=calendar)
        finally:
            desk.ws.close()
    for index, (opened, resolved, pauses) in enumerate(batch):
        expected = brute_force_seconds(opened, resolved, pauses) / 3600
        assert run.unit_row(f"T{index}")["hours"] == pytest.approx(expected, abs=1e-9)
