"""Derived ticket facts on a small event log computed by hand (Helsinki winter time, UTC+2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.ingest import import_file, load_mapping_file
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
ROWS = [
    # T1: reassigned SD -> L2 once, waits for the customer 2 h, resolved, reopened, closed.
    "T1,New,2024-01-08 09:00:00,A1,SD",
    "T1,Active,2024-01-08 09:30:00,A1,SD",
    "T1,Waiting for customer,2024-01-08 10:00:00,A1,SD",
    "T1,Active,2024-01-08 12:00:00,A2,L2",
    "T1,Resolved,2024-01-08 13:00:00,A2,L2",
    "T1,Active,2024-01-09 08:00:00,A2,L2",
    "T1,Resolved,2024-01-09 09:00:00,A2,L2",
    "T1,Closed,2024-01-12 09:00:00,A2,L2",
    # T2: two events in the same second: the file's order decides.
    "T2,New,2024-01-10 10:00:00,,SD",
    "T2,Resolved,2024-01-10 10:00:00,A3,SD",
    # T3: still waiting for the customer.
    "T3,New,2024-01-11 08:00:00,,SD",
    "T3,Waiting for customer,2024-01-11 09:00:00,A1,SD",
]
MAPPING = """
extends: event-log
name: test-log
status_classes:
  new: [New]
  active: [Active]
  waiting: [Waiting for customer]
  resolved: [Resolved]
  closed: [Closed]
pause_statuses: [Waiting for customer]
"""


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    folder = tmp_path_factory.mktemp("derive")
    log = folder / "log.csv"
    log.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    mapping_file = folder / "mapping.yaml"
    mapping_file.write_text(MAPPING, encoding="utf-8")
    ws = karsta.open(folder / "t.karsta")
    import_file(log, workspace=ws, mapping=load_mapping_file(mapping_file))
    yield ws
    ws.close()


def ticket(ws: Workspace, ticket_id: str) -> dict[str, Any]:
    rows = ws.table("tickets").filter(lambda t: t.ticket_id == ticket_id).to_pyarrow().to_pylist()
    assert len(rows) == 1
    return dict(rows[0])


def test_resolved_reopened_reassigned_ticket(workspace: Workspace) -> None:
    t1 = ticket(workspace, "T1")
    assert t1["opened_at"] == utc("2024-01-08 07:00")
    assert t1["first_response_at"] == utc("2024-01-08 07:30")
    assert t1["resolved_at"] == utc("2024-01-09 07:00")  # the final resolution, after the reopen
    assert t1["closed_at"] == utc("2024-01-12 07:00")
    assert t1["reopen_count"] == 1
    assert t1["reassignment_count"] == 1  # group and agent changed on the same event
    assert (t1["group_count"], t1["agent_count"]) == (2, 2)
    assert (t1["intake_group"], t1["resolving_group"], t1["resolving_agent"]) == ("SD", "L2", "A2")
    assert t1["responsible_group"] == "L2"  # resolved: the resolving group
    assert t1["resolving_level"] == 2
    assert t1["pause_seconds"] == 2 * 3600
    assert (t1["status"], t1["status_class"], t1["event_count"]) == ("Closed", "closed", 8)


def test_tied_timestamps_follow_the_file_order(workspace: Workspace) -> None:
    t2 = ticket(workspace, "T2")
    assert t2["status"] == "Resolved"
    assert t2["resolved_at"] == utc("2024-01-10 08:00")
    assert t2["closed_at"] is None
    assert t2["resolving_level"] == 1
    assert t2["reassignment_count"] == 0  # an agent appearing is not a reassignment
    assert t2["agent_count"] == 1


def test_open_ticket_has_no_resolution_and_an_open_pause(workspace: Workspace) -> None:
    t3 = ticket(workspace, "T3")
    assert (t3["resolved_at"], t3["closed_at"], t3["resolving_group"]) == (None, None, None)
    assert t3["responsible_group"] == "SD"  # open: the group holding it now
    assert t3["status_class"] == "waiting"
    assert t3["pause_seconds"] == 0
    pauses = workspace.table("ticket_pauses").order_by(["ticket_id", "started_at"])
    assert pauses.to_pyarrow().to_pylist() == [
        {
            "ticket_id": "T1",
            "status": "Waiting for customer",
            "started_at": utc("2024-01-08 08:00"),
            "ended_at": utc("2024-01-08 10:00"),
        },
        {
            "ticket_id": "T3",
            "status": "Waiting for customer",
            "started_at": utc("2024-01-11 07:00"),
            "ended_at": None,
        },
    ]


def test_events_are_numbered_within_tickets(workspace: Workspace) -> None:
    events = workspace.table("ticket_events").filter(lambda e: e.ticket_id == "T2")
    rows = events.order_by("seq").select("seq", "activity", "source_row").to_pyarrow().to_pylist()
    assert rows == [
        {"seq": 1, "activity": "New", "source_row": 10},
        {"seq": 2, "activity": "Resolved", "source_row": 11},
    ]


def test_without_status_classes_the_facts_stay_empty(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text("extends: event-log\ninfer_status_classes: false\n", encoding="utf-8")
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=load_mapping_file(mapping_file))
        t1 = ticket(ws, "T1")
    assert t1["opened_at"] == utc("2024-01-08 07:00")
    assert (t1["first_response_at"], t1["resolved_at"], t1["closed_at"]) == (None, None, None)
    assert t1["reassignment_count"] == 1


def test_a_user_limited_to_a_group_sees_its_open_tickets(workspace: Workspace) -> None:
    from karsta.web.access import DataScope

    # Resolved by SD: T2; held by SD while open: T3 (T1 was resolved by L2).
    seen = DataScope(groups=("SD",)).process_filters()
    tickets = workspace.table("tickets")
    kept = tickets.filter([tickets[c].isin(v) for c, v in seen.ticket_attributes.items()]).ticket_id
    assert sorted(kept.to_pyarrow().to_pylist()) == ["T2", "T3"]
