"""The levels of the process description: the landscape of services, and the stages.

The landscape shows ticket types or services side by side, each with its volume and
a small map by stage; the stages page lists the stages and steps with their customer
value (value-adding, necessary, waste) and where each comes from, and lets an
analyst change them. Changes go to the workspace's settings file through its one
writer (`karsta.web.settings_store.save_settings`), which keeps each change in the
settings history.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, PrivateAttr

from karsta.i18n import localized, set_language
from karsta.ingest.stages import CUSTOMER_VALUES, STAGES_KEY, VALUE_KEY
from karsta.metrics.config import ConfigError
from karsta.process import ProcessMap
from karsta.process.landscape import LANDSCAPE_COLUMNS
from karsta.process.stages import NO_STAGE, Stages, stage_label
from karsta.settings import SettingsInvalid
from karsta.web.access import may
from karsta.web.models import Role
from karsta.web.pages import page
from karsta.web.rendering import TEMPLATES, render
from karsta.web.requests import Analyst, Viewer, Visitor
from karsta.web.settings_store import save_settings
from karsta.web.views.process_common import (
    ATTRIBUTE_FILTERS,
    AppliedFilters,
    Filters,
    NotComputedInfo,
    ScopeInfo,
    applied,
    computed,
    not_computed,
    scope_info,
    workspace_exists,
)
from karsta.web.views.process_map import (
    FilterChoices,
    MapEdge,
    MapNode,
    filter_choices,
    inline_svg,
)

router = APIRouter(tags=["process"])

LANDSCAPE_PARAMETER = {column: name for name, column in ATTRIBUTE_FILTERS.items()}
"""Ticket column → the map's filter parameter, so a service links to its own map."""


class ServiceCard(BaseModel):
    """One service of the landscape: its tickets, share and stage map."""

    value: str
    tickets: int
    share: float
    nodes: list[MapNode]
    edges: list[MapEdge]
    not_computed: list[NotComputedInfo]


class LandscapePage(BaseModel):
    """Ticket types or services side by side, each with its stage map."""

    has_data: bool
    scope: ScopeInfo
    filters: AppliedFilters
    choices: FilterChoices
    by: str
    columns: list[str]
    tickets: int
    services: list[ServiceCard]
    other_values: int
    other_tickets: int
    unknown_tickets: int
    _maps: list[ProcessMap] = PrivateAttr(default_factory=list)


@page(
    router,
    "/process/landscape",
    template="process/landscape.html",
    model=LandscapePage,
    summary="Landscape of services",
)
def landscape(
    visitor: Viewer,
    query: Filters,
    by: Annotated[
        str | None,
        Query(description="The ticket column whose values are the services (default: chosen)."),
    ] = None,
) -> LandscapePage:
    """Return the most common services of the visitor's tickets, each with its stage map."""
    if by is not None and by not in LANDSCAPE_COLUMNS:
        raise HTTPException(status_code=422)
    base: dict[str, Any] = {
        "scope": scope_info(visitor),
        "filters": applied(query),
        "columns": list(LANDSCAPE_COLUMNS),
    }
    if not workspace_exists(visitor):
        return LandscapePage(
            **base,
            has_data=False,
            choices=FilterChoices(attributes={}, variants=[]),
            by=by or LANDSCAPE_COLUMNS[0],
            tickets=0,
            services=[],
            other_values=0,
            other_tickets=0,
            unknown_tickets=0,
        )
    found = computed(visitor, ("landscape", by), query, lambda a: a.landscape(by=by))
    cards = []
    for service in found.services:
        data = service.map.to_dict()
        values, stages = data["customer_value"], set(data["stage_nodes"])
        cards.append(
            ServiceCard(
                value=service.value,
                tickets=service.tickets,
                share=service.share,
                nodes=[
                    MapNode(**n, value=values.get(n["id"]), stage=n["id"] in stages)
                    for n in data["nodes"]
                ],
                edges=[MapEdge(**e) for e in data["edges"]],
                not_computed=not_computed(data["not_computed"]),
            )
        )
    built = LandscapePage(
        **base,
        has_data=found.tickets > 0,
        choices=filter_choices(visitor),
        by=found.by,
        tickets=found.tickets,
        services=cards,
        other_values=found.other_values,
        other_tickets=found.other_tickets,
        unknown_tickets=found.unknown_tickets,
    )
    built._maps = [s.map for s in found.services]
    return built


def service_link(data: LandscapePage, value: str) -> str:
    """Return the address of one service's map by stage."""
    parameter = LANDSCAPE_PARAMETER.get(data.by)
    params = {"by": "stage", **({parameter: value} if parameter else {})}
    return "/process/map?" + urlencode(params)


def service_svg(data: LandscapePage, index: int, label: str) -> str:
    """Return the small stage map of the landscape's `index`-th service as inline SVG."""
    if index >= len(data._maps):
        return ""
    return inline_svg(data._maps[index], label, arrows="frequency", colour="value", legend=False)


# Stages and customer value --------------------------------------------------------------


class StageRow(BaseModel):
    """A stage: its activities, events and customer value, and where they come from."""

    name: str
    activities: list[str]
    events: int
    value: str | None
    value_from: str | None


class StepRow(BaseModel):
    """A step (activity): its stage, kind of stay, class, events and customer value."""

    activity: str
    stage: str
    kind: str | None
    status_class: str | None
    events: int
    value: str | None
    value_from: str | None


class StagesPage(BaseModel):
    """The stages and steps of the process with their customer value."""

    has_data: bool
    scope: ScopeInfo
    defined_by: str | None
    """Where the stages come from: settings, mapping or proposed (null: none)."""
    mapping: str | None
    stages: list[StageRow]
    steps: list[StepRow]
    unstaged: list[str]
    not_computed: list[NotComputedInfo]
    may_edit: bool
    """Whether the visitor may change them (an analyst who sees every ticket)."""
    values: list[str]


def _stages(visitor: Visitor) -> Stages:
    return computed(visitor, "stages", None, lambda a: a.stages)


def _may_edit(visitor: Visitor) -> bool:
    return may(visitor.user, Role.ANALYST) and not visitor.scope.restricted


@page(
    router,
    "/process/stages",
    template="process/stages.html",
    model=StagesPage,
    summary="Stages and customer value",
)
def stages(visitor: Viewer) -> StagesPage:
    """Return the stages and steps with their customer value and where each comes from."""
    if not workspace_exists(visitor):
        return StagesPage(
            has_data=False,
            scope=scope_info(visitor),
            defined_by=None,
            mapping=None,
            stages=[],
            steps=[],
            unstaged=[],
            not_computed=[],
            may_edit=False,
            values=list(CUSTOMER_VALUES),
        )
    data = _stages(visitor).to_dict()
    return StagesPage(
        has_data=bool(data["steps"]),
        scope=scope_info(visitor),
        defined_by=data["defined_by"],
        mapping=data["mapping"],
        stages=[StageRow(**s) for s in data["stages"]],
        steps=[StepRow(**s) for s in data["steps"]],
        unstaged=data["unstaged"],
        not_computed=not_computed(data["not_computed"]),
        may_edit=_may_edit(visitor),
        values=list(CUSTOMER_VALUES),
    )


def _posted_changes(form: dict[str, str], current: Stages) -> dict[str, Any]:
    """Return the settings keys the stages form asks for.

    Stage rows are numbered (`stage-N-name`, `stage-N-value`); each step names the
    number of its stage (`step-M-stage`) and its mark (`step-M-value`, empty: as
    proposed). A grouping equal to the current one is written only when it already
    comes from the settings file, so saving marks alone keeps the proposal live.
    """
    names: dict[str, str] = {}
    stage_values: dict[str, str] = {}
    shown = {stage_label(s.name): s.name for s in current.stages}  # a proposed name, translated
    index = 0
    while f"stage-{index}-name" in form:
        name = form[f"stage-{index}-name"].strip()
        name = shown.get(name, name)
        if name:
            names[str(index)] = name
            value = form.get(f"stage-{index}-value", "")
            if value:
                stage_values[name] = value
        index += 1
    grouped: dict[str, list[str]] = {name: [] for name in names.values()}
    step_values: dict[str, str] = {}
    index = 0
    while f"step-{index}-activity" in form:
        activity = form[f"step-{index}-activity"]
        chosen = names.get(form.get(f"step-{index}-stage", ""))
        if chosen is not None:
            grouped[chosen].append(activity)
        value = form.get(f"step-{index}-value", "")
        if value:
            step_values[activity] = value
        index += 1
    grouping = {name: activities for name, activities in grouped.items() if activities}
    unchanged = grouping == {s.name: list(s.activities) for s in current.stages}
    changes: dict[str, Any] = {}
    if not (unchanged and current.defined_by != "settings"):
        changes[STAGES_KEY] = grouping or None
    marks: dict[str, Any] = {}
    if stage_values:
        marks["stages"] = stage_values
    if step_values:
        marks["steps"] = step_values
    changes[VALUE_KEY] = marks or None
    return changes


@router.post("/process/stages", response_class=HTMLResponse, summary="Change the stages")
async def change_stages(
    request: Request,
    visitor: Analyst,
    action: Annotated[
        Literal["save", "reset"],
        Form(description="save: the stages and marks of the form; reset: back to the proposal."),
    ],
) -> Response:
    """Write the stages and marks of the form to the settings file, then show the page.

    The form's other fields are the numbered stage and step rows (`_posted_changes`).
    """
    if visitor.scope.restricted:
        raise HTTPException(status_code=403)
    if not workspace_exists(visitor):
        raise HTTPException(status_code=404)
    form = {k: str(v) for k, v in (await request.form()).items()}
    set_language(visitor.lang)  # the form shows Karsta's own stage names translated
    if action == "reset":
        changes: dict[str, Any] = {STAGES_KEY: None, VALUE_KEY: None}
    elif "step-0-activity" not in form:  # not the page's form: nothing to save
        raise HTTPException(status_code=422)
    else:
        changes = _posted_changes(form, _stages(visitor))
    try:  # the settings' one writer, which keeps the change in the settings history
        save_settings(visitor.state, visitor.user.id if visitor.user else None, changes)
    except SettingsInvalid as exc:
        message = " ".join(str(localized(m)) for m in exc.errors.values())
        return render(
            request, "process/stages.html", status_code=422, page=stages(visitor), error=message
        )
    except ConfigError as exc:  # the present file is not YAML
        message = str(localized(exc.args[0]))
        return render(
            request, "process/stages.html", status_code=422, page=stages(visitor), error=message
        )
    return RedirectResponse("/process/stages?saved=1", status_code=303)


def stage_number(data: StagesPage, name: str) -> str:
    """Return the form's number of the stage called `name` ('' for no stage)."""
    for index, stage in enumerate(data.stages):
        if stage.name == name:
            return str(index)
    return ""


TEMPLATES.globals.update(
    service_link=service_link,
    service_svg=service_svg,
    stage_number=stage_number,
    no_stage=NO_STAGE,
    landscape_parameter=LANDSCAPE_PARAMETER,
)
