"""The improvement loop on the command line: savings, workshops, ideas, Gemba, A3s, PDCA.

The records are those of the web app's database (`--database`, default the SQLite
file beside the workspace), so the CLI and the pages share them; the CLI needs no
running server. Every change is kept in the history under `--by` (default: the
user name of the one running the command).
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.table import Table

import karsta
from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.cli.process_shared import analysis_of, emit, working
from karsta.cli.render import plain
from karsta.formatting import MISSING, decimal, duration, figure, general, share, whole, with_unit
from karsta.i18n import N_, _, current_language, localized
from karsta.improve.a3 import ACTION_STATUSES, SECTIONS, a3_from_finding, a3_from_signal, a3_pdf
from karsta.improve.catalog import WASTES
from karsta.improve.gemba import summarise
from karsta.improve.ideas import LEVELS, idea_from_finding
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
from karsta.improve.pdca import STATUS_NAMES, ImprovementStatus, improvement_status
from karsta.improve.records import (
    ImprovementRecords,
    RecordNotFound,
    RecordsFileError,
    export_records,
    import_records,
    read_records_file,
)
from karsta.improve.savings import (
    ObservedFrequency,
    Savings,
    SavingsAssumptions,
    activity_frequency,
    finding_frequency,
    time_savings,
)
from karsta.improve.workshop import ranked
from karsta.metrics.config import ConfigError
from karsta.process import ProcessFilters
from karsta.web.database import (
    DatabaseError,
    connect,
    default_database_url,
    migrate,
    session_factory,
)
from karsta.workspace import WorkspaceError

WorkspaceOption = Annotated[
    Path | None, typer.Option("--workspace", "-w", help=N_("Workspace file."))
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        help=N_(
            "App database with the improvement records: sqlite:///FILE or postgresql://... "
            "(default: the SQLite file beside the workspace, as karsta serve uses)."
        )
    ),
]
ByOption = Annotated[
    str | None, typer.Option("--by", help=N_("Who makes the change (default: your user name)."))
]
FormatOption = Annotated[str, typer.Option("--format", help=N_("table or json."))]
PERS = {"day": N_("a day"), "week": N_("a week"), "month": N_("a month"), "year": N_("a year")}

fail = render.fail


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise fail(
            _("{option}: {text!r} is not a date (YYYY-MM-DD)").format(option=option, text=text)
        ) from exc


def _moment(text: str, option: str) -> datetime:
    try:
        found = datetime.fromisoformat(text)
    except ValueError as exc:
        raise fail(
            _("{option}: {text!r} is not an ISO time").format(option=option, text=text)
        ) from exc
    return found if found.tzinfo else found.astimezone(UTC)


@contextmanager
def records_of(
    database: str | None, workspace: Path | None, by: str | None = None
) -> Iterator[ImprovementRecords]:
    """Yield the improvement records of the app database (migrated), committed at the end."""
    if database is None:
        if workspace is None:
            raise fail(_("Give --workspace (its app database) or --database."))
        database = default_database_url(workspace.resolve())
    try:
        engine = connect(database)
        migrate(engine)
    except DatabaseError as exc:
        raise fail(str(exc)) from exc
    try:
        with session_factory(engine).begin() as session:
            yield ImprovementRecords(session, _who(by))
    except RecordNotFound as exc:
        raise fail(render.error_text(exc)) from exc
    finally:
        engine.dispose()


def _need_workspace(workspace: Path | None, what: str) -> Path:
    if workspace is None:
        raise fail(_("{what} needs --workspace.").format(what=what))
    return workspace


# --- savings --------------------------------------------------------------------------------


def savings_command(
    per: Annotated[str, typer.Option(help=N_("day, week, month or year."))] = "week",
    times: Annotated[
        float | None, typer.Option(help=N_("How many times per --per (or from the data)."))
    ] = None,
    minutes: Annotated[float, typer.Option(help=N_("Minutes of waste removed each time."))] = 0.0,
    people: Annotated[float, typer.Option(help=N_("How many people or teams do it."))] = 1.0,
    weeks: Annotated[float, typer.Option(help=N_("Working weeks a year."))] = 52.0,
    hours_per_day: Annotated[float, typer.Option(help=N_("Hours of a working day."))] = 7.5,
    days_per_week: Annotated[float, typer.Option(help=N_("Working days of a week."))] = 5.0,
    hourly_cost: Annotated[
        float | None, typer.Option(help=N_("Euros an hour of work (default: not priced)."))
    ] = None,
    workspace: WorkspaceOption = None,
    activity: Annotated[
        str | None,
        typer.Option(help=N_("Take the frequency from the log: how often this activity happens.")),
    ] = None,
    finding: Annotated[
        str | None,
        typer.Option(help=N_("Take the frequency from a waste finding, e.g. handoffs:ping-pong.")),
    ] = None,
    output: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Print what removing minutes of waste saves a year: minutes, hours, days, weeks, euros."""
    try:
        assumptions = SavingsAssumptions(
            weeks_per_year=weeks,
            hours_per_day=hours_per_day,
            days_per_week=days_per_week,
            hourly_cost=hourly_cost,
        )
        observed = _observed(workspace, activity, finding)
        if observed is not None:
            saved = time_savings(
                times=observed.times_per_year,
                per="year",
                minutes=minutes,
                people=people,
                assumptions=assumptions,
                frequency_source=observed.source,
            )
        elif times is None:
            raise fail(_("Give --times, or --activity or --finding with --workspace."))
        elif per not in PERS:
            raise fail(_("--per must be day, week, month or year"))
        else:
            saved = time_savings(
                times=times,
                per=per,  # type: ignore[arg-type]
                minutes=minutes,
                people=people,
                assumptions=assumptions,
            )
    except ValueError as exc:
        raise fail(render.error_text(exc)) from exc
    emit(output, saved.to_dict(), lambda: savings_table(saved))


def _observed(
    workspace: Path | None, activity: str | None, finding: str | None
) -> ObservedFrequency | None:
    if activity is None and finding is None:
        return None
    path = _need_workspace(workspace, "--activity / --finding")
    with analysis_of(path, ProcessFilters()) as analysis:
        if activity is not None:
            return working(_("Counting in the log"), lambda: activity_frequency(analysis, activity))
        assert finding is not None
        waste = working(_("Looking for waste"), analysis.waste)
        return finding_frequency(waste, finding)


def savings_table(saved: Savings) -> Table:
    """Return the savings a year as a two-column table, with what they rest on."""
    a = saved.assumptions
    table = Table(title=_("Time saved a year"), show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_row(_("occurrences a year"), decimal(saved.occurrences_per_year, 1))
    table.add_row(_("minutes"), whole(saved.minutes_per_year))
    table.add_row(_("hours"), decimal(saved.hours_per_year, 1))
    table.add_row(
        _("working days of {hours} h").format(hours=decimal(a.hours_per_day, 1)),
        decimal(saved.working_days_per_year, 2),
    )
    table.add_row(
        _("working weeks of {hours} h").format(hours=decimal(a.hours_per_week, 1)),
        decimal(saved.working_weeks_per_year, 2),
    )
    table.add_row(
        _("euros"),
        MISSING
        if saved.euros_per_year is None
        else with_unit(whole(saved.euros_per_year), "euros"),
    )
    basis = (
        localized(saved.frequency_source)
        if saved.frequency_source
        else _("{times} {per} × {minutes} min × {people} × {weeks} working weeks").format(
            times=general(saved.times),
            per=_(PERS.get(saved.per, saved.per)),
            minutes=general(saved.minutes_each),
            people=general(saved.people),
            weeks=general(a.weeks_per_year),
        )
    )
    table.caption = plain(basis)
    return table


# --- workshops -------------------------------------------------------------------------------

workshop_app = typer.Typer(
    help=N_("Waste workshops: which wastes are relevant to us, with evidence and estimates."),
    no_args_is_help=True,
)


@workshop_app.command("new", help=N_("Start a workshop with the whole waste checklist."))
def workshop_new(
    team: Annotated[str, typer.Option(help=N_("The team."))],
    held_on: Annotated[
        str | None, typer.Option("--date", help=N_("Date of the workshop (default: today)."))
    ] = None,
    facilitator: Annotated[str | None, typer.Option(help=N_("Who leads it."))] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Create a workshop and print its number."""
    day = _day(held_on, "--date") or date.today()
    with records_of(database, workspace, by) as records:
        workshop = records.new_workshop(team, day, facilitator=facilitator)
        number = workshop.id
    render.console().print(
        _("Workshop {id} created with {n} wastes to decide.").format(id=number, n=len(WASTES))
    )


@workshop_app.command("mark", help=N_("Mark a waste relevant or not, with evidence and estimates."))
def workshop_mark(
    workshop_id: Annotated[int, typer.Argument(help=N_("The workshop's number."))],
    waste: Annotated[str, typer.Argument(help=N_("The waste, e.g. customer-process:waiting."))],
    relevant: Annotated[
        bool, typer.Option("--relevant/--not-relevant", help=N_("Relevant to us or not."))
    ] = True,
    evidence: Annotated[str | None, typer.Option(help=N_("What shows it."))] = None,
    link: Annotated[
        list[str] | None,
        typer.Option(help=N_("A finding (finding:handoffs:ping-pong) or ticket (ticket:ID).")),
    ] = None,
    times: Annotated[float | None, typer.Option(help=N_("How many times per --per."))] = None,
    per: Annotated[str, typer.Option(help=N_("day, week, month or year."))] = "week",
    minutes: Annotated[float | None, typer.Option(help=N_("Minutes it takes each time."))] = None,
    people: Annotated[float, typer.Option(help=N_("How many people or teams."))] = 1.0,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Set one checklist item of a workshop."""
    if waste not in WASTES:
        raise fail(
            _("Unknown waste {waste!r}. Known: {known}.").format(
                waste=waste, known=", ".join(WASTES)
            )
        )
    if per not in PERS:
        raise fail(_("--per must be day, week, month or year"))
    with records_of(database, workspace, by) as records:
        workshop = records.get(Workshop, workshop_id)
        item = next(i for i in workshop.items if i.waste == waste)
        fields: dict[str, Any] = {"relevant": relevant, "per": per, "people": people}
        if evidence is not None:
            fields["evidence"] = evidence
        if link:
            fields["links"] = [*item.links, *link]
        if times is not None:
            fields["times"] = times
        if minutes is not None:
            fields["minutes"] = minutes
        records.change(item, **fields)
    render.console().print(_("Saved."))


@workshop_app.command("list", help=N_("List the workshops."))
def workshop_list(
    workspace: WorkspaceOption = None, database: DatabaseOption = None, lang: LangOption = None
) -> None:
    """Print every workshop with how many wastes it found relevant."""
    table = Table(title=_("Waste workshops"))
    for name in ("#", _("team"), _("date"), _("relevant"), _("undecided")):
        table.add_column(name)
    with records_of(database, workspace) as records:
        for w in records.all(Workshop):
            table.add_row(
                str(w.id),
                plain(w.team),
                w.held_on.isoformat(),
                whole(sum(1 for i in w.items if i.relevant)),
                whole(sum(1 for i in w.items if i.relevant is None)),
            )
    render.show(table)


@workshop_app.command("show", help=N_("Show a workshop's relevant wastes ranked by hours a year."))
def workshop_show(
    workshop_id: Annotated[int, typer.Argument(help=N_("The workshop's number."))],
    hours_per_day: Annotated[float, typer.Option(help=N_("Hours of a working day."))] = 7.5,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    output: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Print the workshop's result."""
    assumptions = SavingsAssumptions(hours_per_day=hours_per_day)
    with records_of(database, workspace) as records:
        workshop = records.get(Workshop, workshop_id)
        rows = ranked(workshop, assumptions)
        data = {
            "workshop": workshop.id,
            "team": workshop.team,
            "held_on": workshop.held_on.isoformat(),
            "relevant": [
                {
                    "waste": r.item.waste,
                    "evidence": r.item.evidence,
                    "links": r.item.links,
                    "hours_per_year": None if r.savings is None else r.savings.hours_per_year,
                }
                for r in rows
            ],
        }
        table = Table(
            title=_("Relevant wastes of {team}, {day}").format(
                team=workshop.team, day=workshop.held_on.isoformat()
            )
        )
        for i, name in enumerate(
            ("#", _("waste"), _("evidence"), _("hours a year"), _("working days"))
        ):
            table.add_column(name, justify="right" if i >= 3 else "left")
        for n, r in enumerate(rows, start=1):
            table.add_row(
                str(n),
                f"{plain(_(r.family))}: {plain(_(r.text))}",
                plain(r.item.evidence)
                + ("\n" + ", ".join(plain(x) for x in r.item.links) if r.item.links else ""),
                MISSING if r.savings is None else decimal(r.savings.hours_per_year, 0),
                MISSING if r.savings is None else decimal(r.savings.working_days_per_year, 1),
            )
    emit(output, data, lambda: table)


# --- ideas -----------------------------------------------------------------------------------

ideas_app = typer.Typer(
    help=N_("The ideas backlog on its impact × effort grid."), no_args_is_help=True
)


@ideas_app.command("add", help=N_("Add an improvement idea (also from a waste finding)."))
def ideas_add(
    title: Annotated[str, typer.Argument(help=N_("The idea in a few words."))],
    from_finding: Annotated[
        str | None, typer.Option(help=N_("A waste finding behind it, e.g. handoffs:ping-pong."))
    ] = None,
    source: Annotated[
        str | None, typer.Option(help=N_("Where it came from: feedback:THEME, signal:METRIC."))
    ] = None,
    impact: Annotated[int | None, typer.Option(help=N_("1 low, 2 medium, 3 high."))] = None,
    effort: Annotated[int, typer.Option(help=N_("1 low, 2 medium, 3 high."))] = 2,
    team: Annotated[str, typer.Option(help=N_("The team."))] = "",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Add an idea; from a finding its hours, euros and tickets a year come along."""
    for name, value in (("--impact", impact), ("--effort", effort)):
        if value is not None and value not in (1, 2, 3):
            raise fail(_("{option} must be 1, 2 or 3").format(option=name))
    idea = Idea(title=title, source=source, impact=impact or 2, effort=effort, status="open")
    if from_finding is not None:
        idea = _from_finding(workspace, lambda waste: idea_from_finding(waste, from_finding, title))
        idea.effort = effort
        if impact is not None:
            idea.impact = impact
    with records_of(database, workspace, by) as records:
        idea.team, idea.author = team, records.who
        records.add(idea)
        number = idea.id
    render.console().print(_("Idea {id} added.").format(id=number))


def _from_finding(workspace: Path | None, build: Callable[[Any], Any]) -> Any:
    path = _need_workspace(workspace, "--from-finding")
    with analysis_of(path, ProcessFilters()) as analysis:
        waste = working(_("Looking for waste"), analysis.waste)
    try:
        return build(waste)
    except ValueError as exc:
        raise fail(render.error_text(exc)) from exc


@ideas_app.command("list", help=N_("List the ideas by impact and effort."))
def ideas_list(
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    output: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Print the ideas, highest impact and lowest effort first."""
    with records_of(database, workspace) as records:
        ideas = sorted(records.all(Idea), key=lambda i: (-i.impact, i.effort, i.id))
        data: list[dict[str, Any]] = [
            {
                "id": i.id,
                "title": i.title,
                "impact": i.impact,
                "effort": i.effort,
                "status": i.status,
                "source": i.source,
                "figures": i.figures,
            }
            for i in ideas
        ]
    table = Table(title=_("Ideas"))
    for name in ("#", _("idea"), _("impact"), _("effort"), _("hours a year"), _("source")):
        table.add_column(name)
    for i in data:
        hours = (i["figures"] or {}).get("hours_per_year")
        table.add_row(
            str(i["id"]),
            plain(i["title"]),
            _(LEVELS[i["impact"]]),
            _(LEVELS[i["effort"]]),
            MISSING if hours is None else decimal(hours, 0),
            plain(i["source"] or ""),
        )
    emit(output, {"ideas": data}, lambda: table)


# --- Gemba -----------------------------------------------------------------------------------

gemba_app = typer.Typer(
    help=N_("Gemba: planned observation where the work is done, timed notes, the summary."),
    no_args_is_help=True,
)


@gemba_app.command("new", help=N_("Plan an observation with its roles."))
def gemba_new(
    title: Annotated[str, typer.Argument(help=N_("What is observed."))],
    place: Annotated[str, typer.Option(help=N_("Where."))] = "",
    planned_on: Annotated[str | None, typer.Option("--date", help=N_("When (YYYY-MM-DD)."))] = None,
    observer: Annotated[str, typer.Option(help=N_("The observer."))] = "",
    note_taker: Annotated[str, typer.Option(help=N_("The note taker."))] = "",
    timekeeper: Annotated[str, typer.Option(help=N_("The timekeeper."))] = "",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Create an observation and print its number."""
    day = _day(planned_on, "--date")
    with records_of(database, workspace, by) as records:
        gemba = records.add(
            Gemba(
                title=title,
                place=place,
                planned_on=day,
                observer=observer,
                note_taker=note_taker,
                timekeeper=timekeeper,
            )
        )
        number = gemba.id
    render.console().print(_("Observation {id} planned.").format(id=number))


@gemba_app.command("note", help=N_("Add a timed note: step, start, end, kind, remark."))
def gemba_note(
    gemba_id: Annotated[int, typer.Argument(help=N_("The observation's number."))],
    step: Annotated[str, typer.Argument(help=N_("The step observed."))],
    start: Annotated[str, typer.Option(help=N_("When it started (ISO time)."))],
    end: Annotated[str, typer.Option(help=N_("When it ended (ISO time)."))],
    kind: Annotated[
        str, typer.Option(help=N_("value (adds value), waste (work without value) or waiting."))
    ] = "value",
    remark: Annotated[str, typer.Option(help=N_("A remark."))] = "",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Add one timed observation."""
    if kind not in ("value", "waste", "waiting"):
        raise fail(_("--kind must be value, waste or waiting"))
    started, ended = _moment(start, "--start"), _moment(end, "--end")
    if ended < started:
        raise fail(_("--end is before --start"))
    with records_of(database, workspace, by) as records:
        records.get(Gemba, gemba_id)
        records.add(
            GembaNote(
                gemba_id=gemba_id,
                step=step,
                started_at=started,
                ended_at=ended,
                kind=kind,
                remark=remark,
            )
        )
    render.console().print(_("Saved."))


@gemba_app.command("show", help=N_("Show an observation's working vs waiting time beside the log."))
def gemba_show(
    gemba_id: Annotated[int, typer.Argument(help=N_("The observation's number."))],
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    output: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Print the summary; with --workspace the log's stays in the same steps beside it."""
    waiting = None
    if workspace is not None:
        with analysis_of(workspace, ProcessFilters()) as analysis:
            waiting = working(_("Reading the log"), analysis.waiting)
    with records_of(database, workspace) as records:
        gemba = records.get(Gemba, gemba_id)
        summary = summarise(gemba, waiting)
        title = gemba.title
    table = Table(title=_("Observation: {title}").format(title=title))
    for i, name in enumerate(
        (
            _("step"),
            _("times"),
            _("value-adding"),
            _("other work"),
            _("waiting"),
            _("mean"),
            _("log: kind"),
            _("log: mean stay"),
        )
    ):
        table.add_column(name, justify="left" if i == 0 or i == 6 else "right")
    for s in summary.steps:
        table.add_row(
            plain(s.step),
            whole(s.observations),
            duration(s.value_s),
            duration(s.waste_s),
            duration(s.waiting_s),
            duration(s.observed_mean_s),
            MISSING if s.log_kind is None else _(s.log_kind),
            duration(s.log_mean_s),
        )
    table.caption = _(
        "working {working}, waiting {waiting}; value-adding {share} of the time"
    ).format(
        working=duration(summary.working_s),
        waiting=duration(summary.waiting_s),
        share=share(summary.value_share),
    )
    emit(output, summary.to_dict(), lambda: table)


# --- A3 --------------------------------------------------------------------------------------

a3_app = typer.Typer(
    help=N_("A3 sheets: one problem through the nine steps."), no_args_is_help=True
)


@a3_app.command("new", help=N_("Start an A3 sheet, blank or from a finding or a signal."))
def a3_new(
    title: Annotated[str, typer.Argument(help=N_("The problem in a few words."))],
    from_finding: Annotated[
        str | None, typer.Option(help=N_("A waste finding, e.g. handoffs:ping-pong."))
    ] = None,
    from_signal: Annotated[
        str | None, typer.Option(help=N_("A metric off its target on the scorecard, e.g. O2."))
    ] = None,
    team: Annotated[str, typer.Option(help=N_("The team."))] = "",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Create an A3 sheet and print its number; from the data its current state is filled."""
    if from_finding and from_signal:
        raise fail(_("Give --from-finding or --from-signal, not both."))
    sheet = A3(title=title, whys=[], fishbone={})
    if from_finding is not None:
        sheet = _from_finding(workspace, lambda waste: a3_from_finding(waste, from_finding, title))
    elif from_signal is not None:
        sheet = _from_signal(_need_workspace(workspace, "--from-signal"), from_signal, title)
    with records_of(database, workspace, by) as records:
        sheet.team, sheet.owner = team, records.who
        records.add(sheet)
        number = sheet.id
    render.console().print(_("A3 sheet {id} created.").format(id=number))
    if sheet.current_state:
        render.console().print(f"{_(SECTIONS['current_state'])}: {plain(sheet.current_state)}")


def _from_signal(workspace: Path, metric: str, title: str) -> A3:
    try:
        with karsta.open(workspace, create=False, read_only=True) as ws:
            card = working(_("Computing the scorecard"), ws.scorecard)
    except (WorkspaceError, ConfigError) as exc:
        raise fail(render.error_text(exc)) from exc
    row = next((r for r in card.rows if r.result.id == metric.upper() and not r.group), None)
    if row is None or row.value is None:
        raise fail(_("The scorecard has no figure of {metric}.").format(metric=metric))
    return a3_from_signal(row, card.period, title)


@a3_app.command("list", help=N_("List the A3 sheets."))
def a3_list(
    workspace: WorkspaceOption = None, database: DatabaseOption = None, lang: LangOption = None
) -> None:
    """Print every sheet with its step and open actions."""
    table = Table(title=_("A3 sheets"))
    for name in ("#", _("title"), _("team"), _("step"), _("open actions"), _("source")):
        table.add_column(name)
    with records_of(database, workspace) as records:
        for a in records.all(A3):
            table.add_row(
                str(a.id),
                plain(a.title),
                plain(a.team),
                _("{step} of 9").format(step=a.step),
                whole(sum(1 for x in a.actions if x.status in ("planned", "in progress"))),
                plain(a.source or ""),
            )
    render.show(table)


@a3_app.command("show", help=N_("Show an A3 sheet, or print it on one A3 page (--pdf)."))
def a3_show(
    a3_id: Annotated[int, typer.Argument(help=N_("The sheet's number."))],
    pdf: Annotated[Path | None, typer.Option(help=N_("Write the sheet as a PDF here."))] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    output: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Print the sheet's sections; --pdf writes it as one landscape A3 page."""
    from karsta.improve.schemas import A3Data

    with records_of(database, workspace) as records:
        sheet = records.get(A3, a3_id)
        data = A3Data.model_validate(sheet)
        if pdf is not None:
            try:
                pdf.write_bytes(a3_pdf(sheet, current_language()))
            except ValueError as exc:
                raise fail(render.error_text(exc)) from exc
            render.console(stderr=True).print(_("Wrote {path}.").format(path=pdf))
            return
    table = Table(title=f"A3 {data.id}: {plain(data.title)}", show_header=False)
    table.add_column("section", style="bold")
    table.add_column("text")
    for key, heading in SECTIONS.items():
        if key == "actions":
            text = "\n".join(
                f"{a.who} · {a.what} · {a.due or ''} · {a.how} · {_(ACTION_STATUSES[a.status])}"
                for a in data.actions
            )
        else:
            text = getattr(data, key)
        table.add_row(_(heading), plain(text) or MISSING)
    emit(output, data.model_dump(mode="json"), lambda: table)


@a3_app.command("action", help=N_("Add a row to an A3's action table."))
def a3_action(
    a3_id: Annotated[int, typer.Argument(help=N_("The sheet's number."))],
    what: Annotated[str, typer.Argument(help=N_("What is done."))],
    who: Annotated[str, typer.Option(help=N_("Who does it."))] = "",
    due: Annotated[str | None, typer.Option(help=N_("When (YYYY-MM-DD)."))] = None,
    how: Annotated[str, typer.Option(help=N_("How."))] = "",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Add an action to a sheet."""
    day = _day(due, "--due")
    with records_of(database, workspace, by) as records:
        records.get(A3, a3_id)
        records.add(Action(a3_id=a3_id, what=what, who=who, due=day, how=how, status="planned"))
    render.console().print(_("Saved."))


# --- PDCA ------------------------------------------------------------------------------------

pdca_app = typer.Typer(
    help=N_("PDCA: follow a change on its metrics until the new standard holds."),
    no_args_is_help=True,
)


@pdca_app.command("new", help=N_("Follow a change: its date and the metrics it should move."))
def pdca_new(
    title: Annotated[str, typer.Argument(help=N_("The change in a few words."))],
    changed_on: Annotated[str, typer.Option(help=N_("The day the new way started (YYYY-MM-DD)."))],
    metric: Annotated[
        list[str], typer.Option(help=N_("A metric it should move, e.g. O2 (repeat)."))
    ],
    statistic: Annotated[
        str | None, typer.Option(help=N_("The statistic, e.g. median (default: the target's)."))
    ] = None,
    target: Annotated[str | None, typer.Option(help=N_("The target, e.g. '<= 20 h'."))] = None,
    a3: Annotated[int | None, typer.Option("--a3", help=N_("The A3 sheet it comes from."))] = None,
    period: Annotated[str, typer.Option(help=N_("week or month."))] = "week",
    hold_periods: Annotated[
        int, typer.Option(help=N_("Periods within the new limits before the standard holds."))
    ] = 6,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Create a followed change and print its number."""
    from karsta.metrics.registry import find

    day = _day(changed_on, "--changed-on")
    assert day is not None
    if period not in ("week", "month"):
        raise fail(_("--period must be week or month"))
    try:
        ids = [find(m).id for m in metric]
    except KeyError as exc:
        raise fail(render.error_text(exc)) from exc
    with records_of(database, workspace, by) as records:
        if a3 is not None:
            records.get(A3, a3)
        change = records.add(
            Improvement(
                title=title,
                a3_id=a3,
                changed_on=day,
                period=period,
                hold_periods=hold_periods,
                metrics=[
                    ImprovementMetric(metric=m, statistic=statistic, target=target) for m in ids
                ],
            )
        )
        number = change.id
    render.console().print(_("Change {id} is followed.").format(id=number))


@pdca_app.command("status", help=N_("Every open change: target, baseline, now, effect, status."))
def pdca_status(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))],
    database: DatabaseOption = None,
    output: FormatOption = "table",
    lang: LangOption = None,
) -> None:
    """Print the measured effect of every open change, computed from the data."""
    with records_of(database, workspace) as records:
        open_changes = [i for i in records.all(Improvement) if i.closed_on is None]
        try:
            with karsta.open(workspace, create=False, read_only=True) as ws:
                options = ws.config.options()
                found = [_measured(ws.source, options, i) for i in open_changes]
        except (WorkspaceError, ConfigError) as exc:
            raise fail(render.error_text(exc)) from exc
    emit(output, {"improvements": [f.to_dict() for f in found]}, lambda: pdca_table(found))


def _measured(source: Any, options: Any, change: Improvement) -> ImprovementStatus:
    """Return the status of one change, with a spinner while it is measured."""
    return working(_("Measuring the effect"), lambda: improvement_status(source, options, change))


def pdca_table(found: list[ImprovementStatus]) -> Group:
    """Return one table per followed change: each metric's target, baseline, now and effect."""
    tables = []
    for item in found:
        i = item.improvement
        table = Table(
            title=_("{id}. {title} (changed {day}): {status}").format(
                id=i.id,
                title=plain(i.title),
                day=i.changed_on.isoformat(),
                status=_(STATUS_NAMES[item.status]),
            )
        )
        for n, name in enumerate(
            (
                _("metric"),
                _("target"),
                _("baseline"),
                _("now"),
                _("effect"),
                _("interval"),
                _("test"),
                _("status"),
            )
        ):
            table.add_column(name, justify="right" if 2 <= n <= 5 else "left")
        for m in item.impacts:
            c = m.comparison
            unit = m.unit or "count"
            effect = MISSING if c is None else _difference(c.difference, unit)
            interval = (
                MISSING
                if c is None
                else f"{_difference(c.low, unit)} … {_difference(c.high, unit)}"
            )
            test = (
                MISSING
                if c is None
                else _("{test}, p = {p}").format(test=_(c.test), p=decimal(c.p_value, 3))
            )
            status = _(STATUS_NAMES[m.status])
            if m.status == "standard holds" or m.status == "improved":
                status += "\n" + _("{n} of {hold} periods within the new limits").format(
                    n=m.periods_within, hold=m.hold_periods
                )
            elif m.reason:
                status += "\n" + plain(m.reason)
            table.add_row(
                f"{m.metric} {m.statistic}",
                plain(m.target or MISSING),
                figure(m.baseline, unit),
                figure(m.now, unit),
                effect,
                interval,
                test,
                status,
            )
        tables.append(table)
    if not tables:
        return Group(_("No open change is followed."))
    return Group(*tables)


def _difference(value: float, unit: str) -> str:
    """Return a difference with its sign and unit (percentage points for a share)."""
    from karsta.formatting import signed

    text = signed(value, 1)
    if unit == "percent":
        return _("{value} pp").format(value=text)
    return with_unit(text, unit)


# --- export and import -----------------------------------------------------------------------

records_app = typer.Typer(
    help=N_("Export or import every improvement record as JSON."), no_args_is_help=True
)


@records_app.command("export", help=N_("Write every improvement record and the history as JSON."))
def records_export(
    file: Annotated[
        Path | None, typer.Argument(help=N_("The JSON file (default: print it)."))
    ] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Export the records."""
    with records_of(database, workspace) as records:
        text = export_records(records.session).model_dump_json(indent=2)
    if file is None:
        sys.stdout.write(text + "\n")
    else:
        file.write_text(text + "\n", encoding="utf-8")


@records_app.command("import", help=N_("Add the improvement records of a JSON export."))
def records_import(
    file: Annotated[Path, typer.Argument(help=N_("The JSON file."))],
    replace: Annotated[
        bool, typer.Option(help=N_("Remove the records the database holds first."))
    ] = False,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Import the records."""
    try:
        data = read_records_file(file)
        with records_of(database, workspace, by) as records:
            counts = import_records(records.session, data, records.who, replace=replace)
    except RecordsFileError as exc:
        raise fail(render.error_text(exc)) from exc
    render.console().print(json.dumps(counts))
