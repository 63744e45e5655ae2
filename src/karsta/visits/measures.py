"""The visit measures of an office: waiting, lateness, lead time, no-shows, utilisation, ….

`measure_visits` runs the unit expressions of `karsta.visits.units` on a table
source (DuckDB workspace or Parquet export on Spark) and returns `VisitMeasures`, a
plain result every view renders. Each figure is given for all visits and per kind
(appointment, walk-in), with its exclusions and assumptions counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
from statsmodels.stats.proportion import proportion_confint

from karsta.i18n import Message
from karsta.visits import units
from karsta.visits.figures import (
    ALL,
    ChannelShare,
    Counted,
    DurationFigure,
    ShareFigure,
    Utilisation,
    counted_dicts,
)
from karsta.visits.population import (
    Provenance,
    VisitFilters,
    filtered,
    provenance_expr,
    provenance_of,
)
from karsta.workspace.source import TableSource

LATE_CANCEL_HOURS = 24.0
"""A cancellation less than this many hours before the appointment is late (default)."""

NOT_CONFIGURED = Message(
    "not configured: give the matters another channel handles (--matter-channel MATTER=CHANNEL)"
)

DURATIONS = {
    "waiting_time": ("minutes", units.waiting_units),
    "lateness": ("minutes", units.lateness_units),
    "lead_time": ("days", units.lead_time_units),
    "service_time": ("minutes", units.service_units),
}
"""Duration measures: id → (unit, unit expression)."""

NO_DATA = {
    "waiting_time": Message("no visit with both an arrival and a service start"),
    "lateness": Message("no served appointment with a booked time of day and a service start"),
    "lead_time": Message("no appointment with both a booking time and an appointment time"),
    "service_time": Message("no visit with both a service start and end"),
    "no_show_rate": Message("no appointment records whether the customer came"),
    "late_cancel_rate": Message("the data records no cancellation times"),
    "one_visit_resolution": Message("no visit records whether the matter was settled"),
    "other_channel_share": Message("no visit that came has a matter"),
}


@dataclass(frozen=True, kw_only=True)
class VisitOptions:
    """Choices the measures rest on."""

    late_cancel_hours: float = LATE_CANCEL_HOURS
    matter_channels: Mapping[str, str] = field(default_factory=dict)
    """Matter → the other channel (self-service, phone, …) that handles it. Empty: not set."""
    hours_per_adviser_day: float | None = None
    """Available hours of an adviser on a day with visits; None: the day's span of service."""

    def __post_init__(self) -> None:
        if self.late_cancel_hours < 0:
            raise ValueError(Message("the late-cancellation hours cannot be negative"))
        if self.hours_per_adviser_day is not None and not 0 < self.hours_per_adviser_day <= 24:
            raise ValueError(Message("an adviser's hours a day must be over 0 and at most 24"))

    def to_dict(self) -> dict[str, Any]:
        """Return the options (JSON-ready)."""
        return {
            "late_cancel_hours": self.late_cancel_hours,
            "matter_channels": dict(self.matter_channels),
            "hours_per_adviser_day": self.hours_per_adviser_day,
        }


@dataclass(frozen=True, kw_only=True)
class VisitMeasures:
    """Every visit measure for one set of visits (a period, offices)."""

    source: str
    filters: VisitFilters
    options: VisitOptions
    provenance: Provenance
    durations: tuple[DurationFigure, ...]
    shares: tuple[ShareFigure, ...]
    utilisation: Utilisation
    other_channels: tuple[ChannelShare, ...] = ()

    def duration(self, measure: str, group: str = ALL) -> DurationFigure:
        """Return one duration figure."""
        return next(f for f in self.durations if f.measure == measure and f.group == group)

    def share(self, measure: str, group: str = ALL) -> ShareFigure:
        """Return one share figure."""
        return next(f for f in self.shares if f.measure == measure and f.group == group)

    def to_dict(self) -> dict[str, Any]:
        """Return the measures (JSON-ready, English)."""
        return {
            "source": self.source,
            "filters": self.filters.to_dict(),
            "options": self.options.to_dict(),
            "provenance": self.provenance.to_dict(),
            "durations": [f.to_dict() for f in self.durations],
            "shares": [f.to_dict() for f in self.shares],
            "utilisation": self.utilisation.to_dict(),
            "other_channels": [c.to_dict() for c in self.other_channels],
        }


def wilson(hits: int, n: int, alpha: float = 0.05) -> tuple[float | None, float | None]:
    """Return the Wilson score interval of hits/n (None, None when n is 0)."""
    if n == 0:
        return None, None
    low, high = proportion_confint(hits, n, alpha=alpha, method="wilson")
    return float(low), float(high)


def _with_all(unit_table: ir.Table) -> ir.Table:
    typed = unit_table.mutate(group=unit_table.group.cast("string"))
    return typed.union(typed.mutate(group=ibis.literal(ALL, type="string")))


def _counted(rows: list[dict[str, Any]], column: str, group: str) -> tuple[Counted, ...]:
    totals: dict[str, int] = {}
    for row in rows:
        if row["group"] == group and row[column] is not None:
            totals[row[column]] = totals.get(row[column], 0) + int(row["n"])
    return tuple(Counted(Message(reason), count) for reason, count in sorted(totals.items()))


def _groups(rows: list[dict[str, Any]]) -> list[str]:
    present = {row["group"] for row in rows if row["group"] is not None}
    return [ALL, *sorted(present - {ALL})]


def duration_figures(source: TableSource, visits: ir.Table, measure: str) -> list[DurationFigure]:
    """Return one duration measure for all visits and per kind."""
    unit, unit_expr = DURATIONS[measure]
    table = _with_all(unit_expr(visits))
    counts = source.to_arrow(
        table.group_by(["group", "reason", "assumption"]).aggregate(n=table.count())
    ).to_pylist()
    kept = table.filter(table.reason.isnull())
    stats = {
        row["group"]: row
        for row in source.to_arrow(
            kept.group_by("group").aggregate(
                n=kept.count(),
                mean=kept.value.mean(),
                median=kept.value.median(),
                p90=kept.value.quantile(0.9),
            )
        ).to_pylist()
    }
    figures = []
    for group in _groups(counts):
        found = stats.get(group)
        n = int(found["n"]) if found else 0
        kept_rows = [r for r in counts if r["reason"] is None]
        figures.append(
            DurationFigure(
                measure=measure,
                group=group,
                unit=unit,
                n=n,
                mean=_float(found, "mean"),
                median=_float(found, "median"),
                p90=_float(found, "p90"),
                exclusions=_counted(counts, "reason", group),
                assumptions=_counted(kept_rows, "assumption", group),
                not_computed=None if n else NO_DATA[measure],
            )
        )
    return figures


def _float(row: dict[str, Any] | None, key: str) -> float | None:
    return None if row is None or row[key] is None else float(row[key])


def share_figures(
    source: TableSource,
    unit_table: ir.Table,
    measure: str,
    *,
    not_computed: Message | None = None,
) -> list[ShareFigure]:
    """Return one share measure for all visits and per kind, each with its Wilson interval."""
    table = _with_all(unit_table.select("group", "hit", "reason", "assumption"))
    rows = source.to_arrow(
        table.group_by(["group", "reason", "assumption"]).aggregate(
            n=table.count(), hits=table.hit.cast("int64").sum()
        )
    ).to_pylist()
    figures = []
    for group in _groups(rows):
        kept = [r for r in rows if r["group"] == group and r["reason"] is None]
        n = sum(int(r["n"]) for r in kept)
        hits = sum(int(r["hits"] or 0) for r in kept)
        missing = not_computed or (None if n else NO_DATA[measure])
        low, high = wilson(hits, n) if missing is None else (None, None)
        figures.append(
            ShareFigure(
                measure=measure,
                group=group,
                hits=hits,
                n=n,
                share=hits / n if missing is None else None,
                low=low,
                high=high,
                exclusions=_counted(rows, "reason", group),
                assumptions=_counted(kept, "assumption", group),
                not_computed=missing,
            )
        )
    return figures


def utilisation_of(source: TableSource, visits: ir.Table, options: VisitOptions) -> Utilisation:
    """Return the advisers' utilisation: service time over available time.

    Available time is, per adviser and day with visits, either the given hours a day or
    the span from the day's first service start to its last service end (a lower bound
    of the time at work, so the utilisation is an upper bound).
    """
    days = units.adviser_day_units(visits)
    row = source.to_arrow(
        days.aggregate(
            service=days.service_minutes.sum(),
            span=days.span_minutes.sum(),
            adviser_days=days.count(),
            advisers=days.adviser.nunique(),
        )
    ).to_pylist()[0]
    left_out = units.utilisation_exclusion_units(visits)
    counts = source.to_arrow(left_out.group_by("reason").aggregate(n=left_out.count())).to_pylist()
    exclusions = tuple(
        Counted(Message(r["reason"]), int(r["n"]))
        for r in sorted(counts, key=lambda r: str(r["reason"]))
        if r["reason"] is not None
    )
    adviser_days = int(row["adviser_days"] or 0)
    service_hours = float(row["service"] or 0.0) / 60.0
    if options.hours_per_adviser_day is None:
        available = float(row["span"] or 0.0) / 60.0
        basis = Message(
            "available time: each adviser's day from the first service start to the last "
            "service end (breaks and idle time before the first and after the last customer "
            "are not seen, so this is an upper bound)"
        )
    else:
        available = options.hours_per_adviser_day * adviser_days
        basis = Message(
            "available time: {hours:g} h for each adviser on each day with visits "
            "({days} adviser-days)",
            hours=options.hours_per_adviser_day,
            days=adviser_days,
        )
    missing = None if available > 0 else NO_DATA["service_time"]
    return Utilisation(
        service_hours=service_hours,
        available_hours=available,
        share=service_hours / available if missing is None else None,
        advisers=int(row["advisers"] or 0),
        adviser_days=adviser_days,
        basis=basis,
        exclusions=exclusions,
        not_computed=missing,
    )


def other_channel_figures(
    source: TableSource, visits: ir.Table, options: VisitOptions
) -> tuple[list[ShareFigure], tuple[ChannelShare, ...]]:
    """Return the share of visits another channel could have handled, and per channel."""
    table = units.other_channel_units(visits, options.matter_channels)
    if not options.matter_channels:
        return share_figures(source, table, "other_channel_share", not_computed=NOT_CONFIGURED), ()
    figures = share_figures(source, table, "other_channel_share")
    total = figures[0].n
    handled = table.filter(table.hit, table.reason.isnull())
    rows = source.to_arrow(handled.group_by("channel").aggregate(n=handled.count())).to_pylist()
    per_channel = tuple(
        ChannelShare(r["channel"], int(r["n"]), int(r["n"]) / total)
        for r in sorted(rows, key=lambda r: -int(r["n"]))
        if total
    )
    return figures, per_channel


def measure_visits(
    source: TableSource,
    *,
    filters: VisitFilters | None = None,
    options: VisitOptions | None = None,
) -> VisitMeasures:
    """Return every visit measure of the visits the filters keep."""
    filters = filters or VisitFilters()
    options = options or VisitOptions()
    visits = filtered(source.table("visits"), filters)
    provenance = provenance_of(source.to_arrow(provenance_expr(visits)).to_pylist()[0])
    durations = [f for m in DURATIONS for f in duration_figures(source, visits, m)]
    booked = units.appointments(visits)
    cancellations = source.to_arrow(booked.aggregate(n=booked.cancelled_at.count())).to_pylist()[0][
        "n"
    ]
    shares = [
        *share_figures(source, units.no_show_units(visits), "no_show_rate"),
        *share_figures(
            source,
            units.late_cancel_units(visits, hours=options.late_cancel_hours),
            "late_cancel_rate",
            not_computed=None if cancellations else NO_DATA["late_cancel_rate"],
        ),
        *share_figures(source, units.resolution_units(visits), "one_visit_resolution"),
    ]
    channel_shares, per_channel = other_channel_figures(source, visits, options)
    return VisitMeasures(
        source=source.label,
        filters=filters,
        options=options,
        provenance=provenance,
        durations=tuple(durations),
        shares=(*shares, *channel_shares),
        utilisation=utilisation_of(source, visits, options),
        other_channels=per_channel,
    )


__all__ = [
    "VisitMeasures",
    "VisitOptions",
    "counted_dicts",
    "measure_visits",
    "wilson",
]
