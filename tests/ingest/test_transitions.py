"""The event log sorted once: next known values, variants, and how imports keep them."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from karsta.ingest import transitions
from karsta.schema import TICKET_EVENTS
from karsta.workspace import Workspace


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
            "event_key": f"{ticket}{seq}",
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
