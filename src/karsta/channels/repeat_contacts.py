"""Contacts per ticket: how often a customer had to get in touch again about one matter.

Counted over contacts whose ticket is known (phantom records left out); contacts without
a ticket are counted beside, not guessed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from karsta.metrics.catalog.contacts import arrived
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.workspace.source import TableSource


@dataclass(frozen=True)
class RepeatContacts:
    """Contacts per ticket and how many tickets needed more than one contact."""

    tickets: int
    contacts_with_ticket: int
    contacts_without_ticket: int
    phantom: int
    per_ticket: float | None
    """Mean contacts per ticket (None without a ticket)."""
    tickets_by_contacts: dict[str, int]
    """Tickets with 1, 2 and 3 or more contacts (keys '1', '2', '3+')."""

    @property
    def repeat_share(self) -> float | None:
        """Return the share (0–1) of tickets with more than one contact."""
        if not self.tickets:
            return None
        return (self.tickets - self.tickets_by_contacts.get("1", 0)) / self.tickets

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data."""
        return {**asdict(self), "repeat_share": self.repeat_share}


def repeat_contacts(source: TableSource, options: MetricOptions | None = None) -> RepeatContacts:
    """Return contacts per ticket over the contacts of the run's range."""
    inputs = MetricInputs(source, options or MetricOptions())
    c = arrived(inputs)
    phantom = (c.outcome.lower() == "phantom").fill_null(False)
    counts = c.aggregate(
        phantom=phantom.cast("int64").sum(),
        with_ticket=(~phantom & c.ticket_id.notnull()).cast("int64").sum(),
        without_ticket=(~phantom & c.ticket_id.isnull()).cast("int64").sum(),
    )
    totals = source.to_arrow(counts).to_pylist()[0]
    kept = c.filter(~phantom & c.ticket_id.notnull())
    per = kept.group_by("ticket_id").aggregate(n=kept.count())
    sizes = per.group_by("n").aggregate(tickets=per.count())
    distribution = {"1": 0, "2": 0, "3+": 0}
    for row in source.to_arrow(sizes).to_pylist():
        n = int(row["n"])
        distribution["3+" if n >= 3 else str(n)] += int(row["tickets"])
    tickets = sum(distribution.values())
    with_ticket = int(totals["with_ticket"] or 0)
    return RepeatContacts(
        tickets=tickets,
        contacts_with_ticket=with_ticket,
        contacts_without_ticket=int(totals["without_ticket"] or 0),
        phantom=int(totals["phantom"] or 0),
        per_ticket=with_ticket / tickets if tickets else None,
        tickets_by_contacts=distribution,
    )
