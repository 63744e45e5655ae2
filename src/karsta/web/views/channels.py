"""The channel pages: reachability of the contacts (/channels) and staffing (/channels/staffing).

Each page renders what `karsta.channels` returns (`channels_overview`,
`reachability_by_channel`, `channel_mix`, `staffing_plan`) for the asked days,
channel and target; its JSON twin serves the same results' `to_dict()`. Results are
kept per workspace version.

Who sees which contacts: a channel limit means the contact's own channel, so a
user limited to the phone sees every phone call (with or without a ticket) and no
other channel's contact. A group limit keeps the contacts of the tickets their
groups resolve, the metric pages' rule for S1, I6 and I7, so the figures agree with
theirs; a contact tied to no ticket belongs to no group and is not shown to them.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, PrivateAttr

from karsta.api import Analyses
from karsta.channels.by_channel import reachability_by_channel
from karsta.channels.mix import channel_mix
from karsta.channels.overview import channels_overview
from karsta.channels.selection import ChannelCount, contact_channels, of_channels
from karsta.channels.staffing import staffing_plan
from karsta.channels.targets import ServiceTarget, parse_target
from karsta.i18n import N_, gettext, localized
from karsta.metrics.options import MetricOptions
from karsta.web.access import DataScope
from karsta.web.pages import page
from karsta.web.requests import Viewer
from karsta.web.views.channels_display import ChannelsResult, StaffingResult
from karsta.web.views.process_common import ScopeInfo, blank_is_none, scope_info, workspace_exists

router = APIRouter(tags=["channels"])

IMPORT_COMMAND = "karsta import calls.csv --preset acd"
DEFAULT_TARGET = "80/20"
NO_CONTACTS = N_(
    "No contact arrived in the chosen days and channels, so no figure can be computed."
)
MAX_SHRINKAGE = 95.0

Day = Annotated[
    Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))] | None,
    BeforeValidator(blank_is_none),
]
Text = Annotated[Annotated[str, Field(max_length=200)] | None, BeforeValidator(blank_is_none)]
TargetText = Annotated[Annotated[str, Field(max_length=20)] | None, BeforeValidator(blank_is_none)]
PeriodKind = Annotated[Literal["week", "month"] | None, BeforeValidator(blank_is_none)]
INTERVALS = (15, 30, 60)


def _interval(minutes: int) -> int:
    if minutes not in INTERVALS:
        raise ValueError("the interval is 15, 30 or 60 minutes")
    return minutes


Minutes = Annotated[
    Annotated[int, AfterValidator(_interval)] | None, BeforeValidator(blank_is_none)
]
Shrinkage = Annotated[
    Annotated[float, Field(ge=0, le=MAX_SHRINKAGE)] | None, BeforeValidator(blank_is_none)
]
Model = Annotated[Literal["erlang_c", "erlang_a"] | None, BeforeValidator(blank_is_none)]

FIRST_DAY = Query(description="First day of the contacts (workspace time zone, inclusive).")
LAST_DAY = Query(description="Last day of the contacts (workspace time zone, inclusive).")
CHANNEL = Query(description="Only the contacts of this channel.")
TARGET = Query(description="Service level target as percent/seconds, e.g. 80/20.")


class ChannelInfo(BaseModel):
    """A channel and its contacts (all the user may see, whatever the filters)."""

    channel: str
    contacts: int


class ChannelFilters(BaseModel):
    """The contacts and the target the page was asked for."""

    first_day: date | None = None
    last_day: date | None = None
    channel: str | None = None
    target: str = DEFAULT_TARGET


class StaffingFilters(ChannelFilters):
    """The staffing page's question: the filters and the model's parameters."""

    interval_minutes: int = 30
    shrinkage_percent: float = 0.0
    model: str = "erlang_c"


class ChannelsPageBase(BaseModel):
    """What both channel pages hold besides their figures."""

    has_data: bool
    """Whether the workspace holds any contact the user may see."""
    import_command: str = IMPORT_COMMAND
    scope: ScopeInfo
    channels: list[ChannelInfo] = []


class ChannelsPage(ChannelsPageBase):
    """Reachability per channel, the abandon curve, waits, the channel mix, contacts per ticket."""

    filters: ChannelFilters
    period: str = "month"
    overview: dict[str, Any] | None = None
    by_channel: list[dict[str, Any]] = []
    mix: dict[str, Any] | None = None
    not_computed: str | None = None
    """Why the overview has no figure: no contact in the chosen days and channels."""
    _result: ChannelsResult | None = PrivateAttr(default=None)

    def result(self) -> ChannelsResult | None:
        """Return the results as computed (their texts translatable)."""
        return self._result


class StaffingPage(ChannelsPageBase):
    """Arrivals, handling time and agents needed per interval; the model against the data."""

    filters: StaffingFilters
    plan: dict[str, Any] | None = None
    erlang_a_available: bool = False
    """Whether the callers' patience is known (abandons in the data): Erlang A needs it."""
    error: str | None = None
    """Why the plan cannot be made for this question (e.g. the time zone and interval)."""
    _result: StaffingResult | None = PrivateAttr(default=None)

    def result(self) -> StaffingResult | None:
        """Return the results as computed (their texts translatable)."""
        return self._result


def _target(text: str | None) -> ServiceTarget:
    try:
        return parse_target(text or DEFAULT_TARGET)
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc


def _check_days(first: date | None, last: date | None) -> None:
    if first is not None and last is not None and first > last:
        raise HTTPException(status_code=422)


def run_options(
    ws: Analyses, scope: DataScope, goal: ServiceTarget, first: date | None, last: date | None
) -> MetricOptions:
    """Return the run's options: the settings, the target, the days and the group limit."""
    zone = ZoneInfo(ws.config.timezone)
    since = None if first is None else datetime.combine(first, time(0), zone)
    until = None if last is None else datetime.combine(last + timedelta(days=1), time(0), zone)
    return ws.config.options(
        answer_target_seconds=goal.seconds,
        answer_target_percent=goal.percent,
        since=since,
        until=until,
        ticket_attributes=scope.group_limit,
    )


def _visible(ws: Analyses, scope: DataScope) -> list[ChannelCount]:
    """Return the channels of every contact the user may see (no filter)."""
    source = of_channels(ws.source, scope.contact_channels())
    return contact_channels(source, ws.config.options(ticket_attributes=scope.group_limit))


def channels_result(
    ws: Analyses, scope: DataScope, filters: ChannelFilters, period: Literal["week", "month"]
) -> ChannelsResult:
    """Return the reachability figures, per channel and together, and the mix by period."""
    visible = _visible(ws, scope)
    if not visible:
        return ChannelsResult(channels=visible)
    goal = parse_target(filters.target)
    options = run_options(ws, scope, goal, filters.first_day, filters.last_day)
    source = of_channels(ws.source, scope.contact_channels(filters.channel))
    return ChannelsResult(
        channels=visible,
        overview=channels_overview(source, options, target=str(goal)),
        by_channel=reachability_by_channel(source, options),
        mix=channel_mix(source, replace(options, period=period)),
    )


def staffing_result(ws: Analyses, scope: DataScope, filters: StaffingFilters) -> StaffingResult:
    """Return the staffing plan of the asked contacts, target, interval and shrinkage."""
    visible = _visible(ws, scope)
    if not visible:
        return StaffingResult(channels=visible)
    goal = parse_target(filters.target)
    options = run_options(ws, scope, goal, filters.first_day, filters.last_day)
    source = of_channels(ws.source, scope.contact_channels(filters.channel))
    plan = staffing_plan(
        source,
        options,
        target=goal,
        shrinkage=filters.shrinkage_percent / 100.0,
        minutes=filters.interval_minutes,
    )
    return StaffingResult(channels=visible, plan=plan)


def _infos(channels: list[ChannelCount]) -> list[ChannelInfo]:
    return [ChannelInfo(channel=c.channel, contacts=c.contacts) for c in channels]


@page(router, "/channels", template="channels/page.html", model=ChannelsPage, summary="Channels")
def channels(
    visitor: Viewer,
    first_day: Annotated[Day, FIRST_DAY] = None,
    last_day: Annotated[Day, LAST_DAY] = None,
    channel: Annotated[Text, CHANNEL] = None,
    target: Annotated[TargetText, TARGET] = None,
    period: Annotated[
        PeriodKind, Query(description="Periods of the channel mix: week or month.")
    ] = None,
) -> ChannelsPage:
    """Return reachability per channel, the abandon curve, the waits and the channel mix."""
    goal = _target(target)
    _check_days(first_day, last_day)
    filters = ChannelFilters(
        first_day=first_day, last_day=last_day, channel=channel, target=str(goal)
    )
    kind = period or "month"
    common: dict[str, Any] = {"scope": scope_info(visitor), "filters": filters, "period": kind}
    if not workspace_exists(visitor):
        return ChannelsPage(has_data=False, **common)
    key: Hashable = ("channels", first_day, last_day, channel, str(goal), kind)
    result = visitor.state.results.get(
        key, visitor.scope, lambda ws: channels_result(ws, visitor.scope, filters, kind)
    )
    built = ChannelsPage(
        has_data=bool(result.channels),
        channels=_infos(result.channels),
        overview=result.overview.to_dict() if result.overview else None,
        by_channel=[c.to_dict() for c in result.by_channel],
        mix=result.mix.to_dict() if result.mix else None,
        not_computed=(
            gettext(NO_CONTACTS) if result.overview and not result.overview.figures else None
        ),
        **common,
    )
    built._result = result
    return built


@page(
    router,
    "/channels/staffing",
    template="channels/staffing.html",
    model=StaffingPage,
    summary="Staffing by interval",
)
def staffing(
    visitor: Viewer,
    first_day: Annotated[Day, FIRST_DAY] = None,
    last_day: Annotated[Day, LAST_DAY] = None,
    channel: Annotated[Text, CHANNEL] = None,
    target: Annotated[TargetText, TARGET] = None,
    interval: Annotated[
        Minutes, Query(description="Interval length in minutes: 15, 30 or 60.")
    ] = None,
    shrinkage: Annotated[
        Shrinkage, Query(description="Share of paid time not on the phones, percent (0–95).")
    ] = None,
    model: Annotated[
        Model, Query(description="Staffing model shown: erlang_c or erlang_a.")
    ] = None,
) -> StaffingPage:
    """Return arrivals, handling time and agents needed per interval, and the model's check."""
    goal = _target(target)
    _check_days(first_day, last_day)
    filters = StaffingFilters(
        first_day=first_day,
        last_day=last_day,
        channel=channel,
        target=str(goal),
        interval_minutes=interval or 30,
        shrinkage_percent=shrinkage or 0.0,
        model=model or "erlang_c",
    )
    common: dict[str, Any] = {"scope": scope_info(visitor), "filters": filters}
    if not workspace_exists(visitor):
        return StaffingPage(has_data=False, **common)
    key: Hashable = ("staffing", *filters.model_dump().values())
    try:
        result = visitor.state.results.get(
            key, visitor.scope, lambda ws: staffing_result(ws, visitor.scope, filters)
        )
    except ValueError as exc:  # e.g. a time zone that is no whole number of intervals
        return StaffingPage(has_data=True, error=str(localized(exc.args[0])), **common)
    plan = result.plan
    built = StaffingPage(
        has_data=bool(result.channels),
        channels=_infos(result.channels),
        plan=plan.to_dict() if plan else None,
        erlang_a_available=plan is not None and plan.patience_seconds is not None,
        **common,
    )
    built._result = result
    return built
