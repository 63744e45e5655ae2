"""I7 average response time: both halves of the card in one measurement.

Non-real-time tickets: hours from receipt to first response (mean, median, p90).
Real-time contacts: average speed of answer, seconds from queue entry to answer
(`asa`), with the abandon rate beside it (`abandon_rate`: abandoned / answered +
abandoned). A half whose data is missing is left out and a note says so.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_, Message
from karsta.metrics.assumptions import carried_forward_columns
from karsta.metrics.catalog.contacts import (
    NO_ABANDON_TIME,
    arrived,
    classify,
    counted_outcome,
    is_realtime,
    wait_seconds,
)
from karsta.metrics.catalog.populations import received
from karsta.metrics.inputs import MetricInputError, MetricInputs
from karsta.metrics.measure import Mean, Measurement, Quantile, Share, Statistic
from karsta.metrics.registry import NoData, metric
from karsta.timespan import seconds_between
from karsta.workspace.coverage import CHANNELS, FIRST_RESPONSE, cannot_compute

HOUR = 3600.0
TIMESTAMP = "timestamp('UTC')"
NO_CONTACTS = Message("Non-real-time channels only: the real-time half needs contact records.")


def _uniform(table: ir.Table) -> ir.Table:
    """Return the table with every column nullable and timestamps in microseconds (a union)."""
    stamp = ibis.dtype("timestamp('UTC', 6)")
    return table.select(
        **{
            name: table[name].cast(stamp if dtype.is_timestamp() else dtype.copy(nullable=True))
            for name, dtype in table.schema().items()
        }
    )


def _ticket_units(inputs: MetricInputs) -> tuple[ir.Table, str]:
    """Return the ticket half's units and its unit (hours or service hours)."""
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
    counted = in_scope & valid
    left_out = ~realtime & ~counted
    hours = ibis.cases((valid, t._seconds / HOUR), else_=ibis.null("float64"))
    return t.select(
        *inputs.keys,
        unit_id=t.ticket_id,
        included=counted,
        excluded=left_out,
        reason=reason,
        ticket_counted=counted,
        ticket_excluded=left_out,
        hours=hours,
        contact_offered=ibis.literal(False),
        contact_answered=ibis.literal(False),
        contact_excluded=ibis.literal(False),
        abandoned=ibis.literal(False),
        wait_seconds=ibis.null("float64"),
        channel=t.channel,
        opened_at=t.opened_at,
        first_response_at=t.first_response_at,
        arrived_at=ibis.null(TIMESTAMP),
        answered_at=ibis.null(TIMESTAMP),
        **carried_forward_columns(t),
    ), unit


def _contact_units(inputs: MetricInputs) -> ir.Table:
    """Return the real-time half's units: contacts with their wait and outcome."""
    options = inputs.options
    c = arrived(inputs)
    realtime = is_realtime(c, options)
    outcome = counted_outcome(c, options)
    wait = wait_seconds(c, outcome)
    # An abandon without its time still counts in the abandon rate (its wait is not needed).
    shared = classify(c, outcome, wait)
    shared = ibis.cases((shared == NO_ABANDON_TIME, ibis.null("string")), else_=shared)
    offered = realtime & shared.isnull()
    answered = offered & (outcome == "answered")
    reason = ibis.cases(
        (~realtime, N_("outside: non-real-time contact (S3)")),
        (shared.notnull(), shared),
        (outcome == "answered", N_("counted: answered contact (speed of answer)")),
        else_=N_("counted: abandoned contact (abandon rate, not in the speed of answer)"),
    )
    no_time = ibis.null(TIMESTAMP)
    return c.select(
        *inputs.keys,
        unit_id=c.contact_id,
        included=offered,
        excluded=realtime & ~offered,
        reason=reason,
        ticket_counted=ibis.literal(False),
        ticket_excluded=ibis.literal(False),
        hours=ibis.null("float64"),
        contact_offered=offered,
        contact_answered=answered,
        contact_excluded=realtime & ~offered,
        abandoned=offered & (outcome == "abandoned"),
        wait_seconds=ibis.cases((answered, wait), else_=ibis.null("float64")),
        channel=c.channel,
        opened_at=no_time,
        first_response_at=no_time,
        arrived_at=c.arrived_at,
        answered_at=c.answered_at,
        group_carried_forward=ibis.literal(False),
        resolving_group_carried_from=no_time,
        agent_carried_forward=ibis.literal(False),
        resolving_agent_carried_from=no_time,
    )


@metric("I7", headline="mean")
def average_response_time(inputs: MetricInputs) -> Measurement:
    """Return the non-real-time hours to first response and the real-time speed of answer."""
    tickets = inputs.has_rows("tickets")
    lacking = inputs.coverage.lacking((FIRST_RESPONSE, CHANNELS)) if tickets else []
    contacts = inputs.has_rows("contacts")
    if not contacts and lacking:
        raise NoData(cannot_compute(lacking))
    parts: list[ir.Table] = []
    statistics: list[Statistic] = []
    notes: list[str] = []
    unit = "hours"
    if tickets and not lacking:
        try:
            ticket_units, unit = _ticket_units(inputs)
        except MetricInputError as exc:
            if not contacts:
                raise
            notes.append(Message("The non-real-time half is not computed: {why}", why=exc.args[0]))
            tickets = False
    if tickets and not lacking:
        parts.append(ticket_units)
        member, outside = "ticket_counted", "ticket_excluded"
        statistics += [
            Mean("hours", population=member, outside=outside),
            Quantile("hours", 0.5, name="median", population=member, outside=outside),
            Quantile("hours", 0.9, name="p90", population=member, outside=outside),
        ]
    elif lacking:
        notes.append(Message("The non-real-time half {why}", why=cannot_compute(lacking)))
    elif not notes:
        notes.append(Message("Real-time channels only: the non-real-time half needs tickets."))
    if contacts:
        try:
            parts.append(_contact_units(inputs))
        except NoData as exc:
            if not parts:
                raise
            notes.append(Message("The real-time half is not computed: {why}", why=exc.args[0]))
            contacts = False
    if contacts:
        statistics += [
            Mean(
                "wait_seconds",
                name="asa",
                unit="seconds",
                population="contact_answered",
                outside="contact_excluded",
            ),
            Share(
                "abandoned",
                name="abandon_rate",
                population="contact_offered",
                outside="contact_excluded",
            ),
        ]
    elif not any("real-time half" in str(n) and "non-real-time" not in str(n) for n in notes):
        notes.append(NO_CONTACTS)
    units = ibis.union(*[_uniform(p) for p in parts]) if len(parts) > 1 else parts[0]
    return Measurement(
        units=units,
        statistics=statistics,
        keys=inputs.keys,
        period_by="opened_at" if tickets and not lacking else "arrived_at",
        evidence=(
            "channel",
            "opened_at",
            "first_response_at",
            "hours",
            "arrived_at",
            "answered_at",
            "wait_seconds",
        ),
        unit=unit,
        notes=tuple(notes),
    )
