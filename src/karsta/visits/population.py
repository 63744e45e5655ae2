"""Which visits an analysis looks at: a period, offices, and the generated-data marker.

A visit's day is the day of its appointment, else of its arrival, else of its booking
(UTC). Visits made by the seeded generator (`karsta.visits.generate`) carry identifiers
that start with `GENERATED_PREFIX`, so every result built on them can say so whatever
engine reads the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.i18n import Message
from karsta.workspace.source import TableSource

GENERATED_PREFIX = "generated:"
"""The start of every generated visit's identifier."""
APPOINTMENT = "appointment"
WALK_IN = "walk-in"
KINDS = (APPOINTMENT, WALK_IN)


@dataclass(frozen=True, kw_only=True)
class VisitFilters:
    """The visits to look at: days first..last (inclusive, UTC) and offices (empty: all)."""

    first_day: date | None = None
    last_day: date | None = None
    offices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.first_day and self.last_day and self.first_day > self.last_day:
            raise ValueError(
                Message(
                    "the period ends ({last}) before it starts ({first})",
                    first=self.first_day.isoformat(),
                    last=self.last_day.isoformat(),
                )
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the filters (JSON-ready)."""
        return {
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "offices": list(self.offices),
        }


def visit_time(visits: ir.Table) -> ir.TimestampValue:
    """Return the time that places a visit in a period: appointment, else arrival, else booking."""
    return ibis.coalesce(visits.scheduled_at, visits.arrived_at, visits.booked_at)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def filtered(visits: ir.Table, filters: VisitFilters) -> ir.Table:
    """Return the visits the filters keep."""
    when = visit_time(visits)
    conditions: list[ir.BooleanValue] = []
    if filters.first_day is not None:
        conditions.append(when >= _midnight(filters.first_day))
    if filters.last_day is not None:
        conditions.append(when < _midnight(filters.last_day + timedelta(days=1)))
    if filters.offices:
        conditions.append(visits.office.isin(list(filters.offices)))
    return visits.filter(*conditions) if conditions else visits


def is_generated(visits: ir.Table) -> ir.BooleanValue:
    """Return whether a visit was made by the seeded generator."""
    return visits.visit_id.startswith(GENERATED_PREFIX)


@dataclass(frozen=True)
class Provenance:
    """How many of the visits looked at are real and how many generated."""

    visits: int
    generated: int

    @property
    def label(self) -> Message | None:
        """Return the label generated data carries wherever it is shown (None if all real)."""
        if not self.generated:
            return None
        if self.generated == self.visits:
            return Message(
                "GENERATED DATA: all {count} visits were made by the seeded generator, "
                "not recorded by an office",
                count=self.generated,
            )
        return Message(
            "GENERATED DATA: {count} of the {visits} visits were made by the seeded generator",
            count=self.generated,
            visits=self.visits,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the counts and the label (JSON-ready)."""
        return {
            "visits": self.visits,
            "generated_visits": self.generated,
            "generated": bool(self.generated),
            "label": self.label,
        }


def provenance_expr(visits: ir.Table) -> ir.Table:
    """Return one row: the visits and how many of them are generated."""
    return visits.aggregate(
        visits=visits.count(),
        generated=is_generated(visits).cast("int64").sum(),
    )


def provenance_of(row: dict[str, Any]) -> Provenance:
    """Return the provenance from the row `provenance_expr` gives."""
    return Provenance(visits=int(row["visits"] or 0), generated=int(row["generated"] or 0))


@dataclass(frozen=True)
class OfficeVisits:
    """One office and its visits (office None: visits that name no office)."""

    office: str | None
    visits: int

    def to_dict(self) -> dict[str, Any]:
        """Return {"office", "visits"}."""
        return {"office": self.office, "visits": self.visits}


def office_visits(source: TableSource) -> tuple[OfficeVisits, ...]:
    """Return every office with its visits, most visits first (empty: no visits at all)."""
    visits = source.table("visits")
    rows = source.to_arrow(visits.group_by("office").aggregate(n=visits.count())).to_pylist()
    ordered = sorted(rows, key=lambda r: (-int(r["n"]), r["office"] is None, r["office"] or ""))
    return tuple(OfficeVisits(r["office"], int(r["n"])) for r in ordered)
