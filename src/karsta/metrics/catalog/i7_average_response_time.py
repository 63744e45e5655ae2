"""I7 average response time, non-real-time half: receipt to first response of tickets.

The real-time half (average speed of answer) needs contact records; until
those are imported, I7 covers tickets from channels that are not real-time.
"""

from __future__ import annotations

import ibis

from karsta.i18n import N_, Message
from karsta.metrics.catalog.populations import received, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Mean, Measurement, Quantile
from karsta.metrics.registry import metric
from karsta.timespan import seconds_between
from karsta.workspace.coverage import CHANNELS, FIRST_RESPONSE

HOUR = 3600.0


@metric("I7", headline="mean", needs=(FIRST_RESPONSE, CHANNELS))
def average_response_time(inputs: MetricInputs) -> Measurement:
    """Return mean, median and p90 hours from opening to first response, non-real-time tickets."""
    options = inputs.options
    t = received(inputs)
    if options.service_calendar is None:
        t = t.mutate(_seconds=seconds_between(t.opened_at, t.first_response_at))
        unit = "hours"
    else:
        t = inputs.with_service_clock(t, "opened_at", "_clock_opened")
        t = inputs.with_service_clock(t, "first_response_at", "_clock_response")
        t = t.mutate(_seconds=t._clock_response - t._clock_opened)
        unit = "service_hours"
    realtime = t.channel.isin(sorted(options.realtime_channels)).fill_null(False)
    known_channel = t.channel.notnull()
    answered = t.first_response_at.notnull()
    valid = answered & (t.first_response_at >= t.opened_at).fill_null(False)
    in_scope = known_channel & ~realtime
    reason = ibis.cases(
        (realtime, N_("outside: real-time channel (measured from contacts)")),
        (~known_channel, N_("excluded: channel unknown")),
        (~answered, N_("excluded: no first response recorded")),
        (~valid, N_("excluded: first response before opening (recording error)")),
        else_=N_("counted: non-real-time ticket with a first response"),
    )
    hours = ibis.cases((valid, t._seconds / HOUR), else_=ibis.null("float64"))
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=in_scope & valid,
            excluded=~realtime & ~(in_scope & valid),
            reason=reason,
            hours=hours,
            channel=t.channel,
            opened_at=t.opened_at,
            first_response_at=t.first_response_at,
        ),
        statistics=[
            Mean("hours"),
            Quantile("hours", 0.5, name="median"),
            Quantile("hours", 0.9, name="p90"),
        ],
        keys=inputs.keys,
        period_by="opened_at",
        evidence=("channel", "opened_at", "first_response_at", "hours"),
        unit=unit,
        notes=(Message("Non-real-time channels only: the real-time half needs contact records."),),
    )
