"""`karsta feedback scores`: each instrument's score per period with honest statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.table import Table

from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.cli.process_shared import FormatOption, emit, fail, notes_table, settings_of, working
from karsta.feedback.scores import FeedbackScores, InstrumentScores, ScoreRow
from karsta.feedback.significance import MIN_ANSWERS, Comparison
from karsta.formatting import decimal, figure, percent, signed, whole
from karsta.i18n import N_, _, localized
from karsta.metrics.inputs import MetricInputError
from karsta.metrics.labels import group_label, statistic_label
from karsta.metrics.periods import PERIOD_KINDS
from karsta.workspace import WorkspaceError, open_source

TEST_NAMES = {
    "two_proportion_z": N_("two-proportion z test"),
    "nps_z": N_("z test of the NPS difference"),
    "welch_t": N_("Welch's t test"),
}


def scores_command(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))],
    by: Annotated[str, typer.Option(help=N_("Period: week, month, quarter or year."))] = "month",
    min_answers: Annotated[
        int,
        typer.Option(help=N_("Fewest answers a figure needs before its change is tested.")),
    ] = MIN_ANSWERS,
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            help=N_(
                "Also by a ticket breakdown (channel, type, priority, category, group), each "
                "group tested against the other answers."
            ),
        ),
    ] = None,
    output: FormatOption = "table",
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print JSON (as --format json)."))
    ] = False,
    lang: LangOption = None,
) -> None:
    """Print every survey instrument's score per period, or JSON."""
    if by not in PERIOD_KINDS:
        raise fail(
            _("--by {by!r}: use one of {known}").format(by=by, known=", ".join(PERIOD_KINDS))
        )
    if min_answers < 1:
        raise fail(_("--min-answers must be at least 1"))
    settings = settings_of(workspace)
    options = settings.options(period=by, by=(group,) if group else ())
    try:
        with open_source(workspace) as source:
            from karsta.feedback.scores import survey_scores

            result = working(
                _("Computing survey scores"),
                lambda: survey_scores(source, options, min_answers=min_answers),
            )
    except (WorkspaceError, MetricInputError) as exc:
        raise fail(render.error_text(exc)) from exc
    emit("json" if as_json else output, result.to_dict(), lambda: scores_tables(result))


def p_text(p_value: float) -> str:
    """Return a p-value for people: 'p = 0,012', or 'p < 0,001' for a smaller one."""
    if p_value < 0.001:
        return "p < " + decimal(0.001, 3)
    return "p = " + decimal(p_value, 3)


def _interval(row: ScoreRow) -> str:
    interval = row.interval
    if interval is None:
        return "–"
    low = figure(interval["low"], row.unit)
    high = figure(interval["high"], row.unit)
    return f"{low} … {high}"


def _change(row: ScoreRow, change: Comparison | None) -> str:
    if change is None:
        return "–"
    if change.too_few:
        return _("too few answers")
    if change.change is None:
        return "–"
    unit = _("pp") if row.unit == "percent" else ""
    text = signed(change.change, 1) + (f" {unit}" if unit else "")
    if change.p_value is None:
        return text
    verdict = _("significant") if change.significant else _("not significant")
    return f"{text} ({verdict}, {p_text(change.p_value)})"


def _instrument_table(scores: InstrumentScores) -> Table:
    title = scores.instrument if scores.metric is None else f"{scores.instrument} ({scores.metric})"
    table = Table(title=render.plain(title))
    for header in (_("period"), _("group"), _("statistic")):
        table.add_column(header)
    for header in (_("value"), _("95 % interval"), _("n"), _("excluded"), _("response rate")):
        table.add_column(header, justify="right")
    table.add_column(_("change from the previous period"))
    grouped = any(row.versus_rest is not None for row in scores.rows)
    if grouped:
        table.add_column(_("difference from the other answers"))
    too_few = _("too few answers")
    for row in scores.rows:
        value = figure(row.value, row.unit)
        if row.too_few and row.n > 0:
            value = f"{value} ({too_few})"
        table.add_row(
            render.plain(row.period or _("all")),
            render.plain(group_label(row.group)),
            render.plain(statistic_label(row.statistic)),
            value,
            _interval(row),
            whole(row.n),
            whole(row.excluded),
            _("not known") if row.response_rate is None else percent(row.response_rate),
            render.plain(_change(row, row.change)),
            *([render.plain(_change(row, row.versus_rest))] if grouped else []),
        )
    return table


def scores_tables(result: FeedbackScores) -> Group:
    """Return one table per instrument, its notes, and the tests used."""
    parts: list[Any] = []
    missing = []
    for scores in result.instruments:
        if scores.no_data is not None:
            missing.append(f"{scores.instrument}: {localized(scores.no_data)}")
            continue
        parts.append(_instrument_table(scores))
        if scores.notes:
            parts.append(
                notes_table(
                    _("Notes"), [f"{scores.instrument}: {localized(n)}" for n in scores.notes]
                )
            )
    if not result.instruments:
        missing.append(_("The surveys table holds no answers: import surveys first."))
    if missing:
        parts.append(notes_table(_("Not computed"), missing))
    tests = ", ".join(_(text) for text in TEST_NAMES.values())
    parts.append(
        notes_table(
            _("How to read"),
            [
                _(
                    "Intervals are 95 % confidence intervals (Wilson for shares, the trinomial "
                    "variance for NPS, t for means)."
                ),
                _(
                    "A figure from fewer than {count} answers is marked too few answers and "
                    "its change is not tested."
                ).format(count=result.min_answers),
                _("Changes are tested with: {tests}; p < 0.05 is significant.").format(tests=tests),
            ],
        )
    )
    return Group(*parts)
