"""A first import derived in batches of whole tickets gives exactly what one batch gives.

The log below has what a batch boundary could break if a ticket were split: ties in
time, identical events, a journal exported after the status history, pauses, a
reopening, a hand-off and a ticket with no group. Imported with batches of one or
two events (every ticket then in some batch of its own, many batches empty) and
with one batch, every derived table must hold the same rows, and the accounting
must be the same.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import karsta
from karsta.ingest import import_file, load_preset
from karsta.ingest.batches import batch_count, split_events
from karsta.ingest.importer import ImportReport
from karsta.schema import TICKETS
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
ROWS = [
    "T1,New,2024-02-01 08:00:00+02:00,A,SD",
    "T1,Assigned,2024-02-01 08:00:00+02:00,A,SD",
    "T1,Work Note,2024-02-01 08:00:00+02:00,A,SD",
    "T1,Work Note,2024-02-01 08:00:00+02:00,A,SD",
    "T1,Awaiting User Info,2024-02-01 08:30:00+02:00,A,SD",
    "T1,Customer Reply,2024-02-02 09:00:00+02:00,,",
    "T1,Escalated to L2,2024-02-02 09:10:00+02:00,B,L2",
    "T1,Resolved,2024-02-02 10:00:00+02:00,B,L2",
    "T1,Work Note,2024-02-01 08:00:00+02:00,A,SD",
    "T2,New,2024-02-02 10:00:00+02:00,,SD",
    "T2,Work Note,2024-02-02 10:00:00+02:00,,SD",
    "T2,Resolved,2024-02-02 11:00:00+02:00,C,SD",
    "T2,Reopened,2024-02-03 11:00:00+02:00,,",
    "T2,In Progress,2024-02-03 12:00:00+02:00,C,SD",
    "T2,Closed,2024-02-04 11:00:00+02:00,C,SD",
    "T3,New,2024-02-03 07:00:00+02:00,D,",
    *(f"T{n},New,2024-03-{n - 3:02d} 07:00:00+02:00,E,SD" for n in range(4, 20)),
    *(f"T{n},Resolved,2024-03-{n - 3:02d} 09:00:00+02:00,E,SD" for n in range(4, 20)),
]
# The event-log preset, with a status that stops the clock and the classes named.
MAPPING = replace(
    load_preset("event-log"),
    pause_statuses=frozenset({"Awaiting User Info"}),
    status_classes={
        "New": "new",
        "Assigned": "active",
        "In Progress": "active",
        "Escalated to L2": "active",
        "Awaiting User Info": "waiting",
        "Resolved": "resolved",
        "Reopened": "active",
        "Closed": "closed",
    },
)
TABLES = ("tickets", "ticket_events", "ticket_pauses", "ticket_transitions", "ticket_variants")
TICKET_COLUMNS = TICKETS.column_names
ACCOUNTING = (
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "events_new",
    "events_present",
    "tickets_created",
    "tickets_updated",
    "first_event",
    "last_event",
)


def snapshot(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    """Return every row of the event and derived tables, sorted, the file's path aside."""
    out = {}
    for name in TABLES:
        drop = "EXCLUDE (source_file)" if "source_file" in ws.table(name).columns else ""
        rows = ws.connection.execute(f"SELECT * {drop} FROM {name}").fetchall()
        out[name] = sorted(rows, key=repr)
    return out


def accounting(report: ImportReport) -> tuple[object, ...]:
    return tuple(getattr(report, name) for name in ACCOUNTING)


@pytest.mark.parametrize("batch_events", [1, 2, 7])
def test_batches_give_the_tables_of_one_batch(tmp_path: Path, batch_events: int) -> None:
    log = tmp_path / "log.csv"
    log.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    with karsta.open(tmp_path / "one.karsta") as one:
        whole = import_file(log, workspace=one, mapping=MAPPING)
        expected = snapshot(one)
    with karsta.open(tmp_path / "many.karsta") as many:
        batched = import_file(log, workspace=many, mapping=MAPPING, batch_events=batch_events)
        got = snapshot(many)
    # 48 events: 48, 24 or 7 batches of tickets chosen by hash.
    assert batch_count(len(ROWS), batch_events) == -(-len(ROWS) // batch_events) > 1
    assert accounting(batched) == accounting(whole)
    assert (whole.events_new, whole.tickets_created) == (len(ROWS), 19)
    for name in TABLES:
        assert got[name] == expected[name], name
    assert len(expected["ticket_pauses"]) == 1  # T1 waited for the user
    reopened = [t for t in expected["tickets"] if t[0] == "T2"]
    assert reopened[0][TICKET_COLUMNS.index("reopen_count")] == 1
    assert len(expected["ticket_transitions"]) == len(ROWS)


def test_batches_hold_whole_tickets_and_every_event(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    with karsta.open(tmp_path / "w.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        con = ws.connection
        con.execute(
            "CREATE TEMP TABLE stored AS SELECT * EXCLUDE (seq, event_key) FROM ticket_events"
        )
        constant = {"source_file": "'x'", "source_sequence": "NULL"}
        with split_events(con, "stored", len(ROWS), constant=constant, batch_events=10) as batches:
            assert batches.count == batch_count(len(ROWS), 10) == 5  # 48 events
            seen = [
                con.execute(f"SELECT DISTINCT ticket_id FROM ({batches.source(b)})").fetchall()
                for b in range(batches.count)
            ]
            every = con.execute(f"SELECT count(*), min(source_file) FROM ({batches.everything()})")
            assert every.fetchall() == [(len(ROWS), "x")]
            folder = batches.folder
            assert folder is not None
            assert folder.is_dir()
        assert not folder.exists()  # the batches' files are removed on leaving
    tickets = [t for batch in seen for (t,) in batch]
    assert sorted(tickets) == sorted({r.split(",")[0] for r in ROWS})  # each in one batch
