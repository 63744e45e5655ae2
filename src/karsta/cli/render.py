"""Rich renderings of import reports and workspace summaries for the terminal."""

from __future__ import annotations

from collections.abc import Iterable

import typer
from rich.console import Console, Group
from rich.table import Table

from karsta.ingest import ImportReport
from karsta.summary import WorkspaceSummary


def _n(value: int | None) -> str:
    return "–" if value is None else f"{value:,}".replace(",", " ")


def import_report(report: ImportReport) -> Group:
    """Return the row accounting of one import."""
    accounting = Table(title=f"Import {report.import_id}: {report.source_file}", show_header=False)
    accounting.add_column("what", style="bold")
    accounting.add_column("count", justify="right")
    check = "✓" if report.balanced else "✗ DOES NOT BALANCE"
    accounting.add_row("rows read", _n(report.rows_read))
    accounting.add_row("rows loaded", _n(report.rows_loaded))
    accounting.add_row("rows rejected", _n(report.rows_rejected))
    accounting.add_row("read = loaded + rejected", check)
    accounting.add_row("events new", _n(report.events_new))
    accounting.add_row("events already in the workspace", _n(report.events_present))
    accounting.add_row("tickets created", _n(report.tickets_created))
    accounting.add_row("tickets updated", _n(report.tickets_updated))
    if report.first_event and report.last_event:
        accounting.add_row(
            "time range (UTC)",
            f"{report.first_event:%Y-%m-%d %H:%M} … {report.last_event:%Y-%m-%d %H:%M}",
        )
    parts: list[Table] = [accounting]
    if report.reject_groups:
        rejects = Table(title="Rejected rows by reason")
        rejects.add_column("column")
        rejects.add_column("reason")
        rejects.add_column("rows", justify="right")
        rejects.add_column(f"first {report.row_label}", justify="right")
        for group in report.reject_groups:
            rejects.add_row(
                group.column or "(whole row)", group.reason, _n(group.rows), _n(group.first_line)
            )
        parts.append(rejects)
    if report.notes:
        notes = Table(title="Read as", show_header=False)
        notes.add_column("note")
        for note in report.notes:
            notes.add_row(note)
        parts.append(notes)
    return Group(*parts)


def _counts_table(title: str, rows: Iterable[tuple[str | None, int]], limit: int = 12) -> Table:
    table = Table(title=title)
    table.add_column(title.split(" ")[-1])
    table.add_column("tickets", justify="right")
    rows = list(rows)
    for value, count in rows[:limit]:
        table.add_row("(empty)" if value is None else str(value), _n(count))
    if len(rows) > limit:
        table.add_row(f"… {len(rows) - limit} more", _n(sum(c for _, c in rows[limit:])))
    return table


def summary(data: WorkspaceSummary) -> Group:
    """Return what a workspace holds."""
    head = Table(title="Workspace", show_header=False)
    head.add_column("what", style="bold")
    head.add_column("value", justify="right")
    head.add_row("tickets", _n(data.tickets))
    head.add_row("events", _n(data.events))
    head.add_row("pause intervals", _n(data.pauses))
    if data.first_event and data.last_event:
        head.add_row(
            "events from … to (UTC)", f"{data.first_event:%Y-%m-%d} … {data.last_event:%Y-%m-%d}"
        )
    facts = Table(title="Derived ticket facts")
    for name in (
        "fact",
        "tickets with it",
        "from the source",
        "from the events",
        "without",
        "why without",
    ):
        facts.add_column(name, justify="left" if name.startswith(("fact", "why")) else "right")
    for fact in data.facts:
        facts.add_row(
            fact.fact,
            _n(fact.filled),
            _n(fact.from_source),
            _n(fact.from_events),
            _n(fact.missing),
            fact.why_missing,
        )
    parts = [
        head,
        _counts_table("Tickets per type", data.by_type),
        _counts_table("Tickets per channel", data.by_channel),
        _counts_table("Tickets per status", data.by_status),
        _counts_table("Tickets opened per month", data.by_month, limit=24),
        facts,
    ]
    if data.imports:
        imports = Table(title="Imports")
        for name in ("id", "file", "mapping", "read", "loaded", "rejected", "new events"):
            imports.add_column(name, justify="right" if name not in ("file", "mapping") else "left")
        for row in data.imports:
            imports.add_row(
                str(row["import_id"]),
                str(row["source_file"]),
                str(row["mapping"]),
                _n(row["rows_read"]),
                _n(row["rows_loaded"]),
                _n(row["rows_rejected"]),
                _n(row["events_new"]),
            )
        parts.append(imports)
    if data.rejects:
        parts.append(_rejects_table(data.rejects))
    return Group(*parts)


def _rejects_table(rows: list[tuple[str | None, str, int]]) -> Table:
    table = Table(title="Rejected rows kept in the workspace (table rejects)")
    table.add_column("column")
    table.add_column("reason")
    table.add_column("rows", justify="right")
    for column, reason, count in rows:
        table.add_row(column or "(whole row)", reason, _n(count))
    return table


def fail(message: str) -> typer.Exit:
    """Print `message` as an error on stderr; return the exit (code 2) to raise."""
    console(stderr=True).print(f"[bold red]Error:[/] {message}")
    return typer.Exit(code=2)


def console(*, stderr: bool = False) -> Console:
    """Return the console the CLI writes to."""
    return Console(stderr=stderr, highlight=False)
