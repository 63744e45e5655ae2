"""Real-time contacts as the channel analyses count them: the metrics' own rules.

One row per contact with whether it was offered to an agent (answered or abandoned,
routed ones per the special routing rule; phantom records and excluded routings
out), its wait, whether it counts in S1 and was answered within the target, and its
handling time. Built from the same helpers as S1, I6 and I7, so an interval's figures
add up to the metrics' figures.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_
from karsta.metrics.catalog.contacts import (
    arrived,
    classify,
    counted_outcome,
    is_realtime,
    wait_seconds,
)
from karsta.metrics.inputs import MetricInputs

NON_REALTIME = N_("outside: non-real-time contact (S3)")


def realtime_contacts(inputs: MetricInputs) -> ir.Table:
    """Return the contacts of the run's range with the columns the channel analyses read."""
    options = inputs.options
    target = options.answer_target_seconds
    c = arrived(inputs)
    realtime = is_realtime(c, options)
    outcome = counted_outcome(c, options)
    wait = wait_seconds(c, outcome)
    shared = classify(c, outcome, wait)
    offered = realtime & shared.isnull()
    answered = offered & (outcome == "answered")
    abandoned = offered & (outcome == "abandoned")
    early = abandoned & (wait < target)
    talk = c.talk_seconds
    handled = answered & (c.outcome.lower() == "answered") & talk.notnull() & (talk >= 0)
    handling = talk + c.hold_seconds.fill_null(0.0) + c.after_work_seconds.fill_null(0.0)
    return c.select(
        "contact_id",
        "arrived_at",
        "ticket_id",
        "agent",
        realtime=realtime,
        offered=offered,
        answered=answered,
        abandoned=abandoned,
        s1_member=offered & ~early,
        within_target=answered & (wait <= target),
        wait_seconds=ibis.cases((offered, wait), else_=ibis.null("float64")),
        handled=handled,
        handling_seconds=ibis.cases((handled, handling), else_=ibis.null("float64")),
        reason=ibis.cases((~realtime, NON_REALTIME), else_=shared),
    )


def exclusions(inputs: MetricInputs, contacts: ir.Table) -> dict[str, int]:
    """Return the contacts left out of the analyses, counted by reason."""
    left = contacts.filter(contacts.reason.notnull())
    counts = left.group_by("reason").aggregate(n=left.count())
    rows = inputs.source.to_arrow(counts).to_pylist()
    return {str(r["reason"]): int(r["n"]) for r in sorted(rows, key=lambda r: str(r["reason"]))}
