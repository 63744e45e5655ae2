"""Tickets per arrow from the variants equal distinct tickets counted over the log."""

from __future__ import annotations

from karsta.process import ProcessAnalysis
from karsta.process.dfg import arrow_cases, edge_counts
from karsta.process.transitions import stored_steps
from karsta.workspace import Workspace


def test_tickets_per_arrow_from_the_variants_equal_the_distinct_tickets(
    hand_log: Workspace,
) -> None:
    log = stored_steps(hand_log.table("ticket_transitions"), by="status")
    variants = ProcessAnalysis(hand_log, stored_log=True).stored
    assert variants is not None
    counted = hand_log.to_arrow(edge_counts(log)).to_pylist()
    weighted = hand_log.to_arrow(edge_counts(log, cases=arrow_cases(variants[1]))).to_pylist()
    assert weighted == counted
    # An arrow passed twice by one ticket counts that ticket once.
    assert any(e["count"] > e["cases"] for e in counted)
