"""I4 volume by channel: tickets received per channel and each channel's share."""

from __future__ import annotations

import ibis

from karsta.metrics.catalog.populations import keys_with, received, units, with_dimension
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Count, Measurement, ShareOfTotal
from karsta.metrics.registry import metric


@metric("I4", headline="share")
def volume_by_channel(inputs: MetricInputs) -> Measurement:
    """Return tickets received per channel (count and share of all received)."""
    t = with_dimension(received(inputs), inputs, "channel", "channel")
    keys = keys_with(inputs, "channel")
    return Measurement(
        units=units(
            t,
            keys,
            included=ibis.literal(True),
            reason=ibis.literal("counted: received in the period"),
            channel=t.channel,
            opened_at=t.opened_at,
        ),
        statistics=[Count(), ShareOfTotal(within=tuple(k for k in keys if k != "dim_channel"))],
        keys=keys,
        period_by="opened_at",
        evidence=("opened_at", "channel"),
    )
