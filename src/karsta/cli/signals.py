"""`karsta signals`: what changed, what is falling, which metric combinations appear."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.table import Table

from karsta.cli import render
from karsta.cli.feedback_scores import p_text
from karsta.cli.options import LangOption
from karsta.cli.process_shared import FormatOption, emit, fail, notes_table, settings_of, working
from karsta.feedback.significance import MIN_ANSWERS
from karsta.formatting import decimal, figure
from karsta.i18n import N_, _, current_language, localized
from karsta.metrics.inputs import MetricInputError
from karsta.signals.analysis import SeriesSignals, Signal, Signals
from karsta.signals.control import MIN_CHART_POINTS, RUN_LENGTH
from karsta.signals.names import series_name
from karsta.signals.patterns import Pattern
from karsta.signals.trend import MIN_TREND_POINTS
from karsta.timespan import BUSY_PERIOD_SHARE
from karsta.workspace import WorkspaceError, open_source

KIND_NAMES = {
    "trend": N_("trend"),
    "chart": N_("control chart"),
    "pattern": N_("pattern"),
}
STATUS_NAMES = {
    "present": N_("present"),
    "absent": N_("not present"),
    "cannot_assess": N_("cannot be assessed"),
}


def signals_command(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))],
    min_answers: Annotated[
        int,
        typer.Option(help=N_("Fewest answers a survey figure needs to be compared.")),
    ] = MIN_ANSWERS,
    output: FormatOption = "table",
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print JSON (as --format json)."))
    ] = False,
    lang: LangOption = None,
) -> None:
    """Print the warning signals of every monthly series, strongest first, or JSON."""
    if min_answers < 1:
        raise fail(_("--min-answers must be at least 1"))
    settings = settings_of(workspace)
    try:
        with open_source(workspace) as source:
            from karsta.signals.analysis import signals

            targets = {m: t.statistic for m, t in settings.targets.items()}
            result = working(
                _("Looking for signals"),
                lambda: signals(
                    source, settings.options(), statistics=targets, min_answers=min_answers
                ),
            )
    except (WorkspaceError, MetricInputError) as exc:
        raise fail(render.error_text(exc)) from exc
    emit("json" if as_json else output, result.to_dict(), lambda: signals_tables(result))


def _worse(worse: bool | None) -> str:
    if worse is None:
        return "–"
    return _("worse") if worse else _("better")


def _signals_table(found: list[Signal]) -> Table:
    table = Table(title=_("Signals, strongest first"))
    table.add_column(_("strength"), justify="right")
    table.add_column(_("kind"))
    table.add_column(_("figure"))
    table.add_column(_("what was found"))
    table.add_column(_("direction"))
    lang = current_language()
    for signal in found:
        if signal.metric is None:
            name = str(localized(signal.title or signal.subject))
        else:
            name = series_name(signal.metric, signal.group, lang)
        table.add_row(
            decimal(signal.strength, 1),
            _(KIND_NAMES[signal.kind]),
            render.plain(name),
            render.plain(signal.text),
            _worse(signal.worse),
        )
    return table


def _patterns_table(patterns: list[Pattern]) -> Table:
    table = Table(title=_("Metric combinations"))
    table.add_column(_("pattern"))
    table.add_column(_("status"))
    table.add_column(_("what it means / what is missing"))
    for pattern in patterns:
        if pattern.status == "cannot_assess":
            said = "; ".join(str(localized(m)) for m in pattern.missing)
        elif pattern.status == "present":
            said = str(localized(pattern.meaning))
        else:
            said = "; ".join(
                str(localized(c.text)) + ": " + (_("yes") if c.met else _("no"))
                for c in pattern.conditions
                if c.met is not None
            )
        table.add_row(
            render.plain(pattern.title), _(STATUS_NAMES[pattern.status]), render.plain(said)
        )
    return table


def _trend_cell(item: SeriesSignals) -> str:
    trend = item.trend
    if trend.cannot is not None:
        return str(localized(trend.cannot))
    if not trend.significant:
        return _("no trend ({p})").format(p=p_text(trend.p_value or 1.0))
    word = _("rising") if trend.direction == "increasing" else _("falling")
    slope = abs(trend.slope or 0.0)
    if item.series.unit == "percent":
        size = decimal(slope, 1) + " " + _("pp")  # a share changes in percentage points
    else:
        size = figure(slope, item.series.unit)
    return _("{direction} {slope} a month ({p})").format(
        direction=word, slope=size, p=p_text(trend.p_value or 0.0)
    )


def _chart_cell(item: SeriesSignals) -> str:
    chart = item.chart
    if chart.cannot is not None:
        return str(localized(chart.cannot))
    if not chart.flagged:
        return _("within the limits")
    from karsta.signals.analysis import chart_text

    return str(localized(chart_text(chart)))


def _series_table(result: Signals) -> Table:
    table = Table(title=_("Every series"))
    table.add_column(_("figure"))
    table.add_column(_("months"), justify="right")
    table.add_column(_("latest"), justify="right")
    table.add_column(_("trend (Mann–Kendall)"))
    table.add_column(_("control chart"))
    lang = current_language()
    for item in result.series:
        series = item.series
        latest = figure(series.values[-1], series.unit) if series.points else "–"
        name = series_name(series.metric, series.group, lang)
        if series.basis is not None:
            name += f"\n({localized(series.basis)})"
        table.add_row(
            render.plain(name),
            str(len(series.points)),
            latest,
            render.plain(_trend_cell(item)),
            render.plain(_chart_cell(item)),
        )
    return table


def signals_tables(result: Signals) -> Group:
    """Return the signals, the patterns, every series and how to read them."""
    parts: list[Any] = []
    if result.signals:
        parts.append(_signals_table(result.signals))
    else:
        parts.append(notes_table(_("Signals"), [_("No signal: no trend and no flagged month.")]))
    parts.append(_patterns_table(result.patterns))
    parts.append(_series_table(result))
    notes = []
    if result.left_out:
        notes.append(
            _(
                "Left out: {months} (at either end, fewer than {share} % of the busiest "
                "month's tickets)."
            ).format(months=", ".join(result.left_out), share=round(100 * BUSY_PERIOD_SHARE))
        )
    lang = current_language()
    notes += [
        f"{series_name(m, {}, lang)}: {localized(why)}" for m, why in result.not_computed.items()
    ]
    if notes:
        parts.append(notes_table(_("Not computed"), notes))
    parts.append(
        notes_table(
            _("How to read"),
            [
                _(
                    "Trend: Mann–Kendall test (p < 0.05) and Sen's slope, from {least} months."
                ).format(least=MIN_TREND_POINTS),
                _(
                    "Control chart: XmR (mean ± 2.66 × mean moving range) or a p-chart for "
                    "shares, from {least} months; flagged: a month outside the limits, or "
                    "{run} months in a row on one side of the centre line (Western Electric "
                    "rules 1 and 4)."
                ).format(least=MIN_CHART_POINTS, run=RUN_LENGTH),
                _(
                    "Strength: −log10(p) × the size of the change relative to the level "
                    "(capped at 1) for a trend; −log10 of the chance of the flag for a chart; "
                    "the weakest condition's strength for a pattern."
                ),
            ],
        )
    )
    return Group(*parts)
