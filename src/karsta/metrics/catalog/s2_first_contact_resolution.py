"""S2 first contact resolution: received tickets resolved at once by the desk, per type."""

from __future__ import annotations

import ibis

from karsta.i18n import N_, Message
from karsta.metrics.assumptions import GROUP_CARRIED_FORWARD, LEVEL_UNKNOWN
from karsta.metrics.catalog.populations import (
    CLOSED_UNRESOLVED,
    first_failing,
    is_cancelled,
    is_closed_unresolved,
    is_desk_resolvable,
    keys_with,
    received,
    units,
    with_dimension,
)
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, Share
from karsta.metrics.registry import metric
from karsta.timespan import seconds_between
from karsta.workspace.coverage import REOPENS, RESOLUTION, RESOLVING_LEVEL


@metric("S2", headline="share", needs=(RESOLUTION, RESOLVING_LEVEL, REOPENS))
def first_contact_resolution(inputs: MetricInputs) -> Measurement:
    """Return FCR: tickets resolved at level 1, unescalated, unreopened, within the window."""
    options = inputs.options
    t = with_dimension(received(inputs), inputs, "type", "ticket_type")
    keys = keys_with(inputs, "type")
    cancelled = is_cancelled(t)
    closed_unresolved = is_closed_unresolved(t)
    resolvable = is_desk_resolvable(t, options)
    minutes = seconds_between(t.opened_at, t.resolved_at) / 60
    window = options.first_contact_minutes
    checks = [
        (t.resolved_at.notnull(), N_("not counted: not resolved")),
        (t.resolving_level.notnull(), N_("not counted: level where resolved is unknown")),
        (t.resolving_level == 1, N_("not counted: resolved above level 1")),
        (
            (t.reassignment_count.fill_null(0) == 0) & (t.group_count.fill_null(1) <= 1),
            N_("not counted: escalated or reassigned"),
        ),
        (t.reopen_count.fill_null(0) == 0, N_("not counted: reopened")),
        (minutes <= window, f"not counted: resolved later than {window:g} min after opening"),
    ]
    passed = f"counted: resolved at level 1 within {window:g} min, no escalation, no reopening"
    # A resolution recorded before the opening says nothing about the first contact.
    backwards = (t.resolved_at < t.opened_at).fill_null(False)
    reason = ibis.cases(
        (cancelled, N_("excluded: cancelled")),
        (closed_unresolved, CLOSED_UNRESOLVED),
        (~resolvable, N_("excluded: category not desk-resolvable")),
        (backwards, N_("excluded: resolved before it was opened (recording error)")),
        else_=first_failing(checks, passed),
    )
    resolved_first = ibis.literal(True)
    for check, _ in checks:
        resolved_first = resolved_first & check.fill_null(False)
    notes: tuple[str, ...] = ()
    if options.desk_resolvable_categories is None:
        notes = (Message("Desk-resolvable categories are not configured: every ticket counts."),)
    return Measurement(
        units=units(
            t,
            keys,
            included=~cancelled & ~closed_unresolved & resolvable & ~backwards,
            reason=reason,
            first_contact=resolved_first,
            level_unknown=t.resolved_at.notnull() & t.resolving_level.isnull(),
            opened_at=t.opened_at,
            resolved_at=t.resolved_at,
            resolving_level=t.resolving_level,
            reassignment_count=t.reassignment_count,
            reopen_count=t.reopen_count,
        ),
        statistics=[Share("first_contact")],
        keys=keys,
        period_by="opened_at",
        evidence=(
            "opened_at",
            "resolved_at",
            "resolving_level",
            "reassignment_count",
            "reopen_count",
        ),
        notes=notes,
        assumptions=(GROUP_CARRIED_FORWARD, LEVEL_UNKNOWN),
    )
