"""O4 closed tickets: tickets closed in the period, and as a share of those received."""

from __future__ import annotations

import ibis

from karsta.i18n import N_, Message
from karsta.metrics.catalog.populations import closed, is_cancelled, received, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Count, Measurement, Share, ShareOf, Statistic
from karsta.metrics.registry import metric
from karsta.workspace.coverage import CLOSING


@metric("O4", headline="count", needs=(CLOSING,))
def closed_tickets(inputs: MetricInputs) -> Measurement:
    """Return closed tickets per period and their share of tickets received in it."""
    t = closed(inputs)
    cancelled = is_cancelled(t)
    reference = received(inputs)
    reference_units = units(
        reference, inputs.keys, included=~is_cancelled(reference), reason=ibis.literal("")
    )
    codes = inputs.options.workaround_codes
    workaround = (
        t.resolution_code.isin(sorted(codes)).fill_null(False)
        if codes is not None
        else ibis.literal(False)
    )
    reason = ibis.cases(
        (cancelled, N_("excluded: cancelled")),
        (workaround, N_("counted: closed in the period, with a workaround")),
        else_=N_("counted: closed in the period"),
    )
    statistics: list[Statistic] = [Count(), ShareOf(reference_units)]
    notes: tuple[str, ...] = ()
    if codes is None:
        notes = (Message("The share closed with a workaround needs the workaround_codes setting."),)
    else:
        statistics.append(Share("workaround", name="workaround_share"))
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
            resolution_code=t.resolution_code,
            workaround=workaround,
        ),
        statistics=statistics,
        keys=inputs.keys,
        period_by="closed_at",
        evidence=(
            "opened_at",
            "closed_at",
            "resolving_level",
            "resolving_group",
            "resolution_code",
        ),
        notes=notes,
    )
