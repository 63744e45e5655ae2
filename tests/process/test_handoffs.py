"""Hand-offs, ping-pong and escalation bounces on the hand-checked log."""

from __future__ import annotations

from collections.abc import Callable

from karsta.process import ProcessAnalysis
from karsta.process.requirements import GROUP, LEVEL
from karsta.workspace import Workspace
from tests.process.fixtures import HOUR
from tests.process.logs import Event


def test_group_handoffs(hand_log: Workspace) -> None:
    result = ProcessAnalysis(hand_log).handoffs(by="group", max_nodes=1)
    network = {(r["source"], r["target"]): r for r in result.to_dict()["network"]}
    assert set(network) == {("G1", "G2"), ("G2", "G1")}
    assert network["G1", "G2"]["gap_total_s"] == 4 * HOUR  # last G1 event 3 h, G2 at 7 h
    assert network["G2", "G1"]["gap_total_s"] == 1 * HOUR
    assert result.summary == {
        "tickets": 2,
        "tickets_with_handoff": 1,
        "handoffs": 2,
        "tickets_over_max": 1,  # A passed through two groups
        "ping_pong": 1,
        "ping_pong_tickets": 1,
        "ping_pong_detour_s": 1 * HOUR,  # in G2 from 7 h to 8 h
        "escalations_returned": 1,  # L1 → L2 → L1
        "escalations_returned_tickets": 1,
        "escalations_returned_detour_s": 1 * HOUR,
        "sent_back_to_level_1": 1,
        "sent_back_to_level_1_tickets": 1,
    }
    again = ProcessAnalysis(hand_log).handoffs(by="group", max_nodes=2).summary
    assert again["tickets_over_max"] == 0  # G1 → G2 → G1 is two groups, not three


def test_agent_handoffs_and_ping_pong(hand_log: Workspace) -> None:
    # A's agents: a1 a1 a1 a2 a1 a1 a3 a1 a1 — a1→a2→a1 and a1→a3→a1.
    summary = ProcessAnalysis(hand_log).handoffs(by="agent").summary
    assert (summary["handoffs"], summary["ping_pong"], summary["ping_pong_tickets"]) == (4, 2, 1)
    assert summary["tickets_over_max"] == 0  # three agents is not more than three


def levels(ticket: str, moves: list[tuple[float, int]]) -> list[Event]:
    """Return a ticket's events at (hour, level), in group G<level>, all Active."""
    return [(ticket, hour, "Active", f"G{level}", "a1", level) for hour, level in moves]


def test_escalations_back_and_tickets_sent_back_to_level_1_by_hand(
    log_workspace: Callable[..., Workspace],
) -> None:
    ws = log_workspace(
        [
            # T1 L1 → L2 → L1: back at L1 (in L2 from 1 h to 3 h); sent back to L1.
            *levels("T1", [(0, 1), (1, 2), (3, 1), (4, 1)]),
            # T2 L1 → L2 → L3 → L2: back at L2 (in L3 from 2 h to 5 h); not back at L1.
            *levels("T2", [(0, 1), (1, 2), (2, 3), (5, 2), (6, 2)]),
            # T3 L2 → L3 → L2: back at L2 (1 h to 2 h).
            *levels("T3", [(0, 2), (1, 3), (2, 2)]),
            # T4 starts at L2 and is passed down to L1: it was never at L1, not sent back.
            *levels("T4", [(0, 2), (2, 1)]),
            # T5 L1 → L2 → L3 → L1: no escalation came straight back; sent back to L1.
            *levels("T5", [(0, 1), (1, 2), (2, 3), (4, 1)]),
            # T6 L1 → L2 → L1 → L2 → L1: back at L1 twice (1 h, 2 h); sent back twice.
            *levels("T6", [(0, 1), (1, 2), (2, 1), (3, 2), (5, 1)]),
            # T7 stays at L1.
            *levels("T7", [(0, 1), (1, 1), (2, 1)]),
        ]
    )
    result = ProcessAnalysis(ws).handoffs(by="level")
    s = result.summary
    # Escalations back at any level: T1 1, T2 1, T3 1, T6 2 = 5 in 4 tickets;
    # detours 2 h + 3 h + 1 h + 1 h + 2 h = 9 h.
    assert (s["escalations_returned"], s["escalations_returned_tickets"]) == (5, 4)
    assert s["escalations_returned_detour_s"] == 9 * HOUR
    # Sent back to level 1: T1 once, T5 once, T6 twice = 4 moves in 3 tickets.
    assert (s["sent_back_to_level_1"], s["sent_back_to_level_1_tickets"]) == (4, 3)
    assert result.not_computed == ()


def test_without_levels_or_groups_the_figures_say_what_to_map(
    log_workspace: Callable[..., Workspace],
) -> None:
    # Groups but no levels (as the ServiceNow log), then neither (as the helpdesk log).
    ws = log_workspace(
        [
            ("S", 0, "New", "G1", "a1", None),
            ("S", 1, "Active", "G2", "a2", None),
            ("S", 2, "Active", "G1", "a1", None),
        ]
    )
    result = ProcessAnalysis(ws).handoffs(by="group")
    assert (result.summary["handoffs"], result.summary["ping_pong"]) == (2, 1)
    assert result.summary["escalations_returned"] is None
    assert result.summary["sent_back_to_level_1_tickets"] is None
    (missing,) = result.to_dict()["not_computed"]
    assert missing["figure"] == "escalations that came back"
    assert missing["text"].startswith("escalations that came back cannot be computed: map level")


def test_without_groups_hand_offs_between_groups_say_what_to_map(
    log_workspace: Callable[..., Workspace],
) -> None:
    ws = log_workspace([("H", 0, "New", None, "a1", None), ("H", 1, "Active", None, "a2", None)])
    result = ProcessAnalysis(ws).handoffs(by="group")
    assert result.summary["handoffs"] is None
    assert result.summary["ping_pong"] is None
    assert [n.needs for n in result.not_computed] == [GROUP, LEVEL]
    assert ProcessAnalysis(ws).handoffs(by="agent").summary["handoffs"] == 1
