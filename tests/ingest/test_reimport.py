"""The same file imported again: with the same options nothing changes, with others it is
refused, and `replace` reads it again in one transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import karsta
from karsta.ingest import ImportFailed, import_file, load_preset
from karsta.ingest.mapping import SourceMapping
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
MAPPING = load_preset("event-log")


def write_log(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def rows(n_tickets: int) -> list[str]:
    out = []
    for i in range(n_tickets):
        out += [
            f"T{i},New,2024-02-01 08:{i % 60:02d}:00,Agent {i % 7},SD",
            f"T{i},Resolved,2024-02-02 09:{i % 60:02d}:00,Agent {i % 5},L2",
        ]
    return out


def table(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.connection.execute(sql).fetchall()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_same_file_with_another_time_zone_is_refused(tmp_path: Path) -> None:
    # The scenario: a file imported, then imported again with --timezone UTC. Its
    # naive times become other instants, so every event would be added a second time.
    log = write_log(tmp_path / "log.csv", rows(50))
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        before = table(ws, "SELECT * FROM ticket_events ORDER BY ALL")
        with pytest.raises(ImportFailed) as caught:
            import_file(log, workspace=ws, mapping=MAPPING.with_timezone("UTC"))
        assert table(ws, "SELECT * FROM ticket_events ORDER BY ALL") == before
        assert ws.count("imports") == 1
        (started,) = table(ws, "SELECT started_at FROM imports")[0]
    message = str(caught.value)
    assert str(log) in message
    assert f"import 1 of {started:%Y-%m-%d %H:%M} UTC" in message
    assert "time zone Europe/Helsinki (now UTC)" in message
    assert "--replace" in message


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"timestamp_format": "%Y-%m-%d %H:%M:%S"}, "timestamp format detected (now %Y-%m"),
        ({"encoding": "cp1252"}, "encoding detected (now cp1252)"),
        ({"delimiter": ","}, "delimiter detected (now ',')"),
    ],
)
def test_each_reading_option_is_compared(
    tmp_path: Path, change: dict[str, str], named: str
) -> None:
    log = write_log(tmp_path / "log.csv", rows(3))
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        with pytest.raises(ImportFailed, match="with other options") as caught:
            import_file(log, workspace=ws, mapping=MAPPING.with_read(**change))
    assert named in str(caught.value)


def test_pseudonymisation_and_mapping_rules_are_compared(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", rows(3))
    closed = SourceMapping(
        name=MAPPING.name,
        title=MAPPING.title,
        layout=MAPPING.layout,
        columns=MAPPING.columns,
        status_classes={"New": "new", "Resolved": "resolved"},
    )
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        # Pseudonymisation is the workspace's: asking for it now is refused before the
        # readings are compared.
        with pytest.raises(ImportFailed, match="this workspace is not pseudonymised"):
            import_file(log, workspace=ws, mapping=MAPPING, pseudonym_key=b"k" * 32)
        with pytest.raises(ImportFailed, match=r"mapping rules [0-9a-f]+ \(now [0-9a-f]+\)"):
            import_file(log, workspace=ws, mapping=closed)


def test_same_file_under_another_name_is_the_same_file(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", rows(3))
    copy = tmp_path / "copy.csv"
    copy.write_bytes(log.read_bytes())
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        again = import_file(copy, workspace=ws, mapping=MAPPING)  # same options: no change
        assert (again.events_new, again.events_present) == (0, 6)
        with pytest.raises(ImportFailed, match="import 2 of"):  # the latest reading
            import_file(copy, workspace=ws, mapping=MAPPING.with_timezone("UTC"))


def test_replace_reads_the_file_again_in_one_transaction(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", rows(50))
    other = write_log(tmp_path / "other.csv", ["U1,New,2024-02-03 10:00:00,A,SD"])
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        import_file(other, workspace=ws, mapping=MAPPING)
        report = import_file(log, workspace=ws, mapping=MAPPING.with_timezone("UTC"), replace=True)
        events = table(
            ws, "SELECT ticket_id, activity, timestamp, import_id FROM ticket_events ORDER BY ALL"
        )
        t0 = table(ws, "SELECT opened_at, resolved_at FROM tickets WHERE ticket_id = 'T0'")
        imports = table(ws, "SELECT import_id, replaced_by FROM imports ORDER BY 1")
        assert ws.count("tickets") == 51
    # 100 events removed and read again; the other file's event stays as it was.
    assert (report.events_removed, report.events_new, report.events_present) == (100, 100, 0)
    assert (report.tickets_updated, report.tickets_created, report.tickets_removed) == (50, 0, 0)
    assert report.replaced == [1]
    assert imports == [(1, 3), (2, None), (3, None)]
    assert len(events) == 101
    assert ("U1", "New", utc("2024-02-03 08:00"), 2) in events  # Helsinki, UTC+2 in February
    # T0: New 2024-02-01 08:00 and Resolved 2024-02-02 09:00, now read as UTC.
    assert ("T0", "New", utc("2024-02-01 08:00"), 3) in events
    # "Resolved" is classified from its name: resolved at its event, now read as UTC.
    assert t0 == [(utc("2024-02-01 08:00"), utc("2024-02-02 09:00"))]


def test_replace_with_the_same_options_changes_only_the_bookkeeping(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", rows(5))
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        before = table(ws, "SELECT * EXCLUDE (import_id) FROM ticket_events ORDER BY ALL")
        facts = table(ws, "SELECT * FROM tickets ORDER BY ALL")
        report = import_file(log, workspace=ws, mapping=MAPPING, replace=True)
        assert table(ws, "SELECT * EXCLUDE (import_id) FROM ticket_events ORDER BY ALL") == before
        assert table(ws, "SELECT * FROM tickets ORDER BY ALL") == facts
    assert (report.events_removed, report.events_new) == (10, 10)


def test_replace_drops_tickets_left_without_events(tmp_path: Path) -> None:
    # The file first read with the case column as ticket; read again with the mapping
    # fixed to take the ticket from another column, T0 and T1 lose all their events.
    path = tmp_path / "log.csv"
    path.write_text(
        "case,parent,activity,time\nT0,P1,New,2024-02-01 08:00:00\nT1,P1,New,2024-02-01 09:00:00\n",
        encoding="utf-8",
    )
    by_case = SourceMapping(
        name="desk",
        title="desk",
        layout="events",
        columns={"ticket_id": "case", "activity": "activity", "timestamp": "time"},
    )
    by_parent = SourceMapping(
        name="desk",
        title="desk",
        layout="events",
        columns={"ticket_id": "parent", "activity": "activity", "timestamp": "time"},
    )
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(path, workspace=ws, mapping=by_case)
        report = import_file(path, workspace=ws, mapping=by_parent, replace=True)
        tickets = table(ws, "SELECT ticket_id, event_count FROM tickets ORDER BY 1")
        events = table(ws, "SELECT DISTINCT ticket_id FROM ticket_events")
        pauses = table(ws, "SELECT count(*) FROM ticket_pauses WHERE ticket_id LIKE 'T%'")
    assert tickets == [("P1", 2)]
    assert events == [("P1",)]
    assert pauses == [(0,)]
    assert (report.tickets_removed, report.tickets_created, report.events_removed) == (2, 1, 2)


def test_replace_that_fails_changes_nothing(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", rows(5))
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        before = table(ws, "SELECT * FROM ticket_events ORDER BY ALL")
        # Read with a timestamp format that fits no row: every row is rejected.
        bad = MAPPING.with_read(timestamp_format="%d.%m.%Y")
        with pytest.raises(ImportFailed, match="rows were rejected"):
            import_file(log, workspace=ws, mapping=bad, replace=True)
        assert table(ws, "SELECT * FROM ticket_events ORDER BY ALL") == before
        assert table(ws, "SELECT replaced_by FROM imports") == [(None,)]


def test_options_are_recorded_with_the_import(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", rows(2))
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING.with_read(decimal=","))
        (options,) = table(ws, "SELECT options FROM imports")[0]
    recorded = json.loads(options)
    assert recorded["format"] == "csv"
    assert recorded["mapping"] == "event-log"
    assert recorded["timezone"] == "Europe/Helsinki"
    assert recorded["decimal"] == ","
    assert recorded["encoding"] is None  # detected
    assert recorded["pseudonymised"] is False
