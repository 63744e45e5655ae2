"""Waiting vs working time on the hand-checked log."""

from __future__ import annotations

import pytest

from karsta.process import ProcessAnalysis, WaitingRules
from karsta.workspace import Workspace
from tests.process.fixtures import HOUR


def test_waiting_share_overall_per_status_and_group(hand_log: Workspace) -> None:
    result = ProcessAnalysis(hand_log).waiting()
    data = result.to_dict()
    # Queue: A 1 h, B 2 h; Awaiting User Info 4 h. Working: A 2+1+2+1 h, B 3 h.
    assert data["overall"]["waiting_s"] == 7 * HOUR
    assert data["overall"]["working_s"] == 9 * HOUR
    assert data["overall"]["waiting_share"] == pytest.approx(7 / 16)
    statuses = {r["status"]: (r["kind"], r["stays"], r["seconds"]) for r in data["statuses"]}
    assert statuses == {
        "Active": ("working", 5, 9 * HOUR),
        "New": ("queue", 2, 3 * HOUR),
        "Awaiting User Info": ("waiting", 1, 4 * HOUR),
    }
    groups = {r["group"]: (r["waiting_s"], r["working_s"]) for r in data["groups"]}
    assert groups == {"G1": (7 * HOUR, 8 * HOUR), "G2": (0.0, 1 * HOUR)}
    shares = {len(v["activities"]): v["waiting_share"] for v in data["variants"]}
    assert shares == {9: pytest.approx(5 / 11), 4: pytest.approx(2 / 5)}


def test_rules_change_what_counts_as_waiting(hand_log: Workspace) -> None:
    no_queue = ProcessAnalysis(hand_log, waiting=WaitingRules(queue_is_waiting=False))
    assert no_queue.waiting().overall["waiting_s"] == 4 * HOUR
    rules = WaitingRules(working_statuses=frozenset({"Awaiting User Info"}))
    assert ProcessAnalysis(hand_log, waiting=rules).waiting().overall["waiting_s"] == 3 * HOUR
    named = WaitingRules(waiting_statuses=frozenset({"Active"}), queue_is_waiting=False)
    assert ProcessAnalysis(hand_log, waiting=named).waiting().overall["waiting_s"] == 13 * HOUR
