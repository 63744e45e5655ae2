"""Staff turnover from the staffing table: given counts, and counts inferred from agent rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from karsta.feedback.turnover import staff_turnover
from karsta.schema import STAFFING
from tests.metrics.conftest import Desk, _arrow


def _write(desk: Desk, rows: list[dict[str, Any]]) -> None:
    desk.ws.connection.register("_staff", _arrow(STAFFING, rows))
    desk.ws.connection.execute("INSERT INTO staffing BY NAME SELECT * FROM _staff")
    desk.ws.connection.unregister("_staff")


def test_turnover_from_given_headcount_starters_and_leavers(desk: Desk) -> None:
    _write(
        desk,
        [
            # January: 20 at the end, 2 started, 4 left → 22 at the start; average 21.
            {"period_start": date(2024, 1, 1), "period_end": date(2024, 1, 31), "team": "A",
             "headcount": 12, "starters": 2, "leavers": 3},
            {"period_start": date(2024, 1, 1), "period_end": date(2024, 1, 31), "team": "B",
             "headcount": 8, "starters": 0, "leavers": 1},
        ],
    )  # fmt: skip
    (row,) = staff_turnover(desk.ws).rows
    assert (row.headcount, row.starters, row.leavers) == (20, 2, 4)
    # 4 / ((22 + 20) / 2) × 100 = 4 / 21 × 100 = 19.05 %.
    assert row.turnover == pytest.approx(400 / 21)
    assert row.derived_from_agents is False
    teams = staff_turnover(desk.ws, by_team=True).rows
    # Team B: 1 / ((9 + 8) / 2) × 100 = 11.76 %.
    assert [r.team for r in teams] == ["A", "B"]
    assert teams[1].turnover == pytest.approx(100 / 8.5)


def test_turnover_inferred_from_agent_rows_is_marked_and_unknown_in_the_first_period(
    desk: Desk,
) -> None:
    jan, feb = (date(2024, 1, 1), date(2024, 1, 31)), (date(2024, 2, 1), date(2024, 2, 29))
    rows = [
        {"period_start": p[0], "period_end": p[1], "team": "A", "agent": a, "fte": 1.0}
        for p, agents in ((jan, "abcd"), (feb, "bcde"))
        for a in agents
    ]
    _write(desk, rows)
    first, second = staff_turnover(desk.ws).rows
    assert (first.headcount, first.starters, first.turnover) == (4, None, None)
    # February: e started, a left; 4 at the end, 4 at the start → 1 / 4 × 100 = 25 %.
    assert (second.starters, second.leavers, second.turnover) == (1, 1, 25.0)
    assert second.derived_from_agents is True


def test_empty_staffing_says_so(desk: Desk) -> None:
    result = staff_turnover(desk.ws)
    assert result.rows == []
    assert result.no_data is not None
