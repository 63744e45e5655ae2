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
from karsta.cli.options import LangOption
from karsta.i18n import N_, _, current_language, localized
from karsta.metrics.cards import Language
from karsta.metrics.compute import MetricResults
from karsta.metrics.config import ConfigError, MetricConfig, config_path, load_config
from karsta.metrics.explain import Explanation
from karsta.metrics.inputs import MetricInputError
from karsta.metrics.periods import PERIOD_KINDS, PeriodKind
from karsta.metrics.reference import card_markdown, catalog_markdown
from karsta.metrics.registry import find
from karsta.metrics.scorecard import Scorecard
from karsta.workspace import OpenSource, WorkspaceError, open_source
from karsta.workspace.source import TableSource

WorkspaceOption = Annotated[Path | None, typer.Option("--workspace", "-w", help="Workspace file.")]
SourceOption = Annotated[
    Path | None,
    typer.Option(help="Instead of a workspace: a folder written by `karsta export`."),
]
EngineOption = Annotated[
    str, typer.Option(help="Engine for --source: duckdb (default) or spark (PySpark local mode).")
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(help="Metric settings and targets (default: <workspace>.yaml beside it)."),
]

UNIT_SUFFIX = {
    "percent": "%",
    "hours": "h",
    "service_hours": N_("service h"),
    "euros": "€",
    "days": N_("d"),
    "seconds": "s",
}


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


def format_value(value: float | None, unit: str) -> str:
    """Return a figure for people by its unit: 65.1 %, 15.97 h, 1 234."""
    if value is None:
        return "–"
    if unit == "count" and float(value).is_integer():
        return f"{value:,.0f}".replace(",", " ")
    if unit == "percent":
        return f"{value:.1f} %"
    suffix = _(UNIT_SUFFIX[unit]) if unit in UNIT_SUFFIX else ""
    return f"{value:,.2f}".replace(",", " ") + (f" {suffix}" if suffix else "")


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
    return ", ".join(f"{k}={v}" for k, v in group.items())


def _assumed_cell(row: dict[str, Any]) -> str:
    """Return the counts of a figure's assumptions, in the order its metric's note lists them."""
    return ", ".join(str(a["count"]) for a in row.get("assumptions", []))


def _assumed_note(result: Any) -> str | None:
    """Return the line naming a metric's assumptions (the `assumed` column), if it has any."""
    assumptions = result.rows[0].get("assumptions", []) if result.rows else []
    if not assumptions:
        return None
    texts = "; ".join(_(a["text"]) for a in assumptions)
    return _("{id} (the assumed column counts each, in this order): {texts}").format(
        id=result.id, texts=texts
    )


def figures_table(results: MetricResults, lang: Language) -> Group:
    """Return every figure as a table, with notes, assumptions and metrics that have no data."""
    table = Table(title=_("Metrics: {source}").format(source=results.source))
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
        notes += [f"{result.id}: {localized(note)}" for note in result.notes]
        line = _assumed_note(result)
        if line:
            assumed.append(line)
        for row in result.rows:
            table.add_row(
                result.id,
                name,
                row["period"] or _("all"),
                _group_text(row["group"]),
                row["statistic"],
                format_value(row["value"], row["unit"]),
                str(row["n"]),
                str(row["excluded"]),
                _assumed_cell(row),
            )
    parts: list[Any] = [table]
    parts += [f"[yellow]{_('Note')}[/] {note}" for note in notes]
    label = _("Assumed")
    parts += [f"[yellow]{label}[/] {line}" for line in assumed]
    parts += [f"[dim]{line}[/]" for line in missing]
    parts.append(f"[dim]{_('Each figure follows its card: karsta cards --metric ID')}[/]")
    return Group(*parts)


def scorecard_table(card: Scorecard, lang: Language) -> Group:
    """Return the scorecard: value, target, previous period, change and direction."""
    if card.previous_period:
        title = _("Scorecard {period} vs {previous}").format(
            period=card.period or "", previous=card.previous_period
        )
    else:
        title = _("Scorecard {period}").format(period=card.period or "")
    table = Table(title=title, caption=card.rule)
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
            name = f"{name} ({_group_text(row.group)})"
        mark = {True: "[green]✓[/] ", False: "[red]✗[/] ", None: ""}[row.target_met]
        arrow = {"better": "[green]▲[/]", "worse": "[red]▼[/]", "same": "="}.get(
            row.direction or "", ""
        )
        change = "–" if row.change is None else f"{row.change:+.1f} {arrow}"
        table.add_row(
            result.id,
            f"{name} · {row.statistic}",
            format_value(row.value, row.unit or result.unit),
            mark + (row.target.text if row.target else "–"),
            format_value(row.previous, row.unit or result.unit),
            change,
            "–" if row.n is None else str(row.n),
        )
    legend = _("▲ better, ▼ worse than the previous period by the card's desired direction")
    legend = f"[dim]{legend}[/]"
    parts: list[Any] = [table, legend, *[f"[dim]{line}[/]" for line in missing]]
    label = _("Assumed")
    for row in card.rows:
        for assumption in row.assumptions:
            if assumption["count"]:
                line = _("{id}: {count} rest on an assumption: {text}").format(
                    id=row.result.id, count=assumption["count"], text=_(assumption["text"])
                )
                parts.append(f"[yellow]{label}[/] {line}")
    return Group(*parts)


def _no_data(metric_id: str, name: str, reason: str) -> str:
    """Return the line for a metric without data, with the reason."""
    return _("{id} {name}: no data — {reason}").format(
        id=metric_id, name=name, reason=localized(reason)
    )


def _csv(results: MetricResults, lang: Language) -> str:
    buffer = io.StringIO()
    fields = ["id", "slug", "name", "period", "group", "statistic", "value", "unit",
              "numerator", "denominator", "excluded", "assumptions", "n",
              "card_version"]  # fmt: skip
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for record in results.records(lang):
        assumptions = "; ".join(f"{a['id']}={a['count']}" for a in record["assumptions"])
        writer.writerow(
            {**record, "group": _group_text(record["group"]), "assumptions": assumptions}
        )
    return buffer.getvalue()


def metrics_command(
    workspace: WorkspaceOption = None,
    source: SourceOption = None,
    engine: EngineOption = "duckdb",
    metric: Annotated[
        list[str] | None, typer.Option("--metric", "-m", help="Metric id(s), e.g. O2 or O2,I10.")
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="Measurement period: " + ", ".join(PERIOD_KINDS) + ".")
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option(help="Break down by: channel, type, priority, category, group, level, ..."),
    ] = None,
    since: Annotated[str | None, typer.Option(help="First local date, e.g. 2016-03-01.")] = None,
    until: Annotated[str | None, typer.Option(help="Local date after the last one.")] = None,
    service_hours: Annotated[
        str | None,
        typer.Option(help="Count durations in service hours, e.g. 'mon-fri 08:00-16:00'."),
    ] = None,
    holidays: Annotated[
        str | None, typer.Option(help="Holiday calendar of the service hours (FI, SE, none).")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="Scorecard month, e.g. 2016-05 (default: the latest busy month)."),
    ] = None,
    config: ConfigOption = None,
    output: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    lang: LangOption = None,
) -> None:
    """Show metrics with their cards: the scorecard, or figures by period and breakdown."""
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
        raise _fail(str(exc.args[0])) from exc
    tables, settings = _open(workspace, source, engine, config)
    with tables:
        analyses = _Configured(tables, settings)
        scorecard = output == "table" and not (ids or period or by or since or until)
        try:
            if scorecard:
                card = analyses.scorecard(at=at, service_hours=service_hours, holidays=holidays)
                render.console().print(scorecard_table(card, language))
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
            raise _fail(str(exc)) from exc
    if output == "json":
        document = results.to_json_document(language)
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    elif output == "csv":
        sys.stdout.write(_csv(results, language))
    else:
        render.console().print(figures_table(results, language))


class _Configured(Analyses):
    """Analyses of a source with settings read from a chosen file."""

    def __init__(self, source: TableSource, config: MetricConfig) -> None:
        self.source = source
        self.config = config


def _shown(value: Any, timezone: str) -> str:
    """Return an evidence value for people: instants in the desk's local time, spans as
    "from → to (hours)", numbers of hours rounded."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S %Z")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict) and {"from", "to", "hours"} <= set(value):
        return _("{start} → {end} ({hours:.2f} h)").format(
            start=_shown(value["from"], timezone),
            end=_shown(value["to"], timezone),
            hours=value["hours"],
        )
    if isinstance(value, list):
        return "; ".join(_shown(item, timezone) for item in value) if value else _("none")
    return str(value)


def _assumption_line(assumption: dict[str, Any], timezone: str) -> str:
    """Return what a verdict assumed, with the time of the event it took a value from."""
    if assumption["at"] is not None and assumption["detail"]:
        return _(assumption["detail"]).format(at=_shown(assumption["at"], timezone))
    return _(assumption["text"])


def explanation_view(item: Explanation, lang: Language, timezone: str) -> Group:
    """Return the verdicts of one ticket in one metric (times in `timezone`)."""
    card = item.definition.card
    ticket = _("ticket {id}").format(id=item.ticket_id)
    head = f"[bold]{card.id} {card.name(lang)}[/] — {ticket} ({card.card_version})"
    assumed = _("assumed")
    parts: list[Any] = [head]
    if item.why_absent:
        parts.append(item.why_absent)
    for verdict in item.verdicts:
        if verdict["included"]:
            status = f"[green]{_('counted in the population')}[/]"
        elif verdict["excluded"]:
            status = f"[red]{_('excluded')}[/]"
        else:
            status = f"[yellow]{_('outside the population')}[/]"
        where = _("period {period}").format(period=verdict["period"] or _("all"))
        if verdict["group"]:
            where += f", {_group_text(verdict['group'])}"
        parts.append(f"{where}: {status} — {verdict['reason']}")
        for name, value in verdict["evidence"].items():
            parts.append(f"    {name}: {_shown(value, timezone)}")
        for assumption in verdict.get("assumptions", []):
            line = _assumption_line(assumption, timezone)
            parts.append(f"    [yellow]{assumed}[/]: {line}")
    parts += [f"[yellow]{_('Note')}[/] {note}" for note in item.notes]
    return Group(*parts)


def explain_command(
    metric: Annotated[str, typer.Argument(help="Metric id, e.g. O1.")],
    ticket: Annotated[str, typer.Argument(help="Ticket id, e.g. INC0000045.")],
    workspace: WorkspaceOption = None,
    source: SourceOption = None,
    engine: EngineOption = "duckdb",
    period: Annotated[str | None, typer.Option(help="Measurement period (default: none).")] = None,
    service_hours: Annotated[
        str | None, typer.Option(help="Count durations in service hours.")
    ] = None,
    holidays: Annotated[
        str | None, typer.Option(help="Holiday calendar of the service hours (FI, SE, none).")
    ] = None,
    config: ConfigOption = None,
    output: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    lang: LangOption = None,
) -> None:
    """Explain why a ticket counts in a metric, or not, with the timestamps used."""
    language = _language(lang)
    try:
        definition = find(metric)
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from exc
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
            raise _fail(str(exc)) from exc
    with tables:
        item = _Configured(tables, settings).explain(definition.id, ticket, **overrides)
    if item.ticket is None:
        raise _fail(_("No ticket {id} in the data.").format(id=ticket))
    if output == "json":
        sys.stdout.write(json.dumps(item.to_dict(), indent=2, default=str) + "\n")
    else:
        render.console().print(explanation_view(item, language, settings.timezone))


def cards_command(
    lang: LangOption = None,
    metric: Annotated[str | None, typer.Option("--metric", "-m", help="Only this metric.")] = None,
    output: Annotated[str, typer.Option("--format", help="text or markdown.")] = "text",
) -> None:
    """Show the metric catalog as cards (the exact definition of every figure)."""
    language = _language(lang)
    if metric is None:
        text = catalog_markdown(language)
    else:
        try:
            definition = find(metric)
        except KeyError as exc:
            raise _fail(str(exc.args[0])) from exc
        text = card_markdown(definition.card, language, computed=definition.function is not None)
    if output == "markdown":
        sys.stdout.write(text)
    else:
        render.console().print(Markdown(text))


def docs_metrics_command(
    lang: LangOption = None,
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the metric reference (docs/metrics.<lang>.md)."""
    text = catalog_markdown(_language(lang))
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def register(app: typer.Typer, docs_app: typer.Typer) -> None:
    """Add the metric commands to the `karsta` app."""
    app.command("metrics")(metrics_command)
    app.command("explain")(explain_command)
    app.command("cards")(cards_command)
    docs_app.command("metrics")(docs_metrics_command)
