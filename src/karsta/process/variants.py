"""Variants: the distinct activity sequences tickets follow, with counts and throughput time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.process.results import TableResult, records
from karsta.schema import VARIANT_SEPARATOR
from karsta.timespan import seconds_between

__all__ = ["VARIANT_SEPARATOR", "Variants", "stored_variants", "ticket_variants", "variant_counts"]


def ticket_variants(events: ir.Table, *, collapse_repeats: bool = False) -> ir.Table:
    """Return one row per ticket: variant (activities joined in order), events, throughput_s.

    The order comes from sorting (seq, activity) pairs inside each ticket, which every
    engine does the same way, rather than from an ordered string aggregate. With
    `collapse_repeats`, consecutive events with the same activity are one step (as
    `process map --collapse`): the variant and `events` count the steps, while the
    throughput time still runs from the ticket's first event to its last.
    """
    known = events.filter(events.activity.notnull())
    if collapse_repeats:
        return _collapsed_variants(known)
    per_ticket = known.group_by("ticket_id").aggregate(
        variant=_sequence(known),
        events=known.count(),
        started=known.timestamp.min(),
        ended=known.timestamp.max(),
    )
    return per_ticket.mutate(
        throughput_s=seconds_between(per_ticket.started, per_ticket.ended)
    ).drop("started", "ended")


def _sequence(events: ir.Table) -> ir.StringValue:
    """Return the aggregate that joins a ticket's activities in `seq` order."""
    pairs = ibis.struct({"seq": events.seq, "activity": events.activity})
    return pairs.collect().sort().map(lambda pair: pair.activity).join(VARIANT_SEPARATOR)


def _collapsed_variants(known: ir.Table) -> ir.Table:
    """Return `ticket_variants` with consecutive repeats of an activity as one step."""
    # A window in a filter is not portable (Spark): name it as a column first.
    order = ibis.window(group_by="ticket_id", order_by="seq")
    steps = known.mutate(previous=known.activity.lag().over(order))
    steps = steps.filter(steps.previous.isnull() | (steps.previous != steps.activity))
    sequences = steps.group_by("ticket_id").aggregate(
        variant=_sequence(steps), events=steps.count()
    )
    spans = known.group_by("ticket_id").aggregate(
        started=known.timestamp.min(), ended=known.timestamp.max()
    )
    per_ticket = sequences.join(spans, "ticket_id")
    return per_ticket.select(
        "ticket_id",
        "variant",
        "events",
        throughput_s=seconds_between(per_ticket.started, per_ticket.ended),
    )


def stored_variants(variants: ir.Table) -> ir.Table:
    """Return `ticket_variants(events)`'s rows read from a `ticket_variants` table: no sort."""
    return variants.select(
        "ticket_id",
        "variant",
        "events",
        throughput_s=seconds_between(variants.started_at, variants.ended_at),
    )


def variant_counts(per_ticket: ir.Table) -> ir.Table:
    """Return one row per variant: variant, events (its length), cases, share, throughput.

    Every row also carries the totals over all variants (total_cases, total_variants),
    so a top-k list knows its tail. Ranked by cases, then by the variant text so ties
    come out the same on every run.
    """
    counts = per_ticket.group_by("variant").aggregate(
        events=per_ticket.events.max(),
        cases=per_ticket.count(),
        median_throughput_s=per_ticket.throughput_s.median(),
        mean_throughput_s=per_ticket.throughput_s.mean(),
    )
    everything = ibis.window()
    counts = counts.mutate(
        total_cases=counts.cases.sum().over(everything),
        total_variants=counts.variant.count().over(everything),
    )
    counts = counts.mutate(share=counts.cases.cast("float64") / counts.total_cases)
    return counts.order_by(ibis.desc("cases"), "variant")


@dataclass(frozen=True)
class Variants(TableResult):
    """Variants ranked by cases: `table` holds the top ones, `tail` sums up the rest."""

    total_cases: int
    total_variants: int
    collapse_repeats: bool = False

    @property
    def tail(self) -> dict[str, Any]:
        """Return the long tail beyond the listed variants: variants, cases and share."""
        listed = sum(self.table["cases"].to_pylist())
        cases = self.total_cases - listed
        return {
            "variants": self.total_variants - self.table.num_rows,
            "cases": cases,
            "share": cases / self.total_cases if self.total_cases else 0.0,
        }

    def activities(self) -> list[tuple[str, ...]]:
        """Return the listed variants as activity tuples, most frequent first."""
        return [tuple(v.split(VARIANT_SEPARATOR)) for v in self.table["variant"].to_pylist()]

    def to_dict(self) -> dict[str, Any]:
        """Return {"total_cases", "total_variants", "variants": [...], "tail": {...}}."""
        rows = []
        for rank, row in enumerate(records(self.table), start=1):
            del row["total_cases"], row["total_variants"]
            activities = row.pop("variant").split(VARIANT_SEPARATOR)
            rows.append({"rank": rank, "activities": activities, **row})
        return {
            "total_cases": self.total_cases,
            "total_variants": self.total_variants,
            "collapse_repeats": self.collapse_repeats,
            "variants": rows,
            "tail": self.tail,
        }
