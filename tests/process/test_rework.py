"""Repeated activities and reopen loops on the hand-checked log."""

from __future__ import annotations

from collections.abc import Callable

from karsta.process import ProcessAnalysis
from karsta.workspace import Workspace
from tests.process.fixtures import HOUR


def test_repeats_by_activity_and_person(hand_log: Workspace) -> None:
    result = ProcessAnalysis(hand_log).rework()
    rows = {r["activity"]: r for r in result.to_dict()["repeats"]}
    assert set(rows) == {"Active", "Resolved"}
    # Active again at 7 h (a2 after a1, for 3 h) and at 12 h (a3 after a2, for 1 h).
    active = rows["Active"]
    assert (active["repeats"], active["same_person"], active["other_person"]) == (2, 0, 2)
    assert active["added_s"] == 4 * HOUR
    # Resolved again at 13 h by a1, as the first time; it stays until 37 h.
    resolved = rows["Resolved"]
    assert (resolved["repeats"], resolved["same_person"], resolved["added_s"]) == (1, 1, 24 * HOUR)
    assert result.tickets == 1


def test_reopen_adds_the_time_to_the_next_resolution(hand_log: Workspace) -> None:
    result = ProcessAnalysis(hand_log).rework()
    assert result.reopens == {"reopens": 1, "tickets": 1, "added_s": 3 * HOUR}
    assert result.has_status_classes


def test_a_reopen_never_resolved_again_counts_to_the_last_event(
    log_workspace: Callable[..., Workspace],
) -> None:
    ws = log_workspace(
        [
            ("R", 0, "New", "G1", "a1", 1),
            ("R", 2, "Resolved", "G1", "a1", 1),
            ("R", 5, "Active", "G1", "a1", 1),
            ("R", 9, "Awaiting User Info", "G1", "a1", 1),
        ]
    )
    assert ProcessAnalysis(ws).rework().reopens == {
        "reopens": 1,
        "tickets": 1,
        "added_s": 7 * HOUR,
    }


def test_same_another_and_unknown_person_add_up_to_the_repeats(
    log_workspace: Callable[..., Workspace],
) -> None:
    # P: Active by a1, again with no agent (unknown: one side is missing), Awaiting by
    # a1 then a2 (another person), Active a third time by a2 (after the unknown: unknown).
    ws = log_workspace(
        [
            ("P", 0, "New", "G1", "a1", 1),
            ("P", 1, "Active", "G1", "a1", 1),
            ("P", 2, "Awaiting User Info", "G1", "a1", 1),
            ("P", 3, "Active", "G1", None, 1),
            ("P", 4, "Awaiting User Info", "G1", "a2", 1),
            ("P", 5, "Active", "G1", "a2", 1),
        ]
    )
    rows = {r["activity"]: r for r in ProcessAnalysis(ws).rework().to_dict()["repeats"]}
    counts = {
        a: (r["repeats"], r["same_person"], r["other_person"], r["unknown_person"])
        for a, r in rows.items()
    }
    assert counts == {"Active": (2, 0, 0, 2), "Awaiting User Info": (1, 0, 1, 0)}
    for r in rows.values():
        assert r["same_person"] + r["other_person"] + r["unknown_person"] == r["repeats"]
