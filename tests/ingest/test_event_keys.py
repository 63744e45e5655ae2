"""Event keys: integers, and the keys of workspaces made by earlier versions made again."""

from __future__ import annotations

from pathlib import Path

import pytest

import karsta
from karsta.ingest import ImportFailed, import_file, load_preset
from karsta.ingest.event_keys import KEY_SETTING, key_scheme
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
MAPPING = load_preset("event-log")
ROWS = [
    "T1,New,2024-02-01 08:00:00,,SD",
    "T1,Work Note,2024-02-01 09:00:00,Agent 1,SD",
    "T1,Work Note,2024-02-01 09:00:00,Agent 1,SD",  # the same event twice: two occurrences
    "T1,Resolved,2024-02-01 10:00:00,Agent 1,SD",
    "T2,New,2024-02-02 08:00:00,,SD",
    "T2,Resolved,2024-02-02 09:30:00,Agent 2,L2",
]
# The key of an earlier version: the MD5 of the identity's text, '#', the occurrence.
OLD_KEY = """md5(concat_ws('|', coalesce(CAST(ticket_id AS VARCHAR), ''),
    coalesce(CAST("timestamp" AS VARCHAR), ''), coalesce(CAST(source_sequence AS VARCHAR), ''),
    coalesce(CAST(activity AS VARCHAR), ''), coalesce(CAST(agent AS VARCHAR), ''),
    coalesce(CAST("group" AS VARCHAR), ''))) || '#' || CAST(row_number() OVER (
    PARTITION BY ticket_id, "timestamp", source_sequence, activity, agent, "group"
    ORDER BY seq) AS VARCHAR)"""


def write_log(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def keys(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.connection.execute(
        "SELECT ticket_id, seq, event_key FROM ticket_events ORDER BY ALL"
    ).fetchall()


def key_type(ws: Workspace) -> str:
    row = ws.connection.execute(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'ticket_events' AND column_name = 'event_key'"
    ).fetchone()
    assert row is not None
    return str(row[0])


def fresh_keys(tmp_path: Path, log: Path) -> list[tuple[object, ...]]:
    with karsta.open(tmp_path / "fresh.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        return keys(ws)


def as_earlier_version(ws: Workspace) -> None:
    """Give the workspace the text keys and settings an earlier version wrote."""
    con = ws.connection
    con.execute("ALTER TABLE ticket_events ALTER event_key TYPE VARCHAR USING ''")
    con.execute(
        f"UPDATE ticket_events SET event_key = k.old FROM (SELECT rowid AS place, {OLD_KEY} "
        "AS old FROM ticket_events) k WHERE ticket_events.rowid = k.place"
    )
    con.execute("DELETE FROM settings WHERE key = ?", [KEY_SETTING])


def test_keys_are_integers_and_identical_events_count_twice(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", ROWS)
    with karsta.open(tmp_path / "t.karsta") as ws:
        report = import_file(log, workspace=ws, mapping=MAPPING)
        assert key_type(ws) == "BIGINT"
        assert report.events_new == 6  # six rows, six events: the repeated row is two
        stored = keys(ws)
        assert len({(t, k) for t, _, k in stored}) == 6  # every key unique in its ticket
        assert ws.setting(KEY_SETTING) == key_scheme(ws)


def test_text_keys_of_an_earlier_version_are_made_again_at_the_next_import(
    tmp_path: Path,
) -> None:
    log = write_log(tmp_path / "log.csv", ROWS)
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        as_earlier_version(ws)
        assert key_type(ws) == "VARCHAR"
        # The same rows again: every event is found, none added (the repeated row included).
        again = import_file(log, workspace=ws, mapping=MAPPING)
        assert (again.events_new, again.events_present) == (0, 6)
        assert key_type(ws) == "BIGINT"
        assert keys(ws) == fresh_keys(tmp_path, log)
        assert any("event keys" in note for note in again.notes)
        # A later export repeats these rows and adds one event: only that one is new.
        more = write_log(tmp_path / "more.csv", [*ROWS, "T2,Closed,2024-02-07 09:30:00,,L2"])
        report = import_file(more, workspace=ws, mapping=MAPPING)
        assert (report.events_new, report.events_present) == (1, 6)
        assert ws.count("ticket_events") == 7


def test_keys_are_made_again_when_the_hash_changes(tmp_path: Path) -> None:
    # As after a DuckDB release that hashes differently: the stored keys no longer match.
    log = write_log(tmp_path / "log.csv", ROWS)
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        ws.connection.execute("UPDATE ticket_events SET event_key = event_key + 1")
        ws.set_setting(KEY_SETTING, "another scheme")
        again = import_file(log, workspace=ws, mapping=MAPPING)
        assert (again.events_new, again.events_present) == (0, 6)
        assert keys(ws) == fresh_keys(tmp_path, log)
        assert ws.setting(KEY_SETTING) == key_scheme(ws)


def test_a_failed_import_leaves_the_text_keys_as_they_were(tmp_path: Path) -> None:
    # Refused inside its transaction (the same file with other options), after the keys
    # were made again: the transaction takes that back too.
    log = write_log(tmp_path / "log.csv", ROWS)
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=MAPPING)
        as_earlier_version(ws)
        before = keys(ws)
        with pytest.raises(ImportFailed, match="with other options"):
            import_file(log, workspace=ws, mapping=MAPPING.with_timezone("UTC"))
        assert key_type(ws) == "VARCHAR"
        assert keys(ws) == before
        assert ws.setting(KEY_SETTING) is None
