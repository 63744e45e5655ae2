"""O4 closed tickets: tickets closed in the period, and as a share of those received."""

from __future__ import annotations

import ibis

from karsta.metrics.catalog.populations import closed, is_cancelled, received, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Count, Measurement, ShareOf
from karsta.metrics.registry import metric


@metric("O4", headline="count")
def closed_tickets(inputs: MetricInputs) -> Measurement:
    """Return closed tickets per period and their share of tickets received in it."""
    t = closed(inputs)
    cancelled = is_cancelled(t)
    reference = received(inputs)
    reference_units = units(
        reference, inputs.keys, included=~is_cancelled(reference), reason=ibis.literal("")
    )
    reason = ibis.cases((cancelled, "excluded: cancelled"), else_="counted: closed in the period")
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=~cancelled,
            reason=reason,
            opened_at=t.opened_at,
            closed_at=t.closed_at,
            resolving_level=t.resolving_level,
            resolving_group=t.resolving_group,
        ),
        statistics=[Count(), ShareOf(reference_units)],
        keys=inputs.keys,
        period_by="closed_at",
        evidence=("opened_at", "closed_at", "resolving_level", "resolving_group"),
    )
