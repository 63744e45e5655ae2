"""I6 handling time: talk + hold + after-call work of answered phone calls.

A call without talk time is left out and counted. Missing hold or after-call work
adds nothing to the call's time, and every call resting on that is counted as an
assumption (many telephony logs record talk time only).
"""

from __future__ import annotations

import ibis

from karsta.i18n import N_
from karsta.metrics.catalog.contacts import arrived
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Assumption, Mean, Measurement, Quantile
from karsta.metrics.registry import metric

HOLD_MISSING = Assumption(
    id="hold_time_missing",
    text=N_("hold time not recorded: the call's handling time has no hold time"),
    applies="hold_missing",
)
AFTER_WORK_MISSING = Assumption(
    id="after_work_missing",
    text=N_("after-call work not recorded: the call's handling time has no after-call work"),
    applies="after_work_missing",
)


@metric("I6", headline="mean")
def handling_time(inputs: MetricInputs) -> Measurement:
    """Return mean, median and p90 seconds of talk + hold + after-call work per answered call."""
    c = arrived(inputs)
    phone = (c.channel.lower() == "phone").fill_null(False)
    answered = (c.outcome.lower() == "answered").fill_null(False)
    in_scope = phone & answered
    talk = c.talk_seconds
    valid = talk.notnull() & (talk >= 0) & (c.hold_seconds.fill_null(0) >= 0)
    valid = valid & (c.after_work_seconds.fill_null(0) >= 0)
    reason = ibis.cases(
        (~phone, N_("outside: not a phone call")),
        (~answered, N_("outside: call not answered")),
        (talk.isnull(), N_("excluded: answered call without talk time")),
        (~valid, N_("excluded: negative talk, hold or after-call time (recording error)")),
        else_=N_("counted: answered call with talk time"),
    )
    handling = talk + c.hold_seconds.fill_null(0.0) + c.after_work_seconds.fill_null(0.0)
    included = in_scope & valid
    return Measurement(
        units=c.select(
            *inputs.keys,
            unit_id=c.contact_id,
            included=included,
            excluded=in_scope & ~valid,
            reason=reason,
            handling_seconds=ibis.cases((included, handling), else_=ibis.null("float64")),
            talk_seconds=talk,
            hold_seconds=c.hold_seconds,
            after_work_seconds=c.after_work_seconds,
            hold_missing=c.hold_seconds.isnull(),
            after_work_missing=c.after_work_seconds.isnull(),
            arrived_at=c.arrived_at,
        ),
        statistics=[
            Mean("handling_seconds"),
            Quantile("handling_seconds", 0.5, name="median"),
            Quantile("handling_seconds", 0.9, name="p90"),
        ],
        keys=inputs.keys,
        period_by="arrived_at",
        evidence=("talk_seconds", "hold_seconds", "after_work_seconds", "handling_seconds"),
        assumptions=(HOLD_MISSING, AFTER_WORK_MISSING),
    )
