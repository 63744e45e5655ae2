"""Import one export file into a workspace: read, parse, reject, merge, derive — all or nothing.

Reading and parsing happen in the import's own temporary tables; the workspace
is changed only in the final transaction, so an import that fails or is
killed leaves the workspace as it was. Importing the same rows again finds
their event keys already present and changes nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from karsta.ingest.derive import pause_intervals, ticket_facts
from karsta.ingest.errors import ImportFailed, MissingColumns
from karsta.ingest.events import build_events
from karsta.ingest.mapping import SourceMapping
from karsta.ingest.parse import literal, parse_rows, plan_columns
from karsta.ingest.readers import RawFile, reader_for
from karsta.privacy import key_fingerprint, pseudonym
from karsta.workspace import Workspace, query_int, query_one

Progress = Callable[[str, float | None], None]
RAW, TYPED, STAGED, REJECTS, AFFECTED = (
    "__karsta_raw",
    "__karsta_typed",
    "__karsta_staged",
    "__karsta_rejects",
    "__karsta_affected",
)
STAGES = ("read", "parse", "merge", "derive")
# Events of one row of a one-row-per-ticket export can share a time; the process order decides.
STATUS_RANK = (
    "CASE status_class WHEN 'new' THEN 0 WHEN 'active' THEN 1 WHEN 'waiting' THEN 2 "
    "WHEN 'resolved' THEN 3 WHEN 'closed' THEN 4 ELSE 5 END"
)


@dataclass(frozen=True, slots=True)
class RejectGroup:
    """Rejected values sharing one reason in one column."""

    column: str | None
    reason: str
    rows: int
    first_line: int


@dataclass(slots=True)
class ImportReport:
    """What an import read, loaded and rejected: the row accounting."""

    import_id: int
    source_file: str
    mapping: str
    row_label: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    events_new: int = 0
    events_present: int = 0
    tickets_created: int = 0
    tickets_updated: int = 0
    first_event: datetime | None = None
    last_event: datetime | None = None
    reject_groups: list[RejectGroup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Return whether rows read = rows loaded + rows rejected."""
        return self.rows_read == self.rows_loaded + self.rows_rejected


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _stage(workspace: Workspace, name: str, progress: Progress | None) -> Iterator[None]:
    """Report a stage's start, its progress inside DuckDB where known, and its end."""
    if progress is None:
        yield
        return
    progress(name, 0.0)
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.25):
            try:
                fraction = workspace.connection.query_progress()
            except Exception:  # progress is best effort; never disturb the import
                return
            if fraction >= 0:
                progress(name, min(fraction / 100, 1.0))

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        yield
    finally:
        done.set()
        poller.join()
    progress(name, 1.0)


def import_file(
    path: Path,
    *,
    workspace: Workspace,
    mapping: SourceMapping,
    format_name: str | None = None,
    pseudonym_key: bytes | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `path` into `workspace` with `mapping`; return the row accounting.

    Raises `ImportFailed` (workspace unchanged) when the file cannot be read or
    lacks a required column.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(path, "no such file.")
    con = workspace.connection
    _check_pseudonym_key(workspace, pseudonym_key)
    import_id = _next_import_id(workspace)
    report = ImportReport(import_id, str(path), mapping.name, "line")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REJECTS} (line BIGINT, source_column VARCHAR, "
        "canonical VARCHAR, value VARCHAR, reason VARCHAR)"
    )
    try:
        with _stage(workspace, "read", progress):
            raw = reader_for(path, format_name).load(con, path, mapping.read, RAW)
        report.row_label, report.rows_read = raw.row_label, raw.rows_read
        report.notes.extend(raw.notes)
        _require_columns(path, raw, mapping)
        with _stage(workspace, "parse", progress):
            _parse(workspace, raw, mapping, report, pseudonym_key, str(path), import_id)
        sha256 = _file_sha256(path)
        with workspace.transaction():
            with _stage(workspace, "merge", progress):
                _record_import(workspace, report, sha256, pseudonym_key)
                affected = _merge_events(workspace, report)
            with _stage(workspace, "derive", progress):
                _derive(workspace, affected, report)
                _store_rejects(workspace, report, sha256)
                _finish_import(workspace, report)
    finally:
        con.execute(f"DROP VIEW IF EXISTS {TYPED}")
        for table in (RAW, f"{TYPED}__all", STAGED, REJECTS, AFFECTED):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return report


def _check_pseudonym_key(workspace: Workspace, key: bytes | None) -> None:
    stored = workspace.setting("pseudonym_key_fingerprint")
    if key is None or stored is None:
        return
    if stored != key_fingerprint(key):
        raise ImportFailed(
            workspace.path,
            "this workspace was pseudonymised with another key; identifiers would not match.",
            "Use the same key file (--key-file) as for the earlier imports.",
        )


def _next_import_id(workspace: Workspace) -> int:
    return query_int(workspace.connection, "SELECT coalesce(max(import_id), 0) + 1 FROM imports")


def _require_columns(path: Path, raw: RawFile, mapping: SourceMapping) -> None:
    present = set(raw.columns)
    needed = [mapping.columns[c] for c in mapping.required]
    needed += [m.column for m in mapping.milestones if m.column not in mapping.columns]
    missing = [c for c in dict.fromkeys(needed) if c not in present]
    if missing:
        raise MissingColumns(path, missing, raw.columns)


def _parse(
    workspace: Workspace,
    raw: RawFile,
    mapping: SourceMapping,
    report: ImportReport,
    key: bytes | None,
    source_file: str,
    import_id: int,
) -> None:
    con = workspace.connection
    for reject in raw.rejects:
        con.execute(
            f"INSERT INTO {REJECTS} VALUES (?, ?, NULL, NULL, ?)",
            [reject.line, reject.column, reject.reason],
        )
    plans = plan_columns(con, raw, mapping)
    for plan in plans:
        if plan.fmt:
            report.notes.append(f"{plan.source}: {_describe_format(plan.kind, plan.fmt)}")
    absent = sorted(s for c, s in mapping.columns.items() if s not in set(raw.columns))
    if absent:
        report.notes.append("not in the file, left empty: " + ", ".join(absent))
    parsed = parse_rows(con, raw, mapping, plans, table=TYPED, rejects_table=REJECTS)
    if key is not None:
        for plan in (p for p in plans if p.personal):
            _pseudonymise(workspace, f"{TYPED}__all", plan.canonical, key)
            _pseudonymise(
                workspace, REJECTS, "value", key, where=f"source_column = {literal(plan.source)}"
            )
    present = {p.canonical for p in plans}
    build_events(
        con, TYPED, present, mapping, table=STAGED, source_file=source_file, import_id=import_id
    )
    report.rows_rejected = len({r.line for r in raw.rejects}) + parsed.rejected_lines
    report.rows_loaded = report.rows_read - report.rows_rejected


def _describe_format(kind: str, fmt: str) -> str:
    if kind == "timestamp":
        return "ISO 8601 timestamps" if fmt == "iso" else f"timestamps as {fmt}"
    return "decimal comma" if fmt == "," else "decimal point"


def _pseudonymise(
    workspace: Workspace, table: str, column: str, key: bytes, *, where: str = "true"
) -> None:
    """Replace a column's identifiers (in rows matching `where`) with keyed pseudonyms.

    Each distinct value is hashed once and the table is updated in one statement.
    """
    con = workspace.connection
    values = [
        v
        for (v,) in con.execute(
            f'SELECT DISTINCT "{column}" FROM {table} WHERE "{column}" IS NOT NULL AND {where}'
        ).fetchall()
    ]
    aliases = pa.table({"raw": values, "alias": [pseudonym(key, str(v)) for v in values]})
    con.register("__karsta_aliases", aliases)
    con.execute(
        f'UPDATE {table} SET "{column}" = m.alias FROM __karsta_aliases AS m '
        f'WHERE {table}."{column}" = m.raw AND {where}'
    )
    con.unregister("__karsta_aliases")


def _record_import(
    workspace: Workspace, report: ImportReport, sha256: str, key: bytes | None
) -> None:
    if key is not None:
        workspace.set_setting("pseudonym_key_fingerprint", key_fingerprint(key))
    workspace.connection.execute(
        "INSERT INTO imports (import_id, source_file, file_sha256, mapping, started_at, "
        "pseudonymised) VALUES (?, ?, ?, ?, now(), ?)",
        [report.import_id, report.source_file, sha256, report.mapping, key is not None],
    )


def _merge_events(workspace: Workspace, report: ImportReport) -> int:
    """Add the new events, renumber the affected tickets' events; return affected tickets."""
    con = workspace.connection
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE __karsta_new AS
        SELECT s.* FROM {STAGED} s ANTI JOIN ticket_events t
        ON s.ticket_id = t.ticket_id AND s.event_key = t.event_key"""
    )
    report.events_new = workspace.count("__karsta_new")
    report.events_present = workspace.count(STAGED) - report.events_new
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {AFFECTED} AS SELECT DISTINCT ticket_id FROM __karsta_new"
    )
    affected = workspace.count(AFFECTED)
    if affected:
        report.tickets_updated = query_int(
            con, f"SELECT count(*) FROM tickets SEMI JOIN {AFFECTED} USING (ticket_id)"
        )
        report.tickets_created = affected - report.tickets_updated
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE __karsta_merged AS
            SELECT *, row_number() OVER (
                PARTITION BY ticket_id
                ORDER BY timestamp, source_sequence NULLS LAST, import_id, source_row,
                         {STATUS_RANK}, event_key) AS seq
            FROM (SELECT * EXCLUDE (seq) FROM ticket_events SEMI JOIN {AFFECTED} USING (ticket_id)
                  UNION ALL BY NAME SELECT * FROM __karsta_new)"""
        )
        con.execute(
            f"DELETE FROM ticket_events WHERE ticket_id IN (SELECT ticket_id FROM {AFFECTED})"
        )
        con.execute("INSERT INTO ticket_events BY NAME SELECT * FROM __karsta_merged")
        con.execute("DROP TABLE __karsta_merged")
    span = query_one(con, "SELECT min(timestamp), max(timestamp) FROM __karsta_new")
    if span:
        report.first_event, report.last_event = span
    con.execute("DROP TABLE __karsta_new")
    return affected


def _derive(workspace: Workspace, affected: int, report: ImportReport) -> None:
    """Re-derive the facts and pauses of the tickets whose events changed."""
    if not affected:
        return
    con = workspace.connection
    events = workspace.table("ticket_events")
    untouched = workspace.count("tickets") - report.tickets_updated
    if untouched:  # only filter when other tickets exist; a first import derives them all
        events = events.semi_join(workspace.backend.table(AFFECTED), "ticket_id")
    for name, derive in (("tickets", ticket_facts), ("ticket_pauses", pause_intervals)):
        con.execute(f"DELETE FROM {name} WHERE ticket_id IN (SELECT ticket_id FROM {AFFECTED})")
        workspace.insert(name, derive(events))


def _store_rejects(workspace: Workspace, report: ImportReport, sha256: str) -> None:
    """Keep this import's rejects, skipping ones an earlier import of the same file kept."""
    con = workspace.connection
    con.execute(
        f"""INSERT INTO rejects
        SELECT ?, ?, ?, ?, r.line, r.source_column, r.canonical, r.value, r.reason
        FROM {REJECTS} r ANTI JOIN rejects k
        ON k.file_sha256 = ? AND k.line = r.line AND k.reason = r.reason
           AND k.source_column IS NOT DISTINCT FROM r.source_column""",
        [report.import_id, report.source_file, sha256, report.row_label, sha256],
    )
    rows = con.execute(
        f"SELECT source_column, reason, count(DISTINCT line), min(line) FROM {REJECTS} "
        "GROUP BY ALL ORDER BY 3 DESC, 2"
    ).fetchall()
    report.reject_groups = [RejectGroup(c, r, int(n), int(first)) for c, r, n, first in rows]


def _finish_import(workspace: Workspace, report: ImportReport) -> None:
    workspace.connection.execute(
        """UPDATE imports SET finished_at = now(), rows_read = ?, rows_loaded = ?,
        rows_rejected = ?, events_new = ?, events_present = ?, tickets_created = ?,
        tickets_updated = ?, notes = ? WHERE import_id = ?""",
        [
            report.rows_read,
            report.rows_loaded,
            report.rows_rejected,
            report.events_new,
            report.events_present,
            report.tickets_created,
            report.tickets_updated,
            "; ".join(report.notes),
            report.import_id,
        ],
    )
