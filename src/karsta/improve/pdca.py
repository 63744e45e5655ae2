"""PDCA: every followed change with the measured effect on each of its metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from karsta.i18n import N_
from karsta.improve.impact import MetricImpact, metric_impact
from karsta.improve.models import Improvement
from karsta.improve.schemas import ImprovementData
from karsta.metrics.options import MetricOptions
from karsta.workspace.source import TableSource

ORDER = (
    "worse",
    "cannot be computed",
    "no follow-up yet",
    "following up",
    "no change shown",
    "not tested",
    "changed",
    "improved",
    "standard holds",
)
"""From the status that most needs attention to the one that needs least."""


@dataclass(frozen=True)
class ImprovementStatus:
    """A followed change with the effect on each metric and the status of the whole."""

    improvement: ImprovementData
    impacts: list[MetricImpact]

    @property
    def status(self) -> str:
        """Return the status that most needs attention among the metrics' (no metric: none)."""
        found = [i.status for i in self.impacts]
        return min(found, key=ORDER.index) if found else "no metric"

    def to_dict(self) -> dict[str, Any]:
        """Return the status as JSON-ready data."""
        return {
            "improvement": self.improvement.model_dump(mode="json"),
            "status": self.status,
            "metrics": [i.to_dict() for i in self.impacts],
        }


def improvement_status(
    source: TableSource, options: MetricOptions, improvement: Improvement
) -> ImprovementStatus:
    """Return the measured effect of `improvement` on each of its metrics."""
    impacts = [
        metric_impact(
            source,
            options,
            metric=m.metric,
            statistic=m.statistic,
            target=m.target,
            changed_on=improvement.changed_on,
            period=improvement.period,  # type: ignore[arg-type]
            baseline_periods=improvement.baseline_periods,
            hold_periods=improvement.hold_periods,
            alpha=improvement.alpha,
        )
        for m in improvement.metrics
    ]
    return ImprovementStatus(ImprovementData.model_validate(improvement), impacts)


STATUS_NAMES = {
    "no follow-up yet": N_("no follow-up yet"),
    "following up": N_("following up"),
    "improved": N_("improved"),
    "standard holds": N_("standard holds"),
    "no change shown": N_("no change shown"),
    "worse": N_("worse"),
    "changed": N_("changed"),
    "not tested": N_("not tested"),
    "cannot be computed": N_("cannot be computed"),
    "no metric": N_("no metric"),
}
"""The name for people of each status a followed change can have (translated where shown)."""
