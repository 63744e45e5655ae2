"""What the visits pages' templates call: names in the page's language, rows and charts.

They arrange and word what `karsta.visits` returned; they compute no figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from karsta.i18n import N_, Language, gettext, localized
from karsta.visits import VisitMeasures
from karsta.visits.compare import VisitComparison
from karsta.visits.distribution import Histogram
from karsta.visits.drivers import NO_SEGMENT, NoShowDrivers
from karsta.visits.figures import ALL, DurationFigure, ShareFigure
from karsta.visits.population import OfficeVisits
from karsta.web.rendering import TEMPLATES, Numbers
from karsta.web.visit_charts import grouped_rates, histogram_bars, interval_dots

MEASURES = {
    "waiting_time": N_("waiting time (arrival → service start)"),
    "lateness": N_("service start against the booked time"),
    "lead_time": N_("lead time (booking → appointment)"),
    "service_time": N_("service time"),
    "no_show_rate": N_("no-show rate"),
    "late_cancel_rate": N_("late-cancellation rate"),
    "one_visit_resolution": N_("settled in one visit"),
    "other_channel_share": N_("could have used another channel"),
    "adviser_utilisation": N_("adviser utilisation"),
}
GROUPS = {"all": N_("all"), "appointment": N_("by appointment"), "walk-in": N_("walk-in visits")}
APPOINTMENTS_ONLY = frozenset({"lateness", "lead_time", "no_show_rate", "late_cancel_rate"})
"""Measures of appointments alone: their "all" figure repeats the appointments'."""
STATISTICS = {"share": N_("share"), "mean": N_("mean"), "median": N_("median")}


@dataclass(frozen=True)
class VisitsResult:
    """What the visits page shows, computed together once per workspace version."""

    offices: tuple[OfficeVisits, ...]
    measures: VisitMeasures | None = None
    drivers: NoShowDrivers | None = None
    distribution: Histogram | None = None


def measure_name(measure: str) -> str:
    """Return a measure's name in the page's language."""
    return gettext(MEASURES[measure])


def group_name(group: str) -> str:
    """Return a group of visits (all, by appointment, walk-in) in the page's language."""
    return gettext(GROUPS.get(group, group))


def visit_groups(measures: VisitMeasures) -> list[str]:
    """Return the groups the measures have figures for: all, then each kind present."""
    figures: list[DurationFigure | ShareFigure] = [*measures.durations, *measures.shares]
    present = {f.group for f in figures}
    return [ALL, *sorted(present - {ALL})]


def measure_rows(measures: VisitMeasures) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (measure, "duration" or "share", group → figure) in the page's order."""
    rows: list[tuple[str, str, dict[str, Any]]] = []
    for measure in dict.fromkeys(f.measure for f in measures.durations):
        durations = {f.group: f for f in measures.durations if f.measure == measure}
        rows.append((measure, "duration", _shown(measure, durations)))
    for measure in dict.fromkeys(f.measure for f in measures.shares):
        found = {f.group: f for f in measures.shares if f.measure == measure}
        rows.append((measure, "share", _shown(measure, found)))
    return rows


def _shown(measure: str, found: dict[str, Any]) -> dict[str, Any]:
    if measure in APPOINTMENTS_ONLY:
        found.pop(ALL, None)
    return found


def rate_label(label: str) -> str:
    """Return a no-show rate's group label: the program's words translated, the data's as is."""
    return gettext(label) if label in (NO_SEGMENT, "with reminder", "without reminder") else label


def distribution_spec(result: VisitsResult, lang: Language) -> dict[str, Any]:
    """Return the histogram of the waits (or lead times) per kind of visit."""
    histogram = result.distribution
    assert histogram is not None
    assert histogram.width is not None
    unit = gettext("min") if histogram.unit == "minutes" else gettext("d")
    rows = []
    for b in histogram.bins:
        label = f"{b.start:g}+ {unit}" if b.end is None else f"{b.start:g}–{b.end:g} {unit}"
        rows.append((b.start, label, group_name(b.group), b.visits))
    rows.sort(key=lambda r: r[0])
    title = (
        gettext("Waiting time, visits per interval")
        if histogram.measure == "waiting_time"
        else gettext("Lead time to the appointment, appointments per interval")
    )
    return histogram_bars(
        [(label, series, visits) for _start, label, series, visits in rows],
        title=title,
        bin_title=measure_name(histogram.measure),
        count_title=gettext("visits"),
        series_title=gettext("visits"),
    )


def no_show_spec(drivers: NoShowDrivers, lang: Language) -> dict[str, Any]:
    """Return the no-show rate by lead-time band, with and without a reminder."""
    with_title, without_title = gettext("with reminder"), gettext("without reminder")
    rows: list[tuple[str, str, float | None]] = []
    for w, wo in drivers.by_lead_time_and_reminder:
        rows.append((w.label, with_title, None if w.share is None else 100 * w.share))
        rows.append((wo.label, without_title, None if wo.share is None else 100 * wo.share))
    return grouped_rates(
        rows,
        title=gettext("No-show rate by lead time, with and without a reminder"),
        group_title=gettext("lead time"),
        value_title=gettext("no-show rate, %"),
        series_title=gettext("reminder"),
    )


def comparison_spec(result: VisitComparison, unit: str, lang: Language) -> dict[str, Any]:
    """Return both sides of the compared shares (unit "share") or mean durations in minutes."""
    rows = []
    for f in result.figures:
        if f.unit != unit or (unit == "minutes" and f.statistic != "mean"):
            continue
        scale = 100.0 if unit == "share" else 1.0
        name = f"{measure_name(f.measure)} · {group_name(f.group)}"
        for side, label in ((f.a, result.label_a), (f.b, result.label_b)):
            if side.value is None:
                continue
            low = None if side.low is None else scale * side.low
            high = None if side.high is None else scale * side.high
            rows.append((name, str(localized(label)), scale * side.value, low, high))
    if unit == "share":
        title, value_title = gettext("Shares compared, % (95 % interval)"), "%"
    else:
        title, value_title = gettext("Mean times compared, minutes (95 % interval)"), "min"
    return interval_dots(
        rows,
        title=title,
        value_title=value_title,
        series_title=gettext("side"),
        value_format=",.1f",
    )


def has_comparison_rows(result: VisitComparison, unit: str) -> bool:
    """Return whether a comparison chart of `unit` has anything to draw."""
    return any(
        f.unit == unit
        and (unit != "minutes" or f.statistic == "mean")
        and (f.a.value is not None or f.b.value is not None)
        for f in result.figures
    )


def compared_value(value: float | None, unit: str, fmt: Numbers) -> str:
    """Return one side's figure in its unit: '12,3 %', '14,1 min', '9,0 d'."""
    if unit == "share":
        return fmt.percent(None if value is None else 100 * value)
    suffix = gettext("min") if unit == "minutes" else gettext("d")
    return f"{fmt.decimal(value, 1)}\N{NO-BREAK SPACE}{suffix}"


def compared_difference(value: float | None, unit: str, fmt: Numbers) -> str:
    """Return a difference B − A: percentage points for shares, else in the figure's unit."""
    if unit == "share":
        points = None if value is None else 100 * value
        return gettext("{value} pp").format(value=fmt.decimal(points, 1))
    return compared_value(value, unit, fmt)


TEMPLATES.globals.update(
    compared_value=compared_value,
    compared_difference=compared_difference,
    visit_measure_name=measure_name,
    visit_group_name=group_name,
    visit_groups=visit_groups,
    visit_measure_rows=measure_rows,
    visit_rate_label=rate_label,
    visit_statistics=STATISTICS,
    visit_distribution_spec=distribution_spec,
    visit_no_show_spec=no_show_spec,
    visit_comparison_spec=comparison_spec,
    visit_has_comparison_rows=has_comparison_rows,
)
