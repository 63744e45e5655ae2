"""The ticket populations metrics count: received, resolved and closed in a period."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_
from karsta.metrics.assumptions import carried_forward_columns
from karsta.metrics.inputs import MetricInputs, dimension
from karsta.metrics.measure import Count, Measurement, ShareOfTotal
from karsta.metrics.options import UNKNOWN, MetricOptions

CLOSED_UNRESOLVED = N_("excluded: closed without being resolved")
"""The reason of a metric that needs a resolution for a ticket closed without one."""


def received(inputs: MetricInputs) -> ir.Table:
    """Return tickets opened in the run's periods, with `period` (by opened_at)."""
    return inputs.in_period(inputs.tickets, "opened_at")


def is_closed_unresolved(tickets: ir.Table) -> ir.BooleanValue:
    """Return whether a ticket ended closed without ever being resolved (no resolved_at)."""
    return ((tickets.status_class == "closed") & tickets.resolved_at.isnull()).fill_null(False)


def resolved(inputs: MetricInputs) -> ir.Table:
    """Return tickets finally resolved in the run's periods (by resolved_at), with `period`.

    Tickets closed without being resolved come too, in the period of their closing
    and marked `closed_unresolved`: a metric of resolved tickets excludes them with
    CLOSED_UNRESOLVED (`needs_resolution`), so its accounting shows them.
    """
    t = inputs.tickets
    unresolved = is_closed_unresolved(t)
    t = t.mutate(
        closed_unresolved=unresolved,
        resolved_or_closed_at=ibis.ifelse(unresolved, t.closed_at, t.resolved_at),
    )
    return inputs.in_period(t, "resolved_or_closed_at")


def needs_resolution(tickets: ir.Table, reason: ir.StringValue) -> ir.StringValue:
    """Return `reason`, or CLOSED_UNRESOLVED for a ticket of `resolved` closed without one."""
    return ibis.ifelse(tickets.closed_unresolved, CLOSED_UNRESOLVED, reason)


def closed(inputs: MetricInputs) -> ir.Table:
    """Return tickets closed in the run's periods, with `period` (by closed_at)."""
    return inputs.in_period(inputs.tickets, "closed_at")


def is_cancelled(tickets: ir.Table) -> ir.BooleanValue:
    """Return whether a ticket ended cancelled (never counted as received work)."""
    return (tickets.status_class == "cancelled").fill_null(False)


def is_desk_resolvable(tickets: ir.Table, options: MetricOptions) -> ir.BooleanValue:
    """Return whether the desk is expected to resolve a ticket (by category at close).

    The category at close is the corrected one; the intake category stands in
    where no close category is recorded. Without configured categories every
    ticket counts as desk-resolvable.
    """
    categories = options.desk_resolvable_categories
    if categories is None:
        return ibis.literal(True)
    category = tickets.category_close.fill_null(tickets.category_intake)
    return category.isin(sorted(categories)).fill_null(False)


def with_dimension(tickets: ir.Table, inputs: MetricInputs, name: str, column: str) -> ir.Table:
    """Return tickets with the breakdown `name` (from `column`) even when not asked for."""
    if name in inputs.options.by:
        return tickets
    return tickets.mutate(**{dimension(name): tickets[column].cast("string").fill_null(UNKNOWN)})


def keys_with(inputs: MetricInputs, name: str) -> list[str]:
    """Return the run's keys plus the breakdown `name`."""
    keys = inputs.keys
    return keys if dimension(name) in keys else [*keys, dimension(name)]


def units(
    tickets: ir.Table,
    keys: list[str],
    *,
    included: ir.BooleanValue,
    reason: ir.StringValue,
    **columns: ir.Value,
) -> ir.Table:
    """Return a unit table: unit_id, the keys, included, reason and the given columns.

    A unit that is neither included nor excluded (pass `excluded=` among the
    columns) lies outside the measurement and is not counted as an exclusion. Every
    unit also carries whether its resolving group and agent were carried forward
    (`karsta.metrics.assumptions`), for the figures and breakdowns that read them.
    """
    carried = {k: v for k, v in carried_forward_columns(tickets).items() if k not in columns}
    return tickets.select(
        *keys, unit_id=tickets.ticket_id, included=included, reason=reason, **columns, **carried
    )


def first_failing(checks: list[tuple[ir.BooleanValue, str]], passed: str) -> ir.StringValue:
    """Return the message of the first check that fails, or `passed` when all hold."""
    return ibis.cases(
        *[(~check.fill_null(False), message) for check, message in checks], else_=passed
    )


def volume_by(inputs: MetricInputs, name: str, column: str) -> Measurement:
    """Return tickets received per value of `column` (breakdown `name`): count and share."""
    t = with_dimension(received(inputs), inputs, name, column)
    keys = keys_with(inputs, name)
    return Measurement(
        units=units(
            t,
            keys,
            included=ibis.literal(True),
            reason=ibis.literal(N_("counted: received in the period")),
            opened_at=t.opened_at,
            **{column: t[column]},
        ),
        statistics=[Count(), ShareOfTotal(within=tuple(k for k in keys if k != dimension(name)))],
        keys=keys,
        period_by="opened_at",
        evidence=("opened_at", column),
    )
