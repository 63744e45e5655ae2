"""The landscape: ticket types or services side by side, each with its volume and stage map.

The first level of the improvement method's process description: the organisation's
services next to each other. A service is a value of one ticket column (type,
category, channel, priority); each gets a small map over the stages, from the same
expressions as the process map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.process.dfg import ProcessMap

LANDSCAPE_COLUMNS: tuple[str, ...] = ("ticket_type", "category_intake", "channel", "priority")
"""Ticket columns a landscape can be drawn over, in the order one is chosen by default."""


def value_counts(tickets: ir.Table, column: str) -> ir.Table:
    """Return the tickets per value of `column` (value as text, tickets), most first.

    Tickets without a value are one row with value null.
    """
    counted = tickets.group_by(value=tickets[column].cast("string")).aggregate(
        tickets=tickets.count()
    )
    return counted.order_by(ibis.desc("tickets"), "value")


def distinct_values(tickets: ir.Table, columns: tuple[str, ...]) -> ir.Table:
    """Return one row: how many distinct non-null values each column has."""
    return tickets.aggregate(**{c: tickets[c].nunique() for c in columns})


@dataclass(frozen=True)
class Service:
    """One service (a value of the landscape's column): its tickets, share and stage map."""

    value: str
    tickets: int
    share: float
    map: ProcessMap


@dataclass(frozen=True)
class Landscape:
    """Services side by side: the `top` values of one ticket column, the rest summed up."""

    by: str
    tickets: int
    services: tuple[Service, ...]
    other_values: int
    other_tickets: int
    unknown_tickets: int
    """Tickets without a value in the column: in no service."""

    def to_dict(self) -> dict[str, Any]:
        """Return {"by", "tickets", "services": [{"value", "tickets", "share", "map"}], ...}."""
        return {
            "by": self.by,
            "tickets": self.tickets,
            "services": [
                {
                    "value": s.value,
                    "tickets": s.tickets,
                    "share": s.share,
                    "map": s.map.to_dict(),
                }
                for s in self.services
            ],
            "other": {"values": self.other_values, "tickets": self.other_tickets},
            "unknown_tickets": self.unknown_tickets,
        }
