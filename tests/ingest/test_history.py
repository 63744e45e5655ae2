"""Past imports read back with their row accounting, and their rejects as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import karsta
from karsta.ingest import import_file, load_preset, stored_imports, write_rejects_csv
from karsta.privacy import pseudonym

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource"
# Line 3 has no time (rejected); line 5's time is not a date (rejected).
LOG = [
    HEADER,
    "T1,New,2024-02-01 08:00:00,Aino",
    "T1,Resolved,,Aino",
    "T2,New,2024-02-02 08:00:00,Eero",
    "T2,Resolved,Eero,Eero",
    "T3,New,2024-02-03 08:00:00,Eero",
]
KEY = b"k" * 32


def write(path: Path) -> Path:
    path.write_text("\n".join(LOG) + "\n", encoding="utf-8")
    return path


def test_a_stored_import_has_the_accounting_its_import_reported(tmp_path: Path) -> None:
    log = write(tmp_path / "log.csv")
    with karsta.open(tmp_path / "w.karsta") as ws:
        report = import_file(log, workspace=ws, mapping=load_preset("event-log"), max_rejects=5)
        (stored,) = stored_imports(ws)
    # 5 rows read: 3 loaded (lines 2, 4, 6), 2 rejected (lines 3, 5).
    assert (stored.rows_read, stored.rows_loaded, stored.rows_rejected) == (5, 3, 2)
    assert stored.balanced
    assert (stored.events_new, stored.tickets_created) == (3, 3)
    assert stored.import_id == report.import_id
    assert stored.mapping == "event-log"
    assert stored.reject_groups == report.reject_groups
    assert sorted((g.first_line, g.column, g.reason, g.rows) for g in stored.reject_groups) == [
        (3, "time:timestamp", "required value is missing", 1),
        (5, "time:timestamp", "not a date and time in the format ISO 8601", 1),
    ]
    assert stored.notes == report.notes


def test_the_rejects_csv_holds_each_reject_with_its_raw_row(tmp_path: Path) -> None:
    log = write(tmp_path / "log.csv")
    with karsta.open(tmp_path / "w.karsta") as ws:
        report = import_file(log, workspace=ws, mapping=load_preset("event-log"), max_rejects=5)
        out = io.StringIO()
        written = write_rejects_csv(ws, report.import_id, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert written == 2
    assert [(r["line"], r["source_column"], r["row_loaded"]) for r in rows] == [
        ("3", "time:timestamp", "false"),
        ("5", "time:timestamp", "false"),
    ]
    assert rows[0]["raw"] == "T1,Resolved,,Aino"
    assert rows[1]["value"] == "Eero"


def test_a_pseudonymised_workspace_s_rejects_csv_holds_no_identifier(tmp_path: Path) -> None:
    log = write(tmp_path / "log.csv")
    with karsta.open(tmp_path / "w.karsta") as ws:
        report = import_file(
            log, workspace=ws, mapping=load_preset("event-log"), max_rejects=5, pseudonym_key=KEY
        )
        out = io.StringIO()
        write_rejects_csv(ws, report.import_id, out)
    text = out.getvalue()
    assert "Aino" not in text
    assert "Eero" not in text
    # Line 5's time column held the agent's name: its pseudonym is shown, as in the raw row.
    assert pseudonym(KEY, "Eero") in text
