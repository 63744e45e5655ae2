"""Assumptions ticket facts carry into figures, and how a breakdown inherits them.

A ticket's resolving group (and with it the level) and agent are read at the
resolving event. In an event log, where that event records none, they are carried
forward from an earlier event (`tickets.resolving_*_carried_from` keeps its time):
every figure that reads them — O1 and S2 through the level, I3 through the agent,
and any figure broken down by group, level or agent — counts the tickets resting on
that. Where the level stays unknown, O1 and S2 count the ticket as not resolved at
level 1, and say how many.
"""

from __future__ import annotations

from dataclasses import replace

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_
from karsta.metrics.inputs import dimension
from karsta.metrics.measure import Assumption, Measurement

GROUP_CARRIED_FORWARD = Assumption(
    id="resolving_group_carried_forward",
    text=N_("resolving group carried forward from an earlier event"),
    applies="group_carried_forward",
    at="resolving_group_carried_from",
    detail=N_("resolving group carried forward from the event at {at}"),
)
AGENT_CARRIED_FORWARD = Assumption(
    id="resolving_agent_carried_forward",
    text=N_("resolving agent carried forward from an earlier event"),
    applies="agent_carried_forward",
    at="resolving_agent_carried_from",
    detail=N_("resolving agent carried forward from the event at {at}"),
)
LEVEL_UNKNOWN = Assumption(
    id="resolving_level_unknown",
    text=N_("level where resolved is unknown: counted as not resolved at level 1"),
    applies="level_unknown",
)

BREAKDOWN_ASSUMPTIONS = {
    "group": GROUP_CARRIED_FORWARD,
    "level": GROUP_CARRIED_FORWARD,
    "agent": AGENT_CARRIED_FORWARD,
}
"""The breakdowns (--by) that read a resolving fact, and the assumption it may rest on."""


def carried_forward_columns(tickets: ir.Table) -> dict[str, ir.Value]:
    """Return the unit columns of the carried-forward assumptions (whether, and from when)."""
    columns: dict[str, ir.Value] = {}
    for assumption in (GROUP_CARRIED_FORWARD, AGENT_CARRIED_FORWARD):
        assert assumption.at is not None
        # Tables exported by an earlier version lack the column: nothing was carried there.
        at = (
            tickets[assumption.at]
            if assumption.at in tickets.columns
            else ibis.null("timestamp('UTC')")
        )
        columns[assumption.applies] = at.notnull()
        columns[assumption.at] = at
    return columns


def with_breakdown_assumptions(measurement: Measurement) -> Measurement:
    """Return the measurement with the assumptions its breakdowns rest on, once each."""
    assumptions = list(measurement.assumptions)
    for name, assumption in BREAKDOWN_ASSUMPTIONS.items():
        if dimension(name) not in measurement.keys or assumption in assumptions:
            continue
        if assumption.applies in measurement.units.columns:
            assumptions.append(assumption)
    if len(assumptions) == len(measurement.assumptions):
        return measurement
    return replace(measurement, assumptions=tuple(assumptions))
