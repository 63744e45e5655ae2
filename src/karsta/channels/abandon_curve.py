"""The abandon curve: of the callers still waiting at a waiting time, how many give up.

Estimator: a life table (the actuarial form of Kaplan–Meier) over waiting-time buckets.
Every offered real-time contact waits until it is answered or abandons. For a bucket
[a, b): `waiting` = contacts still waiting at a (wait ≥ a); `abandoned` and `answered`
= those that ended in the bucket. The bucket's abandon share is abandoned / waiting
(the simple hazard). Answers censor patience, so the patience survival multiplies
(1 − abandoned / (waiting − answered / 2)) over the buckets: answered callers count
as at risk for half the bucket, the actuarial rule. The patience estimate for Erlang A
is the exponential's maximum-likelihood rate: abandons / total time waited by everyone.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import ibis

from karsta.channels.population import exclusions, realtime_contacts
from karsta.i18n import N_
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.workspace.source import TableSource

BUCKETS = (0.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0)
"""Bucket lower edges in seconds; the last bucket has no upper edge."""
ESTIMATOR = N_("life table (actuarial Kaplan–Meier) over waiting-time buckets")


@dataclass(frozen=True)
class AbandonBucket:
    """One waiting-time bucket of the abandon curve."""

    from_seconds: float
    to_seconds: float | None
    waiting: int
    abandoned: int
    answered: int
    abandon_share: float | None
    """abandoned / waiting (0–1): of those still waiting at the bucket's start."""
    patience_survival: float | None
    """Estimated share of callers still willing to wait at the bucket's end."""

    def to_dict(self) -> dict[str, Any]:
        """Return the bucket as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class AbandonCurve:
    """The abandon curve of real-time contacts, with what it rests on."""

    buckets: list[AbandonBucket]
    offered: int
    abandoned: int
    patience_seconds: float | None
    """Mean patience (exponential MLE: time waited by all / abandons); None without abandons."""
    estimator: str = ESTIMATOR
    excluded: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the curve as JSON-ready data."""
        return {
            "estimator": self.estimator,
            "offered": self.offered,
            "abandoned": self.abandoned,
            "patience_seconds": self.patience_seconds,
            "excluded": dict(self.excluded),
            "buckets": [b.to_dict() for b in self.buckets],
        }


def abandon_curve(
    source: TableSource,
    options: MetricOptions | None = None,
    *,
    edges: tuple[float, ...] = BUCKETS,
) -> AbandonCurve:
    """Return the abandon curve over the waiting-time buckets starting at `edges`."""
    options = options or MetricOptions()
    if not edges or edges[0] != 0 or list(edges) != sorted(set(edges)):
        raise ValueError("bucket edges must start at 0 and rise")
    inputs = MetricInputs(source, options)
    contacts = realtime_contacts(inputs)
    offered = contacts.filter(contacts.offered & (contacts.wait_seconds >= 0))
    wait = offered.wait_seconds
    bucket = ibis.cases(
        *[(wait >= edge, index) for index, edge in reversed(list(enumerate(edges)))],
        else_=0,
    )
    t = offered.mutate(_bucket=bucket)
    per_bucket = t.group_by("_bucket").aggregate(
        abandoned=t.abandoned.cast("int64").sum(),
        answered=t.answered.cast("int64").sum(),
        waited=t.wait_seconds.sum(),
    )
    rows = {int(r["_bucket"]): r for r in source.to_arrow(per_bucket).to_pylist()}
    total = sum(int(r["abandoned"]) + int(r["answered"]) for r in rows.values())
    abandons = sum(int(r["abandoned"]) for r in rows.values())
    waited = sum(float(r["waited"] or 0.0) for r in rows.values())
    buckets = []
    still, survival = total, 1.0
    for index, edge in enumerate(edges):
        row = rows.get(index, {"abandoned": 0, "answered": 0})
        gave_up, answered = int(row["abandoned"]), int(row["answered"])
        at_risk = still - answered / 2
        if at_risk > 0:
            survival *= 1 - gave_up / at_risk
        buckets.append(
            AbandonBucket(
                from_seconds=edge,
                to_seconds=edges[index + 1] if index + 1 < len(edges) else None,
                waiting=still,
                abandoned=gave_up,
                answered=answered,
                abandon_share=gave_up / still if still else None,
                patience_survival=survival if still else None,
            )
        )
        still -= gave_up + answered
    patience = waited / abandons if abandons and not math.isclose(waited, 0.0) else None
    return AbandonCurve(
        buckets=buckets,
        offered=total,
        abandoned=abandons,
        patience_seconds=patience,
        excluded=exclusions(inputs, contacts),
    )
