"""A seeded office log of appointments and walk-ins with times of day: generated, not real.

No real data we have records walk-in visits with times of day (the appointment file
has dates only). `generate_office_log` makes such a log so the visit measures, the
comparison and the simulation can be shown and tested end to end:

- each weekday from `first_day`, per office, `customers_per_day` customers, of whom
  `appointment_share` booked; the office opens at 8:00 local time for `open_minutes`;
- a booking is made days ahead (exponential, mean 8 days); a reminder goes to
  bookings made two days ahead or more (nine in ten of them); the customer misses
  more the longer ahead the booking was, and less after a reminder; one booking in
  twenty is cancelled, some of them late;
- booked customers arrive a few minutes early (or late), walk-ins at random; the day
  itself runs in the office simulation (`karsta.visits.office`), so waits, service
  and advisers follow from the queue;
- matters and segments (Kela's: occasional, continuous, change situation, special
  needs, potential) are drawn from fixed mixes.

Every generated visit's identifier starts with `GENERATED_PREFIX`, and every result
built on them says that the data is generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from karsta.i18n import Message
from karsta.ingest.protection import stored_mode
from karsta.schema import VISITS
from karsta.visits.office import Booking, simulate_day
from karsta.visits.population import APPOINTMENT, GENERATED_PREFIX, WALK_IN
from karsta.workspace import Workspace, WorkspaceError, query_one

MATTERS = (
    ("benefit application", 0.35),
    ("housing allowance", 0.2),
    ("card or certificate", 0.15),
    ("change of address", 0.1),
    ("complex life situation", 0.2),
)
SEGMENTS = (
    ("occasional", 0.35),
    ("continuous", 0.3),
    ("change situation", 0.2),
    ("special needs", 0.1),
    ("potential", 0.05),
)
MEAN_LEAD_DAYS = 8.0
CANCEL_RATE = 0.05


@dataclass(frozen=True, kw_only=True)
class GeneratorSettings:
    """What the generated office log looks like."""

    seed: int = 1
    days: int = 20
    first_day: date = date(2026, 1, 5)
    offices: tuple[str, ...] = ("Generated office",)
    advisers: int = 3
    appointment_share: float = 0.5
    customers_per_day: float = 70.0
    open_minutes: float = 480.0
    mean_service_minutes: float = 15.0
    timezone: str = "Europe/Helsinki"

    def __post_init__(self) -> None:
        if self.days < 1 or self.advisers < 1 or self.customers_per_day <= 0:
            raise ValueError(Message("days, advisers and customers a day must be over 0"))
        if not 0 <= self.appointment_share <= 1:
            raise ValueError(Message("the appointment share must be between 0 and 1"))


def no_show_probability(lead_days: float, reminder: bool) -> float:
    """Return the generator's chance that a booked customer does not come."""
    base = 0.04 + 0.012 * min(lead_days, 20.0)
    return base * (0.7 if reminder else 1.0)


def _weekdays(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _pick(rng: np.random.Generator, mix: tuple[tuple[str, float], ...]) -> str:
    names = [name for name, _ in mix]
    return str(rng.choice(names, p=[share for _, share in mix]))


class _Day:
    """One office day being generated: its bookings and the rows they become."""

    def __init__(
        self, settings: GeneratorSettings, office: str, day: date, rng: np.random.Generator
    ) -> None:
        self.settings, self.office, self.day, self.rng = settings, office, day, rng
        zone = ZoneInfo(settings.timezone)
        self.opening = datetime.combine(day, time(8, 0), tzinfo=zone).astimezone(UTC)

    def at(self, minutes: float) -> datetime:
        return self.opening + timedelta(minutes=float(minutes))

    def bookings(self) -> tuple[list[Booking], list[dict[str, Any]]]:
        s, rng = self.settings, self.rng
        count = round(s.appointment_share * s.customers_per_day)
        bookings, facts = [], []
        for i in range(count):
            slot = s.open_minutes * i / count
            lead = float(rng.exponential(MEAN_LEAD_DAYS))
            reminder = lead >= 2 and rng.random() < 0.9
            booked_at = self.at(slot) - timedelta(days=lead)
            cancelled_at = None
            arrival: float | None = slot + float(rng.normal(-4.0, 4.0))
            if rng.random() < CANCEL_RATE:
                # Cancelled some time after booking: up to three days before, or later.
                ahead = float(rng.uniform(0.0, min(72.0, lead * 24)))
                cancelled_at = self.at(slot) - timedelta(hours=ahead)
                arrival = None
            elif rng.random() < no_show_probability(lead, reminder):
                arrival = None
            bookings.append(Booking(slot, arrival))
            facts.append(
                {
                    "booked_at": booked_at,
                    "scheduled_at": self.at(slot),
                    "reminder_sent": reminder,
                    "cancelled_at": cancelled_at,
                    "no_show": None if cancelled_at else arrival is None,
                }
            )
        return bookings, facts

    def rows(self, start: int) -> list[dict[str, Any]]:
        s, rng = self.settings, self.rng
        bookings, facts = self.bookings()
        by_slot = {b.scheduled: f for b, f in zip(bookings, facts, strict=True)}
        served = simulate_day(
            advisers=s.advisers,
            open_minutes=s.open_minutes,
            bookings=bookings,
            walk_in_rate=(1 - s.appointment_share) * s.customers_per_day / s.open_minutes,
            service=lambda r: float(r.exponential(s.mean_service_minutes)),
            rng=rng,
        )
        rows = []
        for visit in served:
            row = self._common()
            if visit.scheduled is not None:
                row.update(by_slot.pop(visit.scheduled), kind=APPOINTMENT)
            else:
                row["kind"] = WALK_IN
            called = self.at(visit.start)
            row.update(
                arrived_at=self.at(visit.arrival),
                called_at=called,
                service_started_at=called,
                service_ended_at=self.at(visit.end),
                adviser=f"{self.office} adviser {visit.adviser + 1}",
                resolved_in_visit=bool(
                    rng.random() < (0.7 if row["matter"] == "complex life situation" else 0.9)
                ),
            )
            rows.append(row)
        for missed in by_slot.values():  # no-shows and cancellations
            rows.append({**self._common(), **missed, "kind": APPOINTMENT})
        for i, row in enumerate(rows):
            row["visit_id"] = (
                f"{GENERATED_PREFIX}{s.seed}:{self.office}:{self.day.isoformat()}:{start + i}"
            )
            row["customer_id"] = f"generated customer {s.seed}-{self.day.isoformat()}-{i}"
        return rows

    def _common(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "matter": _pick(self.rng, MATTERS),
            "segment": _pick(self.rng, SEGMENTS),
        }


def generate_office_log(settings: GeneratorSettings | None = None) -> pa.Table:
    """Return a generated office log as rows of the canonical visits table (Arrow)."""
    settings = settings or GeneratorSettings()
    rng = np.random.default_rng(settings.seed)
    rows: list[dict[str, Any]] = []
    for office in settings.offices:
        for day in _weekdays(settings.first_day, settings.days):
            rows.extend(_Day(settings, office, day, rng).rows(len(rows)))
    return _arrow(rows)


def _arrow(rows: list[dict[str, Any]]) -> pa.Table:
    types = {"string": pa.string(), "boolean": pa.bool_(), "int64": pa.int64()}
    return pa.table(
        {
            c.name: pa.array(
                [row.get(c.name) for row in rows],
                pa.timestamp("us", tz="UTC") if c.dtype.startswith("timestamp") else types[c.dtype],
            )
            for c in VISITS.columns
        }
    )


def add_generated_visits(workspace: Workspace, log: pa.Table) -> int:
    """Add a generated log to the workspace's visits in one transaction; return the rows.

    A log whose visits are already there (the same seed and settings) is refused, and
    so is a pseudonymised workspace: its identifiers are keyed hashes, and generated
    ones in clear beside them would break that promise.
    """
    mode = stored_mode(workspace)
    if mode is not None and mode.pseudonymised:
        raise WorkspaceError(
            Message(
                "The workspace {path} is pseudonymised: put generated visits in a workspace "
                "of their own.",
                path=str(workspace.path),
            )
        )
    con = workspace.connection
    con.register("__karsta_generated_visits", log)
    try:
        present = query_one(
            con,
            "SELECT count(*) FROM visits WHERE visit_id IN "
            "(SELECT visit_id FROM __karsta_generated_visits)",
        )
        if present and present[0]:
            raise WorkspaceError(
                Message(
                    "The workspace already holds {count} of these generated visits: "
                    "choose another --seed or another workspace.",
                    count=int(present[0]),
                )
            )
        with workspace.transaction():
            con.execute(
                "INSERT INTO visits BY NAME SELECT * FROM __karsta_generated_visits"
            ).fetchall()
    finally:
        con.unregister("__karsta_generated_visits")
    return int(log.num_rows)
