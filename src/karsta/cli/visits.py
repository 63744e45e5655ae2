"""`karsta visits`: appointment-based and walk-in service measured, compared and simulated."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from karsta.channels.shift import parse_matter_channels
from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.cli.process_shared import emit, fail, settings_of, working
from karsta.cli.visits_tables import (
    comparison_tables,
    drivers_tables,
    measures_tables,
    simulation_tables,
)
from karsta.formatting import decimal
from karsta.i18n import N_, Message, _
from karsta.visits import VisitFilters, VisitOptions, measure_visits
from karsta.visits.calibrate import calibrate
from karsta.visits.compare import compare_visits
from karsta.visits.drivers import no_show_drivers
from karsta.visits.generate import GeneratorSettings, add_generated_visits, generate_office_log
from karsta.visits.simulate import simulate_office
from karsta.workspace import Workspace, WorkspaceError, workspace_for_import

visits_app = typer.Typer(
    help=N_("Office visits: appointments and walk-ins measured, compared and simulated."),
    no_args_is_help=True,
)

WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))]
FormatOption = Annotated[str, typer.Option("--format", help=N_("table or json."))]
JsonOption = Annotated[bool, typer.Option("--json", help=N_("Print JSON (same as --format json)."))]
FromOption = Annotated[
    str | None, typer.Option("--from", help=N_("First day of the visits (ISO date)."))
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help=N_("Last day of the visits (ISO date)."))
]
OfficeOption = Annotated[
    list[str] | None, typer.Option("--office", help=N_("Only this office (repeat for more)."))
]
MatterChannelOption = Annotated[
    list[str] | None,
    typer.Option(
        "--matter-channel",
        help=N_("A matter another channel handles, as MATTER=CHANNEL (repeat)."),
    ),
]
LateCancelOption = Annotated[
    float,
    typer.Option(help=N_("A cancellation less than this many hours ahead is late.")),
]
AdviserHoursOption = Annotated[
    float | None,
    typer.Option(
        help=N_(
            "Available hours of an adviser on a day with visits (default: the day's span "
            "from the first service start to the last service end)."
        )
    ),
]


def _output(output: str, as_json: bool) -> str:
    return "json" if as_json else output


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        message = _("{option}: {text!r} is not an ISO date (YYYY-MM-DD)")
        raise fail(message.format(option=option, text=text)) from exc


def _filters(first: str | None, last: str | None, offices: list[str] | None) -> VisitFilters:
    try:
        return VisitFilters(
            first_day=_day(first, "--from"),
            last_day=_day(last, "--until"),
            offices=tuple(offices or ()),
        )
    except ValueError as exc:
        raise fail(render.error_text(exc)) from exc


def _options(
    workspace: Path,
    matter_channels: list[str] | None,
    late_cancel_hours: float,
    adviser_hours: float | None,
) -> VisitOptions:
    """Return the options; the settings' matter_channels with the options' pairs added."""
    settings = settings_of(workspace).matter_channels
    try:
        return VisitOptions(
            late_cancel_hours=late_cancel_hours,
            matter_channels=settings | parse_matter_channels(matter_channels or []),
            hours_per_adviser_day=adviser_hours,
        )
    except ValueError as exc:
        raise fail(render.error_text(exc)) from exc


def _source(workspace: Path) -> Workspace:
    try:
        return Workspace.open(workspace, create=False, read_only=True)
    except WorkspaceError as exc:
        raise fail(render.error_text(exc)) from exc


@visits_app.command("show", help=N_("Show the visit measures: waits, lead time, no-shows, …"))
def show_command(
    workspace: WorkspaceOption,
    first: FromOption = None,
    last: UntilOption = None,
    office: OfficeOption = None,
    matter_channel: MatterChannelOption = None,
    late_cancel_hours: LateCancelOption = 24.0,
    hours_per_adviser_day: AdviserHoursOption = None,
    output: FormatOption = "table",
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Print every visit measure with its exclusions and assumptions."""
    filters = _filters(first, last, office)
    options = _options(workspace, matter_channel, late_cancel_hours, hours_per_adviser_day)
    with _source(workspace) as source:
        result = working(
            _("Measuring visits"),
            lambda: measure_visits(source, filters=filters, options=options),
        )
    emit(_output(output, as_json), result.to_dict(), lambda: measures_tables(result))


@visits_app.command("drivers", help=N_("What goes with no-shows: lead time, reminder, segment."))
def drivers_command(
    workspace: WorkspaceOption,
    first: FromOption = None,
    last: UntilOption = None,
    office: OfficeOption = None,
    output: FormatOption = "table",
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Print the no-show rates and the reminder effect, raw and adjusted for lead time."""
    filters = _filters(first, last, office)
    with _source(workspace) as source:
        result = working(_("Looking at no-shows"), lambda: no_show_drivers(source, filters=filters))
    emit(_output(output, as_json), result.to_dict(), lambda: drivers_tables(result))


@visits_app.command(
    "compare", help=N_("Two periods (--before, --after) or two offices side by side.")
)
def compare_command(
    workspace: WorkspaceOption,
    before: Annotated[
        str | None, typer.Option(help=N_("Last day of the first period (ISO date)."))
    ] = None,
    after: Annotated[
        str | None, typer.Option(help=N_("First day of the second period (ISO date)."))
    ] = None,
    first: FromOption = None,
    last: UntilOption = None,
    office: OfficeOption = None,
    matter_channel: MatterChannelOption = None,
    late_cancel_hours: LateCancelOption = 24.0,
    hours_per_adviser_day: AdviserHoursOption = None,
    output: FormatOption = "table",
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Print two periods or two offices side by side with intervals, tests and drivers."""
    options = _options(workspace, matter_channel, late_cancel_hours, hours_per_adviser_day)
    offices = office or []
    label_a: str
    label_b: str
    if before is not None and after is not None:
        a = _filters(first, before, offices)
        b = _filters(after, last, offices)
        label_a = Message("until {day}", day=before)
        label_b = Message("from {day}", day=after)
    elif before is None and after is None and len(offices) == 2:
        a = _filters(first, last, offices[:1])
        b = _filters(first, last, offices[1:])
        label_a, label_b = offices[0], offices[1]  # the data's own names, never translated
    else:
        raise fail(
            _("Give either --before and --after (two periods) or --office twice (two offices).")
        )
    with _source(workspace) as source:
        result = working(
            _("Comparing visits"),
            lambda: compare_visits(source, a, b, label_a=label_a, label_b=label_b, options=options),
        )
    emit(_output(output, as_json), result.to_dict(), lambda: comparison_tables(result))


@visits_app.command(
    "simulate", help=N_("Simulate the office with a chosen mix of appointments and walk-ins.")
)
def simulate_command(
    workspace: WorkspaceOption,
    appointment_share: Annotated[
        float, typer.Option(help=N_("Share of customers served by appointment (0–1)."))
    ],
    advisers: Annotated[int, typer.Option(help=N_("Advisers serving customers."))],
    replications: Annotated[int, typer.Option(help=N_("Independent runs."))] = 30,
    days: Annotated[int, typer.Option(help=N_("Office days in each run."))] = 20,
    seed: Annotated[int, typer.Option(help=N_("Seed of the random numbers."))] = 1,
    first: FromOption = None,
    last: UntilOption = None,
    office: OfficeOption = None,
    output: FormatOption = "table",
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Print the simulated office's measures over seeded replications."""
    filters = _filters(first, last, office)
    with _source(workspace) as source:
        try:
            model, inputs, provenance = calibrate(
                source, advisers=advisers, appointment_share=appointment_share, filters=filters
            )
        except ValueError as exc:
            raise fail(render.error_text(exc)) from exc
    result = working(
        _("Simulating the office"),
        lambda: simulate_office(
            model,
            replications=replications,
            days=days,
            seed=seed,
            inputs=inputs,
            provenance=provenance,
        ),
    )
    emit(_output(output, as_json), result.to_dict(), lambda: simulation_tables(result))


@visits_app.command(
    "generate",
    help=N_("Add a generated (seeded, not real) office log with times of day to a workspace."),
)
def generate_command(
    workspace: Annotated[
        Path,
        typer.Option("--workspace", "-w", help=N_("Workspace file (created if missing).")),
    ],
    seed: Annotated[int, typer.Option(help=N_("Seed of the random numbers."))] = 1,
    days: Annotated[int, typer.Option(help=N_("Weekdays to generate."))] = 20,
    advisers: Annotated[int, typer.Option(help=N_("Advisers serving customers."))] = 3,
    appointment_share: Annotated[
        float, typer.Option(help=N_("Share of customers served by appointment (0–1)."))
    ] = 0.5,
    customers_per_day: Annotated[
        float,
        typer.Option(help=N_("Customers a day (booked and walk-in).")),
    ] = 70.0,
    office: Annotated[
        list[str] | None, typer.Option("--office", help=N_("Office name (repeat for more)."))
    ] = None,
    lang: LangOption = None,
) -> None:
    """Generate the office log and add it to the workspace's visits."""
    try:
        settings = GeneratorSettings(
            seed=seed,
            days=days,
            advisers=advisers,
            appointment_share=appointment_share,
            customers_per_day=customers_per_day,
        )
        if office:
            settings = replace(settings, offices=tuple(office))
        log = generate_office_log(settings)
        with workspace_for_import(workspace) as ws:
            rows = add_generated_visits(ws, log)
    except (ValueError, WorkspaceError) as exc:
        raise fail(render.error_text(exc)) from exc
    render.console().print(
        render.plain(
            _(
                "{rows} generated visits (seed {seed}) added to {path}. They are not real: "
                "every result built on them says so."
            ).format(rows=decimal(rows, 0), seed=seed, path=workspace)
        )
    )
