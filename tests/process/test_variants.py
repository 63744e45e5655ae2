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
