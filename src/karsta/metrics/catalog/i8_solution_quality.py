"""I8 solution quality: resolved tickets neither reopened nor followed by a repeat contact."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_
from karsta.metrics.catalog.populations import needs_resolution, resolved, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, Share
from karsta.metrics.registry import metric
from karsta.workspace.coverage import REOPENS, RESOLUTION


def _repeats(inputs: MetricInputs, tickets: ir.Table) -> ir.Table:
    """Return ticket_id, repeat_ticket: the first later ticket of the same caller and category."""
    days = inputs.options.repeat_contact_days
    later = inputs.tickets.select(
        _later_id=inputs.tickets.ticket_id,
        _caller=inputs.tickets.caller_id,
        _category=inputs.tickets.category_close.fill_null(inputs.tickets.category_intake),
        _opened=inputs.tickets.opened_at,
    )
    own = tickets.select(
        "ticket_id",
        "resolved_at",
        _own_caller=tickets.caller_id,
        _own_category=tickets.category_close.fill_null(tickets.category_intake),
    )
    pairs = own.join(
        later,
        [
            own._own_caller == later._caller,
            own._own_category == later._category,
            own.ticket_id != later._later_id,
            later._opened > own.resolved_at,
            later._opened <= own.resolved_at + ibis.interval(seconds=int(days * 86400)),
        ],
    )
    return pairs.group_by("ticket_id").aggregate(repeat_ticket=pairs._later_id.min())


@metric("I8", headline="share", needs=(RESOLUTION, REOPENS))
def solution_quality(inputs: MetricInputs) -> Measurement:
    """Return resolved tickets with no reopening and no repeat contact within N days × 100."""
    days = inputs.options.repeat_contact_days
    t = resolved(inputs)
    t = t.left_join(_repeats(inputs, t), "ticket_id")
    reopened = t.reopen_count.fill_null(0) > 0
    repeated = t.repeat_ticket.notnull()
    good = ~reopened & ~repeated
    reason = needs_resolution(
        t,
        ibis.cases(
            (reopened, N_("not counted: reopened")),
            (repeated, f"not counted: same caller and category again within {days:g} days"),
            (
                t.caller_id.isnull(),
                N_("counted: not reopened (no caller, so repeats cannot be seen)"),
            ),
            else_=f"counted: not reopened, no repeat within {days:g} days",
        ),
    )
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=~t.closed_unresolved,
            reason=reason,
            solved=good,
            resolved_at=t.resolved_at,
            reopen_count=t.reopen_count,
            repeat_ticket=t.repeat_ticket,
        ),
        statistics=[Share("solved")],
        keys=inputs.keys,
        period_by="resolved_at",
        evidence=("resolved_at", "reopen_count", "repeat_ticket"),
    )
