"""The scorecard: each metric's headline figure, beside the previous period and the target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from karsta.i18n import Message
from karsta.metrics.compute import MetricResult, MetricResults
from karsta.metrics.config import Target
from karsta.metrics.inputs import PERIOD, MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.timespan import BUSY_PERIOD_SHARE
from karsta.workspace.source import TableSource


def better_when_lower(direction: str, statistic: str) -> bool | None:
    """Return whether a lower figure is better for a card's `direction` and a statistic.

    None for a balanced metric (neither way is better). A share over target is better
    lower whatever the card's direction.
    """
    if statistic == "share_over_target":
        return True
    if direction == "balanced":
        return None
    return direction == "lower"


@dataclass(frozen=True)
class ScorecardRow:
    """One metric on the scorecard."""

    result: MetricResult
    statistic: str
    group: dict[str, Any]
    """Empty for the whole desk; a metric always split (e.g. by channel) has a row per value."""
    value: float | None
    previous: float | None
    n: int | None
    excluded: int | None
    target: Target | None
    unit: str
    """The unit of the statistic's values, as its result rows name it (a share is a percent
    whatever the card measures); the metric's unit when it has no rows."""
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    """The assumptions the figure rests on: id, text and count (as in the metrics' JSON)."""

    @property
    def change(self) -> float | None:
        """Return value - previous, or None when either is missing."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def direction(self) -> str | None:
        """Return 'better', 'worse' or 'same' by the card's desired direction (None if unknown)."""
        change = self.change
        desired = self.result.definition.card.direction
        lower_is_better = better_when_lower(desired, self.statistic)
        if change is None or lower_is_better is None:
            return None
        if abs(change) < 1e-9:
            return "same"
        return "better" if (change < 0) == lower_is_better else "worse"

    @property
    def history(self) -> list[dict[str, Any]]:
        """Return this figure's result rows in every period of the run, oldest first."""
        return [
            r
            for r in self.result.rows
            if r["statistic"] == self.statistic and r["group"] == self.group and r["period"]
        ]

    @property
    def trend(self) -> list[tuple[str, float | None]]:
        """Return this figure in every period of the run, oldest first: (period, value)."""
        return [(r["period"], r["value"]) for r in self.history]

    @property
    def target_met(self) -> bool | None:
        """Return whether the value meets the target (None without target or value)."""
        return None if self.target is None else self.target.met(self.value)

    def to_dict(self) -> dict[str, Any]:
        """Return the row as plain data (for JSON)."""
        card = self.result.definition.card
        return {
            "id": card.id,
            "slug": card.slug,
            "statistic": self.statistic,
            "group": self.group,
            "unit": self.unit,
            "value": self.value,
            "previous": self.previous,
            "change": self.change,
            "direction": self.direction,
            "target": None if self.target is None else self.target.text,
            "target_met": self.target_met,
            "n": self.n,
            "excluded": self.excluded,
            "assumptions": self.assumptions,
            "no_data": self.result.no_data,
            "card_version": card.card_version,
        }


@dataclass(frozen=True)
class Scorecard:
    """Headline figures of one period with the previous period and the targets."""

    period: str | None
    previous_period: str | None
    rows: list[ScorecardRow]
    results: MetricResults
    rule: str = ""
    """How the period was chosen, shown with the scorecard."""
    targets: dict[str, Target] = field(default_factory=dict)
    volumes: dict[str, int] | None = None
    """Tickets received per period, which chose the default period."""

    @property
    def periods(self) -> list[str]:
        """Return the periods that have figures, oldest first (the ones `at` can choose)."""
        return _periods(self.results)

    def at(self, period: str | None) -> Scorecard:
        """Return the scorecard of another period of the same run (None: the default period).

        Raises KeyError naming the periods when the run has no figures for `period`.
        """
        if period is not None and period not in self.periods:
            raise KeyError(
                Message(
                    "No figures for the period {period}. Known: {known}.",
                    period=period,
                    known=", ".join(self.periods),
                )
            )
        return build_scorecard(self.results, self.targets, period=period, volumes=self.volumes)

    def to_dict(self) -> dict[str, Any]:
        """Return the scorecard as plain data (for JSON)."""
        return {
            "workspace": self.results.source,
            "generated_at": self.results.generated_at.isoformat(timespec="seconds"),
            "period": self.period,
            "previous_period": self.previous_period,
            "rule": self.rule,
            "metrics": [row.to_dict() for row in self.rows],
        }


def _periods(results: MetricResults) -> list[str]:
    return sorted({row["period"] for r in results for row in r.rows if row["period"]})


def _rows_of(result: MetricResult, statistic: str, period: str | None) -> list[dict[str, Any]]:
    """Return the whole-desk row of a statistic, or its row per group when always split."""
    rows = [r for r in result.rows if r["statistic"] == statistic and r["period"] == period]
    whole = [r for r in rows if not r["group"]]
    return whole or rows


MIN_VOLUME_SHARE = BUSY_PERIOD_SHARE
"""A period is shown by default only if it received this share of the busiest period's tickets
(the share by which the waste analysis calls a month complete)."""


def received_per_period(source: TableSource, options: MetricOptions) -> dict[str, int]:
    """Return the number of tickets received in each period of `options`."""
    inputs = MetricInputs(source, options)
    received = inputs.in_period(inputs.tickets, "opened_at")
    counts = source.to_arrow(received.group_by(PERIOD).aggregate(n=received.count()))
    return {row[PERIOD]: int(row["n"]) for row in counts.to_pylist()}


def default_period(volumes: dict[str, int]) -> str | None:
    """Return the latest period with at least MIN_VOLUME_SHARE of the busiest one's tickets.

    Trailing periods with a handful of tickets (the tail of an export, or a month
    that has just begun) would make every average meaningless.
    """
    if not volumes:
        return None
    busiest = max(volumes.values())
    return max(p for p, n in volumes.items() if n >= MIN_VOLUME_SHARE * busiest)


def build_scorecard(
    results: MetricResults,
    targets: dict[str, Target],
    *,
    period: str | None = None,
    volumes: dict[str, int] | None = None,
) -> Scorecard:
    """Return the scorecard of `period`.

    Without `period`, the latest period with enough tickets (see `default_period`)
    when `volumes` are given, else the latest period with figures. `results` must
    come from a run by period (e.g. month) without breakdowns.
    """
    periods = _periods(results)
    chosen = period or (default_period(volumes) if volumes else None)
    current = chosen or (periods[-1] if periods else None)
    earlier = [p for p in periods if current is not None and p < current]
    previous = earlier[-1] if earlier else None
    rows = []
    for result in results:
        target = targets.get(result.id)
        statistic = target.statistic if target else result.definition.headline
        present = [r["statistic"] for r in result.rows]
        if not target and present and statistic not in present:
            statistic = present[0]  # e.g. O1's formula 2 before categories are configured
        now: list[dict[str, Any] | None] = [*_rows_of(result, statistic, current)] or [None]
        before = {
            tuple(sorted(r["group"].items())): r
            for r in (_rows_of(result, statistic, previous) if previous else [])
        }
        for row in now:
            group = {} if row is None else row["group"]
            earlier_row = before.get(tuple(sorted(group.items())))
            units = [r["unit"] for r in result.rows if r["statistic"] == statistic]
            rows.append(
                ScorecardRow(
                    result=result,
                    statistic=statistic,
                    group=group,
                    value=None if row is None else row["value"],
                    previous=None if earlier_row is None else earlier_row["value"],
                    n=None if row is None else row["n"],
                    excluded=None if row is None else row["excluded"],
                    target=target,
                    unit=row["unit"] if row is not None else (units or [result.unit])[0],
                    assumptions=[] if row is None else row.get("assumptions", []),
                )
            )
    rule: str
    if period:
        rule = Message("{period}: the period asked for.", period=period)
    elif chosen:
        rule = Message(
            "{period}: the latest period with at least {share} % of the busiest period's "
            "tickets (choose another with --at).",
            period=chosen,
            share=round(100 * MIN_VOLUME_SHARE),
        )
    else:
        rule = Message("The latest period with figures.")
    return Scorecard(current, previous, rows, results, rule, dict(targets), volumes)
