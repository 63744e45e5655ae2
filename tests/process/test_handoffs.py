"""Hand-offs, ping-pong and escalation bounces on the hand-checked log."""

from __future__ import annotations

from karsta.process import ProcessAnalysis
from karsta.workspace import Workspace
from tests.process.fixtures import HOUR


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
        "bounces": 1,
        "bounce_tickets": 1,
        "bounce_detour_s": 1 * HOUR,
    }
    again = ProcessAnalysis(hand_log).handoffs(by="group", max_nodes=2).summary
    assert again["tickets_over_max"] == 0  # G1 → G2 → G1 is two groups, not three


def test_agent_handoffs_and_ping_pong(hand_log: Workspace) -> None:
    # A's agents: a1 a1 a1 a2 a1 a1 a3 a1 a1 — a1→a2→a1 and a1→a3→a1.
    summary = ProcessAnalysis(hand_log).handoffs(by="agent").summary
    assert (summary["handoffs"], summary["ping_pong"], summary["ping_pong_tickets"]) == (4, 2, 1)
    assert summary["tickets_over_max"] == 0  # three agents is not more than three
