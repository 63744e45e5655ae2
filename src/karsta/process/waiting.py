"""Waiting vs working: how much of a ticket's throughput time adds value for the customer.

Every stay (an event until the ticket's next event) is classed by its status:
waiting (the preset's waiting statuses such as awaiting user, vendor or problem, and
statuses that stop the SLA clock), queue (new, not yet taken up), working (the rest
before resolution) or after resolution (resolved or closed: the customer already has
the outcome, so this time is left out of the shares).

`WaitingRules.kind` is the one classification of a stay: the map's colours and
bottleneck arrows, `process waiting` and the waste findings all use it. Without
status classes in the log it cannot tell waiting from work, nor the time after
resolution, so the figures built on it say what to map instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from karsta.i18n import Message, joined
from karsta.process.requirements import NotComputed
from karsta.process.results import TableResult, records
from karsta.process.transitions import CLOSED_CLASSES, steps
from karsta.process.variants import VARIANT_SEPARATOR

StayKind = Literal["queue", "working", "waiting", "after resolution"]
STAY_KINDS: tuple[str, ...] = get_args(StayKind)
"""The kinds of stay, in the order the process moves through them."""

FLOW_KINDS = ("queue", "working")
"""Stays in the flow of work: where a bottleneck can be (waiting statuses are their own
finding, and time after resolution is not the customer's wait)."""


@dataclass(frozen=True, kw_only=True)
class WaitingRules:
    """Which stays count as waiting rather than value-adding work.

    By default the status classes from the preset decide: class `waiting` and
    statuses that stop the SLA clock (`is_pause`) are waiting. `waiting_statuses`
    adds statuses by name (for logs without status classes), `working_statuses`
    takes statuses out, and `queue_is_waiting` counts the time in `new` (the queue
    before anyone takes the ticket up) as waiting.
    """

    waiting_statuses: frozenset[str] = field(default_factory=frozenset)
    working_statuses: frozenset[str] = field(default_factory=frozenset)
    queue_is_waiting: bool = True

    def kind(self, log: ir.Table) -> ir.StringValue:
        """Return each stay's kind: waiting, queue, working or after resolution."""
        activity = log.activity
        named_waiting = (
            activity.isin(tuple(self.waiting_statuses))
            if self.waiting_statuses
            else ibis.literal(False)
        )
        named_working = (
            activity.isin(tuple(self.working_statuses))
            if self.working_statuses
            else ibis.literal(False)
        )
        waiting = (log.status_class == "waiting") | log.is_pause.fill_null(False)
        return ibis.cases(
            (named_working, "working"),
            (named_waiting, "waiting"),
            (log.status_class.isin(CLOSED_CLASSES), "after resolution"),
            (waiting, "waiting"),
            (log.status_class == "new", "queue"),
            else_="working",
        )

    def is_waiting(self, kind: ir.StringValue) -> ir.BooleanValue:
        """Return whether a stay of this kind counts as waiting."""
        waiting = kind == "waiting"
        return waiting | (kind == "queue") if self.queue_is_waiting else waiting


def classified_stays(events: ir.Table, rules: WaitingRules, *, classes: bool = True) -> ir.Table:
    """Return every stay before resolution with its kind, length and whether it is waiting.

    With `classes=False` (a log without status classes) no stay can be classed:
    every stay is returned with kind and waiting null.
    """
    log = steps(events, by="status")
    log = log.mutate(stay_s=log.wait_s.fill_null(0.0))
    if not classes:
        return log.mutate(kind=ibis.null("string"), waiting=ibis.null("boolean"))
    log = log.mutate(kind=rules.kind(log))
    log = log.filter(log.kind != "after resolution")
    return log.mutate(waiting=rules.is_waiting(log.kind))


def shares(stays: ir.Table, *keys: str) -> ir.Table:
    """Return per key: waiting seconds, working seconds and the waiting share of their sum."""
    waiting_s = ibis.ifelse(stays.waiting, stays.stay_s, 0.0).sum()
    total_s = stays.stay_s.sum()
    grouped = stays.group_by(*keys) if keys else stays
    table = grouped.aggregate(
        tickets=stays.ticket_id.nunique(), waiting_s=waiting_s, total_s=total_s
    )
    table = table.mutate(
        working_s=table.total_s - table.waiting_s,
        waiting_share=ibis.ifelse(table.total_s > 0, table.waiting_s / table.total_s, ibis.null()),
    )
    return table.drop("total_s")


def by_kind(stays: ir.Table) -> ir.Table:
    """Return per status: its kind and class, stays, tickets and time (behind the shares).

    `status_class` is null for a status the mapping gives no class: such a stay
    counts as working, and the views name those statuses.
    """
    return (
        stays.group_by(status=stays.activity, kind=stays.kind)
        .aggregate(
            status_class=stays.status_class.max(),
            stays=stays.count(),
            tickets=stays.ticket_id.nunique(),
            seconds=stays.stay_s.sum(),
        )
        .order_by(ibis.desc("seconds"), "status")
    )


def by_variant(stays: ir.Table, per_ticket: ir.Table, top: ir.Table) -> ir.Table:
    """Return the waiting share per variant for the variants in `top`."""
    tagged = stays.join(per_ticket.select("ticket_id", "variant"), "ticket_id")
    tagged = tagged.semi_join(top.select("variant"), "variant")
    return shares(tagged, "variant")


def unclassified_note(statuses: list[dict[str, Any]], shown: int = 5) -> Message:
    """Return the note that names statuses without a status class, counted as working."""
    named: list[str] = [
        Message(
            "{status} ({stays} stays in {tickets} tickets)",
            status=r["status"],
            stays=r["stays"],
            tickets=r["tickets"],
        )
        for r in statuses[:shown]
    ]
    if len(statuses) > shown:
        named.append(Message("{n} more", n=len(statuses) - shown))
    return Message(
        "statuses with no status class count as working: {statuses}; map them under "
        "status_classes to class them",
        statuses=joined(named, ", "),
    )


@dataclass(frozen=True)
class WaitingTime(TableResult):
    """Waiting vs working: `table` is per status; totals, per group and per variant beside."""

    overall: dict[str, Any]
    per_group: pa.Table
    per_variant: pa.Table
    rules: WaitingRules
    not_computed: tuple[NotComputed, ...] = ()

    @property
    def unclassified(self) -> list[dict[str, Any]]:
        """Return the statuses with no status class (counted as working), most time first."""
        if self.not_computed:
            return []
        return [
            r for r in records(self.table) if r["status_class"] is None and r["kind"] == "working"
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return {"overall", "statuses", "groups", "variants", "not_computed", ...} (JSON-ready).

        `unclassified_statuses` names the statuses the mapping gives no class, whose
        time counts as working; `not_computed` says what to map when the log has no
        status classes at all (the shares are then null).
        """
        variants = []
        for row in records(self.per_variant):
            variants.append({"activities": row.pop("variant").split(VARIANT_SEPARATOR), **row})
        return {
            "overall": self.overall,
            "statuses": records(self.table),
            "groups": records(self.per_group),
            "variants": variants,
            "waiting_statuses": sorted(self.rules.waiting_statuses),
            "queue_is_waiting": self.rules.queue_is_waiting,
            "unclassified_statuses": [
                {k: r[k] for k in ("status", "stays", "tickets", "seconds")}
                for r in self.unclassified
            ],
            "not_computed": [n.to_dict() for n in self.not_computed],
        }
