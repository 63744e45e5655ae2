"""The log sorted at import gives the same views as sorting the events at question time."""

from __future__ import annotations

from typing import Any

from karsta.process import ProcessAnalysis, ProcessFilters
from karsta.workspace import Workspace


def views(analysis: ProcessAnalysis) -> dict[str, Any]:
    return {
        "status map": analysis.map().to_dict(),
        "group map": analysis.map(by="group").to_dict(),
        "agent map": analysis.map(by="agent", min_count=2).to_dict(),
        "level map": analysis.map(by="level").to_dict(),
        "variants": analysis.variants(top=None).to_dict(),
        "group hand-offs": analysis.handoffs(by="group", max_nodes=2).to_dict(),
        "agent hand-offs": analysis.handoffs(by="agent").to_dict(),
        "waiting": analysis.waiting().per_variant.to_pylist(),
    }


def assert_same_views(ws: Workspace, filters: ProcessFilters | None = None) -> None:
    stored = ProcessAnalysis(ws, filters=filters)
    assert stored.stored is not None, "the import left no sorted log"
    assert views(stored) == views(ProcessAnalysis(ws, filters=filters, stored_log=False))


def test_hand_log(hand_log: Workspace) -> None:
    assert_same_views(hand_log)


def test_hand_log_filtered_by_variant(hand_log: Workspace) -> None:
    top = ProcessAnalysis(hand_log).variants(top=1).activities()
    assert_same_views(hand_log, ProcessFilters(variants=tuple(top)))


def test_helpdesk_log(helpdesk: Workspace) -> None:
    assert_same_views(helpdesk)


def test_servicenow_log(servicenow: Workspace) -> None:
    assert_same_views(servicenow)


def test_servicenow_by_channel(servicenow: Workspace) -> None:
    ((channel,),) = servicenow.connection.execute(
        "SELECT channel FROM tickets WHERE channel IS NOT NULL LIMIT 1"
    ).fetchall()
    assert_same_views(servicenow, ProcessFilters(ticket_attributes={"channel": (channel,)}))


def test_without_the_sorted_log_the_events_are_sorted(hand_log: Workspace) -> None:
    analysis = ProcessAnalysis(hand_log, stored_log=False)
    assert analysis.stored is None
    assert analysis.map().table.num_rows > 0
