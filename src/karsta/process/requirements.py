"""What the process figures need from the log, and the answer when the log lacks it.

A figure that needs status classes, levels, groups or categories the log does not
hold says "cannot be computed: map X" instead of a silent 0 (0 % waiting, 0
bounces). `log_holds` is the one place the process views ask; it looks at the
events themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir

from karsta.i18n import Message

STATUS_CLASSES = Message("status_classes (which statuses are new, waiting, resolved or closed)")
LEVEL = Message("level (a level column, or group_levels from the groups)")
GROUP = Message("group")
AGENT = Message("agent")
CATEGORY = Message("category")
NEEDS = {"group": GROUP, "agent": AGENT, "level": LEVEL}
"""What to map for a view over one attribute (status and activity are always there)."""


@dataclass(frozen=True, kw_only=True)
class LogHolds:
    """Which of the fields the process figures need the log holds on any event."""

    status_classes: bool
    levels: bool
    groups: bool
    agents: bool

    def attribute(self, by: str) -> bool:
        """Return whether the log holds the attribute a view is over (status: always)."""
        return {"group": self.groups, "agent": self.agents, "level": self.levels}.get(by, True)


def log_holds_expr(events: ir.Table) -> ir.Table:
    """Return one row: how many events carry a status class, a level, a group, an agent."""
    return events.aggregate(
        status_classes=events.status_class.count(),
        levels=events.level.count(),
        groups=events.group.count(),
        agents=events.agent.count(),
    )


def log_holds(row: dict[str, Any]) -> LogHolds:
    """Return what the log holds from the row `log_holds_expr` gives."""
    return LogHolds(
        status_classes=bool(row.get("status_classes")),
        levels=bool(row.get("levels")),
        groups=bool(row.get("groups")),
        agents=bool(row.get("agents")),
    )


@dataclass(frozen=True)
class NotComputed:
    """A figure the log cannot give, and what to map so that it can."""

    figure: str
    needs: str

    @property
    def text(self) -> Message:
        """Return 'FIGURE cannot be computed: map NEEDS' (translatable where shown)."""
        return Message(
            "{figure} cannot be computed: map {needs}", figure=self.figure, needs=self.needs
        )

    def to_dict(self) -> dict[str, Any]:
        """Return {"figure", "needs", "text"} (JSON-ready, English)."""
        return {"figure": self.figure, "needs": self.needs, "text": self.text}
