"""The time-savings calculator: what removing some minutes of waste saves in a year.

Small savings in frequent routines add up: an activity done 5 times a week from
which 30 minutes of waste is removed saves 5 × 30 min × 52 = 7 800 min = 130 h,
16,25 working days of 8 h, a year. The calculator takes the frequency (per day,
week, month or year), the minutes saved each time, how many people or teams do it,
the working weeks in a year (52), the hours of a working day (7,5 in Finland; the
method's example uses 8) and the working days of a week (5), and an hourly cost.

Where the workspace shows how often an activity happens, `observed_frequency`
takes the frequency from the event log instead of a guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from karsta.i18n import Message
from karsta.improve.findings import find_finding
from karsta.process.analysis import ProcessAnalysis
from karsta.process.waste import WasteFindings

Per = Literal["day", "week", "month", "year"]
PERS: tuple[str, ...] = get_args(Per)
MONTHS_A_YEAR = 12
CALENDAR_WEEKS = 52


@dataclass(frozen=True, kw_only=True)
class SavingsAssumptions:
    """The working year the savings are counted in."""

    weeks_per_year: float = 52.0
    hours_per_day: float = 7.5
    days_per_week: float = 5.0
    hourly_cost: float | None = None
    """Euros an hour of work; None leaves the savings unpriced."""

    def __post_init__(self) -> None:
        """Reject a working year that cannot be: raise ValueError naming the field."""
        for name in ("weeks_per_year", "hours_per_day", "days_per_week"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(
                    Message("{name} must be more than 0, got {value}", name=name, value=value)
                )
        if self.weeks_per_year > CALENDAR_WEEKS + 1:
            raise ValueError(
                Message("weeks_per_year must be at most 53, got {value}", value=self.weeks_per_year)
            )
        if self.days_per_week > 7 or self.hours_per_day > 24:
            raise ValueError(Message("a week has at most 7 days and a day 24 hours"))
        if self.hourly_cost is not None and self.hourly_cost < 0:
            raise ValueError(
                Message("hourly_cost must not be negative, got {value}", value=self.hourly_cost)
            )

    @property
    def hours_per_week(self) -> float:
        """Return the hours of a working week (40 for 5 days of 8 h)."""
        return self.hours_per_day * self.days_per_week

    def occurrences_per_year(self, times: float, per: Per) -> float:
        """Return how often `times` per `per` happens in a working year.

        A day is a working day, a week a working week; a month is a twelfth of the
        working year (12 × weeks_per_year / 52), so fewer working weeks mean fewer
        working months too.
        """
        if per == "day":
            return times * self.days_per_week * self.weeks_per_year
        if per == "week":
            return times * self.weeks_per_year
        if per == "month":
            return times * MONTHS_A_YEAR * self.weeks_per_year / CALENDAR_WEEKS
        if per == "year":
            return times
        raise ValueError(
            Message("per must be one of {pers}, got {per!r}", pers=", ".join(PERS), per=per)
        )


@dataclass(frozen=True, kw_only=True)
class Savings:
    """Time (and money) saved a year, in every unit a reader may want."""

    times: float
    per: str
    minutes_each: float
    people: float
    occurrences_per_year: float
    minutes_per_year: float
    hours_per_year: float
    working_days_per_year: float
    working_weeks_per_year: float
    euros_per_year: float | None
    assumptions: SavingsAssumptions
    frequency_source: str | None = None
    """Where the frequency comes from when the data gave it (English; views translate)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the savings as JSON-ready data."""
        return {**asdict(self), "assumptions": asdict(self.assumptions)}


def time_savings(
    *,
    times: float,
    per: Per,
    minutes: float,
    people: float = 1,
    assumptions: SavingsAssumptions | None = None,
    frequency_source: str | None = None,
) -> Savings:
    """Return what saving `minutes` each time, `times` per `per`, for `people` saves a year.

    The method's example: 5 a week × 30 min × 1 person × 52 weeks = 7 800 min = 130 h,
    16,25 working days of 8 h, 3,25 weeks of 40 h.
    """
    a = assumptions or SavingsAssumptions()
    for name, value in (("times", times), ("minutes", minutes), ("people", people)):
        if value < 0:
            raise ValueError(
                Message("{name} must not be negative, got {value}", name=name, value=value)
            )
    occurrences = a.occurrences_per_year(times, per) * people
    total_minutes = occurrences * minutes
    hours = total_minutes / 60
    return Savings(
        times=times,
        per=per,
        minutes_each=minutes,
        people=people,
        occurrences_per_year=occurrences,
        minutes_per_year=total_minutes,
        hours_per_year=hours,
        working_days_per_year=hours / a.hours_per_day,
        working_weeks_per_year=hours / a.hours_per_week,
        euros_per_year=None if a.hourly_cost is None else hours * a.hourly_cost,
        assumptions=a,
        frequency_source=frequency_source,
    )


@dataclass(frozen=True, kw_only=True)
class ObservedFrequency:
    """How often something happens a year by the event log, and what that rests on."""

    times_per_year: float
    occurrences: int
    """Occurrences in the observed period."""
    source: str
    """What was counted and over which period (English; views translate)."""


def activity_frequency(analysis: ProcessAnalysis, activity: str) -> ObservedFrequency:
    """Return how often `activity` (an activity or status of the log) happens a year.

    The events of `activity` in the tickets opened in the observed period (the
    period the waste findings are scaled from), scaled to a year.
    """
    period = analysis.period()
    if period.start is None or period.end is None:
        raise ValueError(Message("The log has no complete period to count from."))
    events = analysis.events()
    tickets = analysis.source.table("tickets")
    inside = tickets.filter((tickets.opened_at >= period.start) & (tickets.opened_at < period.end))
    hits = events.filter(events.activity == activity).semi_join(
        inside.select("ticket_id"), "ticket_id"
    )
    counted = analysis.source.to_arrow(hits.aggregate(n=hits.count())).to_pylist()
    occurrences = int(counted[0]["n"] or 0) if counted else 0
    if occurrences == 0:
        known = (
            analysis.source.to_arrow(
                events.select("activity").distinct().order_by("activity").limit(12)
            )
            .column("activity")
            .to_pylist()
        )
        raise ValueError(
            Message(
                "No event '{activity}' in the observed period. Some of the log's: {known}.",
                activity=activity,
                known=", ".join(str(k) for k in known if k is not None),
            )
        )
    return ObservedFrequency(
        times_per_year=occurrences * period.per_year,
        occurrences=occurrences,
        source=Message(
            "'{activity}' happened {n} times in the log; {basis}",
            activity=activity,
            n=occurrences,
            basis=period.basis(),
        ),
    )


def finding_frequency(waste: WasteFindings, finding_id: str) -> ObservedFrequency:
    """Return how often the waste finding `finding_id` (e.g. handoffs:ping-pong) happens a year."""
    found = find_finding(waste, finding_id)
    return ObservedFrequency(
        times_per_year=found.occurrences * waste.period.per_year,
        occurrences=found.occurrences,
        source=Message(
            "{title}: {n} times in the log; {basis}",
            title=found.title,
            n=found.occurrences,
            basis=waste.period.basis(),
        ),
    )
