"""Waiting vs working time on the hand-checked log."""

from __future__ import annotations

from collections.abc import Callable

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


def test_a_status_without_a_class_counts_as_working_and_is_named(
    log_workspace: Callable[..., Workspace],
) -> None:
    # As ServiceNow's "-100": a state the preset gives no class, between Active and
    # Resolved. New 1 h (queue), Active 2 h, -100 3 h (no class: working), then resolved.
    ws = log_workspace(
        [
            ("U", 0, "New", "G1", "a1", 1),
            ("U", 1, "Active", "G1", "a1", 1),
            ("U", 3, "-100", "G1", "a1", 1),
            ("U", 6, "Resolved", "G1", "a1", 1),
        ]
    )
    data = ProcessAnalysis(ws).waiting().to_dict()
    assert (data["overall"]["waiting_s"], data["overall"]["working_s"]) == (1 * HOUR, 5 * HOUR)
    assert data["unclassified_statuses"] == [
        {"status": "-100", "stays": 1, "tickets": 1, "seconds": 3 * HOUR}
    ]
    assert data["not_computed"] == []


def test_without_status_classes_the_waiting_share_says_what_to_map(
    log_workspace: Callable[..., Workspace],
) -> None:
    # The helpdesk log as the event-log preset reads it: no status classes, so neither
    # waiting nor the time after resolution can be told: no 0 % waiting.
    ws = log_workspace(
        [
            ("H", 0, "Insert ticket", None, "r1", None),
            ("H", 1, "Wait", None, "r1", None),
            ("H", 4, "Resolve ticket", None, "r1", None),
            ("H", 9, "Close ticket", None, "r1", None),
        ]
    )
    data = ProcessAnalysis(ws).waiting().to_dict()
    assert data["overall"]["waiting_share"] is None
    assert data["overall"]["waiting_s"] is None
    assert (data["groups"], data["variants"], data["unclassified_statuses"]) == ([], [], [])
    (missing,) = data["not_computed"]
    assert missing["text"].startswith("waiting share cannot be computed: map status_classes")
    # The time per status is still there, without a kind.
    assert {r["status"]: (r["kind"], r["seconds"]) for r in data["statuses"]} == {
        "Resolve ticket": (None, 5 * HOUR),
        "Wait": (None, 3 * HOUR),
        "Insert ticket": (None, 1 * HOUR),
        "Close ticket": (None, 0.0),
    }
