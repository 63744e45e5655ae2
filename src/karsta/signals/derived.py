"""Series the patterns need beyond the metric catalog, computed from the tickets.

- EASY: the share of received tickets in the *easy categories*, those whose tickets were
  resolved at first contact (S2's rule, over the whole range) more often than the
  desk's tickets overall. It changes with the mix of work, not with how well a month's
  tickets were handled: when problem management removes recurring easy incidents it
  falls.
- ESCALATION_DELAY: the mean hours from opening to the first hand-off to a group other
  than the receiving one, of the tickets received in the month that were passed on
  (from `ticket_transitions`).
"""

from __future__ import annotations

from dataclasses import replace

import ibis

from karsta.i18n import Message
from karsta.metrics.catalog.populations import is_cancelled, received
from karsta.metrics.compute import compute_metrics
from karsta.metrics.inputs import PERIOD, MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.signals.series import Point, Series
from karsta.timespan import seconds_between
from karsta.workspace.source import TableSource

EASY = "EASY"
ESCALATION_DELAY = "ESCALATION_DELAY"


def easy_categories(source: TableSource, options: MetricOptions) -> list[str]:
    """Return the categories resolved at first contact more often than the desk overall."""
    whole = replace(options, period=None, by=("category",))
    result = compute_metrics(source, whole, metrics=["S2"])["S2"]
    hits: dict[str, float] = {}
    base: dict[str, float] = {}
    for row in result.rows:
        category = row["group"].get("category")
        if row["statistic"] != "share" or row["denominator"] is None or category is None:
            continue
        hits[category] = hits.get(category, 0.0) + float(row["numerator"] or 0)
        base[category] = base.get(category, 0.0) + float(row["denominator"])
    total = sum(base.values())
    if not total:
        return []
    overall = sum(hits.values()) / total
    return sorted(c for c in base if base[c] and hits[c] / base[c] > overall)


def easy_share_series(
    source: TableSource, options: MetricOptions, periods: list[str], categories: list[str]
) -> Series:
    """Return the monthly share of received (not cancelled) tickets in `categories`."""
    inputs = MetricInputs(source, options)
    t = received(inputs)
    t = t.filter(~is_cancelled(t))
    category = t.category_close.fill_null(t.category_intake)
    counts = t.group_by(PERIOD).aggregate(
        base=t.count(), hits=category.isin(categories).fill_null(False).cast("int64").sum()
    )
    rows = {r[PERIOD]: r for r in source.to_arrow(counts).to_pylist()}
    points = [
        Point(
            p,
            100 * float(rows[p]["hits"]) / rows[p]["base"],
            rows[p]["base"],
            float(rows[p]["hits"]),
            float(rows[p]["base"]),
        )
        for p in periods
        if p in rows and rows[p]["base"]
    ]
    return Series(
        metric=EASY,
        statistic="share",
        group={},
        unit="percent",
        kind="share",
        points=points,
        lower_is_better=None,
        missing=[p for p in periods if p not in rows],
        basis=Message(
            "easy categories (resolved at first contact more often than the desk overall): "
            "{categories}",
            categories=", ".join(categories),
        ),
    )


def escalation_delay_series(
    source: TableSource, options: MetricOptions, periods: list[str]
) -> Series:
    """Return the monthly mean hours from opening to the first hand-off to another group."""
    inputs = MetricInputs(source, options)
    t = received(inputs)
    moves = inputs.restricted(source.table("ticket_transitions"))
    own = t.select("ticket_id", PERIOD, "opened_at", _intake=t.intake_group)
    joined = moves.join(own, "ticket_id")
    handed = joined.filter(
        joined.group.notnull() & joined._intake.notnull() & (joined.group != joined._intake)
    )
    first = handed.group_by(["ticket_id", PERIOD, "opened_at"]).aggregate(
        moved_at=handed.timestamp.min()
    )
    hours = seconds_between(first.opened_at, first.moved_at) / 3600
    monthly = (
        first.mutate(hours=hours)
        .group_by(PERIOD)
        .aggregate(value=ibis._.hours.mean(), n=ibis._.count())
    )
    rows = {r[PERIOD]: r for r in source.to_arrow(monthly).to_pylist()}
    points = [
        Point(p, float(rows[p]["value"]), int(rows[p]["n"]))
        for p in periods
        if p in rows and rows[p]["value"] is not None
    ]
    return Series(
        metric=ESCALATION_DELAY,
        statistic="mean",
        group={},
        unit="hours",
        kind="continuous",
        points=points,
        lower_is_better=True,
        missing=[p for p in periods if p not in rows],
        basis=Message(
            "mean hours from opening to the first hand-off to a group other than the "
            "receiving one, of the tickets passed on"
        ),
    )
