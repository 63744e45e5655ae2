"""One row per visit and measure: the value, whether it counts, and why it is left out.

Each function here is a pure Ibis expression over the canonical `visits` table, so
the same code runs on DuckDB and Spark. A unit table has the columns `group` (the
visit's kind), `value` (a duration) or `hit` (a yes/no), `reason` (why the visit is
left out; empty when it counts) and `assumption` (what was assumed to count it).
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_
from karsta.timespan import seconds_between
from karsta.visits.population import APPOINTMENT

MISSING_ARRIVAL = N_("arrival time missing")
MISSING_START = N_("service start missing")
MISSING_END = N_("service end missing")
START_BEFORE_ARRIVAL = N_("service started before arrival")
END_BEFORE_START = N_("service ended before it started")
MISSING_SCHEDULE = N_("appointment time missing")
SCHEDULE_WITHOUT_TIME = N_("appointment has a date but no time of day")
MISSING_BOOKING = N_("booking time missing")
APPOINTMENT_BEFORE_BOOKING = N_("appointment before its booking")
NO_SHOW_UNKNOWN = N_("whether the customer came is not recorded")
CANCELLED = N_("cancelled before the appointment (not expected to come)")
RESOLUTION_UNKNOWN = N_("whether the matter was settled is not recorded")
MATTER_MISSING = N_("matter missing")
ADVISER_MISSING = N_("adviser missing")
LEAD_IN_CALENDAR_DAYS = N_(
    "appointment has no time of day: lead time counted in calendar days from the booking "
    "date to the appointment date"
)
CANCEL_AGAINST_DAY_START = N_(
    "appointment has no time of day: the cancellation deadline counted from the start of "
    "the appointment day"
)

_NO_TEXT = ibis.null("string")


def minutes_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.FloatingValue:
    """Return the minutes from `start` to `end`, exact on every engine (negative if earlier)."""
    return seconds_between(start, end) / 60.0


def date_only(visits: ir.Table) -> ir.BooleanValue:
    """Return whether the appointment is a bare day (`scheduled_day_only`, set by the import)."""
    return visits.scheduled_day_only.fill_null(False)


def came(visits: ir.Table) -> ir.BooleanValue:
    """Return whether the customer came: not a no-show and not cancelled."""
    return (~visits.no_show.fill_null(False)) & visits.cancelled_at.isnull()


def appointments(visits: ir.Table) -> ir.Table:
    """Return the booked appointments."""
    return visits.filter(visits.kind == APPOINTMENT)


def waiting_units(visits: ir.Table) -> ir.Table:
    """Return the waiting time (minutes, arrival → service start) of each visit that came."""
    v = visits.filter(came(visits))
    wait = minutes_between(v.arrived_at, v.service_started_at)
    reason = ibis.cases(
        (v.arrived_at.isnull(), MISSING_ARRIVAL),
        (v.service_started_at.isnull(), MISSING_START),
        (wait < 0, START_BEFORE_ARRIVAL),
        else_=_NO_TEXT,
    )
    return v.select(group=v.kind, value=wait, reason=reason, assumption=_NO_TEXT)


def lateness_units(visits: ir.Table) -> ir.Table:
    """Return each served appointment's service start against its booked time (minutes).

    Negative when the service started early. An appointment with a date only has no
    booked time to be late against: it is left out and counted.
    """
    v = appointments(visits)
    v = v.filter(came(v))
    late = minutes_between(v.scheduled_at, v.service_started_at)
    reason = ibis.cases(
        (v.scheduled_at.isnull(), MISSING_SCHEDULE),
        (date_only(v), SCHEDULE_WITHOUT_TIME),
        (v.service_started_at.isnull(), MISSING_START),
        else_=_NO_TEXT,
    )
    return v.select(group=v.kind, value=late, reason=reason, assumption=_NO_TEXT)


def lead_days(v: ir.Table) -> ir.FloatingValue:
    """Return the days from booking to appointment (calendar days for a bare date)."""
    booked_day = v.booked_at.truncate("D")
    return ibis.cases(
        (
            date_only(v),
            seconds_between(booked_day, v.scheduled_at.truncate("D")) / 86_400.0,
        ),
        else_=seconds_between(v.booked_at, v.scheduled_at) / 86_400.0,
    )


def lead_time_units(visits: ir.Table) -> ir.Table:
    """Return each appointment's lead time in days, booking → appointment.

    An appointment with a date only is measured in whole calendar days from the
    booking's date (UTC) to the appointment date, and counted as such.
    """
    v = appointments(visits)
    bare = date_only(v)
    days = lead_days(v)
    reason = ibis.cases(
        (v.booked_at.isnull(), MISSING_BOOKING),
        (v.scheduled_at.isnull(), MISSING_SCHEDULE),
        (days < 0, APPOINTMENT_BEFORE_BOOKING),
        else_=_NO_TEXT,
    )
    assumption = ibis.cases((bare, LEAD_IN_CALENDAR_DAYS), else_=_NO_TEXT)
    return v.select(group=v.kind, value=days, reason=reason, assumption=assumption)


def service_units(visits: ir.Table) -> ir.Table:
    """Return the service time (minutes, service start → end) of each visit that came."""
    v = visits.filter(came(visits))
    duration = minutes_between(v.service_started_at, v.service_ended_at)
    reason = ibis.cases(
        (v.service_started_at.isnull(), MISSING_START),
        (v.service_ended_at.isnull(), MISSING_END),
        (duration < 0, END_BEFORE_START),
        else_=_NO_TEXT,
    )
    return v.select(group=v.kind, value=duration, reason=reason, assumption=_NO_TEXT)


def no_show_units(visits: ir.Table) -> ir.Table:
    """Return each appointment's no-show (hit: the customer did not come)."""
    v = appointments(visits)
    reason = ibis.cases(
        (v.cancelled_at.notnull(), CANCELLED),
        (v.no_show.isnull(), NO_SHOW_UNKNOWN),
        else_=_NO_TEXT,
    )
    return v.select(
        group=v.kind, hit=v.no_show.fill_null(False), reason=reason, assumption=_NO_TEXT
    )


def late_cancel_units(visits: ir.Table, *, hours: float) -> ir.Table:
    """Return each appointment's late cancellation: cancelled less than `hours` before it.

    A cancellation after the appointment time is late too. An appointment with a date
    only is counted from the start of its day, and counted as such.
    """
    v = appointments(visits)
    cancelled = v.cancelled_at.notnull()
    late = cancelled & (seconds_between(v.cancelled_at, v.scheduled_at) < hours * 3600.0)
    reason = ibis.cases((v.scheduled_at.isnull(), MISSING_SCHEDULE), else_=_NO_TEXT)
    assumption = ibis.cases((cancelled & date_only(v), CANCEL_AGAINST_DAY_START), else_=_NO_TEXT)
    return v.select(group=v.kind, hit=late.fill_null(False), reason=reason, assumption=assumption)


def resolution_units(visits: ir.Table) -> ir.Table:
    """Return each visit that came: was its matter settled in this one visit."""
    v = visits.filter(came(visits))
    reason = ibis.cases((v.resolved_in_visit.isnull(), RESOLUTION_UNKNOWN), else_=_NO_TEXT)
    return v.select(
        group=v.kind, hit=v.resolved_in_visit.fill_null(False), reason=reason, assumption=_NO_TEXT
    )


def channel_of_matter(visits: ir.Table, matter_channels: Mapping[str, str]) -> ir.StringValue:
    """Return the other channel that handles each visit's matter (empty if none)."""
    if not matter_channels:
        return _NO_TEXT
    return ibis.cases(
        *((visits.matter == matter, channel) for matter, channel in matter_channels.items()),
        else_=_NO_TEXT,
    )


def other_channel_units(visits: ir.Table, matter_channels: Mapping[str, str]) -> ir.Table:
    """Return each visit that came: could its matter have used another channel (the map's)."""
    v = visits.filter(came(visits))
    channel = channel_of_matter(v, matter_channels)
    reason = ibis.cases((v.matter.isnull(), MATTER_MISSING), else_=_NO_TEXT)
    return v.select(
        group=v.kind,
        hit=channel.notnull(),
        reason=reason,
        assumption=_NO_TEXT,
        channel=channel,
    )


def adviser_day_units(visits: ir.Table) -> ir.Table:
    """Return per adviser and day (UTC): service minutes and the span first start → last end.

    Only visits with an adviser and a service start and end in order count; see
    `service_units` and `utilisation_exclusions` for the others.
    """
    v = visits.filter(
        came(visits),
        visits.adviser.notnull(),
        visits.service_started_at.notnull(),
        visits.service_ended_at.notnull(),
        visits.service_ended_at >= visits.service_started_at,
    )
    v = v.mutate(
        day=v.service_started_at.truncate("D"),
        minutes=minutes_between(v.service_started_at, v.service_ended_at),
    )
    days = v.group_by(["adviser", "day"]).aggregate(
        service_minutes=v.minutes.sum(),
        first_start=v.service_started_at.min(),
        last_end=v.service_ended_at.max(),
    )
    return days.mutate(span_minutes=minutes_between(days.first_start, days.last_end))


def utilisation_exclusion_units(visits: ir.Table) -> ir.Table:
    """Return each visit that came with the reason it cannot count for utilisation (or none)."""
    v = visits.filter(came(visits))
    reason = ibis.cases(
        (v.adviser.isnull(), ADVISER_MISSING),
        (v.service_started_at.isnull(), MISSING_START),
        (v.service_ended_at.isnull(), MISSING_END),
        (v.service_ended_at < v.service_started_at, END_BEFORE_START),
        else_=_NO_TEXT,
    )
    return v.select(group=v.kind, reason=reason)
