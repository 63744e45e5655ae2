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


def ticket_variants(events: ir.Table) -> ir.Table:
    """Return one row per ticket: variant (activities joined in order), events, throughput_s.

    The order comes from sorting (seq, activity) pairs inside each ticket, which every
    engine does the same way, rather than from an ordered string aggregate.
    """
    known = events.filter(events.activity.notnull())
    pairs = ibis.struct({"seq": known.seq, "activity": known.activity})
    per_ticket = known.group_by("ticket_id").aggregate(
        variant=pairs.collect().sort().map(lambda pair: pair.activity).join(VARIANT_SEPARATOR),
        events=known.count(),
        started=known.timestamp.min(),
        ended=known.timestamp.max(),
    )
    return per_ticket.mutate(
        throughput_s=seconds_between(per_ticket.started, per_ticket.ended)
    ).drop("started", "ended")


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
            "variants": rows,
            "tail": self.tail,
        }
