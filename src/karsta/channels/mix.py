"""Channel mix: contacts per channel and period, the self-service share, and contacts per
resolved matter by channel.

Phantom records are left out and counted. A contact belongs to the period it arrived in
(months by default). Which channels are self-service is a setting (default: web, portal,
self-service, app); contacts a routing function ended in the IVR count as self-service
only when `ivr_is_self_service` is set, since an IVR hang-up may be a caller who gave up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from karsta.metrics.catalog.contacts import arrived
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import UNKNOWN, MetricOptions
from karsta.workspace.source import TableSource

SELF_SERVICE = frozenset({"web", "portal", "self-service", "app"})


@dataclass(frozen=True)
class ChannelVolume:
    """Contacts of one channel in one period, and their share of the period's contacts."""

    period: str | None
    channel: str
    contacts: int
    share: float
    """Share (0–1) of all contacts of the period."""
    self_service: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class ChannelMix:
    """Volumes and shares per channel over time, and contacts per resolved matter."""

    volumes: list[ChannelVolume]
    self_service_share: dict[str, float]
    """Per period ('' for the whole range): self-service contacts / all contacts."""
    per_resolved_ticket: dict[str, float]
    """Per channel: contacts / resolved tickets they belong to (tickets with a resolution)."""
    phantom: int
    self_service_channels: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the mix as JSON-ready data."""
        return {
            "self_service_channels": list(self.self_service_channels),
            "phantom": self.phantom,
            "self_service_share": dict(self.self_service_share),
            "per_resolved_ticket": dict(self.per_resolved_ticket),
            "volumes": [v.to_dict() for v in self.volumes],
        }


def channel_mix(
    source: TableSource,
    options: MetricOptions | None = None,
    *,
    self_service: frozenset[str] = SELF_SERVICE,
    ivr_is_self_service: bool = False,
) -> ChannelMix:
    """Return the channel mix of the contacts on `source` by the run's periods."""
    options = options or MetricOptions()
    inputs = MetricInputs(source, options)
    c = arrived(inputs)
    phantom = (c.outcome.lower() == "phantom").fill_null(False)
    channel = c.channel.lower().fill_null(UNKNOWN)
    if ivr_is_self_service:
        in_ivr = (c.outcome.lower() == "routed") & (c.special_routing.lower() == "ivr")
        channel = in_ivr.ifelse("ivr", channel)
    kept = c.filter(~phantom).mutate(_channel=channel)
    counts = kept.group_by(["period", "_channel"]).aggregate(n=kept.count())
    rows = source.to_arrow(counts).to_pylist()
    phantoms = source.to_arrow(c.filter(phantom).count().name("n").as_table()).column("n")
    chosen = {s.lower() for s in self_service} | ({"ivr"} if ivr_is_self_service else set())
    totals: dict[str, int] = defaultdict(int)
    selves: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["period"]] += int(row["n"])
        if row["_channel"] in chosen:
            selves[row["period"]] += int(row["n"])
    volumes = [
        ChannelVolume(
            period=row["period"] or None,
            channel=str(row["_channel"]),
            contacts=int(row["n"]),
            share=int(row["n"]) / totals[row["period"]],
            self_service=row["_channel"] in chosen,
        )
        for row in sorted(rows, key=lambda r: (r["period"], -int(r["n"]), r["_channel"]))
    ]
    tickets = inputs.table("tickets").filter(lambda t: t.resolved_at.notnull())
    matched = kept.filter(kept.ticket_id.notnull()).semi_join(tickets, "ticket_id")
    per = matched.group_by("_channel").aggregate(
        contacts=matched.count(), tickets=matched.ticket_id.nunique()
    )
    per_ticket = {
        str(r["_channel"]): int(r["contacts"]) / int(r["tickets"])
        for r in source.to_arrow(per).to_pylist()
        if r["tickets"]
    }
    return ChannelMix(
        volumes=volumes,
        self_service_share={p: selves[p] / n for p, n in sorted(totals.items()) if n},
        per_resolved_ticket=dict(sorted(per_ticket.items())),
        phantom=int(phantoms[0].as_py() or 0),
        self_service_channels=sorted(chosen),
    )
