"""Waste findings: what the process map, hand-offs and rework cost in hours and euros a year.

Each finding names its place in the waste catalog (information, customer-process or
organisation waste, and the classic Lean waste), the evidence from the log, the hours
lost in the observed period scaled to a year, and euros at an hourly cost. Hours are
either customer waiting time (taken from the log) or staff effort (occurrences times
an assumed handling time); every assumption is listed with the findings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from karsta.i18n import N_, Message

DAYS_PER_YEAR = 365.25

HoursKind = Literal["customer waiting", "staff effort"]
HOURS_KINDS: tuple[str, ...] = (N_("customer waiting"), N_("staff effort"))
"""The kinds of hours, marked for translation where they are shown."""


@dataclass(frozen=True, kw_only=True)
class WasteAssumptions:
    """The figures that turn counts into hours and euros; printed with every finding list."""

    hourly_cost: float = 45.0
    waiting_hourly_cost: float = 0.0
    minutes_per_handoff: float = 10.0
    minutes_per_repeat: float = 15.0
    minutes_per_reopen: float = 30.0
    minutes_per_recategorisation: float = 5.0
    bottlenecks: int = 3

    def __post_init__(self) -> None:
        """Reject negative figures; raise ValueError naming the field."""
        for name, value in asdict(self).items():
            if value < 0:
                raise ValueError(
                    Message("{name} must not be negative, got {value}", name=name, value=value)
                )

    def lines(self) -> list[str]:
        """Return the assumptions as sentences for the reader (English; views translate)."""
        waiting = (
            Message(
                "customer waiting hours are priced at {cost:g} €/h", cost=self.waiting_hourly_cost
            )
            if self.waiting_hourly_cost
            else Message("customer waiting hours are not priced (0 €/h); they count as hours only")
        )
        return [
            Message("staff time costs {cost:g} €/h", cost=self.hourly_cost),
            waiting,
            Message(
                "a hand-off costs {minutes:g} min of staff time "
                "(reading the ticket again, contacting the customer again)",
                minutes=self.minutes_per_handoff,
            ),
            Message("a repeated activity costs {minutes:g} min", minutes=self.minutes_per_repeat),
            Message("a reopen costs {minutes:g} min", minutes=self.minutes_per_reopen),
            Message(
                "correcting a ticket's category costs {minutes:g} min",
                minutes=self.minutes_per_recategorisation,
            ),
            Message(
                "bottlenecks: the {n} transitions between working steps "
                "with the most waiting in total",
                n=self.bottlenecks,
            ),
            Message("findings can overlap (a ping-pong is also two hand-offs): do not add them up"),
        ]


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One kind of waste seen in the log, with its evidence and what it costs a year."""

    kind: str
    title: str
    family: str
    catalog_item: str
    lean_waste: str
    evidence: str
    occurrences: int
    tickets: int
    hours_kind: HoursKind
    observed_hours: float
    hours_per_year: float
    euros_per_year: float

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True, kw_only=True)
class ObservedPeriod:
    """The span of the analysed events, which hours are scaled from to a year."""

    first: datetime | None
    last: datetime | None

    @property
    def days(self) -> float:
        """Return the period's length in days (at least one day)."""
        if self.first is None or self.last is None:
            return 1.0
        return max((self.last - self.first).total_seconds() / 86_400, 1.0)

    @property
    def per_year(self) -> float:
        """Return the factor from the observed period to a year."""
        return DAYS_PER_YEAR / self.days


def finding(
    *,
    kind: str,
    title: str,
    family: str,
    catalog_item: str,
    lean_waste: str,
    evidence: str,
    occurrences: int,
    tickets: int,
    hours_kind: HoursKind,
    observed_hours: float,
    period: ObservedPeriod,
    assumptions: WasteAssumptions,
) -> Finding:
    """Return a finding with its hours scaled to a year and priced."""
    per_year = observed_hours * period.per_year
    rate = (
        assumptions.waiting_hourly_cost
        if hours_kind == "customer waiting"
        else assumptions.hourly_cost
    )
    return Finding(
        kind=kind,
        title=title,
        family=family,
        catalog_item=catalog_item,
        lean_waste=lean_waste,
        evidence=evidence,
        occurrences=occurrences,
        tickets=tickets,
        hours_kind=hours_kind,
        observed_hours=observed_hours,
        hours_per_year=per_year,
        euros_per_year=per_year * rate,
    )


@dataclass(frozen=True)
class WasteFindings:
    """Findings ranked by hours lost a year, with the assumptions and the observed period."""

    findings: list[Finding]
    assumptions: WasteAssumptions
    period: ObservedPeriod
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Return {"period", "assumptions", "findings", "notes"} (JSON-ready)."""
        return {
            "period": {
                "first": self.period.first.isoformat() if self.period.first else None,
                "last": self.period.last.isoformat() if self.period.last else None,
                "days": self.period.days,
            },
            "assumptions": {**asdict(self.assumptions), "text": self.assumptions.lines()},
            "findings": [f.to_dict() for f in self.findings],
            "notes": self.notes,
        }


def ranked(findings: list[Finding]) -> list[Finding]:
    """Return findings with hours, most hours a year first (then most euros)."""
    kept = [f for f in findings if f.occurrences > 0]
    return sorted(kept, key=lambda f: (-f.hours_per_year, -f.euros_per_year, f.kind))
