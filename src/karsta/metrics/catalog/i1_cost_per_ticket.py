"""I1 cost per ticket, from the costs the tickets themselves record."""

from __future__ import annotations

import ibis

from karsta.i18n import N_
from karsta.metrics.catalog.populations import received, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Mean, Measurement
from karsta.metrics.registry import metric
from karsta.workspace.coverage import COSTS


@metric("I1", headline="mean", needs=(COSTS,))
def cost_per_ticket(inputs: MetricInputs) -> Measurement:
    """Return the mean recorded cost of tickets received in the period (euros)."""
    t = received(inputs)
    has_cost = t.cost.notnull()
    reason = ibis.cases(
        (has_cost, N_("counted: the ticket records its cost")),
        else_=N_("excluded: no cost recorded"),
    )
    return Measurement(
        units=units(
            t, inputs.keys, included=has_cost, reason=reason, cost=t.cost, opened_at=t.opened_at
        ),
        statistics=[Mean("cost")],
        keys=inputs.keys,
        period_by="opened_at",
        evidence=("opened_at", "cost"),
    )
