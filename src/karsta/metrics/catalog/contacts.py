"""The contact populations S1, S3, I6 and I7 count: real-time and non-real-time contacts.

A contact's outcome decides how it counts: answered, abandoned, routed (a special
routing function ended it: counted as answered, excluded or abandoned as the
options say per routing) or phantom (not a customer contact: excluded with its
reason, never measured). Waits are seconds from arrived_at (queue entry).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_, Message
from karsta.metrics.inputs import MetricInputs, dimension
from karsta.metrics.measure import Assumption
from karsta.metrics.options import ROUTED_AS_EXCLUDED, UNKNOWN, MetricOptions
from karsta.metrics.registry import NoData
from karsta.timespan import seconds_between

CONTACT_DIMENSIONS: dict[str, str] = {
    "type": "contact_type",
    "contact_type": "contact_type",
    "channel": "channel",
    "queue": "queue",
    "priority": "priority",
    "agent": "agent",
    "routing": "special_routing",
    "special_routing": "special_routing",
}
"""Breakdowns (--by) of contact figures, and the contacts column each one reads."""

PHANTOM = N_("excluded: phantom record, not a customer contact")
UNKNOWN_OUTCOME = N_("excluded: outcome unknown")
ROUTED_EXCLUDED = N_("excluded: special routing (counted as excluded)")
ROUTED_WITHOUT_TIME = N_("excluded: routed contact without an answer or end time")
NO_ANSWER_TIME = N_("excluded: answered without an answer time")
ANSWER_BEFORE_ARRIVAL = N_("excluded: answered before arrival (recording error)")
NO_ABANDON_TIME = N_("excluded: abandoned without an abandon or end time")

LOW_VOLUME = Assumption(
    id="low_volume",
    text=N_(
        "fewer contacts in this period and group than the volume threshold (min_contacts): "
        "the percentage swings and is not a reliable measure"
    ),
    applies="low_volume",
)


def contacts(inputs: MetricInputs) -> ir.Table:
    """Return the contacts with one `dim_<name>` text column per asked breakdown.

    A breakdown contacts do not have (a ticket's group, say) leaves the figure
    uncomputed with the reason (NoData), so the other metrics of a run go on.
    """
    table = inputs.table("contacts")
    extra = {}
    for name in inputs.options.by:
        column = CONTACT_DIMENSIONS.get(name, name)
        if column not in table.columns:
            raise NoData(
                Message(
                    "Cannot break down by '{name}': contacts have no such column. Known: {known}.",
                    name=name,
                    known=", ".join(sorted(CONTACT_DIMENSIONS)),
                )
            )
        extra[dimension(name)] = table[column].cast("string").fill_null(UNKNOWN)
    return table.mutate(**extra) if extra else table


def arrived(inputs: MetricInputs) -> ir.Table:
    """Return contacts that arrived in the run's periods, with `period` (by arrived_at)."""
    return inputs.in_period(contacts(inputs), "arrived_at")


def is_realtime(table: ir.Table, options: MetricOptions) -> ir.BooleanValue:
    """Return whether a contact is real-time: its own flag, else its channel's setting."""
    by_channel = table.channel.lower().isin(sorted(options.realtime_channels)).fill_null(False)
    return table.realtime.fill_null(by_channel)


def counted_outcome(table: ir.Table, options: MetricOptions) -> ir.StringValue:
    """Return the outcome a contact counts as: a routed one's by the routing rule."""
    routing = table.special_routing.lower()
    branches = [(routing == name.lower(), value) for name, value in options.special_routing.items()]
    default = ibis.literal(options.special_routing_default)
    rule = ibis.cases(*branches, else_=default) if branches else default
    outcome = table.outcome.lower()
    return ibis.cases((outcome == "routed", rule), else_=outcome)


def wait_seconds(table: ir.Table, outcome: ir.StringValue) -> ir.FloatingValue:
    """Return seconds from arrival to answer (or to the abandon, for abandoned contacts).

    A routed contact counted as answered waited until its answer, else its end; one
    counted as abandoned until its abandon time, else its end.
    """
    routed = table.outcome.lower() == "routed"
    answered_moment = ibis.cases(
        (routed, table.answered_at.fill_null(table.ended_at)), else_=table.answered_at
    )
    abandoned_moment = table.abandoned_at.fill_null(table.ended_at)
    moment = ibis.cases(
        (outcome == "answered", answered_moment),
        (outcome == "abandoned", abandoned_moment),
        else_=ibis.null("timestamp('UTC')"),
    )
    return seconds_between(table.arrived_at, moment)


def classify(table: ir.Table, outcome: ir.StringValue, wait: ir.FloatingValue) -> ir.StringValue:
    """Return the exclusion reason shared by every contact figure, or NULL when none applies."""
    routed = table.outcome.lower() == "routed"
    return ibis.cases(
        (table.outcome.lower() == "phantom", PHANTOM),
        (outcome == ROUTED_AS_EXCLUDED, ROUTED_EXCLUDED),
        (~outcome.isin(["answered", "abandoned"]).fill_null(False), UNKNOWN_OUTCOME),
        ((outcome == "answered") & wait.isnull() & routed, ROUTED_WITHOUT_TIME),
        ((outcome == "answered") & wait.isnull(), NO_ANSWER_TIME),
        ((outcome == "answered") & (wait < 0), ANSWER_BEFORE_ARRIVAL),
        ((outcome == "abandoned") & wait.isnull(), NO_ABANDON_TIME),
        else_=ibis.null("string"),
    )


def low_volume(included: ir.BooleanValue, keys: list[str], minimum: int) -> ir.BooleanValue:
    """Return whether a unit's period and group count fewer included units than `minimum`."""
    counted = included.cast("int64").sum().over(ibis.window(group_by=keys))
    return counted < minimum
