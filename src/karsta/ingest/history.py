"""The imports a workspace records, each with its row accounting, and its rejects as CSV.

Every import leaves its accounting in the `imports` table, its rejected rows and
unreadable values in `rejects` (with the raw text of the row), what it redacted
in `redactions` and the classes it inferred in `inferred_status_classes`. This
module reads them back as the import reported them, for the views that list past
imports. Rejects are stored as the workspace's privacy mode requires (personal
values pseudonymised, free text redacted), so what is read back is too.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from karsta.ingest.importer import RejectGroup
from karsta.ingest.redaction import Redactions
from karsta.workspace import Workspace

REJECT_COLUMNS = (
    "import_id",
    "source_file",
    "row_label",
    "line",
    "source_column",
    "canonical_column",
    "value",
    "reason",
    "row_loaded",
    "raw",
)
"""The columns of a rejects CSV, in order (the `rejects` table's, English names)."""


@dataclass(slots=True)
class StoredImport:
    """One import as the workspace recorded it: the file, the mapping and the row accounting."""

    import_id: int
    source_file: str
    mapping: str
    started_at: datetime | None
    finished_at: datetime | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    events_new: int
    events_present: int
    tickets_created: int
    tickets_updated: int
    pseudonymised: bool
    replaced_by: int | None
    notes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    row_label: str = "line"
    reject_groups: list[RejectGroup] = field(default_factory=list)
    empty_groups: list[RejectGroup] = field(default_factory=list)
    redactions: list[Redactions] = field(default_factory=list)
    inferred_status_classes: dict[str, str] = field(default_factory=dict)
    table: str = "ticket_events"
    """The canonical table the import filled: ticket events, or a record table."""
    records_new: int = 0
    records_present: int = 0
    records_updated: int = 0

    @property
    def values_left_empty(self) -> int:
        """Return how many unreadable optional values were left empty."""
        return sum(group.rows for group in self.empty_groups)

    @property
    def balanced(self) -> bool:
        """Return whether rows read = rows loaded + rows rejected."""
        return self.rows_read == self.rows_loaded + self.rows_rejected


def _int(value: Any) -> int:
    return int(value or 0)


def _rows(workspace: Workspace, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = workspace.connection.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def stored_imports(workspace: Workspace, *, import_id: int | None = None) -> list[StoredImport]:
    """Return the workspace's finished imports, newest first (or the one `import_id`)."""
    if not workspace.has_table("imports"):
        return []
    where = "finished_at IS NOT NULL" + (" AND import_id = ?" if import_id is not None else "")
    params = [] if import_id is None else [import_id]
    found = [
        _stored(row)
        for row in _rows(
            workspace, f"SELECT * FROM imports WHERE {where} ORDER BY import_id DESC", params
        )
    ]
    if not found:
        return found
    ids = [s.import_id for s in found]
    by_id = {s.import_id: s for s in found}
    for row in _rows(
        workspace,
        "SELECT import_id, row_loaded, source_column, reason, any_value(row_label) AS label, "
        "count(DISTINCT line) AS n, min(line) AS first FROM rejects "
        "WHERE import_id IN (SELECT unnest(?::BIGINT[])) GROUP BY ALL ORDER BY n DESC, reason",
        [ids],
    ):
        stored = by_id[int(row["import_id"])]
        group = RejectGroup(row["source_column"], row["reason"], _int(row["n"]), _int(row["first"]))
        (stored.empty_groups if row["row_loaded"] else stored.reject_groups).append(group)
        stored.row_label = str(row["label"])
    if workspace.has_table("redactions"):
        for row in _rows(
            workspace,
            "SELECT * FROM redactions WHERE import_id IN (SELECT unnest(?::BIGINT[])) "
            "ORDER BY source_column",
            [ids],
        ):
            by_id[int(row["import_id"])].redactions.append(
                Redactions(
                    row["source_column"],
                    row["hetu"],
                    row["email"],
                    row["phone"],
                    row.get("name") or 0,  # a workspace from before names were redacted
                )
            )
    if workspace.has_table("inferred_status_classes"):
        for row in _rows(
            workspace,
            "SELECT * FROM inferred_status_classes WHERE import_id IN "
            "(SELECT unnest(?::BIGINT[])) ORDER BY activity",
            [ids],
        ):
            by_id[int(row["import_id"])].inferred_status_classes[row["activity"]] = row[
                "status_class"
            ]
    return found


def _stored(row: dict[str, Any]) -> StoredImport:
    try:
        options = json.loads(row.get("options") or "{}")
    except json.JSONDecodeError:
        options = {}
    notes = str(row.get("notes") or "")
    return StoredImport(
        import_id=int(row["import_id"]),
        source_file=str(row["source_file"]),
        mapping=str(row["mapping"]),
        started_at=row.get("started_at"),
        finished_at=row.get("finished_at"),
        rows_read=_int(row.get("rows_read")),
        rows_loaded=_int(row.get("rows_loaded")),
        rows_rejected=_int(row.get("rows_rejected")),
        events_new=_int(row.get("events_new")),
        events_present=_int(row.get("events_present")),
        tickets_created=_int(row.get("tickets_created")),
        tickets_updated=_int(row.get("tickets_updated")),
        pseudonymised=bool(row.get("pseudonymised")),
        replaced_by=None if row.get("replaced_by") is None else int(row["replaced_by"]),
        notes=[n for n in notes.split("; ") if n],
        options=options if isinstance(options, dict) else {},
        table=str(row.get("canonical_table") or "ticket_events"),
        records_new=_int(row.get("records_new")),
        records_present=_int(row.get("records_present")),
        records_updated=_int(row.get("records_updated")),
    )


def write_rejects_csv(workspace: Workspace, import_id: int, out: TextIO) -> int:
    """Write the rejects of one import as CSV (header first, by line); return the rows written.

    Rejected rows and values left empty alike (`row_loaded` tells them apart), each
    with the raw text of its row as stored: under the workspace's privacy mode.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REJECT_COLUMNS)
    if not workspace.has_table("rejects"):
        return 0
    cursor = workspace.connection.execute(
        f"SELECT {', '.join(REJECT_COLUMNS)} FROM rejects WHERE import_id = ? "
        "ORDER BY line, source_column NULLS FIRST, reason",
        [import_id],
    )
    written = 0
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            writer.writerow(
                ["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in row]
            )
        written += len(batch)
    return written
