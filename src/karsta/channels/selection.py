"""The contacts of some channels: a source whose contacts table keeps only those channels.

The channel filter of the channel pages and a user's channel limit both mean the
contact's own channel (a phone call is a phone contact, whatever channel its ticket
came in by), compared without regard to case. Every other table is the source's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import UNKNOWN, MetricOptions
from karsta.workspace.source import TableSource


@dataclass(frozen=True)
class ContactsOfChannels:
    """`source` with only the contacts whose channel is one of `channels`."""

    source: TableSource
    channels: tuple[str, ...]

    @property
    def label(self) -> str:
        """Return the underlying source's label."""
        return self.source.label

    def table(self, name: str) -> ir.Table:
        """Return a canonical table; contacts only of the chosen channels."""
        table = self.source.table(name)
        if name != "contacts":
            return table
        wanted = sorted({c.lower() for c in self.channels})
        if not wanted:
            return table.filter(ibis.literal(False))
        return table.filter(table.channel.lower().isin(wanted).fill_null(False))

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run an expression on the underlying source's engine."""
        return self.source.to_arrow(expr)


def of_channels(source: TableSource, channels: tuple[str, ...] | None) -> TableSource:
    """Return `source` limited to the contacts of `channels` (None: every contact)."""
    return source if channels is None else ContactsOfChannels(source, channels)


@dataclass(frozen=True)
class ChannelCount:
    """A channel and the contacts that arrived by it in the run's range."""

    channel: str
    contacts: int


def contact_channels(source: TableSource, options: MetricOptions) -> list[ChannelCount]:
    """Return the channels of the contacts in the run's range, busiest first.

    Every contact row counts, phantom records included: this lists what can be chosen,
    it measures nothing. A contact without a channel counts as 'unknown'.
    """
    inputs = MetricInputs(source, options)
    contacts = inputs.within_range(inputs.table("contacts"), "arrived_at")
    named = contacts.mutate(_channel=contacts.channel.lower().fill_null(UNKNOWN))
    counts = named.group_by("_channel").aggregate(n=named.count())
    rows = source.to_arrow(counts).to_pylist()
    ordered = sorted(rows, key=lambda r: (-int(r["n"]), str(r["_channel"])))
    return [ChannelCount(str(r["_channel"]), int(r["n"])) for r in ordered]
