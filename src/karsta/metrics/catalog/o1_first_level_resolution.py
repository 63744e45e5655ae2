"""O1 first-level resolution rate, by both of the guide's formulas."""

from __future__ import annotations

import ibis

from karsta.i18n import N_, Message
from karsta.metrics.assumptions import GROUP_CARRIED_FORWARD, LEVEL_UNKNOWN
from karsta.metrics.catalog.populations import (
    CLOSED_UNRESOLVED,
    is_cancelled,
    is_closed_unresolved,
    is_desk_resolvable,
    received,
    units,
)
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, Share, Statistic
from karsta.metrics.registry import metric
from karsta.workspace.coverage import RESOLUTION, RESOLVING_LEVEL


@metric("O1", headline="share_desk_resolvable", needs=(RESOLUTION, RESOLVING_LEVEL))
def first_level_resolution(inputs: MetricInputs) -> Measurement:
    """Return tickets resolved at level 1 / received (all, and desk-resolvable) × 100."""
    options = inputs.options
    t = received(inputs)
    cancelled = is_cancelled(t)
    closed_unresolved = is_closed_unresolved(t)
    excluded = cancelled | closed_unresolved
    resolvable = is_desk_resolvable(t, options)
    at_level_1 = t.resolved_at.notnull() & (t.resolving_level == 1).fill_null(False)
    reason = ibis.cases(
        (cancelled, N_("excluded: cancelled")),
        (closed_unresolved, CLOSED_UNRESOLVED),
        (at_level_1 & resolvable, N_("counted: resolved at level 1")),
        (at_level_1, N_("counted in formula 1 only: resolved at level 1, not desk-resolvable")),
        (t.resolved_at.isnull(), N_("not counted: not resolved")),
        (t.resolving_level.isnull(), N_("not counted: level where resolved is unknown")),
        else_=N_("not counted: resolved above level 1"),
    )
    statistics: list[Statistic] = [Share("at_level_1", name="share_all_received")]
    notes: tuple[str, ...] = ()
    if options.desk_resolvable_categories is None:
        notes = (
            Message("Formula 2 needs the desk-resolvable categories; they are not configured."),
        )
    else:
        statistics.append(
            Share("at_level_1", name="share_desk_resolvable", population="desk_population")
        )
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=~excluded,
            reason=reason,
            at_level_1=at_level_1,
            desk_population=~excluded & resolvable,
            level_unknown=t.resolved_at.notnull() & t.resolving_level.isnull(),
            opened_at=t.opened_at,
            resolved_at=t.resolved_at,
            resolving_level=t.resolving_level,
            resolving_group=t.resolving_group,
        ),
        statistics=statistics,
        keys=inputs.keys,
        period_by="opened_at",
        evidence=("opened_at", "resolved_at", "resolving_level", "resolving_group"),
        notes=notes,
        assumptions=(GROUP_CARRIED_FORWARD, LEVEL_UNKNOWN),
    )
