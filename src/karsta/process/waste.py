"""Waste findings: what the process costs a year, in staff time and in customers' time.

Each finding names its place in the waste catalog (information, customer-process or
organisation waste, and the classic Lean waste), the evidence from the log and the
hours in the observed period scaled to a year. The two kinds of hours are kept apart:

- staff time: occurrences times an assumed handling time; priced at the staff's
  hourly cost and also given in person-years (full-time years of work);
- customer time: time tickets spent in the process, taken from the log; the time
  the waiting rule calls waiting (waiting statuses, the queue) is the customers'
  waiting, priced only when a price for an hour of it is given.

The headline adds up each kind per waste family, counting every hour once: a finding
whose hours another finding already holds (a ping-pong's hand-offs are hand-offs) or
that is not waste by the waiting rule (time in a working step) is listed but not
added, and says why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from karsta.i18n import N_, Message
from karsta.process.period import ObservedPeriod
from karsta.process.requirements import NotComputed

HoursKind = Literal["customer time", "staff time"]
HOURS_KINDS: tuple[str, ...] = (N_("customer time"), N_("staff time"))
"""The kinds of hours, marked for translation where they are shown."""

INFORMATION = Message("information waste")
CUSTOMER_PROCESS = Message("customer-process waste")
ORGANISATION = Message("organisation waste")
FAMILIES: tuple[str, ...] = (INFORMATION, CUSTOMER_PROCESS, ORGANISATION)
"""The waste catalog's three families, in the improvement method's order."""

HOURS_PER_PERSON_YEAR = 1600.0
"""A Finnish full-time person-year of work: 7.5 h days, after annual leave and holidays."""


@dataclass(frozen=True, kw_only=True)
class WasteAssumptions:
    """The figures that turn counts into hours and euros; printed with every finding list.

    `waiting_hourly_cost` prices an hour of customer waiting; None (the default)
    leaves customer time unpriced. `hours_per_person_year` turns staff hours into
    person-years.
    """

    hourly_cost: float = 45.0
    waiting_hourly_cost: float | None = None
    hours_per_person_year: float = HOURS_PER_PERSON_YEAR
    minutes_per_handoff: float = 10.0
    minutes_per_repeat: float = 15.0
    minutes_per_reopen: float = 30.0
    minutes_per_recategorisation: float = 5.0
    bottlenecks: int = 3

    def __post_init__(self) -> None:
        """Reject negative figures and an empty person-year; raise ValueError naming the field."""
        for name, value in asdict(self).items():
            if value is not None and value < 0:
                raise ValueError(
                    Message("{name} must not be negative, got {value}", name=name, value=value)
                )
        if self.hours_per_person_year <= 0:
            raise ValueError(
                Message(
                    "hours_per_person_year must be more than 0, got {value}",
                    value=self.hours_per_person_year,
                )
            )

    def lines(self) -> list[str]:
        """Return the assumptions as sentences for the reader (English; views translate)."""
        waiting = (
            Message(
                "customer waiting hours are priced at {cost:g} €/h", cost=self.waiting_hourly_cost
            )
            if self.waiting_hourly_cost is not None
            else Message(
                "customer waiting hours are not priced (no price given for an hour of "
                "customer waiting); they count as hours only"
            )
        )
        return [
            Message("staff time costs {cost:g} €/h", cost=self.hourly_cost),
            Message("a person-year is {hours:g} hours of work", hours=self.hours_per_person_year),
            waiting,
            Message(
                "a hand-off costs {minutes:g} min of staff time "
                "(reading the ticket again, contacting the customer again)",
                minutes=self.minutes_per_handoff,
            ),
            Message("a repeated activity costs {minutes:g} min", minutes=self.minutes_per_repeat),
            Message(
                "a reopen costs {minutes:g} min (taking the ticket up again; the activities "
                "done again after it are counted as repeats)",
                minutes=self.minutes_per_reopen,
            ),
            Message(
                "correcting a ticket's category costs {minutes:g} min",
                minutes=self.minutes_per_recategorisation,
            ),
            Message(
                "bottlenecks: the {n} arrows of the status map with repeats collapsed "
                "(process map --collapse) with the most time in total, among stays in the "
                "queue or in a working step",
                n=self.bottlenecks,
            ),
            Message(
                "totals count every hour once: ping-pong and escalations that came back are "
                "hand-offs already counted, and bottlenecks show where time goes"
            ),
        ]


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One kind of waste seen in the log, with its evidence and what it costs a year.

    `stay_kind` classes customer time (queue, working, waiting); `in_totals` says
    whether the headline adds its hours, and `not_in_totals` why not.
    `euros_per_year` is None for customer time without a price. `id` names the finding
    for other records (an A3, an idea): `<view>:<what>`, e.g. `handoffs:ping-pong` or
    `waiting:Awaiting User Info`, stable across runs on the same log.
    """

    id: str
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
    euros_per_year: float | None
    person_years: float | None = None
    stay_kind: str | None = None
    in_totals: bool = True
    not_in_totals: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as a JSON-ready dict."""
        return asdict(self)


def finding(
    *,
    id: str,
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
    stay_kind: str | None = None,
    not_in_totals: str | None = None,
) -> Finding:
    """Return a finding with its hours scaled to a year, priced, and staff time in person-years."""
    per_year = observed_hours * period.per_year
    staff = hours_kind == "staff time"
    rate = assumptions.hourly_cost if staff else assumptions.waiting_hourly_cost
    return Finding(
        id=id,
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
        euros_per_year=None if rate is None else per_year * rate,
        person_years=per_year / assumptions.hours_per_person_year if staff else None,
        stay_kind=stay_kind,
        in_totals=not_in_totals is None,
        not_in_totals=not_in_totals,
    )


SOURCES: dict[str, tuple[str, HoursKind]] = {
    "customer waiting": (CUSTOMER_PROCESS, "customer time"),
    "rework": (CUSTOMER_PROCESS, "staff time"),
    "reopens": (CUSTOMER_PROCESS, "staff time"),
    "hand-offs": (ORGANISATION, "staff time"),
    "escalations that came back": (ORGANISATION, "staff time"),
    "categories corrected after intake": (INFORMATION, "staff time"),
}
"""What the totals add up, by waste family and kind of hours: a total the log cannot give
in full lists the sources it misses, and is None when it misses them all."""


def _total(
    findings: list[Finding], kind: HoursKind, families: tuple[str, ...], missing: frozenset[str]
) -> tuple[float | None, list[str]]:
    """Return the hours a year of `kind` in `families` counted once, and the sources missing.

    The hours are None when every source of the total is missing (nothing to add).
    """
    sources = [name for name, (family, k) in SOURCES.items() if k == kind and family in families]
    gaps = [name for name in sources if name in missing]
    if sources and len(gaps) == len(sources):
        return None, gaps
    hours = sum(
        f.hours_per_year
        for f in findings
        if f.in_totals and f.hours_kind == kind and f.family in families
    )
    return hours, gaps


def totals(
    findings: list[Finding],
    assumptions: WasteAssumptions,
    *,
    families: tuple[str, ...] = FAMILIES,
    missing: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Return staff hours, person-years and euros, and customer waiting hours, a year.

    Only findings counted in the totals are added. A total that misses a source the
    log cannot give names it (`staff_missing`, `customer_waiting_missing`) and is
    None when it misses every source; customer euros are None unless customer
    waiting is priced.
    """
    staff, staff_gaps = _total(findings, "staff time", families, missing)
    waiting, waiting_gaps = _total(findings, "customer time", families, missing)
    price = assumptions.waiting_hourly_cost

    def times(hours: float | None, rate: float | None) -> float | None:
        return None if hours is None or rate is None else hours * rate

    return {
        "staff_hours_per_year": staff,
        "staff_person_years": times(staff, 1 / assumptions.hours_per_person_year),
        "staff_euros_per_year": times(staff, assumptions.hourly_cost),
        "staff_missing": staff_gaps,
        "customer_waiting_hours_per_year": waiting,
        "customer_waiting_euros_per_year": times(waiting, price),
        "customer_waiting_missing": waiting_gaps,
    }


@dataclass(frozen=True)
class WasteFindings:
    """Findings ranked by hours a year, the headline totals, the assumptions and the period.

    `missing` names the sources of the totals (`SOURCES`) the log cannot give;
    `not_computed` says what to map for them.
    """

    findings: list[Finding]
    assumptions: WasteAssumptions
    period: ObservedPeriod
    notes: list[str]
    not_computed: tuple[NotComputed, ...] = field(default=())
    missing: frozenset[str] = field(default=frozenset())

    @property
    def staff_time(self) -> list[Finding]:
        """Return the staff-time findings, most hours a year first."""
        return [f for f in self.findings if f.hours_kind == "staff time"]

    @property
    def customer_time(self) -> list[Finding]:
        """Return the customer-time findings, most hours a year first."""
        return [f for f in self.findings if f.hours_kind == "customer time"]

    def headline(self) -> dict[str, Any]:
        """Return the totals a year, overall and per waste family, with what they rest on."""
        families = [
            {
                "family": family,
                **totals(self.findings, self.assumptions, families=(family,), missing=self.missing),
            }
            for family in FAMILIES
        ]
        return {
            **totals(self.findings, self.assumptions, missing=self.missing),
            "hourly_cost": self.assumptions.hourly_cost,
            "waiting_hourly_cost": self.assumptions.waiting_hourly_cost,
            "hours_per_person_year": self.assumptions.hours_per_person_year,
            "families": families,
            "basis": self.period.basis(),
            "complete": not self.missing,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return {"headline", "period", "staff_time", "customer_time", ...} (JSON-ready).

        `not_computed` lists the figures the log cannot give (the totals leave them
        out and say so); `period` holds the basis of the yearly figures and its warnings.
        """
        return {
            "headline": self.headline(),
            "period": self.period.to_dict(),
            "staff_time": [f.to_dict() for f in self.staff_time],
            "customer_time": [f.to_dict() for f in self.customer_time],
            "not_computed": [n.to_dict() for n in self.not_computed],
            "assumptions": {**asdict(self.assumptions), "text": self.assumptions.lines()},
            "notes": self.notes,
        }


def ranked(findings: list[Finding]) -> list[Finding]:
    """Return findings with occurrences, most hours a year first."""
    kept = [f for f in findings if f.occurrences > 0]
    return sorted(kept, key=lambda f: (-f.hours_per_year, f.kind, f.title))
