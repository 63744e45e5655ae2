"""Variants, their shares and throughput, and the variant filter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from karsta.process import ProcessAnalysis, ProcessFilters
from karsta.workspace import Workspace
from tests.process.fixtures import EVENTS, HOUR

SHORT = ("New", "Active", "Resolved", "Closed")
C_EVENTS = [("C", 100 + h, s, "G1", "a1", 1) for h, s in zip((0, 1, 2, 10), SHORT, strict=True)]


@pytest.fixture
def three_tickets(log_workspace: Callable[..., Workspace]) -> Workspace:
    return log_workspace([*EVENTS, *C_EVENTS])


def test_variants_ranked_with_share_and_throughput(three_tickets: Workspace) -> None:
    result = ProcessAnalysis(three_tickets).variants()
    data = result.to_dict()
    assert (data["total_cases"], data["total_variants"]) == (3, 2)
    first, second = data["variants"]
    assert first["activities"] == list(SHORT)
    assert (first["rank"], first["cases"], first["events"]) == (1, 2, 4)
    assert first["share"] == pytest.approx(2 / 3)
    assert first["median_throughput_s"] == pytest.approx(8 * HOUR)  # B 6 h, C 10 h
    assert second["cases"] == 1
    assert second["median_throughput_s"] == pytest.approx(37 * HOUR)
    assert data["tail"] == {"variants": 0, "cases": 0, "share": 0.0}


def test_top_k_and_the_long_tail(three_tickets: Workspace) -> None:
    result = ProcessAnalysis(three_tickets).variants(top=1)
    assert result.activities() == [SHORT]
    assert result.tail == {"variants": 1, "cases": 1, "share": pytest.approx(1 / 3)}


def test_variant_filter_keeps_only_those_tickets(three_tickets: Workspace) -> None:
    only = ProcessAnalysis(three_tickets, filters=ProcessFilters(variants=(SHORT,)))
    nodes = {n["id"]: n["events"] for n in only.map().to_dict()["nodes"]}
    assert nodes == {"New": 2, "Active": 2, "Resolved": 2, "Closed": 2}


def test_collapsed_variants_merge_repeats_and_keep_the_throughput(
    log_workspace: Callable[..., Workspace],
) -> None:
    # D: New, Active ×3, Resolved ×2 — as "New → Active → Resolved" once collapsed; its
    # last event (the second Resolved, at 9 h) still ends the throughput time.
    d_events = [
        ("D", h, s, "G1", "a1", 1)
        for h, s in [(0, "New"), (1, "Active"), (2, "Active"), (4, "Active"), (5, "Resolved")]
    ] + [("D", 9, "Resolved", "G1", "a1", 1)]
    ws = log_workspace([*EVENTS, *d_events])
    plain = ProcessAnalysis(ws).variants().to_dict()
    assert plain["total_variants"] == 3
    data = ProcessAnalysis(ws).variants(collapse_repeats=True).to_dict()
    assert data["collapse_repeats"]
    rows = {tuple(v["activities"]): v for v in data["variants"]}
    # A's Active → Active at 7–8 h is one step: 8 steps from A's 9 events.
    long_a = (
        "New", "Active", "Awaiting User Info", "Active", "Resolved", "Active", "Resolved", "Closed",
    )  # fmt: skip
    assert set(rows) == {SHORT, long_a, ("New", "Active", "Resolved")}
    assert (rows[long_a]["events"], rows[long_a]["median_throughput_s"]) == (8, 37 * HOUR)
    short_d = rows["New", "Active", "Resolved"]
    assert (short_d["events"], short_d["median_throughput_s"]) == (3, 9 * HOUR)
