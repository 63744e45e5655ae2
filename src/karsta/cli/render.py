"""Rich renderings of import reports and workspace summaries for the terminal."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import typer
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from karsta.formatting import whole
from karsta.i18n import N_, Message, _, localized, ngettext
from karsta.ingest import ImportFailed, ImportReport
from karsta.ingest.errors import TooManyRejects
from karsta.ingest.redaction import Redactions
from karsta.metrics.labels import evidence_label, value_label
from karsta.summary import ActivityClass, NeedCoverage, WorkspaceSummary


def number(value: float | None) -> str:
    """Return a whole number for people (1 234 in fi and sv, 1,234 in en), or – if unknown."""
    return whole(value)


def plain(value: Any) -> str:
    """Return text from the data (or a message) safe to print: Rich markup in it is escaped.

    A status named `[/]` or `Odottaa [asiakas]` is shown as it is, never read as markup.
    """
    return escape(str(localized(value)))


def import_report(report: ImportReport, *, followed: tuple[str, ...] = ()) -> Group:
    """Return the row accounting of one import, with the privacy mode it ran in.

    `followed` names what of the workspace's mode the import got without asking.
    """
    accounting = Table(
        title=_("Import {id}: {file}").format(id=report.import_id, file=plain(report.source_file)),
        show_header=False,
    )
    accounting.add_column("what", style="bold")
    accounting.add_column("count", justify="right")
    check = "✓" if report.balanced else _("✗ DOES NOT BALANCE")
    accounting.add_row(_("rows read"), number(report.rows_read))
    accounting.add_row(_("rows loaded"), number(report.rows_loaded))
    accounting.add_row(_("rows rejected"), number(report.rows_rejected))
    accounting.add_row(_("read = loaded + rejected"), check)
    if report.empty_groups:
        accounting.add_row(_("unreadable values left empty"), number(report.values_left_empty))
    if report.records:
        _record_rows(accounting, report)
    else:
        accounting.add_row(_("events new"), number(report.events_new))
        accounting.add_row(_("events already in the workspace"), number(report.events_present))
        accounting.add_row(_("tickets created"), number(report.tickets_created))
        accounting.add_row(_("tickets updated"), number(report.tickets_updated))
    if report.replaced and not report.records:
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
    accounting.add_row(_("privacy"), plain(report.privacy.describe()))
    if followed:
        accounting.add_row(
            _("followed the workspace"),
            _("{what}: the workspace's mode, fixed at its first import").format(
                what=", ".join(_(FOLLOWED[f]) for f in followed)
            ),
        )
    parts: list[Table] = [accounting]
    if report.assumptions:
        assumed = Table(title=_("Assumptions (rows loaded as the mapping says)"))
        assumed.add_column(_("column"))
        assumed.add_column(_("assumption"))
        assumed.add_column(_("rows"), justify="right")
        for assumption in report.assumptions:
            assumed.add_row(
                plain(assumption.column),
                plain(import_text(assumption.text)),
                number(assumption.rows),
            )
        parts.append(assumed)
    if report.redactions:
        parts.append(redactions_table(report.redactions))
    for title, groups in (
        (_("Rejected rows by reason"), report.reject_groups),
        (_("Values left empty by reason (the rows are loaded)"), report.empty_groups),
    ):
        if not groups:
            continue
        problems = Table(title=title)
        problems.add_column(_("column"))
        problems.add_column(_("reason"))
        problems.add_column(_("rows"), justify="right")
        problems.add_column(_first_label(report.row_label), justify="right")
        for group in groups:
            problems.add_row(
                plain(group.column) if group.column else _("(whole row)"),
                plain(import_text(group.reason)),
                number(group.rows),
                number(group.first_line),
            )
        parts.append(problems)
    if report.notes:
        notes = Table(title=_("Read as"), show_header=False)
        notes.add_column("note")
        for note in report.notes:
            notes.add_row(plain(import_text(note)))
        parts.append(notes)
    return Group(*parts)


def _record_rows(accounting: Table, report: ImportReport) -> None:
    """Add what a record import did to its table (new, present, updated, replaced rows)."""
    table = plain(report.table)
    accounting.add_row(_("{table}: rows new").format(table=table), number(report.records_new))
    accounting.add_row(
        _("{table}: rows already in the workspace").format(table=table),
        number(report.records_present),
    )
    accounting.add_row(
        _("{table}: rows changed and replaced").format(table=table),
        number(report.records_updated),
    )
    if report.replaced:
        accounting.add_row(_("replaced imports"), ", ".join(str(i) for i in report.replaced))
        accounting.add_row(
            _("{table}: rows of the replaced imports removed").format(table=table),
            number(report.records_removed),
        )


FOLLOWED = {"pseudonymised": N_("pseudonymised"), "redacted": N_("free text redacted")}


def redactions_table(rows: Iterable[Redactions]) -> Table:
    """Return the identity codes, e-mail addresses, phone numbers and names redacted, per column."""
    table = Table(title=_("Redacted in free text"))
    table.add_column(_("column"))
    for name in (_("identity codes"), _("e-mail addresses"), _("phone numbers"), _("names")):
        table.add_column(name, justify="right")
    for row in rows:
        table.add_row(
            plain(row.column),
            number(row.hetu),
            number(row.email),
            number(row.phone),
            number(row.name),
        )
    return table


def _counts_table(
    title: str,
    column: str,
    rows: Iterable[tuple[str | None, int]],
    limit: int = 12,
    *,
    dimension: str | None = None,
) -> Table:
    """Return ticket counts per value; Karsta's own codes of `dimension` are translated."""
    table = Table(title=title)
    table.add_column(column)
    table.add_column(_("tickets"), justify="right")
    rows = list(rows)
    for value, count in rows[:limit]:
        shown = value_label(dimension, value) if dimension and value is not None else value
        table.add_row(_("(empty)") if value is None else plain(shown), number(count))
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
    head.add_row(
        _("privacy"),
        plain(data.privacy.describe()) if data.privacy else _("not fixed yet (no import)"),
    )
    head.add_row(_("tickets"), number(data.tickets))
    head.add_row(_("events"), number(data.events))
    head.add_row(_("pause intervals"), number(data.pauses))
    for table, rows in data.records:
        if rows:  # a workspace of tickets only is not shown four empty tables
            head.add_row(_("{table} (rows)").format(table=plain(table)), number(rows))
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
            plain(evidence_label(fact.fact)),
            number(fact.filled),
            number(fact.from_source),
            number(fact.from_events),
            number(fact.missing),
            plain(fact.why_missing),
        )
    parts: list[Table | str] = [
        head,
        _counts_table(_("Tickets per type"), _("type"), data.by_type, dimension="type"),
        _counts_table(_("Tickets per channel"), _("channel"), data.by_channel, dimension="channel"),
        _counts_table(_("Tickets per status"), _("status"), data.by_status),
        _counts_table(_("Tickets opened per month"), _("month"), data.by_month, limit=24),
        facts,
    ]
    if data.status_classes:
        parts.append(_status_classes_table(data.status_classes))
    lacking = [need for need in data.needs if not need.present]
    if lacking:
        parts.append(_needs_table(lacking))
    if data.imports:
        imports = Table(title=_("Imports"))
        imports.add_column(_("id"), justify="right")
        imports.add_column(_("file"))
        imports.add_column(_("mapping"))
        for name in (_("read"), _("loaded"), _("rejected"), _("new events")):
            imports.add_column(name, justify="right")
        for row in data.imports:
            table = row.get("canonical_table") or "ticket_events"
            # A record import adds rows, not events: its new rows are in its own report.
            new = row["events_new"] if table == "ticket_events" else None
            imports.add_row(
                str(row["import_id"]),
                plain(row["source_file"]),
                plain(
                    row["mapping"] if table == "ticket_events" else f"{row['mapping']} → {table}"
                ),
                number(row["rows_read"]),
                number(row["rows_loaded"]),
                number(row["rows_rejected"]),
                number(new),
            )
        parts.append(imports)
    if data.redactions:
        parts.append(redactions_table(data.redactions))
    if data.rejects:
        parts.append(
            _rejects_table(_("Rejected rows kept in the workspace (table rejects)"), data.rejects)
        )
    if data.values_left_empty:
        title = _("Unreadable values left empty in loaded rows (table rejects)")
        parts.append(_rejects_table(title, data.values_left_empty))
    if data.facts_outdated:
        outdated = _(
            "The ticket facts were derived by an earlier version of Karsta. Import again (any "
            "file, even one already imported) to derive them under the current rules."
        )
        parts.append(f"[yellow]{outdated}[/]")
    return Group(*parts)


CLASS_LABELS = {
    "new": N_("new"),
    "active": N_("active"),
    "waiting": N_("waiting"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
    "cancelled": N_("cancelled"),
}


def status_class_label(status_class: str) -> str:
    """Return a status class (resolved, waiting, ...) in the current language."""
    return _(CLASS_LABELS[status_class]) if status_class in CLASS_LABELS else plain(status_class)


def _status_classes_table(rows: list[ActivityClass], limit: int = 12) -> Table:
    """Return the activities by status class, saying which classes were inferred from names."""
    table = Table(title=_("Status classes of the activities"))
    table.add_column(_("class"))
    table.add_column(_("activity"))
    table.add_column(_("events"), justify="right")
    table.add_column(_("classified by"))
    classified = [r for r in rows if r.status_class is not None]
    unclassified = [r for r in rows if r.status_class is None]
    for row in [*classified, *unclassified[:limit]]:
        if row.status_class is None:
            label, origin = _("(none)"), _("not classified")
        else:
            label = status_class_label(row.status_class)
            origin = _("inferred from the name") if row.inferred else _("the mapping")
        activity = _("(empty)") if row.activity is None else plain(row.activity)
        table.add_row(label, activity, number(row.events), origin)
    if len(unclassified) > limit:
        more = unclassified[limit:]
        table.add_row(
            _("(none)"),
            ngettext("… {n} more", "… {n} more", len(more)).format(n=len(more)),
            number(sum(r.events for r in more)),
            _("not classified"),
        )
    return table


def _needs_table(lacking: list[NeedCoverage]) -> Table:
    """Return the facts the data lacks, each with what to map to have it."""
    table = Table(title=_("What the figures need and the data lacks"))
    table.add_column(_("missing"))
    table.add_column(_("to have it"))
    for need in lacking:
        table.add_row(plain(need.lacks), plain(need.to_map))
    return table


def _rejects_table(title: str, rows: list[tuple[str | None, str, int]]) -> Table:
    table = Table(title=title)
    table.add_column(_("column"))
    table.add_column(_("reason"))
    table.add_column(_("rows"), justify="right")
    for column, reason, count in rows:
        table.add_row(
            plain(column) if column else _("(whole row)"), plain(import_text(reason)), number(count)
        )
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
    (r"required value is missing", N_("required value is missing")),
    (r"not a support level \(name its number under values: level\)",
     N_("not a support level (name its number under values: level)")),
    (r"status classes inferred from activity names: (?P<pairs>.+)",
     N_("status classes inferred from activity names: {pairs}")),
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
    (r"every ticket's facts derived again: the workspace held facts derived by an earlier "
     r"version of Karsta",
     N_("every ticket's facts derived again: the workspace held facts derived by an earlier "
        "version of Karsta")),
    (r"read again as (?P<encoding>.+): not UTF-8 throughout",
     N_("read again as {encoding}: not UTF-8 throughout")),
    (r"not a time of day \(H:MM:SS\)", N_("not a time of day (H:MM:SS)")),
    (r"not a date in the format (?P<format>.+)", N_("not a date in the format {format}")),
    (r"not true or false \(name its meaning under values\)",
     N_("not true or false (name its meaning under values)")),
    (r"not one of (?P<values>.+)", N_("not one of {values}")),
    (r"the same key as line (?P<line>\d+)", N_("the same key as line {line}")),
    (r"the year read as (?P<year>\d+)", N_("the year read as {year}")),
    (r"earlier than (?P<followed>.+) by less than (?P<hours>[\d.]+) h: kept on the written "
     r"day \(a clock mismatch, not a stay across midnight\)",
     N_("earlier than {followed} by less than {hours} h: kept on the written day (a clock "
        "mismatch, not a stay across midnight)")),
    (r"a date without a time of day, read as 00:00",
     N_("a date without a time of day, read as 00:00")),
    (r"line numbers as the CSV reader counts rows \(not exact\)",
     N_("line numbers as the CSV reader counts rows (not exact)")),
)  # fmt: skip
"""The import's reject reasons and notes (English, from the importer) that the CLI translates."""
_IMPORT_PATTERNS = tuple((re.compile(pattern), template) for pattern, template in _IMPORT_TEXTS)


def import_message(text: str) -> str:
    """Return a reject reason or note of the import as a Message, if it is known (else as is)."""
    for pattern, template in _IMPORT_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return Message(template, **found.groupdict())
    return text


def import_text(text: str) -> str:
    """Return a reject reason or note of the import in the current language, if it is known."""
    return str(localized(import_message(text)))


def error_text(exc: BaseException) -> str:
    """Return an error's message in the current language (raise sites give a Message)."""
    if exc.args and isinstance(exc.args[0], str):
        return str(localized(exc.args[0]))
    return str(exc)


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
    """Print `message` (a Message is translated) as an error on stderr; return the exit to raise.

    The exit code is 2.
    """
    label = _("Error:")
    console(stderr=True).print(f"[bold red]{label}[/] {plain(message)}")
    return typer.Exit(code=2)


def console(*, stderr: bool = False, width: int | None = None) -> Console:
    """Return the console the CLI writes to."""
    return Console(stderr=stderr, highlight=False, width=width)


def _tables(renderable: RenderableType) -> list[Table]:
    """Return the tables in a renderable (itself, or the parts of a group)."""
    if isinstance(renderable, Table):
        return [renderable]
    if isinstance(renderable, Group):
        return [t for part in renderable.renderables for t in _tables(part)]
    return []


def show(renderable: RenderableType) -> None:
    """Print to stdout; when it is not a terminal, wide enough that no table is cropped.

    A pipe or a file has no width, and Rich assumes 80 columns: wider tables had their
    cells cut short. There the output is as wide as its widest table, whose cells are
    then never wrapped or cut.
    """
    out = console()
    if not out.is_terminal:
        tables = _tables(renderable)
        for column in (column for table in tables for column in table.columns):
            column.overflow = "fold"  # a word wider than its column breaks, never cut short
        wide = out.options.update_width(1_000_000)
        needed = [Measurement.get(out, wide, table).maximum for table in tables]
        if needed and max(needed) > out.width:
            out = console(width=max(needed))
    out.print(renderable)
