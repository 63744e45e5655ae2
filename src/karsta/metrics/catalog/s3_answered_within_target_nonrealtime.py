"""S3 answered within target, non-real-time channels (e-mail, forms), in service hours.

Answer time counts the workspace's service hours when a calendar is set (the same
clock as the ticket metrics), else calendar hours, and a note says so. A contact not
answered yet counts against the target once its target time has passed; before that
it is left out and counted.
"""

from __future__ import annotations

from datetime import UTC, datetime

import ibis

from karsta.i18n import N_, Message
from karsta.metrics.catalog.contacts import (
    LOW_VOLUME,
    arrived,
    classify,
    counted_outcome,
    is_realtime,
    low_volume,
)
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Count, Measurement, Share
from karsta.metrics.registry import metric
from karsta.timespan import seconds_between

HOUR = 3600.0


@metric("S3", headline="share")
def answered_within_target_nonrealtime(inputs: MetricInputs) -> Measurement:
    """Return the share of non-real-time contacts answered within the target hours."""
    options = inputs.options
    target = options.nonrealtime_target_hours * HOUR
    now = options.until or datetime.now(UTC)
    c = arrived(inputs)
    answered_moment = ibis.cases(
        ((c.outcome.lower() == "routed"), c.answered_at.fill_null(c.ended_at)),
        else_=c.answered_at,
    )
    abandoned_moment = c.abandoned_at.fill_null(c.ended_at)
    c = c.mutate(
        _answered=answered_moment,
        _abandoned=abandoned_moment,
        _now=ibis.literal(now, type="timestamp('UTC')"),
    )
    if options.service_calendar is None:
        start = c.arrived_at
        c = c.mutate(
            _to_answer=seconds_between(start, c._answered),
            _to_abandon=seconds_between(start, c._abandoned),
            _to_now=seconds_between(start, c._now),
        )
        notes: tuple[str, ...] = (
            Message("No service hours are set: answer times count calendar hours."),
        )
    else:
        for moment, name in (
            ("arrived_at", "_c_arrived"),
            ("_answered", "_c_answered"),
            ("_abandoned", "_c_abandoned"),
            ("_now", "_c_now"),
        ):
            c = inputs.with_service_clock(c, moment, name)
        c = c.mutate(
            _to_answer=c._c_answered - c._c_arrived,
            _to_abandon=c._c_abandoned - c._c_arrived,
            _to_now=c._c_now - c._c_arrived,
        )
        notes = ()
    outcome = counted_outcome(c, options)
    realtime = is_realtime(c, options)
    # An answered contact lacking its answer time is still waiting: not a recording error.
    unanswered = (c.outcome.lower() == "answered") & c.answered_at.isnull()
    unanswered = unanswered | c.outcome.isnull()
    wait = ibis.cases((outcome == "abandoned", c._to_abandon), else_=c._to_answer)
    shared = classify(c, outcome, wait)
    waiting = unanswered & (c._to_now < target)
    overdue = unanswered & ~waiting
    early = (outcome == "abandoned") & (c._to_abandon < target)
    reason = ibis.cases(
        (realtime, N_("outside: real-time channel (S1)")),
        (waiting, N_("excluded: not answered yet, target time not passed")),
        (overdue, N_("counted: not answered, target time passed")),
        (shared.notnull(), shared),
        (early, N_("excluded: withdrawn before the target time")),
        ((outcome == "answered") & (wait <= target), N_("counted: answered within the target")),
        ((outcome == "answered"), N_("counted: answered after the target")),
        else_=N_("counted: withdrawn at or after the target"),
    )
    included = ~realtime & (overdue | (~waiting & shared.isnull() & ~early.fill_null(False)))
    keys = inputs.keys
    units = c.select(
        *keys,
        unit_id=c.contact_id,
        included=included,
        excluded=~realtime & ~included,
        reason=reason,
        within_target=included & ~overdue & (outcome == "answered") & (wait <= target),
        answer_hours=wait / HOUR,
        outcome=c.outcome,
        arrived_at=c.arrived_at,
        answered_at=c.answered_at,
    )
    units = units.mutate(low_volume=low_volume(units.included, keys, options.min_contacts))
    return Measurement(
        units=units,
        statistics=[Share("within_target"), Count()],
        keys=keys,
        period_by="arrived_at",
        evidence=("outcome", "arrived_at", "answered_at", "answer_hours"),
        notes=notes,
        assumptions=(LOW_VOLUME,),
    )
