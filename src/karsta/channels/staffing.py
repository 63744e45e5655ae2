"""Staffing per interval: required agents for a target, and the model against the data.

For each interval of the weekday profile (mean arrivals per day, handling time of the
answered contacts) Erlang C (pyworkforce) gives the agents needed on the phones for the
target and, with shrinkage, the agents to schedule; Erlang A gives the same with
callers abandoning at the patience estimated from the data (see `abandon_curve`).
For each dated interval the models predict the service level with the agents observed
answering in it, set beside the observed S1 share. Observed agents are the distinct
agents who answered a contact in the interval: an agent logged in but idle does not
show, so the staffed count is a lower bound, and the comparison says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from karsta.channels.abandon_curve import abandon_curve
from karsta.channels.erlang import erlang_a, erlang_c, required_agents_a, required_agents_c
from karsta.channels.intervals import Interval, interval_table
from karsta.channels.targets import ServiceTarget
from karsta.i18n import N_
from karsta.metrics.options import MetricOptions
from karsta.workspace.source import TableSource

MIN_OFFERED = 10
"""Dated intervals with fewer offered contacts are not compared (too few to judge)."""
OBSERVED_AGENTS = N_(
    "observed agents are those who answered a contact in the interval: a lower bound of "
    "the agents staffed"
)


@dataclass(frozen=True)
class StaffedInterval:
    """One interval's load, required agents and predicted against observed service level."""

    start: str
    weekday: int
    offered: float
    aht_seconds: float | None
    load_erlangs: float | None
    required_agents: int | None
    """Erlang C: agents on the phones for the target (None: handling time unknown)."""
    scheduled_agents: int | None
    """Required agents with shrinkage."""
    required_agents_erlang_a: int | None
    observed_agents: float
    predicted_service_level: float | None
    """Erlang C with the observed agents (0–1); None without answered contacts."""
    predicted_service_level_erlang_a: float | None
    observed_service_level: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the interval as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class WhatIf:
    """Agents needed over the profile for one target."""

    target: str
    agent_hours_per_week: float
    """Scheduled agents × interval hours, summed over the weekly profile."""
    peak_scheduled_agents: int

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class StaffingPlan:
    """Required agents per interval and the staffing model checked against the data."""

    target: str
    shrinkage: float
    interval_minutes: int
    timezone: str
    patience_seconds: float | None
    profile: list[StaffedInterval]
    dated: list[StaffedInterval]
    what_if: list[WhatIf]
    compared_intervals: int
    mean_abs_error_erlang_c: float | None
    """Mean |predicted − observed| service level (0–1) over the compared dated intervals."""
    mean_abs_error_erlang_a: float | None
    unsized_intervals: int
    """Profile intervals with arrivals but no handled contact: no handling time to size by."""
    excluded: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = (OBSERVED_AGENTS,)

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data."""
        return {
            "target": self.target,
            "shrinkage": self.shrinkage,
            "interval_minutes": self.interval_minutes,
            "timezone": self.timezone,
            "patience_seconds": self.patience_seconds,
            "compared_intervals": self.compared_intervals,
            "mean_abs_error_erlang_c": self.mean_abs_error_erlang_c,
            "mean_abs_error_erlang_a": self.mean_abs_error_erlang_a,
            "unsized_intervals": self.unsized_intervals,
            "excluded": dict(self.excluded),
            "notes": list(self.notes),
            "what_if": [w.to_dict() for w in self.what_if],
            "profile": [i.to_dict() for i in self.profile],
            "dated": [i.to_dict() for i in self.dated],
        }


def _staff(
    interval: Interval,
    seconds: float,
    target: ServiceTarget,
    shrinkage: float,
    patience: float | None,
    *,
    size: bool,
) -> StaffedInterval:
    """Return one interval sized for the target and predicted with its observed agents."""
    aht = interval.aht_seconds
    load = interval.offered * aht / seconds if aht is not None else None
    required = scheduled = required_a = None
    predicted = predicted_a = None
    if aht is not None and interval.offered > 0:
        if size:
            required, scheduled = required_agents_c(
                interval.offered, aht, seconds, target.seconds, target.level, shrinkage=shrinkage
            )
            if patience is not None:
                required_a = required_agents_a(
                    interval.offered,
                    aht,
                    seconds,
                    target.seconds,
                    target.level,
                    patience,
                    start=required,
                )
        agents = round(interval.agents)
        if agents >= 1:
            predicted = erlang_c(interval.offered, aht, seconds, agents, target.seconds)
            predicted_c = predicted.service_level
            if patience is not None:
                predicted_a = erlang_a(
                    interval.offered, aht, seconds, agents, target.seconds, patience
                ).service_level
            return StaffedInterval(
                interval.start,
                interval.weekday,
                interval.offered,
                aht,
                load,
                required,
                scheduled,
                required_a,
                interval.agents,
                predicted_c,
                predicted_a,
                interval.observed_service_level,
            )
    return StaffedInterval(
        interval.start,
        interval.weekday,
        interval.offered,
        aht,
        load,
        required,
        scheduled,
        required_a,
        interval.agents,
        None,
        None,
        interval.observed_service_level,
    )


def _mean_error(pairs: list[tuple[float, float]]) -> float | None:
    return sum(abs(p - o) for p, o in pairs) / len(pairs) if pairs else None


def staffing_plan(
    source: TableSource,
    options: MetricOptions | None = None,
    *,
    target: ServiceTarget,
    shrinkage: float = 0.0,
    minutes: int = 30,
    what_if: tuple[ServiceTarget, ...] = (),
) -> StaffingPlan:
    """Return the agents each interval needs for `target` and the model against the data."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    options = options or MetricOptions()
    table = interval_table(source, options, minutes=minutes)
    patience = abandon_curve(source, options).patience_seconds
    seconds = minutes * 60.0
    profile = [_staff(i, seconds, target, shrinkage, patience, size=True) for i in table.profile]
    dated = [_staff(i, seconds, target, shrinkage, patience, size=False) for i in table.dated]
    compared = [
        d
        for d in dated
        if d.offered >= MIN_OFFERED
        and d.predicted_service_level is not None
        and d.observed_service_level is not None
    ]
    scenarios = []
    for scenario in (target, *what_if):
        sized = [_staff(i, seconds, scenario, shrinkage, None, size=True) for i in table.profile]
        counts = [s.scheduled_agents or 0 for s in sized]
        scenarios.append(
            WhatIf(str(scenario), sum(counts) * minutes / 60.0, max(counts, default=0))
        )
    return StaffingPlan(
        target=str(target),
        shrinkage=shrinkage,
        interval_minutes=minutes,
        timezone=table.timezone,
        patience_seconds=patience,
        profile=profile,
        dated=dated,
        what_if=scenarios,
        compared_intervals=len(compared),
        mean_abs_error_erlang_c=_mean_error(
            [(d.predicted_service_level or 0.0, d.observed_service_level or 0.0) for d in compared]
        ),
        mean_abs_error_erlang_a=_mean_error(
            [
                (d.predicted_service_level_erlang_a, d.observed_service_level or 0.0)
                for d in compared
                if d.predicted_service_level_erlang_a is not None
            ]
        ),
        unsized_intervals=sum(1 for p in profile if p.offered > 0 and p.aht_seconds is None),
        excluded=table.excluded,
    )
