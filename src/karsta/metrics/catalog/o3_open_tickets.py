"""O3 open tickets: tickets open at the moment of measurement, their share and age."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_
from karsta.metrics.catalog.populations import is_cancelled, received, units
from karsta.metrics.inputs import PERIOD, MetricInputs, dimension
from karsta.metrics.measure import Count, Mean, Measurement, Share, ShareOf, Statistic
from karsta.metrics.options import UNKNOWN
from karsta.metrics.registry import metric
from karsta.timespan import seconds_between
from karsta.workspace.coverage import RESOLUTION

DAY = 86400.0
STATUS = dimension("status")


def _bucket_name(low: float, high: float | None) -> str:
    """Return a statistic name such as age_1_7d or age_over_30d."""
    return f"age_{low:g}_{high:g}d" if high is not None else f"age_over_{low:g}d"


def _received_by_moments(inputs: MetricInputs) -> ir.Table:
    """Return one row per (measurement moment, ticket opened by then), with `is_open`."""
    t = inputs.tickets
    moments = inputs.moments()
    joined = t.join(moments, [t.opened_at <= moments.moment])
    done = joined.resolved_at.fill_null(joined.closed_at)
    return joined.mutate(is_open=done.isnull() | (done > joined.moment))


def _with_status_at_moment(inputs: MetricInputs, open_now: ir.Table) -> ir.Table:
    """Return open tickets with `dim_status` = the status of their last event by the moment."""
    e = inputs.events
    events = e.select(_ticket=e.ticket_id, _at=e.timestamp, _seq=e.seq, _status=e.activity)
    pairs = open_now.select("ticket_id", PERIOD, "moment").join(
        events, [open_now.ticket_id == events._ticket, events._at <= open_now.moment]
    )
    ranked = pairs.mutate(
        _rank=ibis.row_number().over(group_by=["ticket_id", PERIOD], order_by=ibis.desc("_seq"))
    )
    latest = ranked.filter(ranked._rank == 0).select("ticket_id", PERIOD, _status_at="_status")
    joined = open_now.left_join(latest, ["ticket_id", PERIOD])
    return joined.mutate(**{STATUS: joined._status_at.fill_null(UNKNOWN)}).drop("_status_at")


@metric("O3", headline="count", needs=(RESOLUTION,))
def open_tickets(inputs: MetricInputs) -> Measurement:
    """Return tickets open at the end of each period: count, share of received, age."""
    t = _received_by_moments(inputs)
    by_status = STATUS in inputs.keys
    if by_status:
        # Status means the status at the moment; only open tickets have one worth showing.
        t = _with_status_at_moment(inputs, t.filter(t.is_open))
    cancelled = is_cancelled(t)
    age_days = seconds_between(t.opened_at, t.moment) / DAY
    bounds = (0.0, *inputs.options.age_buckets_days)
    buckets: dict[str, ir.BooleanValue] = {}
    for low, high in zip(bounds, (*bounds[1:], None), strict=True):
        in_bucket = age_days >= low if high is None else (age_days >= low) & (age_days < high)
        buckets[_bucket_name(low, high)] = in_bucket
    reference = received(inputs)
    reference_units = units(
        reference, inputs.keys, included=~is_cancelled(reference), reason=ibis.literal("")
    )
    statistics: list[Statistic] = [
        Count(),
        *([] if by_status else [ShareOf(reference_units)]),
        Mean("age_days", name="age_mean_days", unit="days"),
        *[Share(name, name=name) for name in buckets],
    ]
    reason = ibis.cases(
        (~t.is_open, N_("not counted: resolved or closed before the moment")),
        (cancelled, N_("excluded: cancelled")),
        else_=N_("counted: opened before the moment and not resolved or closed by then"),
    )
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=t.is_open & ~cancelled,
            excluded=t.is_open & cancelled,
            reason=reason,
            moment=t.moment,
            opened_at=t.opened_at,
            resolved_at=t.resolved_at,
            closed_at=t.closed_at,
            age_days=age_days,
            **buckets,
        ),
        statistics=statistics,
        keys=inputs.keys,
        period_by="moment",
        evidence=("moment", "opened_at", "resolved_at", "closed_at", "age_days"),
    )
