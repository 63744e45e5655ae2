"""Escalation rate: received tickets that left the receiving group."""

from __future__ import annotations

import ibis

from karsta.i18n import N_
from karsta.metrics.catalog.populations import is_cancelled, received, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, Share
from karsta.metrics.registry import metric
from karsta.workspace.coverage import GROUPS


@metric("ESC", headline="share", needs=(GROUPS,))
def escalation_rate(inputs: MetricInputs) -> Measurement:
    """Return received tickets held by more than one group / received tickets × 100."""
    t = received(inputs)
    cancelled = is_cancelled(t)
    escalated = t.group_count.fill_null(1) > 1
    reason = ibis.cases(
        (cancelled, N_("excluded: cancelled")),
        (escalated, N_("counted: passed on from the receiving group")),
        else_=N_("not counted: stayed with the receiving group"),
    )
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=~cancelled,
            reason=reason,
            escalated=escalated,
            intake_group=t.intake_group,
            group_count=t.group_count,
            opened_at=t.opened_at,
        ),
        statistics=[Share("escalated")],
        keys=inputs.keys,
        period_by="opened_at",
        evidence=("opened_at", "intake_group", "group_count"),
    )
