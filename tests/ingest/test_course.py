"""A ticket's course on a small event log worked out by hand: resolutions, closings, reopens
and the resolving group, for an event log and for a source whose rows are snapshots.

Times are Helsinki wall clock in January (UTC+2). "Pending" has no status class.

C1  New 09:00 SD/A1 → Closed 09:05 (no agent, no group)
    closed without ever being resolved: closed, not resolved.
C2  New 09:00 SD → Resolved 10:00 SD → Active 11:00 SD → Closed 12:00 SD
    resolved, reopened, then closed without a new resolution: the last stay in a resolved
    status began at 10:00 (08:00 UTC); one reopen.
R1  New 09:00 → Active 09:30 → Resolved 10:00 → Pending 11:00 → Active 12:00
    → Resolved 13:00 → Closed 14:00, all SD/A1
    the unclassified Pending is passed over: Resolved → Pending → Active is one reopen;
    the final resolution is the second stay, 13:00 (11:00 UTC).
R2  New 09:00 → Resolved 10:00 → Pending 11:00 → Resolved 12:00 → Closed 13:00, SD/A1
    Pending does not break the stay: resolved at 10:00 (08:00 UTC), no reopen.
G1  New 09:00 SD/A1 → Active 10:00 L2/A2 → Resolved 11:00 (no group, no agent)
    → Closed 12:00 (no group, no agent)
    event log: the resolving event records no group or agent, so both are carried forward
    from the Active event at 10:00 (08:00 UTC): L2 and A2, level 2 (not the intake group).
    Snapshots: the record had no group or agent when resolved; both stay empty, level unknown.
G2  New 09:00 SD/A1 → Resolved 10:00 SD/A1: read from the resolving event itself.

Reopens in the process view: C2 one, R1 one: 2 reopens in 2 tickets, as the tickets'
reopen counts add up to. Before the one definition, the ticket facts gave R1 none.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.ingest import import_file, load_mapping_file
from karsta.process import ProcessAnalysis
from karsta.summary import summarise
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
ROWS = [
    "C1,New,2024-01-08 09:00:00,A1,SD",
    "C1,Closed,2024-01-08 09:05:00,,",
    "C2,New,2024-01-08 09:00:00,A1,SD",
    "C2,Resolved,2024-01-08 10:00:00,A1,SD",
    "C2,Active,2024-01-08 11:00:00,A1,SD",
    "C2,Closed,2024-01-08 12:00:00,A1,SD",
    "R1,New,2024-01-08 09:00:00,A1,SD",
    "R1,Active,2024-01-08 09:30:00,A1,SD",
    "R1,Resolved,2024-01-08 10:00:00,A1,SD",
    "R1,Pending,2024-01-08 11:00:00,A1,SD",
    "R1,Active,2024-01-08 12:00:00,A1,SD",
    "R1,Resolved,2024-01-08 13:00:00,A1,SD",
    "R1,Closed,2024-01-08 14:00:00,A1,SD",
    "R2,New,2024-01-08 09:00:00,A1,SD",
    "R2,Resolved,2024-01-08 10:00:00,A1,SD",
    "R2,Pending,2024-01-08 11:00:00,A1,SD",
    "R2,Resolved,2024-01-08 12:00:00,A1,SD",
    "R2,Closed,2024-01-08 13:00:00,A1,SD",
    "G1,New,2024-01-08 09:00:00,A1,SD",
    "G1,Active,2024-01-08 10:00:00,A2,L2",
    "G1,Resolved,2024-01-08 11:00:00,,",
    "G1,Closed,2024-01-08 12:00:00,,",
    "G2,New,2024-01-08 09:00:00,A1,SD",
    "G2,Resolved,2024-01-08 10:00:00,A1,SD",
]
MAPPING = """
extends: event-log
name: course-log
infer_status_classes: false  # Pending stays without a class
status_classes:
  new: [New]
  active: [Active]
  resolved: [Resolved]
  closed: [Closed]
"""


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _import(folder: Path, extra: str = "") -> Workspace:
    """Return a workspace in `folder` with the log imported (mapping plus `extra` lines)."""
    log = folder / "log.csv"
    log.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    mapping = folder / "mapping.yaml"
    mapping.write_text(MAPPING + extra, encoding="utf-8")
    ws = karsta.open(folder / "t.karsta")
    import_file(log, workspace=ws, mapping=load_mapping_file(mapping))
    return ws


def _import_again(folder: Path, ws: Workspace) -> list[str]:
    """Import the same log into `ws` again; return the import's notes."""
    mapping = load_mapping_file(folder / "mapping.yaml")
    report = import_file(folder / "log.csv", workspace=ws, mapping=mapping)
    assert report.events_new == 0
    return report.notes


def tickets(ws: Workspace) -> dict[str, dict[str, Any]]:
    rows = ws.table("tickets").to_pyarrow().to_pylist()
    return {row["ticket_id"]: row for row in rows}


@pytest.fixture(scope="module")
def event_log(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = _import(tmp_path_factory.mktemp("events"))
    yield ws
    ws.close()


def test_closed_without_being_resolved_is_closed_not_resolved(event_log: Workspace) -> None:
    c1 = tickets(event_log)["C1"]
    assert c1["resolved_at"] is None
    assert c1["closed_at"] == utc("2024-01-08 07:05")
    assert (c1["status_class"], c1["reopen_count"]) == ("closed", 0)
    assert (c1["resolving_group"], c1["resolving_level"]) == (None, None)


def test_closed_after_a_reopen_keeps_the_last_resolved_stay(event_log: Workspace) -> None:
    c2 = tickets(event_log)["C2"]
    assert c2["resolved_at"] == utc("2024-01-08 08:00")
    assert c2["closed_at"] == utc("2024-01-08 10:00")
    assert c2["reopen_count"] == 1


def test_unclassified_statuses_are_passed_over(event_log: Workspace) -> None:
    facts = tickets(event_log)
    r1, r2 = facts["R1"], facts["R2"]
    assert (r1["reopen_count"], r1["resolved_at"]) == (1, utc("2024-01-08 11:00"))
    assert (r2["reopen_count"], r2["resolved_at"]) == (0, utc("2024-01-08 08:00"))


def test_the_process_view_counts_the_same_reopens(event_log: Workspace) -> None:
    reopens = ProcessAnalysis(event_log).rework().reopens
    counted = sum(t["reopen_count"] for t in tickets(event_log).values())
    reopened = sum(1 for t in tickets(event_log).values() if t["reopen_count"])
    assert (reopens["reopens"], reopens["tickets"]) == (counted, reopened) == (2, 2)


def test_an_event_log_carries_the_resolving_group_forward(event_log: Workspace) -> None:
    facts = tickets(event_log)
    g1, g2 = facts["G1"], facts["G2"]
    assert (g1["resolving_group"], g1["resolving_agent"], g1["resolving_level"]) == ("L2", "A2", 2)
    assert g1["resolving_group_carried_from"] == utc("2024-01-08 08:00")
    assert g1["resolving_agent_carried_from"] == utc("2024-01-08 08:00")
    assert (g2["resolving_group"], g2["resolving_level"]) == ("SD", 1)
    assert (g2["resolving_group_carried_from"], g2["resolving_agent_carried_from"]) == (None, None)


def test_snapshot_rows_keep_an_empty_group_empty(tmp_path: Path) -> None:
    with _import(tmp_path, "rows: snapshots\n") as ws:
        facts = tickets(ws)
    g1, g2 = facts["G1"], facts["G2"]
    assert (g1["resolving_group"], g1["resolving_agent"], g1["resolving_level"]) == (
        None,
        None,
        None,
    )
    assert g1["resolving_group_carried_from"] is None
    assert (g2["resolving_group"], g2["resolving_level"]) == ("SD", 1)
    # The other facts do not depend on what a row is.
    assert facts["R1"]["reopen_count"] == 1
    assert facts["C1"]["resolved_at"] is None


def test_an_earlier_version_s_workspace_is_derived_again_at_the_next_import(
    tmp_path: Path,
) -> None:
    # A workspace as an earlier version left it: no record of the rules its facts follow,
    # no carried-forward column, and C1's closing read as its resolution.
    with _import(tmp_path) as ws:
        ws.connection.execute("DELETE FROM settings WHERE key = 'facts_version'")
        ws.connection.execute("ALTER TABLE tickets DROP COLUMN resolving_group_carried_from")
        ws.connection.execute("UPDATE tickets SET resolved_at = closed_at WHERE ticket_id = 'C1'")
    with karsta.open(tmp_path / "t.karsta") as ws:
        # Opening adds the new column, empty; the facts stay as they were until derived.
        old = tickets(ws)
        assert old["G1"]["resolving_group_carried_from"] is None
        assert old["C1"]["resolved_at"] == utc("2024-01-08 07:05")
        assert summarise(ws).facts_outdated
        # Importing the same file again adds no event but derives every ticket again.
        notes = _import_again(tmp_path, ws)
        assert notes[-1].startswith("every ticket's facts derived again")
        facts = tickets(ws)
        assert facts["C1"]["resolved_at"] is None
        assert facts["G1"]["resolving_group_carried_from"] == utc("2024-01-08 08:00")
        assert ws.count("ticket_transitions") == len(ROWS)
        assert not summarise(ws).facts_outdated
        # Once derived under the current rules, an import derives only what it changes.
        assert not any("derived again" in note for note in _import_again(tmp_path, ws))
