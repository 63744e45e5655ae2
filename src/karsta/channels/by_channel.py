"""Reachability per channel: the overview's figures (S1, I7, I6, S3) broken down by channel.

The figures are the catalog's own with the contacts' channel breakdown, so each
channel's figure is what `karsta metrics --by channel` gives. A channel lists the
figures that count some contact of it (or exclude some): S1 and I7 for a real-time
channel, S3 for a non-real-time one, I6 where handling times are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from karsta.channels.overview import FIGURES, Figure
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.workspace.source import TableSource

METRICS = ("S1", "I7", "I6", "S3")


@dataclass(frozen=True)
class ChannelReachability:
    """One channel's reachability figures, in the overview's order."""

    channel: str
    figures: list[Figure]

    def figure(self, metric: str, statistic: str) -> Figure | None:
        """Return the channel's figure of `metric` and `statistic`, None if it has none."""
        for f in self.figures:
            if (f.metric, f.statistic) == (metric, statistic):
                return f
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return the channel's figures as JSON-ready data."""
        return {"channel": self.channel, "figures": [f.to_dict() for f in self.figures]}


def reachability_by_channel(
    source: TableSource, options: MetricOptions
) -> list[ChannelReachability]:
    """Return per channel (by name) the overview's figures that count or exclude a contact."""
    results = compute_metrics(source, replace(options, by=("channel",)), metrics=list(METRICS))
    found: dict[str, list[Figure]] = {}
    order = {pair: i for i, pair in enumerate(FIGURES)}
    for result in results:
        if result.no_data is not None:
            continue
        for row in result.rows:
            pair = (result.id, row["statistic"])
            channel = row["group"].get("channel")
            if pair not in order or channel is None:
                continue
            n, excluded = int(row["n"]), int(row["excluded"])
            if not n and not excluded:
                continue
            found.setdefault(str(channel), []).append(
                Figure(
                    metric=result.id,
                    statistic=row["statistic"],
                    unit=row["unit"],
                    value=row["value"],
                    n=n,
                    excluded=excluded,
                    assumptions=list(row.get("assumptions", [])),
                )
            )
    return [
        ChannelReachability(channel, sorted(figures, key=lambda f: order[(f.metric, f.statistic)]))
        for channel, figures in sorted(found.items())
    ]
