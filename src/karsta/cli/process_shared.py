"""What the process and waste commands share: ticket filters, the analysis, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from karsta.api import waiting_rules, waste_assumptions
from karsta.calendar import ServiceCalendar
from karsta.cli import render
from karsta.formatting import share as share_text
from karsta.i18n import N_, _
from karsta.metrics.config import ConfigError, MetricConfig, config_path, load_config
from karsta.process import ProcessAnalysis, ProcessFilters
from karsta.process.requirements import NotComputed
from karsta.workspace import Workspace, WorkspaceError

T = TypeVar("T")
WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))]
FormatOption = Annotated[str, typer.Option("--format", help=N_("table or json."))]
FromOption = Annotated[
    str | None,
    typer.Option(help=N_("Only tickets opened at or after this time (ISO; UTC if bare).")),
]
BeforeOption = Annotated[
    str | None, typer.Option(help=N_("Only tickets opened before this time (ISO; UTC if bare)."))
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(help=N_("Only tickets with column=value (repeat; values joined by '|').")),
]

fail = render.fail


def moment(text: str | None, option: str) -> datetime | None:
    """Return an option's ISO time as an aware datetime (UTC if bare), or None."""
    if text is None:
        return None
    try:
        found = datetime.fromisoformat(text)
    except ValueError as exc:
        message = _("{option}: {text!r} is not an ISO date or time")
        raise fail(message.format(option=option, text=text)) from exc
    return found if found.utcoffset() is not None else found.replace(tzinfo=UTC)


def ticket_filters(
    opened_from: str | None, opened_before: str | None, where: list[str] | None
) -> ProcessFilters:
    """Return the filters of --opened-from, --opened-before and --where."""
    attributes: dict[str, tuple[str, ...]] = {}
    for condition in where or []:
        column, sep, values = condition.partition("=")
        if not sep:
            raise fail(
                _("--where {condition!r}: expected column=value").format(condition=condition)
            )
        attributes[column.strip()] = tuple(v.strip() for v in values.split("|"))
    try:
        return ProcessFilters(
            opened_from=moment(opened_from, "--opened-from"),
            opened_before=moment(opened_before, "--opened-before"),
            ticket_attributes=attributes,
        )
    except ValueError as exc:
        raise fail(render.error_text(exc)) from exc


@contextmanager
def analysis_of(
    workspace: Path,
    filters: ProcessFilters,
    *,
    calendar: ServiceCalendar | None = None,
) -> Iterator[ProcessAnalysis]:
    """Yield the process analysis of a workspace; a workspace error stops with its message.

    The settings' waiting statuses count as waiting, and their hourly costs price the waste.
    """
    config = settings_of(workspace)
    try:
        with Workspace.open(workspace, create=False, read_only=True) as ws:
            yield ProcessAnalysis(
                ws,
                calendar=calendar,
                filters=filters,
                waiting=waiting_rules(config),
                assumptions=waste_assumptions(config),
            )
    except WorkspaceError as exc:
        raise fail(render.error_text(exc)) from exc


def settings_of(workspace: Path) -> MetricConfig:
    """Return the workspace's settings (`<workspace>.yaml`); a bad file stops with its message."""
    try:
        return load_config(config_path(workspace))
    except ConfigError as exc:
        raise fail(render.error_text(exc)) from exc


def working(what: str, compute: Callable[[], T]) -> T:
    """Return compute(), showing a spinner with `what` on stderr while it runs."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=render.console(stderr=True),
        transient=True,
    ) as progress:
        progress.add_task(what, total=None)
        try:
            return compute()
        except ValueError as exc:
            raise fail(render.error_text(exc)) from exc


def emit(output: str, data: dict[str, Any], table: Callable[[], Any]) -> None:
    """Print `data` as JSON or the rich renderable `table()` builds."""
    if output == "json":
        sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    elif output == "table":
        render.show(table())
    else:
        raise fail(_("unknown --format {output!r}; use table or json").format(output=output))


def share(value: float | None) -> str:
    """Return a share given as a fraction (0.123) for people: '12,3 %' ('–' when unknown)."""
    return share_text(value)


def simple_table(title: str, columns: list[str], rows: list[list[str]], *, left: int = 1) -> Table:
    """Return a table whose first `left` columns are left-aligned and the rest right."""
    table = Table(title=title)
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i < left else "right")
    for row in rows:
        table.add_row(*row)
    return table


def notes_table(title: str, lines: Sequence[str]) -> Table:
    """Return a one-column table of sentences (translated where they are messages, escaped)."""
    table = Table(title=title, show_header=False)
    table.add_column("note")
    for line in lines:
        table.add_row(render.plain(line))
    return table


def not_computed_table(missing: tuple[NotComputed, ...] | list[NotComputed]) -> Table:
    """Return the figures the log cannot give, each with what to map."""
    return notes_table(_("Cannot be computed"), [n.text for n in missing])
