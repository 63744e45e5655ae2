"""The import's shortcuts give what the general route gives.

A first import of tickets numbers events as it inserts them, values that need no
trimming skip the trim, ISO timestamps with an offset skip the general parse, and
CSV rows are numbered by their place in the scan. Each is checked here against
the route it stands in for.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import karsta
from karsta.ingest import import_file, load_preset
from karsta.ingest.events import event_key
from karsta.ingest.mapping import ReadOptions, SourceMapping
from karsta.ingest.parse import _clean, _timestamp_expr
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
TABLES = ("tickets", "ticket_events", "ticket_pauses")

# Ties in time, identical events (same ticket, time, activity, agent and group) and a
# journal exported after the status history: what numbering events must get right.
ROWS = [
    "T1,New,2024-02-01 08:00:00+02:00,A,SD",
    "T1,Assigned,2024-02-01 08:00:00+02:00,A,SD",
    "T1,Work Note,2024-02-01 08:00:00+02:00,A,SD",
    "T1,Work Note,2024-02-01 08:00:00+02:00,A,SD",
    "T1,Resolved,2024-02-01 09:00:00+02:00,B,L2",
    "T1,Work Note,2024-02-01 08:00:00+02:00,A,SD",
    "T2,New,2024-02-02 10:00:00+02:00,,SD",
    "T2,Work Note,2024-02-02 10:00:00+02:00,,SD",
    "T2,Work Note,2024-02-02 10:00:00+02:00,,SD",
    "T2,Closed,2024-02-02 11:00:00+02:00,C,SD",
    "T3,New,2024-02-03 07:00:00+02:00,D,SD",
]
MAPPING = load_preset("event-log")
ANY_SHARE = "100%"  # rejects are what this test is about


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def snapshot(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    """Return every row of the derived and event tables, sorted, without bookkeeping."""
    out = {}
    for name in TABLES:
        drop = [c for c in ("import_id", "source_file") if c in ws.table(name).columns]
        select = f"SELECT * EXCLUDE ({', '.join(drop)})" if drop else "SELECT *"
        out[name] = sorted(ws.connection.execute(f"{select} FROM {name}").fetchall(), key=repr)
    return out


def test_first_import_equals_merging_into_known_tickets(tmp_path: Path) -> None:
    log = write(tmp_path / "log.csv", ROWS)
    with karsta.open(tmp_path / "fresh.karsta") as fresh:
        first = import_file(log, workspace=fresh, mapping=MAPPING)
        expected = snapshot(fresh)
    # The same file into a workspace that knows T1 from its first line: the import must
    # merge into T1 instead of taking the shortcut, and end in the same state.
    with karsta.open(tmp_path / "merged.karsta") as merged:
        import_file(write(tmp_path / "head.csv", ROWS[:1]), workspace=merged, mapping=MAPPING)
        second = import_file(log, workspace=merged, mapping=MAPPING)
        got = snapshot(merged)
    assert (first.events_new, first.tickets_created, first.tickets_updated) == (11, 3, 0)
    assert (second.events_new, second.events_present) == (10, 1)
    assert (second.tickets_created, second.tickets_updated) == (2, 1)
    assert got == expected
    keys = [r[1] for r in expected["ticket_events"] if r[0] == "T1"]
    assert len(set(keys)) == len(keys) == 6
    # The three identical work notes of T1 are its occurrences 1, 2 and 3.
    probe = (
        "SELECT {key} FROM (SELECT 'T1' AS ticket_id, TIMESTAMPTZ '2024-02-01 06:00:00+00' "
        "AS timestamp, CAST(NULL AS BIGINT) AS source_sequence, 'Work Note' AS activity, "
        "'A' AS agent, 'SD' AS \"group\")"
    )
    con = duckdb.connect()
    occurrences = {
        con.execute(probe.format(key=event_key(str(n)))).fetchall()[0][0] for n in (1, 2, 3)
    }
    assert occurrences <= set(keys)


def test_first_import_orders_ties_by_line(tmp_path: Path) -> None:
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(write(tmp_path / "log.csv", ROWS), workspace=ws, mapping=MAPPING)
        order = ws.connection.execute(
            "SELECT seq, source_row FROM ticket_events WHERE ticket_id = 'T1' ORDER BY seq"
        ).fetchall()
    assert order == [(1, 2), (2, 3), (3, 4), (4, 5), (5, 7), (6, 6)]


def test_new_tickets_beside_known_ones(tmp_path: Path) -> None:
    """A second file of only new tickets takes the shortcut and leaves the rest alone."""
    with karsta.open(tmp_path / "parts.karsta") as parts:
        import_file(write(tmp_path / "a.csv", ROWS[:6]), workspace=parts, mapping=MAPPING)
        report = import_file(write(tmp_path / "b.csv", ROWS[6:]), workspace=parts, mapping=MAPPING)
        got = snapshot(parts)
    with karsta.open(tmp_path / "whole.karsta") as whole:
        import_file(write(tmp_path / "all.csv", ROWS), workspace=whole, mapping=MAPPING)
        expected = snapshot(whole)
    assert (report.tickets_created, report.tickets_updated) == (2, 0)
    for name in ("tickets", "ticket_pauses"):
        assert got[name] == expected[name]
    # Only the lines differ: the second file numbers its rows from 2.
    assert [r[:-1] for r in got["ticket_events"]] == [r[:-1] for r in expected["ticket_events"]]


def test_lines_after_several_rejected_rows(tmp_path: Path, workspace: Workspace) -> None:
    rows = [
        "T1,New,2024-02-01 08:00:00,A",  # line 2: too few columns
        "T1,New,2024-02-01 08:00:00,A,SD",
        "T1,Work,2024-02-01 09:00:00,A,SD,x",  # line 4: too many
        "T1,Work,2024-02-01 09:00:00,A",  # line 5: too few
        "T1,Done,2024-02-01 10:00:00,A,SD",
        "T2,New,2024-02-01 10:00:00,A,SD",
        "T2,Done,2024-02-01 11:00:00",  # line 8
        "T2,Done,2024-02-01 12:00:00,A,SD",
    ]
    report = import_file(
        write(Path(workspace.path).with_name("bad.csv"), rows),
        workspace=workspace,
        mapping=MAPPING,
        max_rejects=ANY_SHARE,
    )
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (8, 4, 4)
    found = workspace.connection.execute(
        "SELECT ticket_id, activity, source_row FROM ticket_events ORDER BY source_row"
    ).fetchall()
    assert found == [("T1", "New", 3), ("T1", "Done", 6), ("T2", "New", 7), ("T2", "Done", 9)]
    lines = workspace.connection.execute("SELECT line FROM rejects ORDER BY line").fetchall()
    assert [line for (line,) in lines] == [2, 4, 5, 8]


# --- value parsing shortcuts against their general forms ----------------------------------

SPACES = ["\u00a0", "\u1680", "\u2000", "\u2009", "\u202f", "\u205f", "\u3000"]
PIECES = st.sampled_from(["a", "Z", "?", "!", "~", " ", "\t", "\x7f", "é", "😀", *SPACES])


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    return connection


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.lists(PIECES, max_size=5).map("".join), min_size=1, max_size=50))
def test_clean_equals_trim_and_markers(con: duckdb.DuckDBPyConnection, values: list[str]) -> None:
    mapping = SourceMapping(
        name="m",
        title="m",
        layout="events",
        columns={"ticket_id": "x", "timestamp": "t"},
        read=ReadOptions(missing=("?", "")),
    )
    general = "CASE WHEN trim(x) IN ('', '?') THEN NULL ELSE trim(x) END"
    rows = con.execute(
        f"SELECT x, {_clean('x', mapping)}, {general} FROM (SELECT unnest($v::VARCHAR[]) AS x)",
        {"v": [*values, None]},
    ).fetchall()
    assert [(x, fast) for x, fast, _ in rows] == [(x, slow) for x, _, slow in rows]


STAMPS = st.builds(
    lambda date, sep, time, space, offset: f"{date}{sep}{time}{space}{offset}",
    st.sampled_from(["2024-03-05", "2024-13-05", "2024-3-5"]),
    st.sampled_from(["T", " "]),
    st.sampled_from(["09:05:00", "09:05", "09:05:00.250", "25:00:00"]),
    st.sampled_from(["", " ", "  ", "\t"]),
    st.sampled_from(["", "Z", "+02:00", "-0530", "+02", "+2:00", " Europe/Helsinki"]),
)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(STAMPS, min_size=1, max_size=40))
def test_offset_timestamps_read_as_in_general(
    con: duckdb.DuckDBPyConnection, values: list[str]
) -> None:
    fast = _timestamp_expr("v", "iso", "Europe/Helsinki", offsets=True)
    general = _timestamp_expr("v", "iso", "Europe/Helsinki")
    rows = con.execute(
        f"SELECT v, {fast}, {general} FROM (SELECT unnest($v::VARCHAR[]) AS v)", {"v": values}
    ).fetchall()
    assert [(v, a) for v, a, _ in rows] == [(v, b) for v, _, b in rows]
