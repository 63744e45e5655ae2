"""Rich renderings of import reports and workspace summaries for the terminal."""

from __future__ import annotations

import re
from collections.abc import Iterable

import typer
from rich.console import Console, Group
from rich.table import Table

from karsta.i18n import N_, Message, _, localized, ngettext
from karsta.ingest import ImportFailed, ImportReport
from karsta.ingest.errors import TooManyRejects
from karsta.summary import WorkspaceSummary


def number(value: int | None) -> str:
    """Return a whole number for people (1 234), or – when it is unknown."""
    return "–" if value is None else f"{value:,}".replace(",", " ")


def import_report(report: ImportReport) -> Group:
    """Return the row accounting of one import."""
    accounting = Table(
        title=_("Import {id}: {file}").format(id=report.import_id, file=report.source_file),
        show_header=False,
    )
    accounting.add_column("what", style="bold")
    accounting.add_column("count", justify="right")
    check = "✓" if report.balanced else _("✗ DOES NOT BALANCE")
    accounting.add_row(_("rows read"), number(report.rows_read))
    accounting.add_row(_("rows loaded"), number(report.rows_loaded))
    accounting.add_row(_("rows rejected"), number(report.rows_rejected))
    accounting.add_row(_("read = loaded + rejected"), check)
    accounting.add_row(_("events new"), number(report.events_new))
    accounting.add_row(_("events already in the workspace"), number(report.events_present))
    accounting.add_row(_("tickets created"), number(report.tickets_created))
    accounting.add_row(_("tickets updated"), number(report.tickets_updated))
    if report.replaced:
        accounting.add_row(_("replaced imports"), ", ".join(str(i) for i in report.replaced))
        accounting.add_row(
            _("events of the replaced imports removed"), number(report.events_removed)
        )
        accounting.add_row(_("tickets left without events"), number(report.tickets_removed))
    if report.first_event and report.last_event:
        accounting.add_row(
            _("time range (UTC)"),
            f"{report.first_event:%Y-%m-%d %H:%M} … {report.last_event:%Y-%m-%d %H:%M}",
        )
    parts: list[Table] = [accounting]
    if report.reject_groups:
        rejects = Table(title=_("Rejected rows by reason"))
        rejects.add_column(_("column"))
        rejects.add_column(_("reason"))
        rejects.add_column(_("rows"), justify="right")
        rejects.add_column(_first_label(report.row_label), justify="right")
        for group in report.reject_groups:
            rejects.add_row(
                group.column or _("(whole row)"),
                import_text(group.reason),
                number(group.rows),
                number(group.first_line),
            )
        parts.append(rejects)
    if report.notes:
        notes = Table(title=_("Read as"), show_header=False)
        notes.add_column("note")
        for note in report.notes:
            notes.add_row(import_text(note))
        parts.append(notes)
    return Group(*parts)


def _counts_table(
    title: str, column: str, rows: Iterable[tuple[str | None, int]], limit: int = 12
) -> Table:
    table = Table(title=title)
    table.add_column(column)
    table.add_column(_("tickets"), justify="right")
    rows = list(rows)
    for value, count in rows[:limit]:
        table.add_row(_("(empty)") if value is None else str(value), number(count))
    if len(rows) > limit:
        more = len(rows) - limit
        table.add_row(
            ngettext("… {n} more", "… {n} more", more).format(n=more),
            number(sum(c for _value, c in rows[limit:])),
        )
    return table


def summary(data: WorkspaceSummary) -> Group:
    """Return what a workspace holds."""
    head = Table(title=_("Workspace"), show_header=False)
    head.add_column("what", style="bold")
    head.add_column("value", justify="right")
    head.add_row(_("tickets"), number(data.tickets))
    head.add_row(_("events"), number(data.events))
    head.add_row(_("pause intervals"), number(data.pauses))
    if data.first_event and data.last_event:
        head.add_row(
            _("events from … to (UTC)"), f"{data.first_event:%Y-%m-%d} … {data.last_event:%Y-%m-%d}"
        )
    facts = Table(title=_("Derived ticket facts"))
    facts.add_column(_("fact"))
    for name in (_("tickets with it"), _("from the source"), _("from the events"), _("without")):
        facts.add_column(name, justify="right")
    facts.add_column(_("why without"))
    for fact in data.facts:
        facts.add_row(
            fact.fact,
            number(fact.filled),
            number(fact.from_source),
            number(fact.from_events),
            number(fact.missing),
            localized(fact.why_missing),
        )
    parts = [
        head,
        _counts_table(_("Tickets per type"), _("type"), data.by_type),
        _counts_table(_("Tickets per channel"), _("channel"), data.by_channel),
        _counts_table(_("Tickets per status"), _("status"), data.by_status),
        _counts_table(_("Tickets opened per month"), _("month"), data.by_month, limit=24),
        facts,
    ]
    if data.imports:
        imports = Table(title=_("Imports"))
        imports.add_column(_("id"), justify="right")
        imports.add_column(_("file"))
        imports.add_column(_("mapping"))
        for name in (_("read"), _("loaded"), _("rejected"), _("new events")):
            imports.add_column(name, justify="right")
        for row in data.imports:
            imports.add_row(
                str(row["import_id"]),
                str(row["source_file"]),
                str(row["mapping"]),
                number(row["rows_read"]),
                number(row["rows_loaded"]),
                number(row["rows_rejected"]),
                number(row["events_new"]),
            )
        parts.append(imports)
    if data.rejects:
        parts.append(_rejects_table(data.rejects))
    return Group(*parts)


def _rejects_table(rows: list[tuple[str | None, str, int]]) -> Table:
    table = Table(title=_("Rejected rows kept in the workspace (table rejects)"))
    table.add_column(_("column"))
    table.add_column(_("reason"))
    table.add_column(_("rows"), justify="right")
    for column, reason, count in rows:
        table.add_row(column or _("(whole row)"), import_text(reason), number(count))
    return table


def _row_word(row_label: str) -> str:
    """Return what a place in the file is called: a line, a row or an event."""
    words = {"line": _("line"), "row": _("row"), "event": _("event")}
    return words.get(row_label, row_label)


def _first_label(row_label: str) -> str:
    """Return the header of the first rejected line, row or record."""
    labels = {"line": _("first line"), "row": _("first row")}
    return labels.get(row_label, _("first {label}").format(label=row_label))


_IMPORT_TEXTS = (
    (r"not a date and time in the format (?P<format>.+)",
     N_("not a date and time in the format {format}")),
    (r"not a whole number", N_("not a whole number")),
    (r"not a number \(decimal separator (?P<separator>.+)\)",
     N_("not a number (decimal separator {separator})")),
    (r"not readable", N_("not readable")),
    (r"the row has fewer columns than the header",
     N_("the row has fewer columns than the header")),
    (r"the row has more columns than the header", N_("the row has more columns than the header")),
    (r"a value has a quote character inside an unquoted field",
     N_("a value has a quote character inside an unquoted field")),
    (r"the row is not valid text in the file's encoding",
     N_("the row is not valid text in the file's encoding")),
    (r"the row is longer than the reader's maximum line size",
     N_("the row is longer than the reader's maximum line size")),
    (r"the line is not a JSON object", N_("the line is not a JSON object")),
    (r"not valid JSON: (?P<error>.+)", N_("not valid JSON: {error}")),
    (r"encoding (?P<encoding>.+)", N_("encoding {encoding}")),
    (r"(?P<column>.+): ISO 8601 timestamps", N_("{column}: ISO 8601 timestamps")),
    (r"(?P<column>.+): timestamps as (?P<format>.+)", N_("{column}: timestamps as {format}")),
    (r"(?P<column>.+): decimal comma", N_("{column}: decimal comma")),
    (r"(?P<column>.+): decimal point", N_("{column}: decimal point")),
    (r"not in the file, left empty: (?P<columns>.+)",
     N_("not in the file, left empty: {columns}")),
    (r"read again as (?P<encoding>.+): not UTF-8 throughout",
     N_("read again as {encoding}: not UTF-8 throughout")),
    (r"line numbers as the CSV reader counts rows \(not exact\)",
     N_("line numbers as the CSV reader counts rows (not exact)")),
)  # fmt: skip
"""The import's reject reasons and notes (English, from the importer) that the CLI translates."""
_IMPORT_PATTERNS = tuple((re.compile(pattern), template) for pattern, template in _IMPORT_TEXTS)


def import_text(text: str) -> str:
    """Return a reject reason or note of the import in the current language, if it is known."""
    for pattern, template in _IMPORT_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return Message(template, **found.groupdict()).localized()
    return text


def import_failure(exc: ImportFailed) -> str:
    """Return why an import failed, in the current language (its first rejects listed)."""
    if not isinstance(exc, TooManyRejects):
        return exc.localized()
    lines = [f"{exc.path}: {exc.headline.localized()}", _("First rejects:")]
    for example in exc.examples:
        text = f"  {_row_word(exc.row_label)} {example.line}"
        if example.column:
            text += f", {example.column}"
        text += f": {import_text(example.reason)}"
        if example.value is not None:
            text += f" ({example.value!r})"
        lines.append(text)
    lines.append(localized(exc.hint))
    return "\n".join(lines)


def fail(message: str) -> typer.Exit:
    """Print `message` as an error on stderr; return the exit (code 2) to raise."""
    console(stderr=True).print(f"[bold red]{_('Error:')}[/] {message}")
    return typer.Exit(code=2)


def console(*, stderr: bool = False) -> Console:
    """Return the console the CLI writes to."""
    return Console(stderr=stderr, highlight=False)
