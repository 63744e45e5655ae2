"""The improvement loop's pages: savings, waste workshops, ideas, Gemba, A3 sheets, PDCA board.

Viewers read every page and its JSON twin; analysts (and admins) add and change the
records. The records are the app database's (`karsta.improve`), changed through
`ImprovementRecords` so the history says who changed what; figures from the data
(findings, a change's effect) are computed by the analyses under the visitor's
access rules and kept per workspace version.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException
from fastapi import Path as PathParameter
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from karsta import formatting, i18n
from karsta.i18n import N_, Language, gettext, localized
from karsta.improve.a3 import (
    ACTION_COLUMNS,
    ACTION_STATUSES,
    FISHBONE,
    SECTIONS,
    STEPS,
    a3_from_finding,
    a3_html,
    a3_pdf,
)
from karsta.improve.catalog import FAMILIES, WASTES, items_for_finding
from karsta.improve.gemba import summarise
from karsta.improve.ideas import LEVELS, QUADRANTS, idea_from_finding
from karsta.improve.models import (
    A3,
    Action,
    Gemba,
    GembaNote,
    Idea,
    Improvement,
    ImprovementMetric,
    Workshop,
)
from karsta.improve.pdca import STATUS_NAMES, improvement_status
from karsta.improve.records import ImprovementRecords, RecordNotFound
from karsta.improve.savings import SavingsAssumptions, time_savings
from karsta.improve.schemas import A3Data, GembaData, IdeaData, ImprovementData, WorkshopData
from karsta.improve.workshop import ranked
from karsta.metrics.config import ConfigError, parse_target
from karsta.metrics.labels import statistic_label
from karsta.metrics.registry import catalog, find
from karsta.process.waste import WasteFindings
from karsta.web.access import DataScope
from karsta.web.improve_charts import control_chart_spec
from karsta.web.pages import page
from karsta.web.rendering import TEMPLATES
from karsta.web.requests import Analyst, Viewer, Visitor
from karsta.web.views.forms import see_other

router = APIRouter(tags=["improvement"])
RecordId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form()]
PerName = Literal["day", "week", "month", "year"]
PER_NAMES = {"day": N_("a day"), "week": N_("a week"), "month": N_("a month"), "year": N_("a year")}
KIND_NAMES = {
    "value": N_("value-adding"),
    "waste": N_("work without value"),
    "waiting": N_("waiting"),
}
TEST_NAMES = (
    N_("two-proportion z test"),
    N_("Fisher's exact test"),
    N_("Mann–Whitney U test"),
    N_("Welch's t test"),
)
IDEA_STATUSES = {
    "open": N_("open"),
    "chosen": N_("chosen"),
    "rejected": N_("rejected"),
    "a3": N_("became an A3"),
}


def _records(visitor: Visitor) -> ImprovementRecords:
    who = visitor.user.username if visitor.user is not None else "?"
    return ImprovementRecords(visitor.db, who)


def _get(visitor: Visitor, kind: Any, record_id: int) -> Any:
    try:
        return _records(visitor).get(kind, record_id)
    except RecordNotFound as exc:
        raise HTTPException(status_code=404) from exc


SCOPE_KEY = "scope"
"""Figures an idea or sheet took from the data keep the tickets they were computed over."""
WITHHELD_FIELDS = ("current_state", "metrics")
"""A sheet's texts that are filled from the data when it starts from a finding or a figure."""


def _stamped(figures: dict[str, Any] | None, visitor: Visitor) -> dict[str, Any] | None:
    """Return figures from the data with the scope of tickets the visitor computed them over."""
    return None if figures is None else {**figures, SCOPE_KEY: visitor.scope.to_dict()}


def _sees(visitor: Visitor, figures: dict[str, Any] | None) -> bool:
    """Return whether the visitor may see figures from the data (computed over which tickets).

    Figures without a stamped scope were computed over every ticket (the command line
    or an earlier version): a visitor limited to some groups or channels does not see them.
    """
    if not figures:
        return True
    return visitor.scope.covers(DataScope.from_dict(figures.get(SCOPE_KEY)))


def _idea_shown(visitor: Visitor, idea: Idea) -> IdeaData:
    """Return the idea as the visitor may see it: figures over others' tickets withheld."""
    data = IdeaData.model_validate(idea)
    return data if _sees(visitor, idea.figures) else data.model_copy(update={"figures": None})


def _sheet_shown(visitor: Visitor, sheet: A3) -> A3Data:
    """Return the sheet as the visitor may see it: the data's baseline and texts withheld."""
    data = A3Data.model_validate(sheet)
    if _sees(visitor, sheet.baseline):
        return data
    return data.model_copy(update={"baseline": None, **dict.fromkeys(WITHHELD_FIELDS, "")})


def _sheet_for(visitor: Visitor, a3_id: int) -> A3:
    """Return the sheet whose whole content the visitor may see (403 if some is withheld)."""
    sheet: A3 = _get(visitor, A3, a3_id)
    if not _sees(visitor, sheet.baseline):
        raise HTTPException(status_code=403)
    return sheet


def _waste(visitor: Visitor) -> WasteFindings | None:
    """Return the waste findings of the tickets the visitor sees (None without a workspace)."""
    if not visitor.state.config.workspace.exists():
        return None
    scope = visitor.scope
    return visitor.state.results.get(
        "improve-waste",
        scope,
        lambda ws: type(ws.process)(
            ws.source, calendar=ws.config.calendar(), filters=scope.process_filters()
        ).waste(),
    )


# --- savings (the hub) -----------------------------------------------------------------------


class SavingsResult(BaseModel):
    """What the calculator gave for the asked figures."""

    times: float
    per: str
    minutes: float
    people: float
    weeks_per_year: float
    hours_per_day: float
    hourly_cost: float | None
    occurrences_per_year: float
    minutes_per_year: float
    hours_per_year: float
    working_days_per_year: float
    working_weeks_per_year: float
    euros_per_year: float | None


class ImproveHome(BaseModel):
    """The improvement loop's front page: the calculator and how many records there are."""

    savings: SavingsResult
    workshops: int
    ideas: int
    gemba: int
    a3: int
    open_changes: int


@page(router, "/improve", template="improve/home.html", model=ImproveHome, summary="Improvement")
def improve_home(
    visitor: Viewer,
    times: float = 5,
    per: PerName = "week",
    minutes: float = 30,
    people: float = 1,
    weeks: float = 52,
    hours_per_day: float = 7.5,
    hourly_cost: float | None = None,
) -> ImproveHome:
    """Return the time-savings calculator's result (the method's example by default)."""
    try:
        a = SavingsAssumptions(
            weeks_per_year=weeks, hours_per_day=hours_per_day, hourly_cost=hourly_cost
        )
        saved = time_savings(times=times, per=per, minutes=minutes, people=people, assumptions=a)
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc
    records = _records(visitor)
    return ImproveHome(
        savings=SavingsResult(
            times=times,
            per=per,
            minutes=minutes,
            people=people,
            weeks_per_year=weeks,
            hours_per_day=hours_per_day,
            hourly_cost=hourly_cost,
            occurrences_per_year=saved.occurrences_per_year,
            minutes_per_year=saved.minutes_per_year,
            hours_per_year=saved.hours_per_year,
            working_days_per_year=saved.working_days_per_year,
            working_weeks_per_year=saved.working_weeks_per_year,
            euros_per_year=saved.euros_per_year,
        ),
        workshops=len(records.all(Workshop)),
        ideas=len(records.all(Idea)),
        gemba=len(records.all(Gemba)),
        a3=len(records.all(A3)),
        open_changes=sum(1 for i in records.all(Improvement) if i.closed_on is None),
    )


# --- workshops -------------------------------------------------------------------------------


class WorkshopsPage(BaseModel):
    """Every waste workshop."""

    workshops: list[WorkshopData]


@page(
    router,
    "/improve/workshops",
    template="improve/workshops.html",
    model=WorkshopsPage,
    summary="Waste workshops",
)
def workshops(visitor: Viewer) -> WorkshopsPage:
    """Return every workshop with its checklist."""
    return WorkshopsPage(
        workshops=[WorkshopData.model_validate(w) for w in _records(visitor).all(Workshop)]
    )


@router.post("/improve/workshops", response_class=HTMLResponse, summary="Start a workshop")
def workshop_add(visitor: Analyst, team: Text, held_on: Annotated[date, Form()]) -> Response:
    """Start a workshop with the whole checklist."""
    if not team.strip():
        raise HTTPException(status_code=422)
    workshop = _records(visitor).new_workshop(team.strip(), held_on)
    return see_other(f"/improve/workshops/{workshop.id}")


class RankedItem(BaseModel):
    """A relevant waste with its estimate a year."""

    item_id: int
    waste: str
    evidence: str
    links: list[str]
    hours_per_year: float | None
    working_days_per_year: float | None


class FindingLink(BaseModel):
    """A waste finding of the log that can be evidence for a checklist item."""

    id: str
    title: str
    label: str
    """The title in the visitor's language (the page shows it)."""
    hours_per_year: float
    items: list[str]


def _findings(visitor: Visitor, waste: WasteFindings | None) -> list[FindingLink]:
    """Return the findings a record can start from, or link as evidence."""
    if waste is None:
        return []
    i18n.set_language(visitor.lang)
    return [
        FindingLink(
            id=f.id,
            title=str(f.title),
            label=str(localized(f.title)),
            hours_per_year=f.hours_per_year,
            items=list(items_for_finding(f.id)),
        )
        for f in waste.findings
    ]


class WorkshopPage(BaseModel):
    """One workshop: its checklist, the ranking and the log's findings to link as evidence."""

    workshop: WorkshopData
    ranking: list[RankedItem]
    findings: list[FindingLink]


@page(
    router,
    "/improve/workshops/{workshop_id}",
    template="improve/workshop.html",
    model=WorkshopPage,
    summary="Waste workshop",
)
def workshop(visitor: Viewer, workshop_id: RecordId) -> WorkshopPage:
    """Return a workshop's checklist, its relevant wastes ranked by hours a year, and findings."""
    found = _get(visitor, Workshop, workshop_id)
    waste = _waste(visitor)
    return WorkshopPage(
        workshop=WorkshopData.model_validate(found),
        ranking=[
            RankedItem(
                item_id=r.item.id,
                waste=r.item.waste,
                evidence=r.item.evidence,
                links=r.item.links,
                hours_per_year=None if r.savings is None else r.savings.hours_per_year,
                working_days_per_year=None
                if r.savings is None
                else r.savings.working_days_per_year,
            )
            for r in ranked(found)
        ],
        findings=_findings(visitor, waste),
    )


@router.post(
    "/improve/workshops/{workshop_id}/items/{item_id}",
    response_class=HTMLResponse,
    summary="Mark a waste",
)
def workshop_mark(
    visitor: Analyst,
    workshop_id: RecordId,
    item_id: RecordId,
    relevant: Annotated[str, Form()] = "",
    evidence: Text = "",
    link: Text = "",
    times: Annotated[str, Form()] = "",
    per: Annotated[PerName, Form()] = "week",
    minutes: Annotated[str, Form()] = "",
    people: Annotated[float, Form(ge=0)] = 1.0,
) -> Response:
    """Mark one waste relevant or not, with evidence, links and its estimate."""
    found = _get(visitor, Workshop, workshop_id)
    item = next((i for i in found.items if i.id == item_id), None)
    if item is None:
        raise HTTPException(status_code=404)
    links = [part.strip() for part in link.replace("\n", ",").split(",") if part.strip()]
    _records(visitor).change(
        item,
        relevant={"yes": True, "no": False}.get(relevant),
        evidence=evidence.strip(),
        links=links,
        times=_number(times),
        per=per,
        minutes=_number(minutes),
        people=people,
    )
    return see_other(f"/improve/workshops/{workshop_id}#item-{item_id}")


def _number(text: str) -> float | None:
    """Return a number typed in a form ('7,5' or '7.5'), None when empty."""
    cleaned = text.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc
    if value < 0:
        raise HTTPException(status_code=422)
    return value


# --- ideas -----------------------------------------------------------------------------------


class IdeasPage(BaseModel):
    """The ideas backlog and the findings an idea can start from."""

    ideas: list[IdeaData]
    findings: list[FindingLink]


@page(router, "/improve/ideas", template="improve/ideas.html", model=IdeasPage, summary="Ideas")
def ideas(visitor: Viewer) -> IdeasPage:
    """Return every idea (the page places them on the impact × effort grid)."""
    waste = _waste(visitor)
    return IdeasPage(
        ideas=[_idea_shown(visitor, i) for i in _records(visitor).all(Idea)],
        findings=_findings(visitor, waste),
    )


@router.post("/improve/ideas", response_class=HTMLResponse, summary="Add an idea")
def idea_add(
    visitor: Analyst,
    title: Text,
    description: Text = "",
    finding: Text = "",
    impact: Annotated[int, Form(ge=1, le=3)] = 2,
    effort: Annotated[int, Form(ge=1, le=3)] = 2,
) -> Response:
    """Add an idea; from a finding its figures a year come along."""
    if not title.strip():
        raise HTTPException(status_code=422)
    idea = Idea(title=title.strip(), description=description.strip(), impact=impact, effort=effort)
    if finding:
        waste = _waste(visitor)
        if waste is None or finding not in {f.id for f in waste.findings}:
            raise HTTPException(status_code=422)
        idea = idea_from_finding(waste, finding, title.strip())
        idea.description, idea.effort = description.strip(), effort
        idea.figures = _stamped(idea.figures, visitor)
    idea.author = visitor.user.username if visitor.user else ""
    _records(visitor).add(idea)
    return see_other("/improve/ideas")


@router.post(
    "/improve/ideas/{idea_id}", response_class=HTMLResponse, summary="Move or choose an idea"
)
def idea_change(
    visitor: Analyst,
    idea_id: RecordId,
    impact: Annotated[int, Form(ge=1, le=3)],
    effort: Annotated[int, Form(ge=1, le=3)],
    status: Annotated[Literal["open", "chosen", "rejected", "a3"], Form()] = "open",
) -> Response:
    """Place an idea on the grid, or choose it: an idea that becomes an A3 starts its sheet."""
    records = _records(visitor)
    idea = _get(visitor, Idea, idea_id)
    records.change(idea, impact=impact, effort=effort, status=status)
    if status == "a3" and idea.a3_id is None:
        sheet = records.add(
            A3(
                title=idea.title,
                source=idea.source,
                baseline=idea.figures,
                background=idea.description,
                step=1,
                whys=[],
                fishbone={},
            )
        )
        records.change(idea, a3_id=sheet.id)
        return see_other(f"/improve/a3/{sheet.id}")
    return see_other("/improve/ideas")


# --- Gemba -----------------------------------------------------------------------------------


class GembaListPage(BaseModel):
    """Every observation."""

    observations: list[GembaData]


@page(
    router,
    "/improve/gemba",
    template="improve/gemba_list.html",
    model=GembaListPage,
    summary="Gemba observations",
)
def gemba_list(visitor: Viewer) -> GembaListPage:
    """Return every observation."""
    return GembaListPage(
        observations=[GembaData.model_validate(g) for g in _records(visitor).all(Gemba)]
    )


@router.post("/improve/gemba", response_class=HTMLResponse, summary="Plan an observation")
def gemba_add(
    visitor: Analyst,
    title: Text,
    place: Text = "",
    steps: Text = "",
    observer: Text = "",
    note_taker: Text = "",
    timekeeper: Text = "",
) -> Response:
    """Plan an observation; its steps become the buttons of the timing page."""
    if not title.strip():
        raise HTTPException(status_code=422)
    gemba = _records(visitor).add(
        Gemba(
            title=title.strip(),
            place=place.strip(),
            purpose=steps.strip(),
            observer=observer.strip(),
            note_taker=note_taker.strip(),
            timekeeper=timekeeper.strip(),
            planned_on=datetime.now(UTC).date(),
        )
    )
    return see_other(f"/improve/gemba/{gemba.id}")


class StepTime(BaseModel):
    """One observed step: observed time by kind, and the log's stays of the same name."""

    step: str
    observations: int
    value_s: float
    waste_s: float
    waiting_s: float
    working_s: float
    observed_mean_s: float
    log_kind: str | None
    log_stays: int | None
    log_mean_s: float | None


class GembaPage(BaseModel):
    """An observation: the step buttons, the timed notes and the summary beside the log."""

    observation: GembaData
    steps: list[str]
    running: str | None
    """The step being timed now, if any."""
    working_s: float
    waiting_s: float
    value_share: float | None
    open_notes: int
    summary: list[StepTime]
    log_compared: bool
    timezone: str
    """The zone the notes' clock times are shown in (the workspace's)."""


DEFAULT_ZONE = "Europe/Helsinki"


def clock(moment: datetime, zone: str) -> str:
    """Return the clock time of `moment` in `zone` ('14:05:09'); a naive moment is UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone)).strftime("%H:%M:%S")


def _planned_steps(gemba: Gemba) -> list[str]:
    named = [s.strip() for s in gemba.purpose.replace("\n", ",").split(",") if s.strip()]
    for note in gemba.notes:
        if note.step not in named:
            named.append(note.step)
    return named


@page(
    router,
    "/improve/gemba/{gemba_id}",
    template="improve/gemba.html",
    model=GembaPage,
    summary="Gemba observation",
)
def gemba(visitor: Viewer, gemba_id: RecordId) -> GembaPage:
    """Return an observation's notes and its working vs waiting time beside the log's."""
    found = _get(visitor, Gemba, gemba_id)
    waiting = None
    zone = DEFAULT_ZONE
    if visitor.state.config.workspace.exists():
        scope = visitor.scope
        waiting = visitor.state.results.get(
            "improve-waiting",
            scope,
            lambda ws: type(ws.process)(ws.source, filters=scope.process_filters()).waiting(),
        )
        zone = visitor.state.results.get(
            "improve-zone", scope, lambda ws: ws.config.options().timezone
        )
    summary = summarise(found, waiting)
    running = next((n.step for n in found.notes if n.ended_at is None), None)
    data = summary.to_dict()
    return GembaPage(
        observation=GembaData.model_validate(found),
        steps=_planned_steps(found),
        running=running,
        working_s=data["working_s"],
        waiting_s=data["waiting_s"],
        value_share=data["value_share"],
        open_notes=data["open_notes"],
        summary=[StepTime(**s) for s in data["steps"]],
        log_compared=data["log_compared"],
        timezone=zone,
    )


@router.post(
    "/improve/gemba/{gemba_id}/tap", response_class=HTMLResponse, summary="Start or stop a step"
)
def gemba_tap(
    visitor: Analyst,
    gemba_id: RecordId,
    step: Text,
    kind: Annotated[Literal["value", "waste", "waiting"], Form()] = "value",
) -> Response:
    """One tap: stops the step if it runs, else stops whatever runs and starts the step."""
    records = _records(visitor)
    found = _get(visitor, Gemba, gemba_id)
    moment = datetime.now(UTC)
    running = [n for n in found.notes if n.ended_at is None]
    for note in running:
        records.change(note, ended_at=moment)
    if not any(n.step == step for n in running) and step.strip():
        records.add(
            GembaNote(
                gemba_id=found.id, step=step.strip()[:200], started_at=moment, kind=kind, remark=""
            )
        )
    return see_other(f"/improve/gemba/{gemba_id}")


# --- A3 --------------------------------------------------------------------------------------


class A3ListPage(BaseModel):
    """Every A3 sheet, and the findings a sheet can start from."""

    sheets: list[A3Data]
    findings: list[FindingLink]


@page(router, "/improve/a3", template="improve/a3_list.html", model=A3ListPage, summary="A3 sheets")
def a3_list(visitor: Viewer) -> A3ListPage:
    """Return every A3 sheet."""
    waste = _waste(visitor)
    return A3ListPage(
        sheets=[_sheet_shown(visitor, a) for a in _records(visitor).all(A3)],
        findings=_findings(visitor, waste),
    )


@router.post("/improve/a3", response_class=HTMLResponse, summary="Start an A3 sheet")
def a3_add(visitor: Analyst, title: Text, finding: Text = "", team: Text = "") -> Response:
    """Start a sheet, blank or from a finding (current state and baseline from the data)."""
    if not title.strip():
        raise HTTPException(status_code=422)
    sheet = A3(title=title.strip(), whys=[], fishbone={})
    i18n.set_language(visitor.lang)  # the current state is written in the visitor's language
    if finding:
        waste = _waste(visitor)
        if waste is None or finding not in {f.id for f in waste.findings}:
            raise HTTPException(status_code=422)
        sheet = a3_from_finding(waste, finding, title.strip())
        sheet.baseline = _stamped(sheet.baseline, visitor)
    sheet.team = team.strip()
    sheet.owner = visitor.user.username if visitor.user else ""
    _records(visitor).add(sheet)
    return see_other(f"/improve/a3/{sheet.id}")


class A3Page(BaseModel):
    """An A3 sheet with its actions and the changes followed from it."""

    sheet: A3Data
    changes: list[ImprovementData]
    withheld: bool = False
    """The baseline and the texts filled from the data are over tickets the visitor may not see."""


@page(router, "/improve/a3/{a3_id}", template="improve/a3.html", model=A3Page, summary="A3 sheet")
def a3(visitor: Viewer, a3_id: RecordId) -> A3Page:
    """Return an A3 sheet."""
    sheet = _get(visitor, A3, a3_id)
    changes = [i for i in _records(visitor).all(Improvement) if i.a3_id == sheet.id]
    return A3Page(
        sheet=_sheet_shown(visitor, sheet),
        changes=[ImprovementData.model_validate(i) for i in changes],
        withheld=not _sees(visitor, sheet.baseline),
    )


TEXT_FIELDS = (
    "background",
    "current_state",
    "problem",
    "target",
    "analysis",
    "metrics",
    "proposals",
    "follow_up",
    "standard",
)


@router.post("/improve/a3/{a3_id}", response_class=HTMLResponse, summary="Save an A3 sheet")
def a3_save(
    visitor: Analyst,
    a3_id: RecordId,
    title: Text,
    step: Annotated[int, Form(ge=1, le=9)],
    background: Text = "",
    current_state: Text = "",
    problem: Text = "",
    target: Text = "",
    analysis: Text = "",
    metrics: Text = "",
    proposals: Text = "",
    follow_up: Text = "",
    standard: Text = "",
    whys: Text = "",
    people: Text = "",
    methods: Text = "",
    systems: Text = "",
    information: Text = "",
    environment: Text = "",
    measurement: Text = "",
) -> Response:
    """Save the sheet's fields; the history keeps what changed."""
    sheet = _sheet_for(visitor, a3_id)
    causes = {
        "people": people,
        "methods": methods,
        "systems": systems,
        "information": information,
        "environment": environment,
        "measurement": measurement,
    }
    texts = {
        "background": background,
        "current_state": current_state,
        "problem": problem,
        "target": target,
        "analysis": analysis,
        "metrics": metrics,
        "proposals": proposals,
        "follow_up": follow_up,
        "standard": standard,
    }
    _records(visitor).change(
        sheet,
        title=title.strip() or sheet.title,
        step=step,
        whys=[w.strip() for w in whys.splitlines() if w.strip()],
        fishbone={
            k: [c.strip() for c in v.splitlines() if c.strip()]
            for k, v in causes.items()
            if v.strip()
        },
        **{k: v.strip() for k, v in texts.items()},
    )
    return see_other(f"/improve/a3/{a3_id}")


@router.post("/improve/a3/{a3_id}/actions", response_class=HTMLResponse, summary="Add an action")
def a3_action_add(
    visitor: Analyst,
    a3_id: RecordId,
    what: Text,
    who: Text = "",
    due: Text = "",
    how: Text = "",
) -> Response:
    """Add a row to the sheet's action table."""
    sheet = _sheet_for(visitor, a3_id)
    if not what.strip():
        raise HTTPException(status_code=422)
    try:
        day = date.fromisoformat(due) if due else None
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc
    _records(visitor).add(
        Action(
            a3_id=sheet.id,
            what=what.strip(),
            who=who.strip(),
            due=day,
            how=how.strip(),
            status="planned",
        )
    )
    return see_other(f"/improve/a3/{a3_id}#actions")


@router.post(
    "/improve/a3/{a3_id}/actions/{action_id}",
    response_class=HTMLResponse,
    summary="Set an action's status",
)
def a3_action_status(
    visitor: Analyst,
    a3_id: RecordId,
    action_id: RecordId,
    status: Annotated[Literal["planned", "in progress", "done", "cancelled"], Form()],
) -> Response:
    """Set the status of one action."""
    _sheet_for(visitor, a3_id)
    action = _get(visitor, Action, action_id)
    if action.a3_id != a3_id:
        raise HTTPException(status_code=404)
    _records(visitor).change(action, status=status)
    return see_other(f"/improve/a3/{a3_id}#actions")


@router.get(
    "/improve/a3/{a3_id}/print", response_class=HTMLResponse, summary="A3 sheet for printing"
)
def a3_print(visitor: Viewer, a3_id: RecordId) -> Response:
    """Return the sheet laid out for one landscape A3 page (the browser prints it)."""
    return HTMLResponse(a3_html(_sheet_for(visitor, a3_id), visitor.lang))


@router.get("/improve/a3/{a3_id}/pdf", summary="A3 sheet as PDF")
def a3_download(visitor: Viewer, a3_id: RecordId) -> Response:
    """Return the sheet as one landscape A3 page (PDF)."""
    sheet = _sheet_for(visitor, a3_id)
    try:
        pdf = a3_pdf(sheet, visitor.lang)
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="a3-{a3_id}.pdf"'},
    )


# --- PDCA ------------------------------------------------------------------------------------


class MetricEffect(BaseModel):
    """The measured effect of a change on one metric (see `karsta.improve.impact`)."""

    metric: str
    statistic: str
    unit: str
    target: str | None
    target_met: bool | None
    baseline: float | None
    now: float | None
    status: str
    reason: str | None
    difference: float | None
    low: float | None
    high: float | None
    p_value: float | None
    test: str | None
    n_baseline: int | None
    n_follow_up: int | None
    chart_kind: str | None
    chart: list[dict[str, Any]]
    follow_up_periods: int
    periods_within: int
    hold_periods: int
    notes: list[str]
    reason_text: str | None
    """The reason in the visitor's language (the page shows it)."""
    note_texts: list[str]
    """The notes in the visitor's language."""


class ChangeBoardItem(BaseModel):
    """A followed change and its effect on each metric."""

    change: ImprovementData
    status: str
    metrics: list[MetricEffect]


class PdcaPage(BaseModel):
    """Every open followed change with its measured effect; the A3 sheets to link."""

    changes: list[ChangeBoardItem]
    sheets: list[A3Data]
    metrics: list[tuple[str, str]]
    """The metrics a change can be followed on: id and name in the visitor's language."""


def _effects(visitor: Visitor, change: Improvement) -> ChangeBoardItem:
    scope = visitor.scope
    key = ("improve-pdca", ImprovementData.model_validate(change).model_dump_json())
    status = visitor.state.results.get(
        key,
        scope,
        lambda ws: improvement_status(
            ws.source, ws.config.options(**scope.metric_options()), change
        ),
    )
    i18n.set_language(visitor.lang)
    metrics = []
    for m in status.impacts:
        c = m.comparison
        metrics.append(
            MetricEffect(
                metric=m.metric,
                statistic=m.statistic,
                unit=m.unit,
                target=m.target,
                target_met=m.target_met,
                baseline=m.baseline,
                now=m.now,
                status=m.status,
                reason=None if m.reason is None else str(m.reason),
                difference=None if c is None else c.difference,
                low=None if c is None else c.low,
                high=None if c is None else c.high,
                p_value=None if c is None else c.p_value,
                test=None if c is None else c.test,
                n_baseline=None if c is None else c.n_baseline,
                n_follow_up=None if c is None else c.n_follow_up,
                chart_kind=None if m.chart is None else m.chart.kind,
                chart=[] if m.chart is None else m.chart.to_dict()["points"],
                follow_up_periods=m.follow_up_periods,
                periods_within=m.periods_within,
                hold_periods=m.hold_periods,
                notes=[str(n) for n in m.notes],
                reason_text=None if m.reason is None else str(localized(m.reason)),
                note_texts=[str(localized(n)) for n in m.notes],
            )
        )
    return ChangeBoardItem(change=status.improvement, status=status.status, metrics=metrics)


@page(router, "/improve/pdca", template="improve/pdca.html", model=PdcaPage, summary="PDCA board")
def pdca(visitor: Viewer) -> PdcaPage:
    """Return every open change with its effect on each metric, computed from the data."""
    records = _records(visitor)
    open_changes = [i for i in records.all(Improvement) if i.closed_on is None]
    has_data = visitor.state.config.workspace.exists()
    return PdcaPage(
        changes=[_effects(visitor, i) for i in open_changes] if has_data else [],
        sheets=[_sheet_shown(visitor, a) for a in records.all(A3)],
        metrics=[(d.id, d.card.name(visitor.lang)) for d in catalog().values()],
    )


def _service_hours(visitor: Visitor) -> bool:
    """Return whether the workspace counts service hours (a target may then use them)."""
    if not visitor.state.config.workspace.exists():
        return False
    return bool(
        visitor.state.results.get(
            "improve-service-hours",
            visitor.scope,
            lambda ws: ws.config.options().service_calendar is not None,
        )
    )


@router.post("/improve/pdca", response_class=HTMLResponse, summary="Follow a change")
def pdca_add(
    visitor: Analyst,
    title: Text,
    changed_on: Annotated[date, Form()],
    metric: Text,
    statistic: Text = "",
    target: Text = "",
    a3_id: Text = "",
    hold_periods: Annotated[int, Form(ge=1, le=260)] = 6,
) -> Response:
    """Follow a change on a metric from its date."""
    try:
        metric_id = find(metric.strip()).id
        if target.strip():
            parse_target(metric_id, target, service_hours=_service_hours(visitor))
    except (KeyError, ConfigError) as exc:
        raise HTTPException(status_code=422) from exc
    if a3_id.strip() and not a3_id.strip().isdigit():
        raise HTTPException(status_code=422)
    sheet = int(a3_id) if a3_id.strip() else None
    if sheet is not None:
        _get(visitor, A3, sheet)
    _records(visitor).add(
        Improvement(
            title=title.strip() or metric_id,
            a3_id=sheet,
            changed_on=changed_on,
            hold_periods=hold_periods,
            metrics=[
                ImprovementMetric(
                    metric=metric_id,
                    statistic=statistic.strip() or None,
                    target=target.strip() or None,
                )
            ],
        )
    )
    return see_other("/improve/pdca")


PHASE_NAMES = {"baseline": N_("baseline"), "change": N_("change"), "follow-up": N_("follow-up")}


def card_name(metric_id: str, lang: Language) -> str:
    """Return the name of a metric in `lang` (its id when the catalog has no such metric)."""
    try:
        return find(metric_id).card.name(lang)
    except KeyError:
        return metric_id


def statistic_name(statistic: str) -> str:
    """Return a statistic's name in the current language (as it is when unnamed)."""
    return str(statistic_label(statistic).localized())


def effect_unit(effect: MetricEffect) -> str:
    """Return the unit the effect's statistic is in (its result rows name it)."""
    return effect.unit


def effect_chart(effect: MetricEffect, lang: Language) -> dict[str, Any]:
    """Return the Vega-Lite control chart of an effect, titles in `lang`."""
    unit = effect_unit(effect)
    name = card_name(effect.metric, lang)
    return control_chart_spec(
        effect.chart,
        title=gettext("Control chart of {name}").format(name=name),
        period_title=gettext("Period"),
        value_title=formatting.unit_name(unit),
        value_format=formatting.d3_format(unit),
        phase_names={k: gettext(v) for k, v in PHASE_NAMES.items()},
        limit_title=gettext("Limit"),
        centre_title=gettext("Centre"),
    )


def _waste_name(key: str) -> tuple[str, str]:
    family, text = WASTES.get(key, (None, key))
    return ("" if family is None else gettext(family.name), gettext(text))


TEMPLATES.globals.update(
    waste_name=_waste_name,
    waste_families=FAMILIES,
    per_names=PER_NAMES,
    note_kind_names=KIND_NAMES,
    status_names=STATUS_NAMES,
    idea_statuses=IDEA_STATUSES,
    action_statuses=ACTION_STATUSES,
    action_columns=ACTION_COLUMNS,
    a3_sections=SECTIONS,
    a3_steps=STEPS,
    fishbone_categories=FISHBONE,
    levels=LEVELS,
    quadrants=QUADRANTS,
    card_name=card_name,
    clock=clock,
    statistic_name=statistic_name,
    effect_unit=effect_unit,
    effect_chart=effect_chart,
    phase_names=PHASE_NAMES,
)
