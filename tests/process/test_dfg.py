"""The process map on the hand-checked log (see tests/process/fixtures.py), by hand."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from karsta.process import ProcessAnalysis
from karsta.workspace import Workspace
from tests.process.fixtures import HOUR


def edges(ws: Workspace, **options: object) -> dict[tuple[str, str], dict[str, object]]:
    result = ProcessAnalysis(ws).map(**options)  # type: ignore[arg-type]
    return {(e["source"], e["target"]): e for e in result.to_dict()["edges"]}


def test_status_map_counts_and_waits(hand_log: Workspace) -> None:
    found = edges(hand_log)
    assert {k: (e["count"], e["cases"]) for k, e in found.items()} == {
        ("New", "Active"): (2, 2),
        ("Active", "Awaiting User Info"): (1, 1),
        ("Awaiting User Info", "Active"): (1, 1),
        ("Active", "Active"): (1, 1),
        ("Active", "Resolved"): (3, 2),
        ("Resolved", "Active"): (1, 1),
        ("Resolved", "Closed"): (2, 2),
    }
    # Active → Resolved waits 2 h, 1 h (A) and 3 h (B).
    e = found["Active", "Resolved"]
    assert e["wait_mean_s"] == pytest.approx(2 * HOUR)
    assert e["wait_median_s"] == pytest.approx(2 * HOUR)
    assert e["wait_p90_s"] == pytest.approx(2.8 * HOUR)  # 2 h + 0.8 × (3 h − 2 h)
    assert e["wait_total_s"] == pytest.approx(6 * HOUR)
    # Resolved → Closed waits 24 h (A) and 1 h (B).
    e = found["Resolved", "Closed"]
    assert (e["wait_median_s"], e["wait_p90_s"]) == (
        pytest.approx(12.5 * HOUR),
        pytest.approx(21.7 * HOUR),
    )


def test_nodes_starts_ends_and_json_shape(hand_log: Workspace) -> None:
    data = ProcessAnalysis(hand_log).map().to_dict()
    assert {n["id"]: (n["events"], n["cases"]) for n in data["nodes"]} == {
        "New": (2, 2),
        "Active": (5, 2),
        "Awaiting User Info": (1, 1),
        "Resolved": (3, 2),
        "Closed": (2, 2),
    }
    assert data["starts"] == [{"id": "New", "cases": 2}]
    assert data["ends"] == [{"id": "Closed", "cases": 2}]
    edge_keys = {"source", "target", "count", "cases", "wait_mean_s", "wait_median_s"}
    assert edge_keys | {"wait_p90_s"} <= set(data["edges"][0])
    assert set(data["nodes"][0]) == {"id", "events", "cases"}


def test_bottlenecks_skip_loops_waiting_and_time_after_resolution(hand_log: Workspace) -> None:
    # Totals: Active→Resolved 6 h, Awaiting→Active 4 h, New→Active 3 h, Active→Awaiting
    # 2 h, Active→Active 1 h (a loop); Resolved→Closed 25 h is after resolution.
    # Awaiting User Info is a waiting status (its own finding, its own colour), so the
    # three bottlenecks are the queue and working stays with most time in total.
    result = ProcessAnalysis(hand_log).map(bottlenecks=3)
    assert [(e["source"], e["target"]) for e in result.bottlenecks] == [
        ("Active", "Resolved"),
        ("New", "Active"),
        ("Active", "Awaiting User Info"),
    ]
    assert result.to_dict()["bottlenecks_ranked_by"] == "wait_total_s"


def test_every_status_arrow_carries_the_kind_of_stay_it_leaves(hand_log: Workspace) -> None:
    # The classification of `process waiting`: New is the queue, Active working,
    # Awaiting User Info waiting, Resolved after resolution.
    kinds = {k: e["kind"] for k, e in edges(hand_log).items()}
    assert kinds == {
        ("New", "Active"): "queue",
        ("Active", "Awaiting User Info"): "working",
        ("Awaiting User Info", "Active"): "waiting",
        ("Active", "Active"): "working",
        ("Active", "Resolved"): "working",
        ("Resolved", "Active"): "after resolution",
        ("Resolved", "Closed"): "after resolution",
    }
    assert {e["kind"] for e in edges(hand_log, by="group").values()} == {None}


def test_without_status_classes_no_bottleneck_is_marked(
    log_workspace: Callable[..., Workspace],
) -> None:
    # As the helpdesk log: without classes "Resolve → Closed" (after resolution) would
    # be the longest arrow; the map cannot tell, so it marks none and says what to map.
    ws = log_workspace(
        [
            ("H", 0, "Insert ticket", None, "r1", None),
            ("H", 1, "Take in charge", None, "r1", None),
            ("H", 2, "Resolve ticket", None, "r1", None),
            ("H", 50, "Close ticket", None, "r1", None),
        ]
    )
    result = ProcessAnalysis(ws).map()
    assert result.bottlenecks == []
    assert {e["kind"] for e in result.to_dict()["edges"]} == {None}
    (missing,) = result.to_dict()["not_computed"]
    assert missing["figure"] == "bottlenecks and the kinds of stay"
    assert missing["needs"].startswith("status_classes")
    assert "cannot be computed: map status_classes" in missing["text"]


def test_group_map_and_collapsed_repeats(hand_log: Workspace) -> None:
    plain = edges(hand_log, by="group")
    assert {k: e["count"] for k, e in plain.items()} == {
        ("G1", "G1"): 9,
        ("G1", "G2"): 1,
        ("G2", "G1"): 1,
    }
    collapsed = edges(hand_log, by="group", collapse_repeats=True)
    # A stays in G1 from 0 h until G2 takes it at 7 h, G2 holds it for 1 h.
    assert {k: e["wait_total_s"] for k, e in collapsed.items()} == {
        ("G1", "G2"): 7 * HOUR,
        ("G2", "G1"): 1 * HOUR,
    }


def test_level_map_and_minimum_edge_count(hand_log: Workspace) -> None:
    assert set(edges(hand_log, by="level")) == {("1", "1"), ("1", "2"), ("2", "1")}
    frequent = edges(hand_log, min_count=2)
    assert set(frequent) == {("New", "Active"), ("Active", "Resolved"), ("Resolved", "Closed")}


def test_unknown_attribute_is_refused(hand_log: Workspace) -> None:
    with pytest.raises(ValueError, match="unknown attribute 'colour'"):
        ProcessAnalysis(hand_log).map(by="colour")
