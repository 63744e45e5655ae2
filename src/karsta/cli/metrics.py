"""The `karsta metrics`, `explain` and `cards` commands: figures with their cards."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo

import typer
from rich.console import Group
from rich.markdown import Markdown
from rich.table import Table

from karsta.api import Analyses
from karsta.cli import render
from karsta.cli.language import help_text
from karsta.cli.options import LangOption
from karsta.formatting import (
    change,
    csv_delimiter,
    csv_number,
    evidence,
    figure,
    whole,
)
from karsta.i18n import N_, _, current_language, localized
from karsta.metrics.cards import Language
from karsta.metrics.compute import MetricResults
from karsta.metrics.config import ConfigError, MetricConfig, config_path, load_config
from karsta.metrics.explain import Explanation
from karsta.metrics.inputs import MetricInputError
from karsta.metrics.labels import (
    evidence_label,
    group_label,
    is_average,
    reason_text,
    statistic_label,
    target_text,
)
from karsta.metrics.periods import PERIOD_KINDS, PeriodKind
from karsta.metrics.reference import card_markdown, catalog_markdown
from karsta.metrics.registry import find
from karsta.metrics.scorecard import Scorecard
from karsta.workspace import OpenSource, WorkspaceError, open_source
from karsta.workspace.source import TableSource

WorkspaceOption = Annotated[
    Path | None, typer.Option("--workspace", "-w", help=N_("Workspace file."))
]
SourceOption = Annotated[
    Path | None,
    typer.Option(help=N_("Instead of a workspace: a folder written by `karsta export`.")),
]
EngineOption = Annotated[
    str,
    typer.Option(help=N_("Engine for --source: duckdb (default) or spark (PySpark local mode).")),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(help=N_("Metric settings and targets (default: <workspace>.yaml beside it).")),
]

_fail = render.fail


def _language(lang: str | None) -> Language:
    """Return the language --lang chose (its callback has set and checked it)."""
    return current_language() if lang is None else cast(Language, lang)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _local_midnight(text: str | None, timezone: str, option: str) -> datetime | None:
    """Return local midnight of an ISO date given on the command line."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise _fail(
            _("{option}: expected a date such as 2016-03-01, got {text!r}").format(
                option=option, text=text
            )
        ) from exc
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))


def _statistic(code: str) -> str:
    """Return a statistic's name for people, safe to print."""
    return render.plain(statistic_label(code))


def _open(
    workspace: Path | None, source: Path | None, engine: str, config: Path | None
) -> tuple[OpenSource, MetricConfig]:
    """Return the tables to analyse and their settings (beside the workspace or in the folder)."""
    if (workspace is None) == (source is None):
        raise _fail(_("Give exactly one of --workspace FILE or --source EXPORT_FOLDER."))
    if workspace is not None and engine != "duckdb":
        raise _fail(
            _(
                "--engine {engine} reads an export folder: run `karsta export --workspace "
                "{workspace} --out FOLDER` and pass --source FOLDER."
            ).format(engine=engine, workspace=workspace)
        )
    path = cast(Path, workspace or source)
    default_config = config_path(path) if workspace is not None else path / "karsta.yaml"
    try:
        settings = load_config(config or default_config)
        tables = open_source(path, engine)
    except (WorkspaceError, ConfigError) as exc:
        raise _fail(render.error_text(exc)) from exc
    return tables, settings


def _group_text(group: dict[str, Any]) -> str:
    """Return a breakdown's values as text ('channel=phone'), as written in the data."""
    return ", ".join(f"{k}={v}" for k, v in group.items())


def _assumed_cell(row: dict[str, Any]) -> str:
    """Return the counts of a figure's assumptions, in the order its metric's note lists them.

    They are separated by '; ': a comma is the decimal mark in Finnish and Swedish.
    """
    return "; ".join(whole(a["count"]) for a in row.get("assumptions", []))


def _assumed_note(result: Any) -> str | None:
    """Return the line naming a metric's assumptions (the `assumed` column), if it has any."""
    assumptions = result.rows[0].get("assumptions", []) if result.rows else []
    if not assumptions:
        return None
    texts = "; ".join(_(a["text"]) for a in assumptions)
    return render.plain(
        _("{id} (the assumed column counts each, in this order): {texts}").format(
            id=result.id, texts=texts
        )
    )


def figures_table(results: MetricResults, lang: Language) -> Group:
    """Return every figure as a table, with notes, assumptions and metrics that have no data."""
    table = Table(title=_("Metrics: {source}").format(source=render.plain(results.source)))
    for header in (_("id"), _("metric"), _("period"), _("group"), _("statistic")):
        table.add_column(header)
    for header in (_("value"), _("n"), _("excluded"), _("assumed")):
        table.add_column(header, justify="right")
    missing = []
    notes = []
    assumed = []
    for result in results:
        name = result.definition.card.name(lang)
        if result.no_data:
            missing.append(_no_data(result.id, name, result.no_data))
            continue
        notes += [f"{result.id}: {render.plain(note)}" for note in result.notes]
        line = _assumed_note(result)
        if line:
            assumed.append(line)
        for row in result.rows:
            unit = row["unit"]
            table.add_row(
                result.id,
                render.plain(name),
                render.plain(row["period"]) if row["period"] else _("all"),
                render.plain(group_label(row["group"])),
                _statistic(row["statistic"]),
                figure(row["value"], unit, average=is_average(row["statistic"])),
                whole(row["n"]),
                whole(row["excluded"]),
                _assumed_cell(row),
            )
    parts: list[Any] = [table]
    label = _("Note")
    parts += [f"[yellow]{label}[/] {note}" for note in notes]
    label = _("Assumed")
    parts += [f"[yellow]{label}[/] {line}" for line in assumed]
    parts += [f"[dim]{line}[/]" for line in missing]
    follows = _("Each figure follows its card: karsta cards --metric ID")
    parts.append(f"[dim]{follows}[/]")
    return Group(*parts)


def scorecard_table(card: Scorecard, lang: Language) -> Group:
    """Return the scorecard: value, target, previous period, change and direction."""
    if card.previous_period:
        title = _("Scorecard {period} vs {previous}").format(
            period=card.period or "", previous=card.previous_period
        )
    else:
        title = _("Scorecard {period}").format(period=card.period or "")
    table = Table(title=render.plain(title), caption=render.plain(card.rule))
    table.add_column(_("id"), no_wrap=True)
    table.add_column(_("metric · statistic"), ratio=3, min_width=16)
    table.add_column(_("value"), justify="right", no_wrap=True)
    table.add_column(_("target"), justify="right", ratio=1, min_width=8)
    for header in (_("previous"), _("change"), _("n")):
        table.add_column(header, justify="right", no_wrap=True)
    missing = []
    for row in card.rows:
        result = row.result
        name = result.definition.card.name(lang)
        if result.no_data:
            missing.append(_no_data(result.id, name, result.no_data))
            continue
        if row.group:
            name = f"{name} ({group_label(row.group)})"
        mark = {True: "[green]✓[/] ", False: "[red]✗[/] ", None: ""}[row.target_met]
        arrow = {"better": "[green]▲[/]", "worse": "[red]▼[/]", "same": "="}.get(
            row.direction or "", ""
        )
        unit = row.unit
        average = is_average(row.statistic)
        difference = change(row.change, unit, average=average)
        shown = "–" if row.change is None else f"{difference} {arrow}"
        target = render.plain(target_text(row.target, unit, result.unit)) if row.target else "–"
        table.add_row(
            result.id,
            f"{render.plain(name)} · {_statistic(row.statistic)}",
            figure(row.value, unit, average=average),
            mark + target,
            figure(row.previous, unit, average=average),
            shown,
            whole(row.n),
        )
    legend = _("▲ better, ▼ worse than the previous period by the card's desired direction")
    legend = f"[dim]{legend}[/]"
    parts: list[Any] = [table, legend, *[f"[dim]{line}[/]" for line in missing]]
    label = _("Assumed")
    for row in card.rows:
        for assumption in row.assumptions:
            if assumption["count"]:
                line = _("{id}: {count} rest on an assumption: {text}").format(
                    id=row.result.id, count=whole(assumption["count"]), text=_(assumption["text"])
                )
                parts.append(f"[yellow]{label}[/] {render.plain(line)}")
    label = _("Note")
    shown_notes = {row.result.id: row.result.notes for row in card.rows if row.value is not None}
    for metric_id, notes in shown_notes.items():
        parts += [f"[yellow]{label}[/] {metric_id}: {render.plain(note)}" for note in notes]
    return Group(*parts)


def _no_data(metric_id: str, name: str, reason: str) -> str:
    """Return the line for a metric without data, with the reason (safe to print)."""
    return render.plain(
        _("{id} {name}: no data — {reason}").format(
            id=metric_id, name=name, reason=localized(reason)
        )
    )


CSV_FIELDS = ["id", "slug", "name", "period", "group", "statistic", "value", "unit",
              "numerator", "denominator", "excluded", "assumptions", "n",
              "card_version"]  # fmt: skip
"""The columns of `--format csv`: the JSON contract's fields (English names)."""


def _csv(results: MetricResults, lang: Language) -> str:
    """Return the figures as CSV for a spreadsheet in `lang`.

    The columns and codes are the contract's, in English; Finnish and Swedish get ';'
    between fields and a decimal comma, as their spreadsheets read them.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", delimiter=csv_delimiter(lang)
    )
    writer.writeheader()
    for record in results.records(lang):
        numbers = {
            key: csv_number(record[key], lang=lang)
            for key in ("value", "numerator", "denominator", "excluded", "n")
        }
        assumptions = "; ".join(f"{a['id']}={a['count']}" for a in record["assumptions"])
        writer.writerow(
            {
                **record,
                **numbers,
                "group": _group_text(record["group"]),
                "assumptions": assumptions,
            }
        )
    return buffer.getvalue()


def metrics_command(
    workspace: WorkspaceOption = None,
    source: SourceOption = None,
    engine: EngineOption = "duckdb",
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", "-m", help=N_("Metric id(s), e.g. O2 or O2,I10.")),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            help=help_text(N_("Measurement period: {kinds}."), kinds=", ".join(PERIOD_KINDS))
        ),
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option(
            help=N_("Break down by: channel, type, priority, category, group, level, ...")
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help=N_("First local date, e.g. 2016-03-01."))
    ] = None,
    until: Annotated[str | None, typer.Option(help=N_("Local date after the last one."))] = None,
    service_hours: Annotated[
        str | None,
        typer.Option(help=N_("Count durations in service hours, e.g. 'mon-fri 08:00-16:00'.")),
    ] = None,
    holidays: Annotated[
        str | None, typer.Option(help=N_("Holiday calendar of the service hours (FI, SE, none)."))
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help=N_("Scorecard month, e.g. 2016-05 (default: the latest busy month).")),
    ] = None,
    config: ConfigOption = None,
    output: Annotated[str, typer.Option("--format", help=N_("table, json or csv."))] = "table",
    lang: LangOption = None,
) -> None:
    """Print the scorecard, or the figures by period and breakdown (table, JSON, CSV)."""
    language = _language(lang)
    if period is not None and period not in PERIOD_KINDS:
        raise _fail(
            _("--period: choose one of {choices}; got {period!r}.").format(
                choices=", ".join(PERIOD_KINDS), period=period
            )
        )
    if output not in ("table", "json", "csv"):
        raise _fail(_("--format: choose table, json or csv; got {output!r}.").format(output=output))
    ids = _split(metric) or None
    try:
        for metric_id in ids or []:
            find(metric_id)
    except KeyError as exc:
        raise _fail(render.error_text(exc)) from exc
    tables, settings = _open(workspace, source, engine, config)
    with tables:
        analyses = _Configured(tables, settings)
        scorecard = output == "table" and not (ids or period or by or since or until)
        try:
            if scorecard:
                card = analyses.scorecard(at=at, service_hours=service_hours, holidays=holidays)
                render.show(scorecard_table(card, language))
                return
            results = analyses.metrics(
                ids,
                period=cast(PeriodKind | None, period),
                by=_split(by),
                since=_local_midnight(since, settings.timezone, "--since"),
                until=_local_midnight(until, settings.timezone, "--until"),
                service_hours=service_hours,
                holidays=holidays,
            )
        except (MetricInputError, ValueError) as exc:
            raise _fail(render.error_text(exc)) from exc
    if output == "json":
        document = results.to_json_document(language)
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    elif output == "csv":
        sys.stdout.write(_csv(results, language))
    else:
        render.show(figures_table(results, language))


class _Configured(Analyses):
    """Analyses of a source with settings read from a chosen file."""

    def __init__(self, source: TableSource, config: MetricConfig) -> None:
        self.source = source
        self.config = config


def _shown(value: Any, timezone: str) -> str:
    """Return an evidence value for people, instants exact in the desk's local time."""
    return render.plain(evidence(value, timezone, exact=True))


def _assumption_line(assumption: dict[str, Any], timezone: str) -> str:
    """Return what a verdict assumed, with the time of the event it took a value from."""
    if assumption["at"] is not None and assumption["detail"]:
        return _(assumption["detail"]).format(at=_shown(assumption["at"], timezone))
    return _(assumption["text"])


def explanation_view(item: Explanation, lang: Language, timezone: str) -> Group:
    """Return the verdicts of one ticket in one metric (times in `timezone`)."""
    card = item.definition.card
    ticket = _("ticket {id}").format(id=item.ticket_id)
    head = f"[bold]{card.id} {card.name(lang)}[/] — {render.plain(ticket)} ({card.card_version})"
    assumed = _("assumed")
    parts: list[Any] = [head]
    if item.why_absent:
        parts.append(render.plain(item.why_absent))
    for verdict in item.verdicts:
        if verdict["included"]:
            status = "[green]" + _("counted in the population") + "[/]"
        elif verdict["excluded"]:
            status = "[red]" + _("excluded") + "[/]"
        else:
            status = "[yellow]" + _("outside the population") + "[/]"
        where = _("period {period}").format(period=verdict["period"] or _("all"))
        if verdict["group"]:
            where += f", {group_label(verdict['group'])}"
        reason = reason_text(verdict["reason"])
        parts.append(f"{render.plain(where)}: {status} — {render.plain(reason)}")
        for name, value in verdict["evidence"].items():
            parts.append(f"    {render.plain(evidence_label(name))}: {_shown(value, timezone)}")
        for assumption in verdict.get("assumptions", []):
            line = _assumption_line(assumption, timezone)
            parts.append(f"    [yellow]{assumed}[/]: {render.plain(line)}")
    label = _("Note")
    parts += [f"[yellow]{label}[/] {render.plain(note)}" for note in item.notes]
    return Group(*parts)


def explain_command(
    metric: Annotated[str, typer.Argument(help=N_("Metric id, e.g. O1."))],
    ticket: Annotated[str, typer.Argument(help=N_("Ticket id, e.g. INC0000045."))],
    workspace: WorkspaceOption = None,
    source: SourceOption = None,
    engine: EngineOption = "duckdb",
    period: Annotated[
        str | None, typer.Option(help=N_("Measurement period (default: none)."))
    ] = None,
    service_hours: Annotated[
        str | None, typer.Option(help=N_("Count durations in service hours."))
    ] = None,
    holidays: Annotated[
        str | None,
        typer.Option(help=N_("Holiday calendar of the service hours (FI, SE, none).")),
    ] = None,
    config: ConfigOption = None,
    output: Annotated[str, typer.Option("--format", help=N_("table or json."))] = "table",
    lang: LangOption = None,
) -> None:
    """Print how one ticket is treated by one metric, with the evidence."""
    language = _language(lang)
    try:
        definition = find(metric)
    except KeyError as exc:
        raise _fail(render.error_text(exc)) from exc
    overrides: dict[str, Any] = {"period": period}
    tables, settings = _open(workspace, source, engine, config)
    if service_hours or holidays:
        hours = service_hours or settings.service_hours
        if hours is None:
            tables.close()
            raise _fail(
                _(
                    "--holidays belongs to service hours: give --service-hours too, or set "
                    "service_hours in the settings file."
                )
            )
        try:
            overrides["service_calendar"] = MetricConfig(
                service_hours=hours,
                holidays=holidays if holidays is not None else settings.holidays,
                timezone=settings.timezone,
            ).calendar()
        except ValueError as exc:
            tables.close()
            raise _fail(render.error_text(exc)) from exc
    with tables:
        item = _Configured(tables, settings).explain(definition.id, ticket, **overrides)
    if item.ticket is None:
        raise _fail(_("No ticket {id} in the data.").format(id=ticket))
    if output == "json":
        sys.stdout.write(json.dumps(item.to_dict(), indent=2, default=str) + "\n")
    else:
        render.show(explanation_view(item, language, settings.timezone))


def cards_command(
    lang: LangOption = None,
    metric: Annotated[
        str | None, typer.Option("--metric", "-m", help=N_("Only this metric."))
    ] = None,
    output: Annotated[str, typer.Option("--format", help=N_("text or markdown."))] = "text",
) -> None:
    """Print the catalog's cards, or one card."""
    language = _language(lang)
    if metric is None:
        text = catalog_markdown(language)
    else:
        try:
            definition = find(metric)
        except KeyError as exc:
            raise _fail(render.error_text(exc)) from exc
        text = card_markdown(definition.card, language, computed=definition.function is not None)
    if output == "markdown":
        sys.stdout.write(text)
    else:
        render.console().print(Markdown(text))


def docs_metrics_command(
    lang: LangOption = None,
    out: Annotated[
        Path | None, typer.Option(help=N_("Write to this file instead of stdout."))
    ] = None,
) -> None:
    """Print or write docs/metrics.<lang>.md."""
    text = catalog_markdown(_language(lang))
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def register(app: typer.Typer, docs_app: typer.Typer) -> None:
    """Add the metric commands to the `karsta` app."""
    app.command(
        "metrics",
        help=N_(
            "Show metrics with their cards: the scorecard, or figures by period and breakdown."
        ),
    )(metrics_command)
    app.command(
        "explain",
        help=N_("Explain why a ticket counts in a metric, or not, with the timestamps used."),
    )(explain_command)
    app.command(
        "cards", help=N_("Show the metric catalog as cards (the exact definition of every figure).")
    )(cards_command)
    docs_app.command("metrics", help=N_("Print the metric reference (docs/metrics.<lang>.md)."))(
        docs_metrics_command
    )
