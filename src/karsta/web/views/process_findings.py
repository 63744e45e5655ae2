"""The process findings: variants, hand-offs, rework, waiting vs working and waste.

Each page renders what `ProcessAnalysis` returns for the visitor's filtered tickets
(its `to_dict()`), with a chart where one helps and the same figures as a table; a
figure the log cannot give says what to map.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, BeforeValidator, Field, PrivateAttr

from karsta.formatting import d3_locale
from karsta.i18n import N_, Language, gettext, localized
from karsta.process import WasteAssumptions, WasteFindings
from karsta.process.waste import HOURS_PER_PERSON_YEAR, Finding
from karsta.web.pages import page
from karsta.web.process_charts import ranked_bars, waiting_working_bars
from karsta.web.rendering import TEMPLATES
from karsta.web.requests import Viewer
from karsta.web.views.process_common import (
    AppliedFilters,
    Filters,
    NotComputedInfo,
    ScopeInfo,
    applied,
    blank_is_none,
    computed,
    not_computed,
    scope_info,
    variant_text,
    workspace_exists,
)
from karsta.web.views.process_map import FilterChoices, filter_choices

router = APIRouter(tags=["process"])
HOUR = 3600.0
MAX_HOURLY_COST = 100_000.0
HOURS_IN_A_YEAR = 8784.0
"""The bounds of the waste page's prices: beyond them a figure is no longer a number to read."""
WaitingCost = Annotated[
    Annotated[float, Field(ge=0, le=MAX_HOURLY_COST)] | None, BeforeValidator(blank_is_none)
]
"""Euros an hour of customer waiting, or an empty field for none (the form sends it empty)."""


class FindingsPage(BaseModel):
    """What every findings page holds besides its figures."""

    has_data: bool
    scope: ScopeInfo
    filters: AppliedFilters
    choices: FilterChoices
    not_computed: list[NotComputedInfo] = []


def _base(visitor: Any, query: Any) -> dict[str, Any]:
    return {
        "has_data": workspace_exists(visitor),
        "scope": scope_info(visitor),
        "filters": applied(query),
        "choices": filter_choices(visitor)
        if workspace_exists(visitor)
        else FilterChoices(attributes={}, variants=[]),
    }


# Variants ---------------------------------------------------------------------------------


class VariantRow(BaseModel):
    """One variant: its activities, tickets, share and throughput time."""

    rank: int
    activities: list[str]
    events: int
    cases: int
    share: float
    median_throughput_s: float | None
    mean_throughput_s: float | None


class VariantTail(BaseModel):
    """The variants beyond the listed ones."""

    variants: int
    cases: int
    share: float


class VariantsPage(FindingsPage):
    """The variants of the filtered tickets, most common first."""

    top: int
    collapse_repeats: bool
    total_cases: int = 0
    total_variants: int = 0
    variants: list[VariantRow] = []
    tail: VariantTail | None = None


@page(
    router,
    "/process/variants",
    template="process/variants.html",
    model=VariantsPage,
    summary="Process variants",
)
def variants(
    visitor: Viewer,
    query: Filters,
    top: Annotated[int, Query(ge=1, le=200, description="How many variants to list.")] = 20,
    collapse: Annotated[bool, Query(description="Merge repeated consecutive steps.")] = False,
) -> VariantsPage:
    """Return the variants of the visitor's filtered tickets, with the long tail's totals."""
    base = _base(visitor, query)
    if not base["has_data"]:
        return VariantsPage(**base, top=top, collapse_repeats=collapse)
    data = computed(
        visitor,
        ("variants", top, collapse),
        query,
        lambda a: a.variants(top=top, collapse_repeats=collapse).to_dict(),
    )
    return VariantsPage(
        **base,
        top=top,
        collapse_repeats=collapse,
        total_cases=data["total_cases"],
        total_variants=data["total_variants"],
        variants=[VariantRow(**v) for v in data["variants"]],
        tail=VariantTail(**data["tail"]),
    )


def variants_spec(data: VariantsPage, lang: Language) -> dict[str, Any]:
    """Return the chart of the ten most common variants' shares of tickets."""
    return ranked_bars(
        [(f"{v.rank}. {variant_text(v.activities)}", 100 * v.share) for v in data.variants[:10]],
        title=gettext("The most common variants"),
        label_title=gettext("Variant"),
        value_title=gettext("% of tickets"),
        value_format=",.1f",
    )


# Hand-offs --------------------------------------------------------------------------------


class HandoffRow(BaseModel):
    """Hand-offs from one group (agent, level) to another, and the gap they add."""

    source: str
    target: str
    count: int
    tickets: int
    gap_mean_s: float | None
    gap_median_s: float | None
    gap_p90_s: float | None
    gap_total_s: float | None


class HandoffsPage(FindingsPage):
    """Who passes tickets to whom, ping-pong, escalations returned, sent back to level 1."""

    by: str
    max_nodes: int
    summary: dict[str, float | int | None] = {}
    network: list[HandoffRow] = []


@page(
    router,
    "/process/handoffs",
    template="process/handoffs.html",
    model=HandoffsPage,
    summary="Hand-offs",
)
def handoffs(
    visitor: Viewer,
    query: Filters,
    by: Annotated[
        Literal["group", "agent", "level"], Query(description="Between whom tickets pass.")
    ] = "group",
    max_groups: Annotated[
        int, Query(ge=1, le=50, description="Tickets through more than this many count.")
    ] = 3,
) -> HandoffsPage:
    """Return the hand-offs of the visitor's filtered tickets, with ping-pong and bounces."""
    base = _base(visitor, query)
    if not base["has_data"]:
        return HandoffsPage(**base, by=by, max_nodes=max_groups)
    data = computed(
        visitor,
        ("handoffs", by, max_groups),
        query,
        lambda a: a.handoffs(by=by, max_nodes=max_groups).to_dict(),
    )
    return HandoffsPage(
        **base,
        by=by,
        max_nodes=max_groups,
        summary=data["summary"],
        network=[HandoffRow(**r) for r in data["network"]],
        not_computed=not_computed(data["not_computed"]),
    )


# Rework -----------------------------------------------------------------------------------


class ReworkRow(BaseModel):
    """Repeats of one activity, by whom, and the time the repeated stays took."""

    activity: str
    repeats: int
    tickets: int
    same_person: int
    other_person: int
    unknown_person: int
    added_s: float | None


class ReworkPage(FindingsPage):
    """Activities done again, and reopened tickets."""

    tickets_with_repeats: int = 0
    repeats: list[ReworkRow] = []
    reopens: dict[str, float | int | None] = {}
    has_status_classes: bool = True


@page(router, "/process/rework", template="process/rework.html", model=ReworkPage, summary="Rework")
def rework(visitor: Viewer, query: Filters) -> ReworkPage:
    """Return the repeated activities and the reopens of the visitor's filtered tickets."""
    base = _base(visitor, query)
    if not base["has_data"]:
        return ReworkPage(**base)
    data = computed(visitor, "rework", query, lambda a: a.rework().to_dict())
    missing = []
    if not data["has_status_classes"]:
        missing = [
            NotComputedInfo(
                figure="reopens",
                needs="status_classes (which statuses are new, waiting, resolved or closed)",
                text="reopens cannot be computed: map status_classes",
            )
        ]
    return ReworkPage(
        **base,
        tickets_with_repeats=data["tickets_with_repeats"],
        repeats=[ReworkRow(**r) for r in data["repeats"]],
        reopens=data["reopens"],
        has_status_classes=data["has_status_classes"],
        not_computed=missing,
    )


# Waiting vs working -----------------------------------------------------------------------


class WaitingShare(BaseModel):
    """Waiting and working seconds before resolution, and the waiting share of their sum."""

    tickets: int | None = None
    waiting_s: float | None = None
    working_s: float | None = None
    waiting_share: float | None = None


class GroupShare(WaitingShare):
    """Waiting vs working of the stays in one group."""

    group: str


class VariantShare(WaitingShare):
    """Waiting vs working of one variant's tickets."""

    activities: list[str]


class StatusTime(BaseModel):
    """The time in one status, and the kind of stay it is."""

    status: str
    kind: str | None
    status_class: str | None
    stays: int
    tickets: int
    seconds: float | None


class UnclassifiedStatus(BaseModel):
    """A status the mapping gives no class: its time counts as working."""

    status: str
    stays: int
    tickets: int
    seconds: float | None


class WaitingPage(FindingsPage):
    """Waiting vs working time: overall, per group, per variant and per status."""

    overall: WaitingShare = WaitingShare()
    groups: list[GroupShare] = []
    variants: list[VariantShare] = []
    statuses: list[StatusTime] = []
    queue_is_waiting: bool = True
    unclassified_statuses: list[UnclassifiedStatus] = []


@page(
    router,
    "/process/waiting",
    template="process/waiting.html",
    model=WaitingPage,
    summary="Waiting vs working",
)
def waiting(visitor: Viewer, query: Filters) -> WaitingPage:
    """Return the waiting and working time of the visitor's filtered tickets."""
    base = _base(visitor, query)
    if not base["has_data"]:
        return WaitingPage(**base)
    data = computed(visitor, "waiting", query, lambda a: a.waiting().to_dict())
    return WaitingPage(
        **base,
        overall=WaitingShare(**data["overall"]),
        groups=[GroupShare(**g) for g in data["groups"]],
        variants=[VariantShare(**v) for v in data["variants"]],
        statuses=[StatusTime(**s) for s in data["statuses"]],
        queue_is_waiting=data["queue_is_waiting"],
        unclassified_statuses=[UnclassifiedStatus(**u) for u in data["unclassified_statuses"]],
        not_computed=not_computed(data["not_computed"]),
    )


def waiting_spec(data: WaitingPage, lang: Language) -> dict[str, Any]:
    """Return the chart of waiting and working hours of the ten groups that wait most."""
    rows = [
        (gettext(g.group) if g.group == "(no group)" else g.group,
         (g.waiting_s or 0) / HOUR, (g.working_s or 0) / HOUR)
        for g in data.groups[:10]
    ]  # fmt: skip
    return waiting_working_bars(
        rows,
        title=gettext("Waiting and working by group"),
        label_title=gettext("Group"),
        hours_title=gettext("hours"),
        waiting_title=gettext("waiting"),
        working_title=gettext("working"),
    )


# Waste ------------------------------------------------------------------------------------


class FindingRow(BaseModel):
    """One kind of waste seen in the log, with its evidence and what it costs a year."""

    kind: str
    title: str
    family: str
    catalog_item: str
    lean_waste: str
    evidence: str
    occurrences: int
    tickets: int
    hours_kind: str
    observed_hours: float
    hours_per_year: float
    euros_per_year: float | None
    person_years: float | None
    stay_kind: str | None
    in_totals: bool
    not_in_totals: str | None


class WastePage(FindingsPage):
    """The waste a year: the headline, the findings, the period's basis and the assumptions."""

    hourly_cost: float
    waiting_hourly_cost: float | None
    hours_per_person_year: float
    headline: dict[str, Any] = {}
    period: dict[str, Any] = {}
    staff_time: list[FindingRow] = []
    customer_time: list[FindingRow] = []
    assumptions: list[str] = []
    notes: list[str] = []
    _result: WasteFindings | None = PrivateAttr(default=None)

    def findings(self, hours_kind: str) -> list[Finding]:
        """Return the findings of one kind of hours as computed (their texts translatable)."""
        if self._result is None:
            return []
        return self._result.staff_time if hours_kind == "staff time" else self._result.customer_time

    def assumption_lines(self) -> list[str]:
        """Return the assumptions and notes (translatable)."""
        if self._result is None:
            return []
        return [*self._result.assumptions.lines(), *self._result.notes]


@page(router, "/process/waste", template="process/waste.html", model=WastePage, summary="Waste")
def waste(
    visitor: Viewer,
    query: Filters,
    hourly_cost: Annotated[
        float, Query(ge=0, le=MAX_HOURLY_COST, description="Staff cost in euros an hour.")
    ] = 45.0,
    waiting_hourly_cost: Annotated[
        WaitingCost,
        Query(description="Euros an hour of customer waiting (empty: not priced)."),
    ] = None,
    hours_per_person_year: Annotated[
        float, Query(ge=1, le=HOURS_IN_A_YEAR, description="Hours of work in a person-year.")
    ] = HOURS_PER_PERSON_YEAR,
) -> WastePage:
    """Return the waste findings of the visitor's filtered tickets, a year, with their basis."""
    base = _base(visitor, query)
    costs: dict[str, Any] = {
        "hourly_cost": hourly_cost,
        "waiting_hourly_cost": waiting_hourly_cost,
        "hours_per_person_year": hours_per_person_year,
    }
    if not base["has_data"]:
        return WastePage(**base, **costs)
    try:
        assumptions = WasteAssumptions(**costs)
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc
    key = ("waste", hourly_cost, waiting_hourly_cost, hours_per_person_year)
    result = computed(visitor, key, query, lambda a: a.waste(assumptions=assumptions))
    data = result.to_dict()
    built = WastePage(
        **base,
        **costs,
        headline=data["headline"],
        period=data["period"],
        staff_time=[FindingRow(**f) for f in data["staff_time"]],
        customer_time=[FindingRow(**f) for f in data["customer_time"]],
        assumptions=data["assumptions"]["text"],
        notes=data["notes"],
        not_computed=not_computed(data["not_computed"]),
    )
    built._result = result
    return built


def waste_spec(data: WastePage, lang: Language) -> dict[str, Any]:
    """Return the chart of the findings counted in the totals, by hours a year."""
    counted = [
        f for f in [*data.findings("staff time"), *data.findings("customer time")] if f.in_totals
    ]
    counted.sort(key=lambda f: -f.hours_per_year)
    return ranked_bars(
        [(str(localized(f.title)), f.hours_per_year) for f in counted[:10]],
        title=gettext("Waste a year, hours"),
        label_title=gettext("Finding"),
        value_title=gettext("hours a year"),
        value_format=",.0f",
    )


HOURS_KIND_NAMES = {"staff time": N_("staff time"), "customer time": N_("customer time")}

TEMPLATES.globals.update(
    variants_spec=variants_spec,
    waiting_spec=waiting_spec,
    waste_spec=waste_spec,
    vega_format_locale=d3_locale,
    localized=localized,
    hours_kind_names=HOURS_KIND_NAMES,
)
