"""Import one export file into a workspace: read, parse, reject, merge, derive — all or nothing.

Reading and parsing happen in the import's own temporary tables; the workspace
is changed only in the final transaction, so an import that fails or is
killed leaves the workspace as it was. Importing the same rows again finds
their event keys already present and changes nothing. A record mapping (contacts,
visits, surveys, staffing) goes through the same read, parse and rejects, then
merges its rows into its table by the table's key; ticket facts are not touched.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import ibis.backends.duckdb  # noqa: F401 (the derive compiles its SQL with it: loaded here)
import ibis.expr.types as ir
import pyarrow as pa

from karsta.i18n import Message
from karsta.ingest import numbering, transitions
from karsta.ingest.batches import BATCH_EVENTS, Batches, split_events
from karsta.ingest.derive import (
    FACTS_SETTING,
    FACTS_VERSION,
    combine_facts,
    event_facts,
    order_facts,
    order_facts_of,
    pause_intervals,
)
from karsta.ingest.digest import FilePass
from karsta.ingest.errors import DuplicateColumns, ImportFailed, MissingColumns, TooManyRejects
from karsta.ingest.event_keys import bring_keys_up_to_date
from karsta.ingest.events import (
    OCCURRENCE,
    empty_columns,
    event_key,
    event_rows,
    stage_events,
)
from karsta.ingest.mapping import SourceMapping
from karsta.ingest.parse import ColumnPlan, parse_rows, plan_columns
from karsta.ingest.protection import PrivacyMode, import_mode, record_mode
from karsta.ingest.provenance import (
    EarlierImport,
    Options,
    check_reading,
    earlier_imports,
    reading_options,
)
from karsta.ingest.readers import Reader, reader_for
from karsta.ingest.records import Assumption, record_plans, required_plans, stage_records
from karsta.ingest.redaction import ANY, KINDS, Redactions, merged, redacted
from karsta.ingest.rejected import DEFAULT_LIMIT, RejectLimit, examples, keep_raw_text
from karsta.ingest.signature import check_content
from karsta.ingest.sqltext import literal, quote
from karsta.ingest.stages import MAPPING_STAGES_SETTING, stages_json
from karsta.ingest.staging import RawFile, ReadAgain, ReadContext, Rewrite
from karsta.ingest.status_names import infer_status_classes
from karsta.ingest.streams import sweep_private_folders
from karsta.privacy import key_fingerprint, pseudonym
from karsta.schema import table as schema_table
from karsta.workspace import Workspace, query_int, query_one

Progress = Callable[[str, float | None], None]
REMOVED = "__karsta_removed"
SCRATCH = "__karsta_scratch"  # the import's own in-memory database, compressed
RAW, TYPED, EVENTS, STAGED, REJECTS, AFFECTED, ORDER, REPEATS, SINGLE, ORDERED, NEW, MERGED = (
    "__karsta_raw",
    "__karsta_typed",
    "__karsta_events",
    "__karsta_staged",
    "__karsta_rejects",
    "__karsta_affected",
    "__karsta_order",
    "__karsta_repeats",
    "__karsta_single",
    "__karsta_ordered",
    "__karsta_new",
    "__karsta_merged",
)
BATCH = "__karsta_batch"  # the events of one batch of new tickets
STAGES = ("read", "parse", "merge", "derive")
# Events of one row of a one-row-per-ticket export can share a time; the process order decides.
STATUS_RANK = (
    "CASE status_class WHEN 'new' THEN 0 WHEN 'active' THEN 1 WHEN 'waiting' THEN 2 "
    "WHEN 'resolved' THEN 3 WHEN 'closed' THEN 4 ELSE 5 END"
)


@dataclass(frozen=True, slots=True)
class RejectGroup:
    """Value problems sharing one reason in one column: rows rejected, or values left empty."""

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
    events_removed: int = 0  # events of the earlier imports of the file it replaced
    tickets_created: int = 0
    tickets_updated: int = 0
    tickets_removed: int = 0  # tickets left without events by the replacement
    replaced: list[int] = field(default_factory=list)  # the earlier imports it replaced
    first_event: datetime | None = None
    last_event: datetime | None = None
    reject_groups: list[RejectGroup] = field(default_factory=list)
    """Why rows were rejected (a required value missing or unreadable, a broken line)."""
    empty_groups: list[RejectGroup] = field(default_factory=list)
    """Optional values that could not be read: left empty, their rows loaded."""
    inferred_status_classes: dict[str, str] = field(default_factory=dict)
    """Activities the mapping does not name, classified by their names (activity -> class)."""
    notes: list[str] = field(default_factory=list)
    privacy: PrivacyMode = field(default_factory=PrivacyMode)
    redactions: list[Redactions] = field(default_factory=list)
    table: str = "ticket_events"
    """The canonical table the import filled: ticket events, or a record table."""
    records_new: int = 0
    records_present: int = 0  # rows already stored with the same key and values
    records_updated: int = 0  # rows stored with the same key and other values, replaced
    records_removed: int = 0  # rows of the earlier imports of the file it replaced
    assumptions: list[Assumption] = field(default_factory=list)
    """What the mapping assumed about some rows (counted on the rows loaded)."""

    @property
    def records(self) -> bool:
        """Return whether the import filled a record table (not tickets)."""
        return self.table != "ticket_events"

    @property
    def values_left_empty(self) -> int:
        """Return how many unreadable optional values were left empty (per row and column)."""
        return sum(group.rows for group in self.empty_groups)

    @property
    def balanced(self) -> bool:
        """Return whether rows read = rows loaded + rows rejected."""
        return self.rows_read == self.rows_loaded + self.rows_rejected


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
    redact: bool = False,
    progress: Progress | None = None,
    max_rejects: RejectLimit | str | int = DEFAULT_LIMIT,
    replace: bool = False,
    batch_events: int = BATCH_EVENTS,
) -> ImportReport:
    """Import `path` into `workspace` with `mapping`; return the row accounting.

    With `pseudonym_key` the personal columns are pseudonymised; with it or with
    `redact`, identity codes, e-mail addresses and phone numbers in free text are
    redacted. The workspace's first import fixes this mode; later imports follow
    it (see `karsta.ingest.protection`). Raises `ImportFailed` (workspace
    unchanged) when the file cannot be read, lacks a required column, cannot
    follow the workspace's mode, rejects more rows than `max_rejects` allows (a
    share such as '1%' or a number of rows), or was imported before with other
    options. With `replace`, the rows of earlier imports of the same file are
    replaced by this reading of it. The events of tickets new to the workspace are
    numbered and derived `batch_events` at a time (`karsta.ingest.batches`).
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(path, Message("no such file."))
    sweep_private_folders()
    limit = RejectLimit.parse(max_rejects)
    fingerprint = None if pseudonym_key is None else key_fingerprint(pseudonym_key)
    privacy = import_mode(workspace, key_fingerprint=fingerprint, redact=redact)
    reader = reader_for(path, format_name)
    check_content(path, reader.name)
    options = reading_options(mapping, reader.name, pseudonymised=privacy.pseudonymised)
    file_pass = FilePass(path, text=reader.name == "csv")
    context = ReadContext(file_pass, pseudonymised=privacy.pseudonymised)
    read = _Read(workspace, path, reader, context, pseudonym_key, privacy, progress)
    try:
        try:
            report, empty = read.rows(mapping)
        except ReadAgain as again:  # the whole file showed the encoding guessed wrong
            read.discard()
            report, empty = read.rows(mapping.with_read(encoding=again.encoding))
            report.notes.append(f"read again as {again.encoding}: not UTF-8 throughout")
        _check_rejects(workspace, path, report, limit, mapping)
        sha256 = file_pass.sha256()
        if mapping.records is not None:
            with _stage(workspace, "merge", progress), workspace.transaction():
                earlier = earlier_imports(workspace.connection, sha256)
                check_reading(path, earlier, options, replace=replace)
                _record_import(workspace, report, sha256, options)
                if replace:
                    _remove_earlier_records(workspace, report, earlier, sha256)
                _merge_records(workspace, report)
                _store_rejects(workspace, report, sha256)
                _finish_import(workspace, report)
            if progress is not None:  # nothing is derived from a record table
                progress("derive", 1.0)
            return report
        with ExitStack() as merge_stage, ExitStack() as split:
            merge_stage.enter_context(_stage(workspace, "merge", progress))
            # The events of tickets new to the workspace are split into batches of whole
            # tickets before the transaction: their order depends on this file alone.
            new_tickets = mapping.layout == "events" and not _tickets_exist(workspace)
            if new_tickets:
                batches = split.enter_context(
                    _split(workspace, report, empty, batch_events=batch_events)
                )
            with workspace.transaction():
                outdated = facts_outdated(workspace)
                if bring_keys_up_to_date(workspace):
                    report.notes.append(
                        "the event keys of the workspace made again as this version makes them"
                    )
                earlier = earlier_imports(workspace.connection, sha256)
                check_reading(path, earlier, options, replace=replace)
                _record_import(workspace, report, sha256, options)
                removed = _remove_earlier(workspace, report, earlier, sha256) if replace else False
                changed = None
                if not new_tickets or removed:
                    changed = _merge_into_tickets(workspace, report, removed=removed)
                merge_stage.close()  # the derive follows in the same transaction
                with _stage(workspace, "derive", progress):
                    if changed is None and new_tickets and not removed:
                        for batch in range(batches.count):
                            new = _insert_new_tickets(
                                workspace,
                                report,
                                empty,
                                batches.source(batch),
                                pauses=bool(mapping.pause_statuses),
                            )
                            _derive(workspace, new, report, snapshots=mapping.snapshots)
                    else:
                        _derive(workspace, changed, report, snapshots=mapping.snapshots)
                    split.close()  # the batches' files are read: remove them
                    if outdated:
                        _derive_every_ticket(workspace, report, snapshots=mapping.snapshots)
                    workspace.set_setting(FACTS_SETTING, FACTS_VERSION)
                    if not mapping.stages.empty:  # the latest mapping that declares stages wins
                        workspace.set_setting(
                            MAPPING_STAGES_SETTING, stages_json(mapping.name, mapping.stages)
                        )
                    _store_rejects(workspace, report, sha256)
                    _finish_import(workspace, report)
    finally:
        read.discard()
    return report


@dataclass(slots=True)
class _Read:
    """Reading and parsing the file into the import's temporary tables (again, if need be)."""

    workspace: Workspace
    path: Path
    reader: Reader
    context: ReadContext
    key: bytes | None
    privacy: PrivacyMode
    progress: Progress | None
    raw: RawFile | None = None

    def rows(self, mapping: SourceMapping) -> tuple[ImportReport, frozenset[str]]:
        """Read and parse the file; return the accounting and the columns left empty."""
        workspace, path = self.workspace, self.path
        import_id = _next_import_id(workspace)
        report = ImportReport(import_id, str(path), mapping.name, "line", privacy=self.privacy)
        # Rows kept for the import's length are compressed, in memory until it runs short.
        workspace.connection.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SCRATCH} (COMPRESS)")
        workspace.connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {REJECTS} (line BIGINT, source_column VARCHAR, "
            "canonical VARCHAR, value VARCHAR, reason VARCHAR, row_loaded BOOLEAN, raw VARCHAR)"
        )
        with _stage(workspace, "read", self.progress):
            self.raw = raw = self.reader.load(
                workspace.connection, path, mapping.read, RAW, self.context
            )
        report.row_label = raw.row_label
        report.notes.extend(raw.notes)
        _require_columns(path, raw, mapping)
        parse = _parse if mapping.records is None else _parse_records
        with _stage(workspace, "parse", self.progress):
            try:
                empty = parse(workspace, raw, mapping, report, self.key, str(path), import_id)
            except duckdb.Error as exc:
                if raw.explain is None:
                    raise
                raise ImportFailed(path, raw.explain(exc)) from exc
        return report, empty

    def discard(self) -> None:
        """Drop the temporary tables and scratch database, and remove what the reader wrote."""
        _drop_temporaries(self.workspace)
        self.workspace.connection.execute(f"DETACH DATABASE IF EXISTS {SCRATCH}")
        if self.raw is not None:
            self.raw.remove_files()
            self.raw = None


def _drop_temporaries(workspace: Workspace) -> None:
    """Drop the import's temporary tables and views (`__karsta_…`)."""
    con = workspace.connection
    found = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = 'temp' AND starts_with(table_name, '__karsta_') "
        "ORDER BY table_type DESC"  # views first: they depend on the tables
    ).fetchall()
    for name, kind in found:
        con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS temp.main.{name}")


def _next_import_id(workspace: Workspace) -> int:
    return query_int(workspace.connection, "SELECT coalesce(max(import_id), 0) + 1 FROM imports")


def _require_columns(path: Path, raw: RawFile, mapping: SourceMapping) -> None:
    """Stop when a required column is missing, or a column read is named twice in the header."""
    read = [*mapping.columns.values(), *(m.column for m in mapping.milestones)]
    duplicates = {}
    for name in dict.fromkeys(read):
        # Names are matched regardless of case, as DuckDB does.
        positions = [i for i, h in enumerate(raw.header or [], 1) if h.lower() == name.lower()]
        if len(positions) > 1:
            duplicates[name] = positions
    if duplicates:
        raise DuplicateColumns(path, duplicates)
    present = set(raw.columns)
    if mapping.records is not None:
        needed = mapping.records.required_sources()
        missing = [c for c in needed if c not in present]
        if missing:
            raise MissingColumns(path, missing, raw.columns)
        return
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
) -> frozenset[str]:
    """Parse the rows into typed rows and rejects; define the import's events (a view).

    Return the event columns the mapping leaves empty.
    """
    con = workspace.connection
    plans = _protected(plan_columns(con, raw, mapping), report.privacy)
    for plan in plans:
        if plan.fmt:
            report.notes.append(f"{plan.source}: {_describe_format(plan.kind, plan.fmt)}")
    absent = sorted(s for c, s in mapping.columns.items() if s not in set(raw.columns))
    if absent:
        report.notes.append("not in the file, left empty: " + ", ".join(absent))
    parsed = parse_rows(
        con, raw, mapping, plans, table=TYPED, rejects_table=REJECTS, scratch=SCRATCH
    )
    found = _reader_rejects_and_pseudonyms(workspace, raw, plans, parsed.rows, key)
    keep_raw_text(con, raw, REJECTS, _raw_pseudonyms(mapping, key, found))
    report.redactions = parsed.redactions
    if report.privacy.redact:
        report.redactions = merged([*report.redactions, *_redact_rejects(workspace)])
    present = {p.canonical for p in plans}
    mapping = _with_inferred_classes(workspace, mapping, present, report)
    rows = event_rows(TYPED, present, mapping, source_file=source_file, import_id=import_id)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {EVENTS} AS {rows}")
    report.rows_read = raw.rows_read
    report.rows_rejected = len({r.line for r in raw.rejects}) + parsed.rejected_lines
    report.rows_loaded = report.rows_read - report.rows_rejected
    return empty_columns(present, mapping)


RECORDS = "__karsta_records"


def _parse_records(
    workspace: Workspace,
    raw: RawFile,
    mapping: SourceMapping,
    report: ImportReport,
    key: bytes | None,
    source_file: str,
    import_id: int,
) -> frozenset[str]:
    """Parse the rows of a record mapping into the rows to load (`RECORDS`) and rejects.

    The same parse, rejects, pseudonymisation and redaction as for ticket events;
    then the record rules (`karsta.ingest.records`) make the table's rows.
    """
    con = workspace.connection
    report.table = mapping.table
    plans = record_plans(con, raw, mapping)
    keys = set(required_plans(mapping))
    if report.privacy.redact:  # free text: every text value but identifiers and key parts
        plans = [
            replace(p, redact=True)
            if p.kind == "text"
            and not p.personal
            and p.canonical not in keys
            and not p.canonical.startswith("when|")  # a condition reads the value as written
            and p.label not in (mapping.records.target.key if mapping.records else ())
            else p
            for p in plans
        ]
    for plan in plans:
        if plan.fmt and plan.kind in ("timestamp", "number"):
            report.notes.append(f"{plan.source}: {_describe_format(plan.kind, plan.fmt)}")
    wanted = set(mapping.records.sources()) if mapping.records else set()
    absent = sorted(wanted - set(raw.columns))
    if absent:
        report.notes.append("not in the file, left empty: " + ", ".join(absent))
    parsed = parse_rows(
        con,
        raw,
        mapping,
        plans,
        table=TYPED,
        rejects_table=REJECTS,
        scratch=SCRATCH,
        required=keys,
    )
    found = _reader_rejects_and_pseudonyms(workspace, raw, plans, parsed.rows, key)
    rejected, report.assumptions = stage_records(
        con, TYPED, plans, mapping, staged=RECORDS, rejects=REJECTS, import_id=import_id
    )
    keep_raw_text(con, raw, REJECTS, _raw_pseudonyms(mapping, key, found))
    report.redactions = parsed.redactions
    if report.privacy.redact:
        report.redactions = merged([*report.redactions, *_redact_rejects(workspace)])
    report.rows_read = raw.rows_read
    report.rows_rejected = len({r.line for r in raw.rejects}) + parsed.rejected_lines + rejected
    report.rows_loaded = report.rows_read - report.rows_rejected
    return frozenset()


def _remove_earlier_records(
    workspace: Workspace, report: ImportReport, earlier: list[EarlierImport], sha256: str
) -> None:
    """Remove the rows and rejects of the earlier imports of the file (`--replace`)."""
    if not earlier:
        return
    con = workspace.connection
    ids = [e.import_id for e in earlier]
    report.records_removed = query_int(
        con,
        f"SELECT count(*) FROM {quote(report.table)} "
        f"WHERE import_id IN (SELECT unnest({_id_list(ids)}::BIGINT[]))",
    )
    con.execute(
        f"DELETE FROM {quote(report.table)} WHERE import_id IN "
        f"(SELECT unnest({_id_list(ids)}::BIGINT[]))"
    )
    con.execute("DELETE FROM rejects WHERE file_sha256 = ?", [sha256])
    con.execute(
        "UPDATE imports SET replaced_by = ? WHERE import_id IN (SELECT unnest(?::BIGINT[]))",
        [report.import_id, ids],
    )
    report.replaced = sorted(ids)


def _id_list(ids: list[int]) -> str:
    return "[" + ", ".join(str(int(i)) for i in ids) + "]"


def _merge_records(workspace: Workspace, report: ImportReport) -> None:
    """Add the staged rows to their table by its key: new rows added, changed rows replaced.

    A row stored with the same key and the same values is left as it is (present).
    """
    con = workspace.connection
    tbl = schema_table(report.table)
    target = quote(tbl.name)
    on = " AND ".join(f"s.{quote(k)} IS NOT DISTINCT FROM t.{quote(k)}" for k in tbl.key)
    data = [c.name for c in tbl.columns if c.name not in ("import_id", "source_row")]
    same = " AND ".join(f"s.{quote(c)} IS NOT DISTINCT FROM t.{quote(c)}" for c in data)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE __karsta_known AS
        SELECT s.source_row, bool_and({same}) AS same FROM {RECORDS} s JOIN {target} t ON {on}
        GROUP BY s.source_row, {", ".join(f"s.{quote(k)}" for k in tbl.key)}"""
    )
    report.records_present = query_int(con, "SELECT count(*) FROM __karsta_known WHERE same")
    report.records_updated = query_int(con, "SELECT count(*) FROM __karsta_known WHERE NOT same")
    keys = ", ".join(f"s.{quote(k)}" for k in tbl.key)
    if report.records_updated:
        con.execute(
            f"""DELETE FROM {target} t USING (
                SELECT {keys} FROM {RECORDS} s JOIN {target} t ON {on}
                WHERE NOT ({same})) s WHERE {on}"""
        )
    with _unordered(con):
        report.records_new = (
            query_int(
                con,
                f"INSERT INTO {target} BY NAME SELECT s.* FROM {RECORDS} s "
                f"ANTI JOIN {target} t ON {on}",
            )
            - report.records_updated
        )
    report.records_new = max(report.records_new, 0)
    when = RECORD_TIMES.get(tbl.name)
    if when is not None:
        span = query_one(con, f"SELECT min({quote(when)}), max({quote(when)}) FROM {RECORDS}")
        if span and span[0] is not None:
            report.first_event, report.last_event = span


RECORD_TIMES = {"contacts": "arrived_at", "visits": "scheduled_at", "surveys": "answered_at"}
"""The time of a record table's rows that the import's time range spans."""


def _reader_rejects_and_pseudonyms(
    workspace: Workspace, raw: RawFile, plans: list[ColumnPlan], rows: str, key: bytes | None
) -> frozenset[str]:
    """Store the rows the reader rejected; pseudonymise personal columns of rows and rejects.

    Return the raw values found in rejects that were replaced by pseudonyms.
    """
    for reject in raw.rejects:  # known once the file was read
        workspace.connection.execute(
            f"INSERT INTO {REJECTS} (line, source_column, reason, row_loaded, raw) "
            "VALUES (?, ?, ?, false, ?)",
            [reject.line, reject.column, reject.reason, reject.raw],
        )
    personal = [p for p in plans if p.personal]
    if key is None or not personal:
        return frozenset()
    found = _pseudonymise_rejects(workspace, rows, personal, key)
    for plan in personal:
        _pseudonymise(workspace, rows, plan.canonical, key)
    return found


def _protected(plans: list[ColumnPlan], privacy: PrivacyMode) -> list[ColumnPlan]:
    """Return the plans with the free-text columns marked for redaction when the mode redacts.

    Free text is every text column but the identifiers: the ticket id and the
    personal columns (caller, agent), which pseudonymisation replaces whole.
    """
    if not privacy.redact:
        return plans
    return [
        replace(p, redact=True)
        if p.kind == "text" and not p.personal and p.canonical != "ticket_id"
        else p
        for p in plans
    ]


def _pseudonymise_rejects(
    workspace: Workspace, rows: str, personal: list[ColumnPlan], key: bytes
) -> frozenset[str]:
    """Replace every rejected value that is one of the file's personal values by its pseudonym.

    A personal value can land in another column of a broken row (a caller id in a
    date column); it gets the pseudonym it has in the loaded rows. Runs before the
    rows themselves are pseudonymised. Returns the values replaced.
    """
    con = workspace.connection
    if not workspace.count(REJECTS):
        return frozenset()
    known = " UNION ".join(f"SELECT {quote(p.canonical)} AS v FROM {rows}" for p in personal)
    values = [
        str(v)
        for (v,) in con.execute(
            f"SELECT DISTINCT value FROM {REJECTS} WHERE value IS NOT NULL "
            f"AND (value IN ({known}) OR source_column IN "
            f"(SELECT unnest($sources::VARCHAR[])))",
            {"sources": [p.source for p in personal]},
        ).fetchall()
    ]
    _replace_with_pseudonyms(workspace, REJECTS, "value", values, key)
    return frozenset(values)


def _redact_rejects(workspace: Workspace) -> list[Redactions]:
    """Redact the rejected values and raw text as free text is; return the counts per column."""
    con = workspace.connection
    found = redacted("value")
    sums = ", ".join(f"CAST(sum(f.{kind}) AS BIGINT)" for kind in KINDS)
    counts = con.execute(
        f"SELECT source_column, {sums} FROM (SELECT source_column, {found} AS f FROM {REJECTS}) "
        "WHERE f IS NOT NULL GROUP BY ALL"
    ).fetchall()
    con.execute(
        f"UPDATE {REJECTS} SET value = coalesce(({found}).text, value) "
        f"WHERE regexp_matches(value, $any)",
        {"any": ANY},
    )
    # The raw text holds the same values: it is redacted alike (counted once, above).
    con.execute(
        f"UPDATE {REJECTS} SET raw = coalesce(({redacted('raw')}).text, raw) "
        f"WHERE regexp_matches(raw, $any)",
        {"any": ANY},
    )
    return [Redactions(str(c), *(int(n) for n in found)) for c, *found in counts]


def _with_inferred_classes(
    workspace: Workspace, mapping: SourceMapping, present: set[str], report: ImportReport
) -> SourceMapping:
    """Return the mapping with the classes its unnamed activities' names tell (noted in `report`).

    The mapping's own classes win; `infer_status_classes: false` keeps it as it is.
    """
    if not mapping.infer_status_classes or "activity" not in present:
        return mapping
    activities = [
        str(a)
        for (a,) in workspace.connection.execute(
            f"SELECT DISTINCT activity FROM {TYPED} WHERE activity IS NOT NULL"
        ).fetchall()
    ]
    inferred = infer_status_classes(activities, mapping.status_classes)
    if not inferred:
        return mapping
    report.inferred_status_classes = inferred
    pairs = ", ".join(f"{activity} → {cls}" for activity, cls in inferred.items())
    report.notes.append(f"status classes inferred from activity names: {pairs}")
    return replace(mapping, status_classes={**inferred, **mapping.status_classes})


def _describe_format(kind: str, fmt: str) -> str:
    if kind == "timestamp":
        return "ISO 8601 timestamps" if fmt == "iso" else f"timestamps as {fmt}"
    return "decimal comma" if fmt == "," else "decimal point"


def _pseudonymise(workspace: Workspace, table: str, column: str, key: bytes) -> None:
    """Replace a column's identifiers with keyed pseudonyms."""
    values = workspace.connection.execute(
        f"SELECT DISTINCT {quote(column)} FROM {table} WHERE {quote(column)} IS NOT NULL"
    ).fetchall()
    _replace_with_pseudonyms(workspace, table, column, [str(v) for (v,) in values], key)


def _replace_with_pseudonyms(
    workspace: Workspace, table: str, column: str, values: list[str], key: bytes
) -> None:
    """Replace each of `values` in a column with its pseudonym: each hashed once, one update."""
    con = workspace.connection
    aliases = pa.table({"raw": values, "alias": [pseudonym(key, v) for v in values]})
    con.register("__karsta_aliases", aliases)
    con.execute(
        f"UPDATE {table} SET {quote(column)} = m.alias FROM __karsta_aliases AS m "
        f"WHERE {table}.{quote(column)} = m.raw"
    )
    con.unregister("__karsta_aliases")


def _record_import(
    workspace: Workspace, report: ImportReport, sha256: str, options: Options
) -> None:
    record_mode(workspace, report.privacy)
    workspace.connection.execute(
        "INSERT INTO imports (import_id, source_file, file_sha256, mapping, started_at, "
        "pseudonymised, options) VALUES (?, ?, ?, ?, now(), ?, ?)",
        [
            report.import_id,
            report.source_file,
            sha256,
            report.mapping,
            report.privacy.pseudonymised,
            json.dumps(options, sort_keys=True, ensure_ascii=False),
        ],
    )
    for found in report.redactions:
        workspace.connection.execute(
            "INSERT INTO redactions (import_id, source_column, hetu, email, phone, name) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [report.import_id, found.column, found.hetu, found.email, found.phone, found.name],
        )
    if report.inferred_status_classes:
        workspace.connection.executemany(
            "INSERT INTO inferred_status_classes VALUES (?, ?, ?)",
            [[report.import_id, a, c] for a, c in report.inferred_status_classes.items()],
        )


def _remove_earlier(
    workspace: Workspace, report: ImportReport, earlier: list[EarlierImport], sha256: str
) -> bool:
    """Remove the events and rejects of the earlier imports of the file; return if any events.

    The tickets they belonged to are kept in `REMOVED`, to be derived again.
    """
    if not earlier:
        return False
    con = workspace.connection
    ids = [e.import_id for e in earlier]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REMOVED} AS SELECT DISTINCT ticket_id "
        "FROM ticket_events WHERE import_id IN (SELECT unnest(?::BIGINT[]))",
        [ids],
    )
    found = query_one(
        con,
        "SELECT count(*) FROM ticket_events WHERE import_id IN (SELECT unnest(?::BIGINT[]))",
        [ids],
    )
    report.events_removed = int(found[0]) if found else 0
    con.execute("DELETE FROM ticket_events WHERE import_id IN (SELECT unnest(?::BIGINT[]))", [ids])
    con.execute("DELETE FROM rejects WHERE file_sha256 = ?", [sha256])
    con.execute(
        "UPDATE imports SET replaced_by = ? WHERE import_id IN (SELECT unnest(?::BIGINT[]))",
        [report.import_id, ids],
    )
    report.replaced = sorted(ids)
    return workspace.count(REMOVED) > 0


def personal_sources(mapping: SourceMapping) -> set[str]:
    """Return the source columns whose values fill a personal canonical column."""
    pairs = list(mapping.columns.items())
    if mapping.records is not None:
        fills = [*mapping.records.fills.items()]
        for case in mapping.records.cases:
            fills += case.fills.items()
        pairs = [(c, s) for c, f in fills for s in f.sources]
    return {s for c, s in pairs if c in mapping.personal}


def _raw_pseudonyms(
    mapping: SourceMapping, key: bytes | None, found: frozenset[str]
) -> Rewrite | None:
    """Return how a field of a rejected row's raw text is kept under pseudonymisation.

    A field of a personal column is pseudonymised like a loaded value; so is every
    field of a row whose fields cannot be matched to columns (column ''), and a field
    holding one of the file's personal values in another column (`found`).
    """
    if key is None:
        return None
    personal = personal_sources(mapping)

    def rewrite(column: str, value: str) -> str:
        text = value.strip()
        if text and (column in personal or not column or text in found):
            return pseudonym(key, text)
        return value

    return rewrite


def _check_rejects(
    workspace: Workspace,
    path: Path,
    report: ImportReport,
    limit: RejectLimit,
    mapping: SourceMapping,
) -> None:
    """Stop the import when it rejects more rows than the limit allows."""
    if limit.allows(report.rows_rejected, report.rows_read):
        return
    personal = personal_sources(mapping)
    raise TooManyRejects(
        path,
        rejected=report.rows_rejected,
        read=report.rows_read,
        limit=str(limit),
        row_label=report.row_label,
        examples=examples(workspace.connection, REJECTS, personal),
    )


@dataclass(frozen=True, slots=True)
class Changed:
    """The tickets an import changed: every event they now have, and whether all are new."""

    events: str  # a temporary table or view with the columns of ticket_events (bar event_key)
    new_tickets: bool
    numbered: str | None = None  # the events as `karsta.ingest.numbering` gives them, if at hand
    empty: frozenset[str] = frozenset()  # columns empty on every one of the events


def _tickets_exist(workspace: Workspace) -> bool:
    """Return whether any ticket of this import is already in the workspace."""
    con = workspace.connection
    if query_one(con, "SELECT 1 FROM tickets LIMIT 1") is None:
        return False
    found = f"SELECT 1 FROM tickets WHERE ticket_id IN (SELECT ticket_id FROM {EVENTS}) LIMIT 1"
    return query_one(con, found) is not None


# Events of one ticket in the order they happened; rows of one import keep the file's order.
EVENT_ORDER = "timestamp, source_sequence NULLS LAST, import_id, source_row"


def _number_new_tickets(
    workspace: Workspace, events: str, empty: frozenset[str], *, pauses: bool
) -> None:
    """Number the events of tickets that are all new (`karsta.ingest.numbering`).

    `events` is SQL selecting them (a batch of whole tickets). One sort of the narrow
    columns gives `seq` and all else that depends on the order; identical events must
    share a time and a sequence number, so only such ties are numbered by identity.
    `empty` names the columns the import leaves empty; `pauses`: the mapping names
    statuses that stop the clock.
    """
    con = workspace.connection
    con.execute(f"CREATE OR REPLACE TEMP VIEW {BATCH} AS {events}")
    numbered = numbering.numbered(BATCH, empty, pauses=pauses)
    with _unordered(con):  # seq orders the events; their place in the table does not
        con.execute(f"CREATE OR REPLACE TEMP TABLE {ORDER} AS {numbered}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {REPEATS} AS
        SELECT source_row, occurrence FROM (
            SELECT source_row, {OCCURRENCE} AS occurrence FROM {BATCH}
            WHERE source_row IN (SELECT source_row FROM {ORDER} WHERE tied))
        WHERE occurrence > 1"""
    )


@contextmanager
def _split(
    workspace: Workspace, report: ImportReport, empty: frozenset[str], *, batch_events: int
) -> Iterator[Batches]:
    """Split the events of new tickets into batches (`karsta.ingest.batches`).

    Once split, the parsed rows are read from the batches' files: the scratch
    database that held them is emptied, and the events view reads the files.
    """
    con = workspace.connection
    constant = {c: "NULL" for c in empty if c != "source_row"}
    constant |= {"source_file": literal(report.source_file), "import_id": str(report.import_id)}
    with split_events(
        con, EVENTS, report.rows_loaded, constant=constant, batch_events=batch_events
    ) as batches:
        if batches.count > 1:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {EVENTS} AS {batches.everything()}")
            con.execute(f"DETACH DATABASE {SCRATCH}")
            con.execute(f"ATTACH ':memory:' AS {SCRATCH} (COMPRESS)")
        yield batches


def _insert_new_tickets(
    workspace: Workspace, report: ImportReport, empty: frozenset[str], events: str, *, pauses: bool
) -> Changed | None:
    """Number and insert one batch of new tickets' events (SQL `events`); return them.

    Every event is new and each file row is one event, so the events need no
    comparison with stored ones and no renumbering. The counts and the span of the
    events are added to `report`.
    """
    con = workspace.connection
    _number_new_tickets(workspace, events, empty, pauses=pauses)
    # The derive reads the batch's events with their numbers, as they are now stored.
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {NEW} AS SELECT e.*, o.seq FROM {BATCH} e "
        f"JOIN (SELECT source_row, seq FROM {ORDER}) o USING (source_row)"
    )
    with _unordered(con):
        inserted = query_int(
            con,
            f"""INSERT INTO ticket_events BY NAME
            SELECT n.*, {event_key("coalesce(r.occurrence, 1)")} AS event_key
            FROM {NEW} n LEFT JOIN {REPEATS} r USING (source_row)""",
        )
    report.events_new += inserted
    if not inserted:
        return None
    span = query_one(con, f"SELECT min(timestamp), max(timestamp) FROM {ORDER}")
    if span and span[0] is not None:
        first, last = span
        report.first_event = first if report.first_event is None else min(report.first_event, first)
        report.last_event = last if report.last_event is None else max(report.last_event, last)
    return Changed(NEW, new_tickets=True, numbered=ORDER, empty=empty)


@contextmanager
def _unordered(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let DuckDB write the rows of the block's statements in any order (then restore)."""
    row = query_one(con, "SELECT current_setting('preserve_insertion_order')")
    before = bool(row[0]) if row else True
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if before else 'false'}")


def _merge_into_tickets(
    workspace: Workspace, report: ImportReport, *, removed: bool = False
) -> Changed | None:
    """Add the events not yet stored and renumber the affected tickets' events.

    With `removed`, the tickets in `REMOVED` are affected too (some lose every event).
    """
    con = workspace.connection
    stage_events(con, f"SELECT * FROM {EVENTS}", table=STAGED)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE __karsta_added AS
        SELECT s.* FROM {STAGED} s ANTI JOIN ticket_events t
        ON s.ticket_id = t.ticket_id AND s.event_key = t.event_key"""
    )
    report.events_new = workspace.count("__karsta_added")
    report.events_present = workspace.count(STAGED) - report.events_new
    span = query_one(con, "SELECT min(timestamp), max(timestamp) FROM __karsta_added")
    if span:
        report.first_event, report.last_event = span
    also = f" UNION SELECT ticket_id FROM {REMOVED}" if removed else ""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {AFFECTED} AS "
        f"SELECT DISTINCT ticket_id FROM __karsta_added{also}"
    )
    affected = workspace.count(AFFECTED)
    if not affected:
        return None
    known = query_int(con, f"SELECT count(*) FROM tickets SEMI JOIN {AFFECTED} USING (ticket_id)")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {MERGED} AS
        SELECT *, row_number() OVER (
            PARTITION BY ticket_id
            ORDER BY {EVENT_ORDER}, {STATUS_RANK}, event_key) AS seq
        FROM (SELECT * EXCLUDE (seq) FROM ticket_events SEMI JOIN {AFFECTED} USING (ticket_id)
              UNION ALL BY NAME SELECT * FROM __karsta_added)"""
    )
    report.tickets_removed = query_int(
        con,
        f"SELECT count(*) FROM (SELECT ticket_id FROM tickets SEMI JOIN {AFFECTED} "
        f"USING (ticket_id)) ANTI JOIN {MERGED} USING (ticket_id)",
    )
    report.tickets_updated = known - report.tickets_removed
    report.tickets_created = affected - known
    con.execute(f"DELETE FROM ticket_events WHERE ticket_id IN (SELECT ticket_id FROM {AFFECTED})")
    con.execute(f"INSERT INTO ticket_events BY NAME SELECT * FROM {MERGED}")
    return Changed(MERGED, new_tickets=False)


def _derive(
    workspace: Workspace, changed: Changed | None, report: ImportReport, *, snapshots: bool
) -> None:
    """Derive the facts and pauses of the tickets whose events changed.

    `snapshots`: the mapping's rows are snapshots of the whole record (`combine_facts`).
    """
    if changed is None:
        return
    con = workspace.connection
    events = workspace.backend.table(changed.events)
    if not changed.new_tickets:
        for name in ("tickets", "ticket_pauses", *transitions.TABLES):
            con.execute(f"DELETE FROM {name} WHERE ticket_id IN (SELECT ticket_id FROM {AFFECTED})")
    numbered = workspace.backend.table(changed.numbered) if changed.numbered else None
    with _unordered(con):  # the derived rows are keyed; their place in a table does not matter
        derived = _derive_tickets(workspace, events, numbered, changed.empty, snapshots)
        if changed.new_tickets:
            report.tickets_created += derived
        _insert(workspace, "ticket_pauses", pause_intervals(events))
        # The numbered events hold what the transitions need, their next values included.
        if numbered is None:
            transitions.derive(workspace, events)
        else:
            transitions.derive(workspace, numbered, numbered=True)


def facts_outdated(workspace: Workspace) -> bool:
    """Return whether the workspace holds ticket facts derived under earlier rules."""
    if workspace.setting(FACTS_SETTING) == FACTS_VERSION:
        return False
    return query_one(workspace.connection, "SELECT 1 FROM tickets LIMIT 1") is not None


def _derive_every_ticket(workspace: Workspace, report: ImportReport, *, snapshots: bool) -> None:
    """Derive the facts, pauses, transitions and variants of every ticket again."""
    con = workspace.connection
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {AFFECTED} AS SELECT DISTINCT ticket_id FROM ticket_events"
    )
    _derive(workspace, Changed("ticket_events", new_tickets=False), report, snapshots=snapshots)
    report.notes.append(
        "every ticket's facts derived again: the workspace held facts derived by an earlier "
        "version of Karsta"
    )


def _derive_tickets(
    workspace: Workspace,
    events: ir.Table,
    numbered: ir.Table | None,
    empty: frozenset[str],
    snapshots: bool,
) -> int:
    """Insert the facts of the tickets of `events`; return how many tickets.

    The two per-ticket parts are computed one after the other, so neither the
    window nor the aggregation competes with the other for memory. Events already
    numbered with their neighbours (`karsta.ingest.numbering`) need no second window;
    facts read from `empty` columns need no aggregate.
    """
    con = workspace.connection
    ordered = order_facts(events) if numbered is None else order_facts_of(numbered)
    for table, part in ((SINGLE, event_facts(events, empty)), (ORDERED, ordered)):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {workspace.sql(part)}")
    backend = workspace.backend
    facts = combine_facts(
        backend.table(SINGLE),
        backend.table(ORDERED),
        events if numbered is None else numbered,
        snapshots=snapshots,
    )
    return _insert(workspace, "tickets", facts)


def _insert(workspace: Workspace, table: str, expr: ir.Table) -> int:
    """Append the rows of an Ibis expression to a table; return how many."""
    return query_int(workspace.connection, f"INSERT INTO {table} BY NAME {workspace.sql(expr)}")


def _store_rejects(workspace: Workspace, report: ImportReport, sha256: str) -> None:
    """Keep this import's rejects, skipping ones an earlier import of the same file kept."""
    con = workspace.connection
    con.execute(
        f"""INSERT INTO rejects BY NAME
        SELECT ? AS import_id, ? AS source_file, ? AS file_sha256, ? AS row_label, r.line,
               r.source_column, r.canonical AS canonical_column, r.value, r.reason,
               r.row_loaded, r.raw
        FROM {REJECTS} r ANTI JOIN rejects k
        ON k.file_sha256 = ? AND k.line = r.line AND k.reason = r.reason
           AND k.source_column IS NOT DISTINCT FROM r.source_column""",
        [report.import_id, report.source_file, sha256, report.row_label, sha256],
    )
    rows = con.execute(
        f"SELECT row_loaded, source_column, reason, count(DISTINCT line), min(line) "
        f"FROM {REJECTS} GROUP BY ALL ORDER BY 4 DESC, 3"
    ).fetchall()
    groups = [(loaded, RejectGroup(c, r, int(n), int(first))) for loaded, c, r, n, first in rows]
    report.reject_groups = [group for loaded, group in groups if not loaded]
    report.empty_groups = [group for loaded, group in groups if loaded]


def _finish_import(workspace: Workspace, report: ImportReport) -> None:
    workspace.connection.execute(
        """UPDATE imports SET finished_at = now(), rows_read = ?, rows_loaded = ?,
        rows_rejected = ?, events_new = ?, events_present = ?, tickets_created = ?,
        tickets_updated = ?, notes = ?, canonical_table = ?, records_new = ?,
        records_present = ?, records_updated = ? WHERE import_id = ?""",
        [
            report.rows_read,
            report.rows_loaded,
            report.rows_rejected,
            report.events_new,
            report.events_present,
            report.tickets_created,
            report.tickets_updated,
            "; ".join(
                [
                    *report.notes,
                    *(f"{a.column}: {a.rows} rows {a.text}" for a in report.assumptions),
                ]
            ),
            report.table,
            report.records_new,
            report.records_present,
            report.records_updated,
            report.import_id,
        ],
    )
