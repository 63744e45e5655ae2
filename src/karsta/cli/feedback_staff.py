"""`karsta feedback quiet-period` and `karsta feedback turnover`: survey fatigue and staff."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.table import Table

from karsta.cli import render
from karsta.cli.feedback_scores import p_text
from karsta.cli.options import LangOption
from karsta.cli.process_shared import FormatOption, emit, fail, notes_table
from karsta.feedback.quiet_period import DEFAULT_QUIET_DAYS, FIRST, QuietPeriod, quiet_period
from karsta.feedback.turnover import StaffTurnover, staff_turnover
from karsta.formatting import decimal, percent, whole
from karsta.i18n import N_, _
from karsta.workspace import WorkspaceError, open_source

WorkspaceArg = Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))]
JsonFlag = Annotated[bool, typer.Option("--json", help=N_("Print JSON (as --format json)."))]


def quiet_period_command(
    workspace: WorkspaceArg,
    quiet_days: Annotated[
        float, typer.Option(help=N_("Days a respondent should not be surveyed again."))
    ] = DEFAULT_QUIET_DAYS,
    instrument: Annotated[
        list[str] | None, typer.Option(help=N_("Only these instruments (default: all)."))
    ] = None,
    output: FormatOption = "table",
    as_json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """Print how often respondents were surveyed and the response rate by time since the last."""
    if quiet_days <= 0:
        raise fail(_("--quiet-days must be positive"))
    try:
        with open_source(workspace) as source:
            result = quiet_period(
                source, quiet_days=quiet_days, instruments=tuple(instrument or ())
            )
    except WorkspaceError as exc:
        raise fail(render.error_text(exc)) from exc
    emit("json" if as_json else output, result.to_dict(), lambda: quiet_period_tables(result))


def _band_label(band: str) -> str:
    if band == FIRST:
        return _("first survey")
    if band.startswith("over "):
        return _("over {days} days").format(days=band.removeprefix("over "))
    return _("{days} days").format(days=band)


def quiet_period_tables(result: QuietPeriod) -> Group:
    """Return the counts, the bands and the test inside against after the quiet period."""
    counts = Table(title=_("Surveys and respondents"), show_header=False)
    counts.add_column("what")
    counts.add_column("n", justify="right")
    counts.add_row(_("surveys sent to a known respondent"), whole(result.surveys))
    counts.add_row(
        _("surveys without a sending time or respondent"), whole(result.surveys_unplaced)
    )
    counts.add_row(_("respondents"), whole(result.respondents))
    for k, n in result.surveys_per_respondent.items():
        counts.add_row(_("respondents with {k} surveys").format(k=k), whole(n))
    counts.add_row(
        _("surveys within {days} days of the previous one").format(
            days=decimal(result.quiet_days, 0)
        ),
        whole(result.within_quiet_period),
    )
    bands = Table(title=_("Response rate by days since the previous survey"))
    bands.add_column(_("days since the previous survey"))
    for header in (_("surveys sent"), _("answered"), _("response rate"), _("95 % interval")):
        bands.add_column(header, justify="right")
    for band in result.bands:
        interval = band.interval
        bands.add_row(
            _band_label(band.band),
            whole(band.surveys_sent),
            whole(band.surveys_answered),
            _("not known") if band.response_rate is None else percent(band.response_rate),
            "–"
            if interval is None
            else f"{percent(interval['low'])} … {percent(interval['high'])}",
        )
    notes = []
    if result.synthetic_surveys:
        notes.append(
            _(
                "Synthetic data: {count} survey responses are generated for the "
                "demonstration, not given by customers."
            ).format(count=result.synthetic_surveys)
        )
    if not result.response_rate_known:
        notes.append(
            _(
                "Response rate not known: the surveys hold no sent, unanswered survey "
                "(sent_at without answered_at), so the surveys sent are not known."
            )
        )
    test = result.inside_vs_outside
    if test is not None and test.p_value is not None:
        notes.append(
            _(
                "Inside the quiet period {inside} answered, after it {outside} "
                "(two-proportion z test, {p})."
            ).format(
                inside=percent(test.current),
                outside=percent(test.previous),
                p=p_text(test.p_value),
            )
        )
    parts: list[Table] = [counts, bands]
    if notes:
        parts.append(notes_table(_("Notes"), notes))
    return Group(*parts)


def turnover_command(
    workspace: WorkspaceArg,
    by_team: Annotated[bool, typer.Option(help=N_("One row per team."))] = False,
    output: FormatOption = "table",
    as_json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """Print starters, leavers and staff turnover % per staffing period."""
    try:
        with open_source(workspace) as source:
            result = staff_turnover(source, by_team=by_team)
    except WorkspaceError as exc:
        raise fail(render.error_text(exc)) from exc
    emit("json" if as_json else output, result.to_dict(), lambda: turnover_tables(result))


def turnover_tables(result: StaffTurnover) -> Group:
    """Return the turnover table, or why it cannot be computed."""
    if result.no_data is not None and not result.rows:
        return Group(notes_table(_("Not computed"), [result.no_data]))
    table = Table(title=_("Staff turnover"))
    for header in (_("period"), _("team")):
        table.add_column(header)
    for header in (_("headcount"), _("starters"), _("leavers"), _("turnover")):
        table.add_column(header, justify="right")
    derived = 0
    for row in result.rows:
        derived += row.derived_from_agents
        table.add_row(
            f"{row.period_start.isoformat()} … {row.period_end.isoformat()}",
            render.plain(row.team or _("all")),
            whole(row.headcount),
            whole(row.starters),
            whole(row.leavers),
            percent(row.turnover),
        )
    parts: list[Table] = [table]
    notes = [] if result.no_data is None else [result.no_data]
    if derived:
        notes.append(
            _(
                "{count} periods have no headcount, starters or leavers: they are inferred "
                "from the agents present (a new agent started, a missing one left)."
            ).format(count=derived)
        )
    if notes:
        parts.append(notes_table(_("Notes"), notes))
    return Group(*parts)
