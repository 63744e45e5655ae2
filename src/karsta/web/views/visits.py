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
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, BeforeValidator, Field, PrivateAttr

from karsta.api import Analyses
from karsta.i18n import Message
from karsta.visits import VisitFilters, VisitOptions, measure_visits
from karsta.visits.compare import VisitComparison, compare_visits
from karsta.visits.distribution import duration_histogram
from karsta.visits.drivers import no_show_drivers
from karsta.visits.measures import LATE_CANCEL_HOURS
from karsta.visits.population import OfficeVisits, office_visits
from karsta.web.pages import page
from karsta.web.requests import Viewer, Visitor
from karsta.web.views.process_common import FormDate, blank_is_none, workspace_exists
from karsta.web.views.visits_display import VisitsResult

router = APIRouter(tags=["visits"])

MAX_LATE_CANCEL_HOURS = 24.0 * 30
IMPORT_COMMAND = "karsta import visits.csv --preset visits"

Text = Annotated[Annotated[str, Field(max_length=200)] | None, BeforeValidator(blank_is_none)]
LateCancelHours = Annotated[
    Annotated[float, Field(ge=0, le=MAX_LATE_CANCEL_HOURS)] | None, BeforeValidator(blank_is_none)
]
AdviserHours = Annotated[
    Annotated[float, Field(gt=0, le=24)] | None, BeforeValidator(blank_is_none)
]


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
