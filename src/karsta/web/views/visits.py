"""The visits pages: appointments and walk-ins measured (/visits) and compared (/visits/compare).

Each page renders what `karsta.visits` returns (`measure_visits`, `no_show_drivers`,
`duration_histogram`, `compare_visits`) for the asked period and office; its JSON twin
serves the same results' `to_dict()`. Results are kept per workspace version.

Visits belong to no ticket group or channel, so the access rules that limit a user to
some groups or channels cannot say which visits they may see: a limited user gets the
page saying it is not available to them, and no figure (nor does the JSON twin).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, BeforeValidator, Field, PrivateAttr

from karsta.api import Analyses
from karsta.i18n import N_, Language, Message, gettext, localized
from karsta.visits import VisitFilters, VisitMeasures, VisitOptions, measure_visits
from karsta.visits.compare import VisitComparison, compare_visits
from karsta.visits.distribution import Histogram, duration_histogram
from karsta.visits.drivers import NO_SEGMENT, NoShowDrivers, no_show_drivers
from karsta.visits.figures import ALL, DurationFigure, ShareFigure
from karsta.visits.measures import LATE_CANCEL_HOURS
from karsta.visits.population import OfficeVisits, office_visits
from karsta.web.pages import page
from karsta.web.rendering import TEMPLATES, Numbers
from karsta.web.requests import Viewer, Visitor
from karsta.web.views.process_common import FormDate, blank_is_none, workspace_exists
from karsta.web.visit_charts import grouped_rates, histogram_bars, interval_dots

router = APIRouter(tags=["visits"])

MAX_LATE_CANCEL_HOURS = 24.0 * 30
IMPORT_COMMAND = "karsta import visits.csv --preset visits"
MEASURES = {
    "waiting_time": N_("waiting time (arrival → service start)"),
    "lateness": N_("service start against the booked time"),
    "lead_time": N_("lead time (booking → appointment)"),
    "service_time": N_("service time"),
    "no_show_rate": N_("no-show rate"),
    "late_cancel_rate": N_("late-cancellation rate"),
    "one_visit_resolution": N_("settled in one visit"),
    "other_channel_share": N_("could have used another channel"),
    "adviser_utilisation": N_("adviser utilisation"),
}
GROUPS = {"all": N_("all"), "appointment": N_("by appointment"), "walk-in": N_("walk-in visits")}
APPOINTMENTS_ONLY = frozenset({"lateness", "lead_time", "no_show_rate", "late_cancel_rate"})
"""Measures of appointments alone: their "all" figure repeats the appointments'."""
STATISTICS = {"share": N_("share"), "mean": N_("mean"), "median": N_("median")}

Text = Annotated[Annotated[str, Field(max_length=200)] | None, BeforeValidator(blank_is_none)]
LateCancelHours = Annotated[
    Annotated[float, Field(ge=0, le=MAX_LATE_CANCEL_HOURS)] | None, BeforeValidator(blank_is_none)
]
AdviserHours = Annotated[
    Annotated[float, Field(gt=0, le=24)] | None, BeforeValidator(blank_is_none)
]


@dataclass(frozen=True)
class VisitsResult:
    """What the visits page shows, computed together once per workspace version."""

    offices: tuple[OfficeVisits, ...]
    measures: VisitMeasures | None = None
    drivers: NoShowDrivers | None = None
    distribution: Histogram | None = None


class FiltersInfo(BaseModel):
    """The visits the page looks at, as asked."""

    first_day: date | None = None
    last_day: date | None = None
    office: str | None = None
    late_cancel_hours: float = LATE_CANCEL_HOURS
    hours_per_adviser_day: float | None = None
    matter_channels: dict[str, str] = {}


class OfficeInfo(BaseModel):
    """An office and its visits (null: visits naming no office)."""

    office: str | None
    visits: int


class VisitsPageBase(BaseModel):
    """What both visits pages hold besides their figures."""

    available: bool
    """False for a user limited to some groups or channels: visits have neither."""
    has_data: bool
    """Whether the workspace holds any visit."""
    import_command: str = IMPORT_COMMAND
    offices: list[OfficeInfo] = []


class VisitsPage(VisitsPageBase):
    """The visit measures, the no-show drivers and the spread of the waits (or lead times)."""

    filters: FiltersInfo
    generated: bool = False
    measures: dict[str, Any] | None = None
    drivers: dict[str, Any] | None = None
    distribution: dict[str, Any] | None = None
    _result: VisitsResult | None = PrivateAttr(default=None)

    def result(self) -> VisitsResult | None:
        """Return the results as computed (their texts translatable)."""
        return self._result


class ComparePage(VisitsPageBase):
    """Two periods or two offices side by side, with intervals, tests and no-show drivers."""

    before: date | None = None
    after: date | None = None
    first_day: date | None = None
    last_day: date | None = None
    office: str | None = None
    office_a: str | None = None
    office_b: str | None = None
    asked: bool = False
    """Whether the page was asked for a comparison (else it shows the form only)."""
    generated: bool = False
    comparison: dict[str, Any] | None = None
    _result: VisitComparison | None = PrivateAttr(default=None)

    def result(self) -> VisitComparison | None:
        """Return the comparison as computed (its texts translatable)."""
        return self._result


def _filters(first: date | None, last: date | None, offices: tuple[str, ...]) -> VisitFilters:
    try:
        return VisitFilters(first_day=first, last_day=last, offices=offices)
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc


def _options(
    late_cancel_hours: float, hours_per_adviser_day: float | None, matter_channel: list[str]
) -> VisitOptions:
    mapping: dict[str, str] = {}
    for pair in matter_channel:
        if not pair.strip():
            continue
        matter, sep, channel = pair.partition("=")
        if not sep or not matter.strip() or not channel.strip():
            raise HTTPException(status_code=422)
        mapping[matter.strip()] = channel.strip()
    try:
        return VisitOptions(
            late_cancel_hours=late_cancel_hours,
            matter_channels=mapping,
            hours_per_adviser_day=hours_per_adviser_day,
        )
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc


def _offices(visitor: Visitor) -> tuple[OfficeVisits, ...]:
    return visitor.state.results.get(
        "visit offices", visitor.scope, lambda ws: office_visits(ws.source)
    )


def _office_infos(offices: tuple[OfficeVisits, ...]) -> list[OfficeInfo]:
    return [OfficeInfo(office=o.office, visits=o.visits) for o in offices]


def visits_result(ws: Analyses, filters: VisitFilters, options: VisitOptions) -> VisitsResult:
    """Return the measures, the drivers and the spread of the waits, or of the lead times.

    The waits need times of day; where the data has none (appointment systems that
    record a date only) the lead time's spread is shown instead.
    """
    source = ws.source
    offices = office_visits(source)
    if not offices:
        return VisitsResult(offices=offices)
    measures = measure_visits(source, filters=filters, options=options)
    spread = "waiting_time" if measures.duration("waiting_time").n else "lead_time"
    return VisitsResult(
        offices=offices,
        measures=measures,
        drivers=no_show_drivers(source, filters=filters),
        distribution=duration_histogram(source, spread, filters=filters),
    )


@page(router, "/visits", template="visits/page.html", model=VisitsPage, summary="Visits")
def visits(
    visitor: Viewer,
    first_day: Annotated[
        FormDate, Query(description="First day of the visits (UTC, inclusive).")
    ] = None,
    last_day: Annotated[
        FormDate, Query(description="Last day of the visits (UTC, inclusive).")
    ] = None,
    office: Annotated[Text, Query(description="Only the visits of this office.")] = None,
    late_cancel_hours: Annotated[
        LateCancelHours,
        Query(description="A cancellation less than this many hours ahead is late (empty: 24)."),
    ] = None,
    hours_per_adviser_day: Annotated[
        AdviserHours,
        Query(description="Available hours of an adviser a day (empty: the day's span)."),
    ] = None,
    matter_channel: Annotated[
        list[str],
        Query(description="A matter another channel handles, as MATTER=CHANNEL (repeat)."),
    ] = [],  # noqa: B006 - FastAPI copies the default
) -> VisitsPage:
    """Return the visit measures, the no-show drivers and the spread of the waits."""
    if late_cancel_hours is None:
        late_cancel_hours = LATE_CANCEL_HOURS
    filters = _filters(first_day, last_day, (office,) if office else ())
    options = _options(late_cancel_hours, hours_per_adviser_day, matter_channel)
    info = FiltersInfo(
        first_day=first_day,
        last_day=last_day,
        office=office,
        late_cancel_hours=late_cancel_hours,
        hours_per_adviser_day=hours_per_adviser_day,
        matter_channels=dict(options.matter_channels),
    )
    if visitor.scope.restricted:
        return VisitsPage(available=False, has_data=False, filters=info)
    if not workspace_exists(visitor):
        return VisitsPage(available=True, has_data=False, filters=info)
    key: Hashable = (
        "visits",
        first_day,
        last_day,
        office,
        late_cancel_hours,
        hours_per_adviser_day,
        tuple(sorted(options.matter_channels.items())),
    )
    result = visitor.state.results.get(
        key, visitor.scope, lambda ws: visits_result(ws, filters, options)
    )
    measures, drivers, spread = result.measures, result.drivers, result.distribution
    built = VisitsPage(
        available=True,
        has_data=bool(result.offices),
        filters=info,
        offices=_office_infos(result.offices),
        generated=measures is not None and measures.provenance.generated > 0,
        measures=measures.to_dict() if measures else None,
        drivers=drivers.to_dict() if drivers else None,
        distribution=spread.to_dict() if spread else None,
    )
    built._result = result
    return built


@page(
    router,
    "/visits/compare",
    template="visits/compare.html",
    model=ComparePage,
    summary="Visits compared",
)
def compare(
    visitor: Viewer,
    before: Annotated[FormDate, Query(description="Last day of the first period.")] = None,
    after: Annotated[FormDate, Query(description="First day of the second period.")] = None,
    first_day: Annotated[FormDate, Query(description="First day of the first period.")] = None,
    last_day: Annotated[FormDate, Query(description="Last day of the second period.")] = None,
    office: Annotated[Text, Query(description="Compare periods of this office only.")] = None,
    office_a: Annotated[Text, Query(description="The first office of two compared.")] = None,
    office_b: Annotated[Text, Query(description="The second office of two compared.")] = None,
) -> ComparePage:
    """Return two periods (before, after) or two offices (office_a, office_b) compared."""
    fields: dict[str, Any] = {
        "before": before,
        "after": after,
        "first_day": first_day,
        "last_day": last_day,
        "office": office,
        "office_a": office_a,
        "office_b": office_b,
    }
    if visitor.scope.restricted:
        return ComparePage(available=False, has_data=False, **fields)
    if not workspace_exists(visitor):
        return ComparePage(available=True, has_data=False, **fields)
    offices = _offices(visitor)
    common: dict[str, Any] = {
        "available": True,
        "has_data": bool(offices),
        "offices": _office_infos(offices),
        **fields,
    }
    periods = before is not None or after is not None
    two_offices = office_a is not None or office_b is not None
    if not offices or not (periods or two_offices):
        return ComparePage(**common)
    if periods == two_offices or None in ((before, after) if periods else (office_a, office_b)):
        raise HTTPException(status_code=422)  # either two periods or two offices, complete
    label_a: str
    label_b: str
    if periods:
        assert before is not None
        assert after is not None
        kept = (office,) if office else ()
        a, b = _filters(first_day, before, kept), _filters(after, last_day, kept)
        label_a = Message("until {day}", day=before.isoformat())
        label_b = Message("from {day}", day=after.isoformat())
    else:
        assert office_a is not None
        assert office_b is not None
        a = _filters(first_day, last_day, (office_a,))
        b = _filters(first_day, last_day, (office_b,))
        label_a, label_b = office_a, office_b  # the data's own names, never translated
    key: Hashable = ("visits compared", *fields.values())
    result = visitor.state.results.get(
        key,
        visitor.scope,
        lambda ws: compare_visits(ws.source, a, b, label_a=label_a, label_b=label_b),
    )
    built = ComparePage(
        **common,
        asked=True,
        generated=result.generated is not None,
        comparison=result.to_dict(),
    )
    built._result = result
    return built


# What the templates call: names, rows and charts from the results ------------------------


def measure_name(measure: str) -> str:
    """Return a measure's name in the page's language."""
    return gettext(MEASURES[measure])


def group_name(group: str) -> str:
    """Return a group of visits (all, by appointment, walk-in) in the page's language."""
    return gettext(GROUPS.get(group, group))


def visit_groups(measures: VisitMeasures) -> list[str]:
    """Return the groups the measures have figures for: all, then each kind present."""
    figures: list[DurationFigure | ShareFigure] = [*measures.durations, *measures.shares]
    present = {f.group for f in figures}
    return [ALL, *sorted(present - {ALL})]


def measure_rows(measures: VisitMeasures) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (measure, "duration" or "share", group → figure) in the page's order."""
    rows: list[tuple[str, str, dict[str, Any]]] = []
    for measure in dict.fromkeys(f.measure for f in measures.durations):
        durations = {f.group: f for f in measures.durations if f.measure == measure}
        rows.append((measure, "duration", _shown(measure, durations)))
    for measure in dict.fromkeys(f.measure for f in measures.shares):
        found = {f.group: f for f in measures.shares if f.measure == measure}
        rows.append((measure, "share", _shown(measure, found)))
    return rows


def _shown(measure: str, found: dict[str, Any]) -> dict[str, Any]:
    if measure in APPOINTMENTS_ONLY:
        found.pop(ALL, None)
    return found


def rate_label(label: str) -> str:
    """Return a no-show rate's group label: the program's words translated, the data's as is."""
    return gettext(label) if label in (NO_SEGMENT, "with reminder", "without reminder") else label


def distribution_spec(result: VisitsResult, lang: Language) -> dict[str, Any]:
    """Return the histogram of the waits (or lead times) per kind of visit."""
    histogram = result.distribution
    assert histogram is not None
    assert histogram.width is not None
    unit = gettext("min") if histogram.unit == "minutes" else gettext("d")
    rows = []
    for b in histogram.bins:
        label = f"{b.start:g}+ {unit}" if b.end is None else f"{b.start:g}–{b.end:g} {unit}"
        rows.append((b.start, label, group_name(b.group), b.visits))
    rows.sort(key=lambda r: r[0])
    title = (
        gettext("Waiting time, visits per interval")
        if histogram.measure == "waiting_time"
        else gettext("Lead time to the appointment, appointments per interval")
    )
    return histogram_bars(
        [(label, series, visits) for _start, label, series, visits in rows],
        title=title,
        bin_title=measure_name(histogram.measure),
        count_title=gettext("visits"),
        series_title=gettext("visits"),
    )


def no_show_spec(drivers: NoShowDrivers, lang: Language) -> dict[str, Any]:
    """Return the no-show rate by lead-time band, with and without a reminder."""
    with_title, without_title = gettext("with reminder"), gettext("without reminder")
    rows: list[tuple[str, str, float | None]] = []
    for w, wo in drivers.by_lead_time_and_reminder:
        rows.append((w.label, with_title, None if w.share is None else 100 * w.share))
        rows.append((wo.label, without_title, None if wo.share is None else 100 * wo.share))
    return grouped_rates(
        rows,
        title=gettext("No-show rate by lead time, with and without a reminder"),
        group_title=gettext("lead time"),
        value_title=gettext("no-show rate, %"),
        series_title=gettext("reminder"),
    )


def comparison_spec(result: VisitComparison, unit: str, lang: Language) -> dict[str, Any]:
    """Return both sides of the compared shares (unit "share") or mean durations in minutes."""
    rows = []
    for f in result.figures:
        if f.unit != unit or (unit == "minutes" and f.statistic != "mean"):
            continue
        scale = 100.0 if unit == "share" else 1.0
        name = f"{measure_name(f.measure)} · {group_name(f.group)}"
        for side, label in ((f.a, result.label_a), (f.b, result.label_b)):
            if side.value is None:
                continue
            low = None if side.low is None else scale * side.low
            high = None if side.high is None else scale * side.high
            rows.append((name, str(localized(label)), scale * side.value, low, high))
    if unit == "share":
        title, value_title = gettext("Shares compared, % (95 % interval)"), "%"
    else:
        title, value_title = gettext("Mean times compared, minutes (95 % interval)"), "min"
    return interval_dots(
        rows,
        title=title,
        value_title=value_title,
        series_title=gettext("side"),
        value_format=",.1f",
    )


def has_comparison_rows(result: VisitComparison, unit: str) -> bool:
    """Return whether a comparison chart of `unit` has anything to draw."""
    return any(
        f.unit == unit
        and (unit != "minutes" or f.statistic == "mean")
        and (f.a.value is not None or f.b.value is not None)
        for f in result.figures
    )


def compared_value(value: float | None, unit: str, fmt: Numbers) -> str:
    """Return one side's figure in its unit: '12,3 %', '14,1 min', '9,0 d'."""
    if unit == "share":
        return fmt.percent(None if value is None else 100 * value)
    suffix = gettext("min") if unit == "minutes" else gettext("d")
    return f"{fmt.decimal(value, 1)}\N{NO-BREAK SPACE}{suffix}"


def compared_difference(value: float | None, unit: str, fmt: Numbers) -> str:
    """Return a difference B − A: percentage points for shares, else in the figure's unit."""
    if unit == "share":
        points = None if value is None else 100 * value
        return gettext("{value} pp").format(value=fmt.decimal(points, 1))
    return compared_value(value, unit, fmt)


TEMPLATES.globals.update(
    compared_value=compared_value,
    compared_difference=compared_difference,
    visit_measure_name=measure_name,
    visit_group_name=group_name,
    visit_groups=visit_groups,
    visit_measure_rows=measure_rows,
    visit_rate_label=rate_label,
    visit_statistics=STATISTICS,
    visit_distribution_spec=distribution_spec,
    visit_no_show_spec=no_show_spec,
    visit_comparison_spec=comparison_spec,
    visit_has_comparison_rows=has_comparison_rows,
)
