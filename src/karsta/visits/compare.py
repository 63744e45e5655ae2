"""Two sets of visits side by side: two periods (before and after a change) or two offices.

Each measure is shown for both sides with its confidence interval, and the difference
(B − A) is tested:

| statistic | each side | difference and test |
| --- | --- | --- |
| share | Wilson score interval | Newcombe's interval; two-proportion z test (Fisher's |
| | | exact test when an expected count is under 5) |
| mean | Student's t interval | Welch's t interval and test |
| median | order-statistic interval | Mann–Whitney U test (no interval of the difference) |

The no-show drivers of both sides come with it, the reminder effect adjusted for lead
time on each side.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import stats

from karsta.i18n import Message
from karsta.improve.impact import compare_durations, compare_proportions
from karsta.visits.drivers import NoShowDrivers, no_show_drivers
from karsta.visits.figures import ALL, ShareFigure
from karsta.visits.intervals import Estimate, mean_estimate, median_estimate
from karsta.visits.measures import DURATIONS, VisitMeasures, VisitOptions, measure_visits, wilson
from karsta.visits.population import KINDS, VisitFilters, filtered
from karsta.workspace.source import TableSource

COMPARED_DURATIONS = {
    "waiting_time": (ALL, *KINDS),
    "lateness": ("appointment",),
    "lead_time": ("appointment",),
    "service_time": (ALL,),
}
"""Duration measures compared and the groups each is compared for."""
COMPARED_SHARES = {
    "no_show_rate": ("appointment",),
    "late_cancel_rate": ("appointment",),
    "one_visit_resolution": (ALL, *KINDS),
    "other_channel_share": (ALL,),
}


@dataclass(frozen=True, kw_only=True)
class ComparedFigure:
    """One statistic of one measure on both sides, the difference B − A and its test."""

    measure: str
    group: str
    statistic: str
    """share, mean or median."""
    unit: str
    a: Estimate
    b: Estimate
    difference: float | None = None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    test: str | None = None
    not_computed: Message | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return both sides, the difference and the test (JSON-ready)."""
        return {
            "measure": self.measure,
            "group": self.group,
            "statistic": self.statistic,
            "unit": self.unit,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "difference": self.difference,
            "difference_interval": {"low": self.low, "high": self.high},
            "p_value": self.p_value,
            "test": self.test,
            "not_computed": self.not_computed,
        }


@dataclass(frozen=True, kw_only=True)
class VisitComparison:
    """Two sets of visits compared measure by measure."""

    label_a: str
    label_b: str
    """What each side is: a period (a Message, translated where shown) or an office name."""
    a: VisitMeasures
    b: VisitMeasures
    figures: tuple[ComparedFigure, ...]
    drivers_a: NoShowDrivers
    drivers_b: NoShowDrivers

    def figure(self, measure: str, group: str, statistic: str) -> ComparedFigure:
        """Return one compared figure."""
        return next(
            f
            for f in self.figures
            if (f.measure, f.group, f.statistic) == (measure, group, statistic)
        )

    @property
    def generated(self) -> Message | None:
        """Return the generated-data label of either side (None when both are real)."""
        return self.a.provenance.label or self.b.provenance.label

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison (JSON-ready, English)."""
        return {
            "a": {"label": self.label_a, "measures": self.a.to_dict()},
            "b": {"label": self.label_b, "measures": self.b.to_dict()},
            "generated": self.generated is not None,
            "generated_label": self.generated,
            "figures": [f.to_dict() for f in self.figures],
            "drivers": {"a": self.drivers_a.to_dict(), "b": self.drivers_b.to_dict()},
            "methods": {
                "share": "Wilson score interval each side; Newcombe interval of the "
                "difference; two-proportion z test, or Fisher's exact test when an expected "
                "count is under 5",
                "mean": "Student's t interval each side; Welch's t interval and test",
                "median": "order-statistic interval each side; Mann–Whitney U test",
            },
        }


def duration_values(
    source: TableSource, visits: Any, measure: str, group: str
) -> np.ndarray[Any, Any]:
    """Return the values a duration measure keeps for one group (all or a kind)."""
    _unit, unit_expr = DURATIONS[measure]
    table = unit_expr(visits)
    table = table.filter(table.reason.isnull())
    if group != ALL:
        table = table.filter(table.group == group)
    column = source.to_arrow(table.select("value")).column("value")
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=float)


def _durations(measure: str, group: str, unit: str, x: Any, y: Any) -> list[ComparedFigure]:
    mean = ComparedFigure(
        measure=measure,
        group=group,
        statistic="mean",
        unit=unit,
        a=mean_estimate(x),
        b=mean_estimate(y),
    )
    median = ComparedFigure(
        measure=measure,
        group=group,
        statistic="median",
        unit=unit,
        a=median_estimate(x),
        b=median_estimate(y),
    )
    if len(x) < 2 or len(y) < 2:
        missing = Message("each side needs at least two visits with this measure")
        return [replace(mean, not_computed=missing), replace(median, not_computed=missing)]
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        # A side whose values are all equal has no spread: the t interval and test say
        # nothing (scipy warns of a precision loss). The differences stand untested.
        untested = Message("no test: every value on one side is the same")
        return [
            replace(mean, difference=float(np.mean(y) - np.mean(x)), not_computed=untested),
            replace(median, difference=float(np.median(y) - np.median(x)), not_computed=untested),
        ]
    welch = compare_durations(x, y, statistic="mean")
    tested = stats.mannwhitneyu(y, x, alternative="two-sided")
    return [
        replace(
            mean,
            difference=welch.difference,
            low=welch.low,
            high=welch.high,
            p_value=welch.p_value,
            test=welch.test,
        ),
        replace(
            median,
            difference=float(np.median(y) - np.median(x)),
            p_value=float(tested.pvalue),
            test="Mann–Whitney U test",
        ),
    ]


def _share(measure: str, group: str, a: VisitMeasures, b: VisitMeasures) -> ComparedFigure:
    fa, fb = _share_of(a, measure, group), _share_of(b, measure, group)
    base = ComparedFigure(
        measure=measure, group=group, statistic="share", unit="share", a=_side(fa), b=_side(fb)
    )
    missing = (fa.not_computed if fa else None) or (fb.not_computed if fb else None)
    if fa is None or fb is None or missing is not None or not fa.n or not fb.n:
        return replace(
            base, not_computed=missing or Message("one side has no visits with this measure")
        )
    tested = compare_proportions(fa.hits, fa.n, fb.hits, fb.n)
    return replace(
        base,
        difference=tested.difference / 100,
        low=tested.low / 100,
        high=tested.high / 100,
        p_value=tested.p_value,
        test=tested.test,
    )


def _share_of(m: VisitMeasures, measure: str, group: str) -> ShareFigure | None:
    """Return a share figure of one group, or None when the side has no such visits."""
    return next((f for f in m.shares if f.measure == measure and f.group == group), None)


def _side(figure: ShareFigure | None) -> Estimate:
    if figure is None or figure.share is None:
        return Estimate(None, None, None, figure.n if figure else 0)
    return Estimate(figure.share, *wilson(figure.hits, figure.n), figure.n)


def compare_visits(
    source: TableSource,
    a: VisitFilters,
    b: VisitFilters,
    *,
    label_a: str,
    label_b: str,
    options: VisitOptions | None = None,
) -> VisitComparison:
    """Return the two sets of visits compared measure by measure, with their no-show drivers."""
    options = options or VisitOptions()
    measures_a = measure_visits(source, filters=a, options=options)
    measures_b = measure_visits(source, filters=b, options=options)
    visits_a = filtered(source.table("visits"), a)
    visits_b = filtered(source.table("visits"), b)
    figures: list[ComparedFigure] = []
    for measure, groups in COMPARED_DURATIONS.items():
        unit = DURATIONS[measure][0]
        for group in groups:
            x = duration_values(source, visits_a, measure, group)
            y = duration_values(source, visits_b, measure, group)
            figures.extend(_durations(measure, group, unit, x, y))
    for measure, groups in COMPARED_SHARES.items():
        figures.extend(_share(measure, group, measures_a, measures_b) for group in groups)
    return VisitComparison(
        label_a=label_a,
        label_b=label_b,
        a=measures_a,
        b=measures_b,
        figures=tuple(figures),
        drivers_a=no_show_drivers(source, filters=a),
        drivers_b=no_show_drivers(source, filters=b),
    )
