"""`karsta waste`: the headline a year, then staff time and customer time, findings apart."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Group
from rich.table import Table

from karsta.api import waste_assumptions
from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.cli.process_shared import (
    FormatOption,
    WhereOption,
    WorkspaceOption,
    analysis_of,
    emit,
    fail,
    not_computed_table,
    notes_table,
    settings_of,
    ticket_filters,
    working,
)
from karsta.cli.render import number, plain
from karsta.formatting import euros, hours, years
from karsta.i18n import N_, _, localized
from karsta.process import WasteFindings
from karsta.process.waste import HOURS_PER_PERSON_YEAR, Finding

PeriodFromOption = Annotated[
    str | None,
    typer.Option(
        help=N_(
            "Tickets opened at or after this time (ISO; UTC if bare): the start of the "
            "period hours are scaled to a year from (else detected from the monthly volume)."
        )
    ),
]
PeriodBeforeOption = Annotated[
    str | None,
    typer.Option(
        help=N_(
            "Tickets opened before this time (ISO; UTC if bare): the end of the period "
            "hours are scaled to a year from (else detected from the monthly volume)."
        )
    ),
]


def _hours(value: float) -> str:
    """Return hours a year for people, whole: '1 234 h'."""
    return hours(value, 0)


def _euros(value: float | None) -> str:
    """Return euros a year for people, whole: '55 530 €' ('–' when unknown)."""
    return euros(value)


def _person_years(value: float | None) -> str:
    """Return person-years for people: two decimals under one, else one ('0,25', '2,3')."""
    return years(value)


def _partial(text: str, value: float | None, missing: list[str]) -> str:
    """Return a total as shown: '–' when it cannot be computed, '≥ …' when it misses a part."""
    if value is None:
        return "–"
    return f"≥ {text}" if missing else text


def waste_command(
    workspace: WorkspaceOption,
    hourly_cost: Annotated[
        float | None,
        typer.Option(
            help=N_("Staff cost in euros an hour (default: the settings' hourly_cost, else 45).")
        ),
    ] = None,
    waiting_hourly_cost: Annotated[
        float | None,
        typer.Option(
            help=N_(
                "Euros an hour of customer waiting (default: the settings' "
                "waiting_hourly_cost, else not priced)."
            )
        ),
    ] = None,
    hours_per_person_year: Annotated[
        float, typer.Option(help=N_("Hours of work in a person-year (full-time, Finland)."))
    ] = HOURS_PER_PERSON_YEAR,
    minutes_per_handoff: Annotated[
        float, typer.Option(help=N_("Staff minutes a hand-off costs."))
    ] = 10.0,
    minutes_per_repeat: Annotated[
        float, typer.Option(help=N_("Staff minutes a repeated activity costs."))
    ] = 15.0,
    minutes_per_reopen: Annotated[
        float, typer.Option(help=N_("Staff minutes a reopen costs."))
    ] = 30.0,
    minutes_per_recategorisation: Annotated[
        float, typer.Option(help=N_("Staff minutes correcting a category costs."))
    ] = 5.0,
    bottlenecks: Annotated[
        int, typer.Option(help=N_("How many bottleneck transitions to report."))
    ] = 3,
    output: FormatOption = "table",
    opened_from: PeriodFromOption = None,
    opened_before: PeriodBeforeOption = None,
    where: WhereOption = None,
    lang: LangOption = None,
) -> None:
    """Print the waste a year: the headline, staff and customer time, findings, assumptions."""
    try:
        assumptions = waste_assumptions(
            settings_of(workspace),
            hourly_cost=hourly_cost,
            waiting_hourly_cost=waiting_hourly_cost,
            hours_per_person_year=hours_per_person_year,
            minutes_per_handoff=minutes_per_handoff,
            minutes_per_repeat=minutes_per_repeat,
            minutes_per_reopen=minutes_per_reopen,
            minutes_per_recategorisation=minutes_per_recategorisation,
            bottlenecks=bottlenecks,
        )
    except ValueError as exc:
        raise fail(render.error_text(exc)) from exc
    filters = ticket_filters(opened_from, opened_before, where)
    with analysis_of(workspace, filters) as analysis:
        result = working(_("Looking for waste"), lambda: analysis.waste(assumptions=assumptions))
    emit(output, result.to_dict(), lambda: waste_tables(result))


def waste_tables(result: WasteFindings) -> Group:
    """Return the headline, the warnings, the two finding lists and the assumptions."""
    parts: list[Table] = [_headline(result), _families(result)]
    warnings = result.period.warnings()
    if warnings:
        parts.append(notes_table(_("Warnings"), warnings))
    parts.append(_findings(_("Staff time a year"), result.staff_time))
    parts.append(_findings(_("Customer time a year"), result.customer_time))
    if result.not_computed:
        parts.append(not_computed_table(result.not_computed))
    parts.append(notes_table(_("Assumptions"), [*result.assumptions.lines(), *result.notes]))
    return Group(*parts)


def _headline(result: WasteFindings) -> Table:
    """Return the totals a year: staff time (hours, person-years, euros), customer waiting."""
    head: dict[str, Any] = result.headline()
    table = Table(title=_("Waste a year"), show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    staff, staff_missing = head["staff_hours_per_year"], head["staff_missing"]
    table.add_row(
        _("staff time"),
        _("cannot be computed")
        if staff is None
        else _("{hours} · {person_years} person-years (at {per_year} h) · {euros}").format(
            hours=_partial(_hours(staff), staff, staff_missing),
            person_years=_partial(_person_years(head["staff_person_years"]), staff, staff_missing),
            per_year=number(round(head["hours_per_person_year"])),
            euros=_partial(_euros(head["staff_euros_per_year"]), staff, staff_missing),
        ),
    )
    waiting, waiting_missing = (
        head["customer_waiting_hours_per_year"],
        head["customer_waiting_missing"],
    )
    priced = head["customer_waiting_euros_per_year"]
    table.add_row(
        _("customer waiting"),
        _("cannot be computed")
        if waiting is None
        else _partial(_hours(waiting), waiting, waiting_missing)
        + " · "
        + (
            _partial(_euros(priced), waiting, waiting_missing)
            if priced is not None
            else _("not priced (--waiting-hourly-cost)")
        ),
    )
    table.caption = plain(head["basis"])
    if not head["complete"]:
        table.caption += "\n" + _(
            "≥: without the figures this log cannot give; –: none can be computed (see below)"
        )
    return table


def _families(result: WasteFindings) -> Table:
    """Return the totals a year per waste family."""
    table = Table(title=_("Per waste family (each hour counted once)"))
    for i, name in enumerate(
        [
            _("family"),
            _("staff h"),
            _("person-years"),
            _("staff €"),
            _("customer waiting h"),
            _("customer waiting €"),
        ]
    ):
        table.add_column(name, justify="left" if i == 0 else "right")
    for family in result.headline()["families"]:
        staff, staff_missing = family["staff_hours_per_year"], family["staff_missing"]
        waiting = family["customer_waiting_hours_per_year"]
        waiting_missing = family["customer_waiting_missing"]
        table.add_row(
            plain(family["family"]),
            _partial(_hours(staff or 0.0), staff, staff_missing),
            _partial(_person_years(family["staff_person_years"]), staff, staff_missing),
            _partial(_euros(family["staff_euros_per_year"]), staff, staff_missing),
            _partial(_hours(waiting or 0.0), waiting, waiting_missing),
            _partial(_euros(family["customer_waiting_euros_per_year"]), waiting, waiting_missing),
        )
    return table


def _findings(title: str, findings: list[Finding]) -> Table:
    """Return one list of findings, ranked by hours a year; those not added say why."""
    table = Table(title=title)
    for i, name in enumerate(["#", _("finding"), _("waste"), _("hours a year"), _("€ a year")]):
        table.add_column(name, justify="left" if i < 3 else "right")
    for i, f in enumerate(findings, start=1):
        text = f"{plain(f.title)}\n[dim]{plain(f.evidence)}[/]"
        shown = _hours(f.hours_per_year)
        if f.person_years is not None:
            shown += "\n" + _("{value} person-years").format(value=_person_years(f.person_years))
        if not f.in_totals:
            why = _("not in the totals: {why}").format(why=localized(f.not_in_totals))
            text += "\n[italic]" + plain(why)
            shown = f"({shown})"
        table.add_row(
            str(i),
            text,
            f"{plain(f.family)}: {plain(f.catalog_item)}\n"
            + plain(_("Lean: {waste}").format(waste=localized(f.lean_waste))),
            shown,
            _euros(f.euros_per_year),
        )
    return table
