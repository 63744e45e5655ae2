"""I2 handlers per ticket: distinct agents and groups that held a resolved ticket."""

from __future__ import annotations

import ibis

from karsta.i18n import N_
from karsta.metrics.catalog.populations import resolved, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Mean, Measurement, Quantile, Share
from karsta.metrics.registry import metric


@metric("I2", headline="agents_mean")
def handlers_per_ticket(inputs: MetricInputs) -> Measurement:
    """Return mean and median distinct agents and groups per resolved ticket, reassigned share."""
    t = resolved(inputs)
    reassigned = t.reassignment_count.fill_null(0) > 0
    reason = ibis.cases(
        (reassigned, N_("counted: reassigned at least once")), else_=N_("counted: never reassigned")
    )
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=ibis.literal(True),
            reason=reason,
            agents=t.agent_count,
            groups=t.group_count,
            reassigned=reassigned,
            reassignment_count=t.reassignment_count,
            resolved_at=t.resolved_at,
        ),
        statistics=[
            Mean("agents", name="agents_mean"),
            Quantile("agents", 0.5, name="agents_median"),
            Mean("groups", name="groups_mean"),
            Quantile("groups", 0.5, name="groups_median"),
            Share("reassigned", name="reassigned_share"),
        ],
        keys=inputs.keys,
        period_by="resolved_at",
        evidence=("resolved_at", "agents", "groups", "reassignment_count"),
    )
