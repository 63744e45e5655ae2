"""I3 tickets handled per expert: resolved tickets per distinct resolving agent."""

from __future__ import annotations

import ibis

from karsta.i18n import N_
from karsta.metrics.assumptions import AGENT_CARRIED_FORWARD
from karsta.metrics.catalog.populations import needs_resolution, resolved, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, PerDistinct
from karsta.metrics.registry import metric
from karsta.workspace.coverage import AGENTS, RESOLUTION


@metric("I3", headline="per_agent", needs=(RESOLUTION, AGENTS))
def tickets_per_agent(inputs: MetricInputs) -> Measurement:
    """Return tickets resolved in the period / distinct agents who resolved them."""
    t = resolved(inputs)
    known = t.resolving_agent.notnull()
    reason = needs_resolution(
        t,
        ibis.cases(
            (known, N_("counted: resolved by a known agent")),
            else_=N_("excluded: no resolving agent recorded"),
        ),
    )
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=known & ~t.closed_unresolved,
            reason=reason,
            resolving_agent=t.resolving_agent,
            resolved_at=t.resolved_at,
        ),
        statistics=[PerDistinct("resolving_agent")],
        keys=inputs.keys,
        period_by="resolved_at",
        evidence=("resolved_at", "resolving_agent"),
        assumptions=(AGENT_CARRIED_FORWARD,),
    )
