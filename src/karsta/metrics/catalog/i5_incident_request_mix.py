"""I5 incidents vs service requests among tickets received."""

from __future__ import annotations

import ibis

from karsta.metrics.catalog.populations import keys_with, received, units, with_dimension
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Count, Measurement, ShareOfTotal
from karsta.metrics.registry import metric


@metric("I5", headline="share")
def incident_request_mix(inputs: MetricInputs) -> Measurement:
    """Return tickets received per type (count and share of all received)."""
    t = with_dimension(received(inputs), inputs, "type", "ticket_type")
    keys = keys_with(inputs, "type")
    return Measurement(
        units=units(
            t,
            keys,
            included=ibis.literal(True),
            reason=ibis.literal("counted: received in the period"),
            ticket_type=t.ticket_type,
            opened_at=t.opened_at,
        ),
        statistics=[Count(), ShareOfTotal(within=tuple(k for k in keys if k != "dim_type"))],
        keys=keys,
        period_by="opened_at",
        evidence=("opened_at", "ticket_type"),
    )
