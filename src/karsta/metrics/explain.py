"""Why a ticket counts in a metric, or not: the rule and the timestamps it used.

The explanation reads the same unit table the figures are aggregated from, so
it always tells the truth about the figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import ibis

from karsta.i18n import Message
from karsta.metrics.compute import measure
from karsta.metrics.inputs import PERIOD, WHOLE_RANGE, MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.metrics.registry import MetricDefinition, NoData, find
from karsta.schema import PERSONAL_COLUMNS
from karsta.workspace.source import TableSource


@dataclass(frozen=True)
class Explanation:
    """The verdicts of one ticket in one metric: one per period it is measured in."""

    definition: MetricDefinition
    ticket_id: str
    verdicts: list[dict[str, Any]]
    """Per unit row: period, group, included, excluded, reason, the evidence values and the
    assumptions the verdict rests on (id, text, detail and the time `at`, if any)."""
    ticket: dict[str, Any] | None
    """The ticket's facts (None when no such ticket exists)."""
    why_absent: str | None = None
    notes: tuple[str, ...] = field(default=())

    def without_personal(self) -> Explanation:
        """Return the explanation without values of personal columns (an agent's identifier).

        The ticket's facts are left out too (an empty dict: `found` still tells whether
        the ticket exists): they hold the caller. Pages and reports show this form.
        """
        verdicts = [
            {
                **verdict,
                "evidence": {
                    name: value
                    for name, value in verdict["evidence"].items()
                    if name not in PERSONAL_COLUMNS
                },
            }
            for verdict in self.verdicts
        ]
        return replace(self, verdicts=verdicts, ticket=None if self.ticket is None else {})

    @property
    def found(self) -> bool:
        """Return whether the ticket exists (among the tickets the options keep)."""
        return self.ticket is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the explanation as plain data (for JSON)."""
        return {
            "metric": self.definition.id,
            "card_version": self.definition.card.card_version,
            "ticket_id": self.ticket_id,
            "verdicts": self.verdicts,
            "why_absent": self.why_absent,
            "notes": list(self.notes),
        }


def explain(
    source: TableSource, metric_id: str, ticket_id: str, options: MetricOptions | None = None
) -> Explanation:
    """Return how `ticket_id` is treated by `metric_id` under `options`.

    A ticket that `options.ticket_attributes` leaves out is treated as one that does
    not exist: a user limited to some groups or channels learns nothing of it.
    """
    definition = find(metric_id)
    options = options or MetricOptions()
    inputs = MetricInputs(source, options)
    tickets = inputs.restricted(source.table("tickets"))
    facts = source.to_arrow(tickets.filter(tickets.ticket_id == ticket_id)).to_pylist()
    ticket = facts[0] if facts else None
    if ticket is None:
        absent = Message("No ticket {ticket} in the data.", ticket=ticket_id)
        return Explanation(definition, ticket_id, [], None, absent)
    try:
        measurement = measure(definition, inputs)
    except NoData as reason:
        no_figures = Message("No figures: {reason}.", reason=reason.args[0])
        return Explanation(definition, ticket_id, [], ticket, no_figures)
    units = measurement.units
    # Units that are not tickets (survey answers) name the ticket they are about.
    about = units.ticket_id == ticket_id if "ticket_id" in units.columns else ibis.literal(False)
    rows = source.to_arrow(units.filter((units.unit_id == ticket_id) | about)).to_pylist()
    verdicts = []
    for row in rows:
        group = {k[4:]: v for k, v in row.items() if k.startswith("dim_")}
        verdicts.append(
            {
                "period": None if row[PERIOD] == WHOLE_RANGE else row[PERIOD],
                "group": group,
                "included": bool(row["included"]),
                "excluded": bool(row.get("excluded", not row["included"])),
                "reason": row["reason"],
                "evidence": {name: row.get(name) for name in measurement.evidence},
                "assumptions": [
                    {
                        "id": a.id,
                        "text": a.text,
                        "detail": a.detail,
                        "at": row.get(a.at) if a.at else None,
                    }
                    for a in measurement.assumptions
                    if row.get(a.applies)
                ],
            }
        )
    verdicts.sort(key=lambda v: v["period"] or "")
    why_absent: str | None = None
    if not verdicts:
        moment = measurement.period_by
        value = ticket.get(moment) if moment else None
        if moment and moment not in ticket:
            why_absent = Message("Not measured: no answer about this ticket in the asked range.")
        elif moment and value is None:
            why_absent = Message(
                "Not measured: the metric places tickets by {moment}, which is empty.",
                moment=moment,
            )
        elif moment:
            why_absent = Message(
                "Not measured: the metric places tickets by {moment} ({value}), "
                "which is outside the asked range.",
                moment=moment,
                value=str(value),
            )
        else:
            why_absent = Message("Not in this metric's population for the asked range.")
    return Explanation(definition, ticket_id, verdicts, ticket, why_absent, measurement.notes)
