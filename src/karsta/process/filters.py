"""Which tickets a process analysis looks at: time range, ticket attributes, variants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

import ibis.expr.types as ir

from karsta.i18n import Message
from karsta.process.variants import VARIANT_SEPARATOR, ticket_variants
from karsta.schema import TICKETS
from karsta.workspace.source import TableSource


@dataclass(frozen=True, kw_only=True)
class ProcessFilters:
    """Tickets to analyse; the default is every ticket in the source.

    `opened_from` / `opened_before` bound the tickets' opening time (aware datetimes).
    `ticket_attributes` maps a column of `tickets` to the values to keep, e.g.
    ``{"channel": ("phone", "email")}``. `variants` keeps only tickets whose activity
    sequence is one of these (activities as a tuple, first to last).
    """

    opened_from: datetime | None = None
    opened_before: datetime | None = None
    ticket_attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    variants: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        """Validate the fields; raise ValueError naming the bad one."""
        for moment in (self.opened_from, self.opened_before):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"naive datetime {moment!r}; pass a timezone-aware datetime")
        attributes: dict[str, tuple[str, ...]] = {}
        for column, values in self.ticket_attributes.items():
            if column not in TICKETS.column_names:
                raise ValueError(
                    Message("tickets have no column '{column}' to filter on", column=column)
                )
            if isinstance(values, str):
                raise ValueError(f"{column}: give a tuple of values, not the string {values!r}")
            attributes[column] = tuple(values)
        object.__setattr__(self, "ticket_attributes", MappingProxyType(attributes))
        object.__setattr__(self, "variants", tuple(tuple(v) for v in self.variants))

    @property
    def selects_tickets(self) -> bool:
        """Return whether any ticket-level filter is set."""
        return bool(
            self.opened_from or self.opened_before or self.ticket_attributes or self.variants
        )


def selected_tickets(source: TableSource, filters: ProcessFilters) -> ir.Table:
    """Return the ticket ids that pass the ticket-level filters (not the variant filter)."""
    tickets = source.table("tickets")
    conditions = []
    if filters.opened_from is not None:
        conditions.append(tickets.opened_at >= filters.opened_from)
    if filters.opened_before is not None:
        conditions.append(tickets.opened_at < filters.opened_before)
    for column, values in filters.ticket_attributes.items():
        conditions.append(tickets[column].cast("string").isin(values))
    if conditions:
        tickets = tickets.filter(*conditions)
    return tickets.select("ticket_id")


def filtered_events(source: TableSource, filters: ProcessFilters) -> ir.Table:
    """Return the `ticket_events` of the tickets the filters keep."""
    return filtered(source.table("ticket_events"), source, filters)


def filtered(
    table: ir.Table,
    source: TableSource,
    filters: ProcessFilters,
    *,
    variants: ir.Table | None = None,
) -> ir.Table:
    """Return the rows of `table` (any table with ticket_id) of the tickets the filters keep.

    `variants` (one row per ticket with its variant, as `ticket_variants` gives)
    serves the variant filter; without it the variants are computed from the events.
    """
    if filters.opened_from or filters.opened_before or filters.ticket_attributes:
        table = table.semi_join(selected_tickets(source, filters), "ticket_id")
    if filters.variants:
        wanted = [VARIANT_SEPARATOR.join(v) for v in filters.variants]
        per_ticket = (
            variants if variants is not None else ticket_variants(source.table("ticket_events"))
        )
        keep = per_ticket.filter(per_ticket.variant.isin(wanted)).select("ticket_id")
        table = table.semi_join(keep, "ticket_id")
    return table
