"""I1 cost per ticket, from the costs the tickets themselves record."""

from __future__ import annotations

import ibis

from karsta.i18n import N_, Message
from karsta.metrics.catalog.populations import received, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Mean, Measurement
from karsta.metrics.registry import NoData, metric


@metric("I1", headline="mean")
def cost_per_ticket(inputs: MetricInputs) -> Measurement:
    """Return the mean recorded cost of tickets received in the period (euros)."""
    tickets = inputs.tickets
    if not inputs.has_rows_where(tickets, tickets.cost.notnull()):
        raise NoData(Message("no ticket records a cost; import cost data (tickets' cost column)"))
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
