"""S1 answered within target, real-time channels: the "80/20" share of contacts answered.

Contacts abandoned before the target time are left out of the total; those abandoned
at or after it stay in and count as not answered in time. Exactly at the target
second counts as within it (answered) and as not before it (abandoned).
"""

from __future__ import annotations

import ibis

from karsta.i18n import N_, Message
from karsta.metrics.catalog.contacts import (
    LOW_VOLUME,
    arrived,
    classify,
    counted_outcome,
    is_realtime,
    low_volume,
    wait_seconds,
)
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Count, Measurement, Share
from karsta.metrics.options import ROUTED_AS_ABANDONED, ROUTED_AS_ANSWERED, ROUTED_AS_EXCLUDED
from karsta.metrics.registry import metric

ABANDONED_EARLY = N_("excluded: abandoned before the target time")
RULE_LABELS = {
    ROUTED_AS_ANSWERED: N_("as answered"),
    ROUTED_AS_EXCLUDED: N_("as excluded"),
    ROUTED_AS_ABANDONED: N_("as abandoned"),
}


@metric("S1", headline="share")
def answered_within_target_realtime(inputs: MetricInputs) -> Measurement:
    """Return the share of real-time contacts answered within the target seconds."""
    options = inputs.options
    target = options.answer_target_seconds
    c = arrived(inputs)
    realtime = is_realtime(c, options)
    outcome = counted_outcome(c, options)
    wait = wait_seconds(c, outcome)
    shared = classify(c, outcome, wait)
    early = (outcome == "abandoned") & (wait < target)
    reason = ibis.cases(
        (~realtime, N_("outside: non-real-time channel (S3)")),
        (shared.notnull(), shared),
        (early, ABANDONED_EARLY),
        ((outcome == "answered") & (wait <= target), N_("counted: answered within the target")),
        ((outcome == "answered"), N_("counted: answered after the target")),
        else_=N_("counted: abandoned at or after the target"),
    )
    included = realtime & shared.isnull() & ~early.fill_null(False)
    keys = inputs.keys
    units = c.select(
        *keys,
        unit_id=c.contact_id,
        included=included,
        excluded=realtime & ~included,
        reason=reason,
        within_target=included & (outcome == "answered") & (wait <= target),
        wait_seconds=wait,
        outcome=c.outcome,
        special_routing=c.special_routing,
        arrived_at=c.arrived_at,
        answered_at=c.answered_at,
        abandoned_at=c.abandoned_at,
    )
    units = units.mutate(low_volume=low_volume(units.included, keys, options.min_contacts))
    return Measurement(
        units=units,
        statistics=[Share("within_target"), Count()],
        keys=keys,
        period_by="arrived_at",
        evidence=("outcome", "special_routing", "arrived_at", "answered_at", "wait_seconds"),
        notes=(
            Message(
                "Target: answered within {seconds} s; special routing not configured counts "
                "{rule}.",
                seconds=format(target, "g"),
                rule=Message(RULE_LABELS[options.special_routing_default]),
            ),
        ),
        assumptions=(LOW_VOLUME,),
    )
