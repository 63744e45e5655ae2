"""Ticket filters: opening time and ticket attributes."""

from __future__ import annotations

from datetime import datetime

import pytest

from karsta.process import ProcessAnalysis, ProcessFilters
from karsta.workspace import Workspace
from tests.process.logs import at


def cases(ws: Workspace, filters: ProcessFilters) -> dict[str, int]:
    nodes = ProcessAnalysis(ws, filters=filters).map().to_dict()["nodes"]
    return {n["id"]: n["cases"] for n in nodes}


def test_ticket_attribute_filter(hand_log: Workspace) -> None:
    only_a = ProcessFilters(ticket_attributes={"category_close": ("Software",)})
    assert cases(hand_log, only_a)["Active"] == 1
    assert "Awaiting User Info" in cases(hand_log, only_a)
    both = ProcessFilters(ticket_attributes={"category_close": ("Software", "Intake")})
    assert cases(hand_log, both)["Active"] == 2


def test_opening_time_filter(hand_log: Workspace) -> None:
    assert cases(hand_log, ProcessFilters(opened_before=at(0))) == {}
    assert cases(hand_log, ProcessFilters(opened_from=at(0), opened_before=at(1)))["New"] == 2


def test_bad_filters_are_refused() -> None:
    with pytest.raises(ValueError, match="no column 'colour'"):
        ProcessFilters(ticket_attributes={"colour": ("red",)})
    with pytest.raises(ValueError, match="tuple of values"):
        ProcessFilters(ticket_attributes={"channel": "phone"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="naive"):
        ProcessFilters(opened_from=datetime(2024, 1, 1))
