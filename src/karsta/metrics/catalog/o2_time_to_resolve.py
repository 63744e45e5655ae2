"""O2 time to resolve: throughput time of tickets resolved in the period, in two clocks."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_
from karsta.metrics.catalog.populations import CLOSED_UNRESOLVED, resolved, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Mean, Measurement, Quantile, Share, Statistic
from karsta.metrics.registry import metric
from karsta.timespan import seconds_between
from karsta.workspace.coverage import RESOLUTION

HOUR = 3600.0


def _paused_service_seconds(inputs: MetricInputs, tickets: ir.Table) -> ir.Table:
    """Return ticket_id, paused_seconds and pauses: the service seconds in pauses between
    opening and resolving, and the spans subtracted (from, to, service hours)."""
    p = inputs.pauses
    spans = tickets.select("ticket_id", "opened_at", "resolved_at").join(p, "ticket_id")
    spans = spans.mutate(
        _from=ibis.greatest(spans.started_at, spans.opened_at),
        _to=ibis.least(spans.ended_at.fill_null(spans.resolved_at), spans.resolved_at),
    )
    spans = spans.filter(spans._to > spans._from)
    spans = inputs.with_service_clock(spans, "_from", "_clock_from")
    spans = inputs.with_service_clock(spans, "_to", "_clock_to")
    seconds = spans._clock_to - spans._clock_from
    span = ibis.struct({"from": spans._from, "to": spans._to, "hours": seconds / HOUR})
    return spans.group_by("ticket_id").aggregate(
        paused_seconds=seconds.sum(), pauses=span.collect().sort()
    )


@metric("O2", headline="mean", needs=(RESOLUTION,))
def time_to_resolve(inputs: MetricInputs) -> Measurement:
    """Return mean, median, p90 hours from opening to final resolution (and share over target)."""
    options = inputs.options
    t = resolved(inputs)
    # The service clock also shows (in explain) the gross time and the pauses it subtracted.
    clock: dict[str, ir.Value] = {}
    if options.service_calendar is None:
        t = t.mutate(_seconds=seconds_between(t.opened_at, t.resolved_at))
        unit = "hours"
    else:
        t = inputs.with_service_clock(t, "opened_at", "_clock_opened")
        t = inputs.with_service_clock(t, "resolved_at", "_clock_resolved")
        paused = _paused_service_seconds(inputs, t)
        t = t.left_join(paused, "ticket_id")
        gross = t._clock_resolved - t._clock_opened
        t = t.mutate(_seconds=gross - t.paused_seconds.fill_null(0.0))
        clock = {
            "gross_hours": gross / HOUR,
            "paused_hours": t.paused_seconds.fill_null(0.0) / HOUR,
            "pauses": t.pauses,
        }
        unit = "service_hours"
    valid = (t.resolved_at >= t.opened_at).fill_null(False)
    hours = ibis.cases((valid, t._seconds / HOUR), else_=ibis.null("float64"))
    threshold = options.resolve_target_hours
    over = hours > threshold if threshold is not None else ibis.literal(False)
    reason = ibis.cases(
        (t.closed_unresolved, CLOSED_UNRESOLVED),
        (~valid, N_("excluded: resolved before it was opened (recording error)")),
        (over, f"counted: over the {threshold:g} h target" if threshold else N_("counted")),
        else_=N_("counted"),
    )
    statistics: list[Statistic] = [
        Mean("hours"),
        Quantile("hours", 0.5, name="median"),
        Quantile("hours", 0.9, name="p90"),
    ]
    if threshold is not None:
        statistics.append(Share("over_target", name="share_over_target"))
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=valid,
            reason=reason,
            hours=hours,
            over_target=over,
            opened_at=t.opened_at,
            resolved_at=t.resolved_at,
            closed_at=t.closed_at,
            **clock,
        ),
        statistics=statistics,
        keys=inputs.keys,
        period_by="resolved_at",
        evidence=("opened_at", "resolved_at", "closed_at", *clock, "hours"),
        unit=unit,
    )
