"""I10 reopened tickets among those resolved in the period."""

from __future__ import annotations

import ibis

from karsta.i18n import N_
from karsta.metrics.catalog.populations import needs_resolution, resolved, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, Share
from karsta.metrics.registry import metric
from karsta.workspace.coverage import REOPENS, RESOLUTION


@metric("I10", headline="share", needs=(RESOLUTION, REOPENS))
def reopened_tickets(inputs: MetricInputs) -> Measurement:
    """Return resolved tickets reopened at least once / tickets resolved × 100."""
    t = resolved(inputs)
    reopened = t.reopen_count.fill_null(0) > 0
    reason = needs_resolution(
        t,
        ibis.cases(
            (reopened, N_("counted: reopened at least once")),
            else_=N_("not counted: never reopened"),
        ),
    )
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=~t.closed_unresolved,
            reason=reason,
            reopened=reopened,
            reopen_count=t.reopen_count,
            resolved_at=t.resolved_at,
        ),
        statistics=[Share("reopened")],
        keys=inputs.keys,
        period_by="resolved_at",
        evidence=("resolved_at", "reopen_count"),
    )
