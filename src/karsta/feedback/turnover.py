"""Staff turnover per period from the `staffing` table: starters, leavers and turnover %.

Turnover % = leavers / average headcount × 100, where the average is the mean of
the headcount at the start (end − starters + leavers) and at the end of the period.
Where a team's rows give headcount, starters and leavers, they are used as given.
Where the rows are one per agent and give none of them, the headcount is the
agents present, a starter an agent present who was not in the team's previous
period, a leaver an agent of the previous period who is no longer present: an
inference from the rows, counted and shown as such (`derived_from_agents`), and
impossible for the first period (no previous one), which then has no turnover.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from karsta.i18n import Message
from karsta.workspace.source import TableSource


@dataclass(frozen=True)
class TurnoverRow:
    """Starters, leavers and turnover of one period (and team)."""

    period_start: date
    period_end: date
    team: str | None
    headcount: int | None
    starters: int | None
    leavers: int | None
    turnover: float | None
    """Leavers / average headcount × 100; None where a count is not known."""
    derived_from_agents: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the row as plain data (for JSON)."""
        return {
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "team": self.team,
            "headcount": self.headcount,
            "starters": self.starters,
            "leavers": self.leavers,
            "turnover": self.turnover,
            "derived_from_agents": self.derived_from_agents,
        }


@dataclass(frozen=True)
class StaffTurnover:
    """Turnover per period, or why it cannot be computed."""

    rows: list[TurnoverRow]
    no_data: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the turnover as plain data (for JSON)."""
        no_data = None if self.no_data is None else str(self.no_data)
        return {"rows": [r.to_dict() for r in self.rows], "no_data": no_data}


def turnover_percent(
    headcount: int | None, starters: int | None, leavers: int | None
) -> float | None:
    """Return leavers / mean of start and end headcount × 100 (None if not computable)."""
    if headcount is None or starters is None or leavers is None:
        return None
    start = headcount - starters + leavers
    average = (start + headcount) / 2
    return None if average <= 0 else 100 * leavers / average


def _total(values: list[Any]) -> int | None:
    known = [int(v) for v in values if v is not None]
    return sum(known) if known else None


def staff_turnover(source: TableSource, *, by_team: bool = False) -> StaffTurnover:
    """Return starters, leavers and turnover % per staffing period (and team)."""
    rows = source.to_arrow(
        source.table("staffing").select(
            "period_start", "period_end", "team", "agent", "headcount", "starters", "leavers"
        )
    ).to_pylist()
    if not rows:
        return StaffTurnover([], Message("the staffing table is empty: import staffing data first"))
    groups: dict[tuple[date, date, str | None], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        team = row["team"] if by_team else None
        groups[(row["period_start"], row["period_end"], team)].append(row)
    result = []
    previous_agents: dict[str | None, set[str]] = {}
    for (start, end, team), members in sorted(
        groups.items(), key=lambda kv: (kv[0][2] or "", kv[0][0])
    ):
        headcount = _total([m["headcount"] for m in members])
        starters = _total([m["starters"] for m in members])
        leavers = _total([m["leavers"] for m in members])
        agents = {str(m["agent"]) for m in members if m["agent"] is not None}
        derived = False
        if headcount is None and starters is None and leavers is None and agents:
            derived = True
            headcount = len(agents)
            before = previous_agents.get(team)
            if before is not None:
                starters, leavers = len(agents - before), len(before - agents)
        if agents:
            previous_agents[team] = agents
        result.append(
            TurnoverRow(
                start,
                end,
                team,
                headcount,
                starters,
                leavers,
                turnover_percent(headcount, starters, leavers),
                derived,
            )
        )
    if all(r.headcount is None and r.leavers is None for r in result):
        return StaffTurnover(
            result,
            Message(
                "cannot be computed: the staffing rows give no headcount, starters or "
                "leavers and name no agents — import them (columns: headcount, starters, "
                "leavers)"
            ),
        )
    result.sort(key=lambda r: (r.period_start, r.team or ""))
    return StaffTurnover(result)
