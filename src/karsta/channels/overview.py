"""The reachability overview of a workspace's contacts: S1, I7, I6, S3 and the abandon curve.

The figures are the catalog's own (`compute_metrics`), so the overview and `karsta
metrics` can never disagree; the overview only picks them and adds the abandon curve
and contacts per ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from karsta.channels.abandon_curve import AbandonCurve, abandon_curve
from karsta.channels.mix import ChannelMix, channel_mix
from karsta.channels.repeat_contacts import RepeatContacts, repeat_contacts
from karsta.metrics.catalog.contacts import is_realtime
from karsta.metrics.compute import MetricResult, compute_metrics
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.workspace.source import TableSource

FIGURES = (
    ("S1", "share"),
    ("I7", "asa"),
    ("I7", "abandon_rate"),
    ("I6", "mean"),
    ("I6", "median"),
    ("I6", "p90"),
    ("S3", "share"),
)
"""The figures the overview shows, in order (S3 only where non-real-time contacts exist)."""


@dataclass(frozen=True)
class Figure:
    """One figure of the overview with its population, exclusions and assumptions."""

    metric: str
    statistic: str
    unit: str
    value: float | None
    n: int
    excluded: int
    assumptions: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Return the figure as JSON-ready data."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class ChannelsOverview:
    """Reachability of the real-time (and non-real-time) channels, one run."""

    target: str
    figures: list[Figure]
    notes: dict[str, list[str]]
    no_data: dict[str, str]
    curve: AbandonCurve
    repeats: RepeatContacts
    mix: ChannelMix

    def to_dict(self) -> dict[str, Any]:
        """Return the overview as JSON-ready data."""
        return {
            "target": self.target,
            "figures": [f.to_dict() for f in self.figures],
            "notes": {k: list(v) for k, v in self.notes.items()},
            "no_data": dict(self.no_data),
            "abandon_curve": self.curve.to_dict(),
            "repeat_contacts": self.repeats.to_dict(),
            "channel_mix": self.mix.to_dict(),
        }


def _has_nonrealtime(source: TableSource, options: MetricOptions) -> bool:
    inputs = MetricInputs(source, options)
    contacts = inputs.table("contacts")
    return inputs.has_rows_where(contacts, ~is_realtime(contacts, options))


def channels_overview(
    source: TableSource, options: MetricOptions, *, target: str
) -> ChannelsOverview:
    """Return the overview of the contacts on `source` (whole range, no breakdown)."""
    metrics = ["S1", "I7", "I6"]
    if _has_nonrealtime(source, options):
        metrics.append("S3")
    results = compute_metrics(source, options, metrics=metrics)
    figures = []
    notes: dict[str, list[str]] = {}
    no_data: dict[str, str] = {}
    for result in results:
        if result.no_data is not None:
            no_data[result.id] = result.no_data
        if result.notes:
            notes[result.id] = list(result.notes)
        figures += _figures(result)
    return ChannelsOverview(
        target=target,
        figures=figures,
        notes=notes,
        no_data=no_data,
        curve=abandon_curve(source, options),
        repeats=repeat_contacts(source, options),
        mix=channel_mix(source, options),
    )


def _figures(result: MetricResult) -> list[Figure]:
    wanted = [statistic for metric, statistic in FIGURES if metric == result.id]
    rows = {row["statistic"]: row for row in result.rows if not row["group"]}
    return [
        Figure(
            metric=result.id,
            statistic=statistic,
            unit=rows[statistic]["unit"],
            value=rows[statistic]["value"],
            n=int(rows[statistic]["n"]),
            excluded=int(rows[statistic]["excluded"]),
            assumptions=list(rows[statistic].get("assumptions", [])),
        )
        for statistic in wanted
        if statistic in rows
    ]
