"""I2 handlers per ticket: distinct agents and groups that held a resolved ticket."""

from __future__ import annotations

import ibis

from karsta.i18n import N_, Message
from karsta.metrics.catalog.populations import needs_resolution, resolved, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Mean, Measurement, Quantile, Share, Statistic
from karsta.metrics.registry import metric
from karsta.workspace.coverage import AGENTS, GROUPS, RESOLUTION, cannot_compute


@metric("I2", headline="agents_mean", needs=(RESOLUTION, AGENTS))
def handlers_per_ticket(inputs: MetricInputs) -> Measurement:
    """Return mean and median distinct agents and groups per resolved ticket, reassigned share."""
    t = resolved(inputs)
    reassigned = t.reassignment_count.fill_null(0) > 0
    reason = needs_resolution(
        t,
        ibis.cases(
            (reassigned, N_("counted: reassigned at least once")),
            else_=N_("counted: never reassigned"),
        ),
    )
    statistics: list[Statistic] = [
        Mean("agents", name="agents_mean"),
        Quantile("agents", 0.5, name="agents_median"),
        Share("reassigned", name="reassigned_share"),
    ]
    notes: tuple[str, ...] = ()
    if inputs.coverage.has(GROUPS):
        statistics[2:2] = [
            Mean("groups", name="groups_mean"),
            Quantile("groups", 0.5, name="groups_median"),
        ]
    else:  # without groups every ticket would show 0 groups
        notes = (Message("Groups per ticket {why}.", why=cannot_compute([GROUPS])),)
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=~t.closed_unresolved,
            reason=reason,
            agents=t.agent_count,
            groups=t.group_count,
            reassigned=reassigned,
            reassignment_count=t.reassignment_count,
            resolved_at=t.resolved_at,
        ),
        statistics=statistics,
        keys=inputs.keys,
        period_by="resolved_at",
        evidence=("resolved_at", "agents", "groups", "reassignment_count"),
        notes=notes,
    )
