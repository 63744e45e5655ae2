"""The event log sorted once: next known values, variants, and how imports keep them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

import karsta
from karsta.ingest import import_file, load_preset, transitions
from karsta.schema import TICKET_EVENTS
from karsta.workspace import Workspace
from tests.ingest.test_importer import write_log


def t(hour: int) -> datetime:
    return datetime(2024, 3, 4, hour, tzinfo=UTC)


# (ticket, seq, hour, activity, group, agent)
EVENTS = [
    ("A", 1, 8, "New", "SD", None),
    ("A", 2, 9, None, "SD", "a1"),
    ("A", 3, 9, "In Progress", None, None),
    ("A", 4, 12, "Resolved", "L2", "a2"),
    ("B", 1, 10, "New", None, "b1"),
]


def store(ws: Workspace) -> None:
    rows = [
        {
            "ticket_id": ticket,
            "event_key": i,
            "seq": seq,
            "timestamp": t(hour),
            "activity": activity,
            "group": group,
            "agent": agent,
            "source_file": "f.csv",
            "source_row": i + 2,
            "import_id": 1,
        }
        for i, (ticket, seq, hour, activity, group, agent) in enumerate(EVENTS)
    ]
    table = pa.Table.from_pylist(rows, schema=TICKET_EVENTS.ibis_schema().to_pyarrow())
    ws.connection.register("fixture", table)
    ws.connection.execute("INSERT INTO ticket_events BY NAME SELECT * FROM fixture")
    ws.connection.unregister("fixture")


def rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.connection.execute(sql).fetchall()


def test_each_event_gets_the_next_known_value_and_its_time(workspace: Workspace) -> None:
    store(workspace)
    transitions.derive(workspace, workspace.table("ticket_events"))
    got = rows(
        workspace,
        "SELECT ticket_id, seq, next_activity, next_activity_at, next_group, next_group_at, "
        "next_agent, next_agent_at, next_level FROM ticket_transitions ORDER BY 1, 2",
    )
    assert got == [
        ("A", 1, "In Progress", t(9), "SD", t(9), "a1", t(9), None),  # skips the unknowns
        ("A", 2, "In Progress", t(9), "L2", t(12), "a2", t(12), None),
        ("A", 3, "Resolved", t(12), "L2", t(12), "a2", t(12), None),
        ("A", 4, None, None, None, None, None, None, None),
        ("B", 1, None, None, None, None, None, None, None),
    ]


def test_each_ticket_gets_its_variant(workspace: Workspace) -> None:
    store(workspace)
    transitions.derive(workspace, workspace.table("ticket_events"))
    got = rows(workspace, "SELECT * FROM ticket_variants ORDER BY 1")
    assert got == [
        ("A", "New\x1fIn Progress\x1fResolved", 3, t(8), t(12)),
        ("B", "New", 1, t(10), t(10)),
    ]


def test_a_workspace_imported_before_the_tables_existed_is_caught_up(
    workspace: Workspace,
) -> None:
    store(workspace)  # events of tickets A and B, no transitions yet
    events = workspace.table("ticket_events")
    transitions.derive(workspace, events.filter(events.ticket_id == "B"))
    assert rows(workspace, "SELECT count(*) FROM ticket_transitions") == [(5,)]
    assert rows(workspace, "SELECT ticket_id FROM ticket_variants ORDER BY 1") == [("A",), ("B",)]


def stored(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    return {
        name: sorted(ws.connection.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
        for name in transitions.TABLES
    }


def log_rows(prefix: str, n: int, day: int) -> list[str]:
    return [
        row
        for i in range(n)
        for row in (
            f"{prefix}{i},New,2024-02-{day:02d} 08:{i % 60:02d}:00,,SD",
            f"{prefix}{i},In Progress,2024-02-{day:02d} 09:{i % 60:02d}:00,Agent {i % 3},SD",
            f"{prefix}{i},Resolved,2024-02-{day + 1:02d} 09:{i % 60:02d}:00,Agent {i % 5},L2",
        )
    ]


def test_imports_in_parts_store_what_one_import_stores(tmp_path: Path) -> None:
    # The second part adds events to tickets of the first (T0–T9) and new tickets (U*).
    first = write_log(tmp_path / "a.csv", log_rows("T", 20, 1))
    second = write_log(
        tmp_path / "b.csv",
        [f"T{i},Reopened,2024-02-03 10:00:00,Agent 1,L2" for i in range(10)] + log_rows("U", 5, 4),
    )
    both = write_log(tmp_path / "all.csv", [*read_rows(first), *read_rows(second)])
    with karsta.open(tmp_path / "parts.karsta") as ws:
        for path in (first, second, second):  # the repeat changes nothing
            import_file(path, workspace=ws, mapping=load_preset("event-log"))
        parts = stored(ws)
        assert ws.count("ticket_transitions") == ws.count("ticket_events") == 3 * 25 + 10
    with karsta.open(tmp_path / "once.karsta") as ws:
        import_file(both, workspace=ws, mapping=load_preset("event-log"))
        assert stored(ws) == parts
    reopened = [r for r in parts["ticket_variants"] if r[0] == "T3"]
    assert reopened[0][1:3] == ("New\x1fIn Progress\x1fResolved\x1fReopened", 4)


KILL_IN_DERIVE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import karsta
    from karsta.ingest import import_file, load_preset, transitions

    def boom(events):  # after the transitions are inserted, before the variants
        os.kill(os.getpid(), signal.SIGKILL)

    transitions.ticket_variants = boom
    ws = karsta.open(sys.argv[1])
    import_file(Path(sys.argv[2]), workspace=ws, mapping=load_preset("event-log"))
    """
)


def test_import_killed_while_deriving_them_leaves_them_unchanged(tmp_path: Path) -> None:
    workspace = tmp_path / "t.karsta"
    first = write_log(tmp_path / "a.csv", log_rows("T", 10, 1))
    second = write_log(tmp_path / "b.csv", log_rows("T", 30, 5))
    with karsta.open(workspace) as ws:
        import_file(first, workspace=ws, mapping=load_preset("event-log"))
        before = stored(ws)
    script = tmp_path / "killer.py"
    script.write_text(KILL_IN_DERIVE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(workspace), str(second)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr.decode()
    with karsta.open(workspace) as ws:
        assert stored(ws) == before
        import_file(second, workspace=ws, mapping=load_preset("event-log"))
        assert ws.count("ticket_transitions") == ws.count("ticket_events")


def read_rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[1:]
