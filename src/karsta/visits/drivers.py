"""What goes with no-shows: lead time, the reminder and the segment, confounding handled.

Reminders (SMS) usually go only to appointments booked days ahead, and those are the
ones customers miss most: with and without a reminder differ in lead time as well,
so the raw comparison can point the wrong way. The reminder's effect is therefore
adjusted for lead time twice over and shown beside the raw figure:

- stratified: the appointments are split by lead-time band and the with/without
  tables of the bands are pooled into the Mantel–Haenszel odds ratio (statsmodels
  `StratifiedTable`), tested with the Cochran–Mantel–Haenszel test; bands where one
  of the two groups is empty say nothing about the reminder and are left out, counted;
- modelled: a logistic regression (binomial GLM) of no-show on the lead-time bands,
  the reminder and the segments.

The counts come from one Ibis aggregate over the `visits` table; only the small
table of counts is modelled in Python.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import StratifiedTable, Table2x2
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from karsta.i18n import N_, Message
from karsta.visits import units
from karsta.visits.figures import Counted, counted_dicts
from karsta.visits.measures import wilson
from karsta.visits.population import (
    Provenance,
    VisitFilters,
    filtered,
    provenance_expr,
    provenance_of,
)
from karsta.workspace.source import TableSource

LEAD_BANDS: tuple[tuple[str, float], ...] = (
    ("0 d", 1.0),
    ("1–2 d", 3.0),
    ("3–7 d", 8.0),
    ("8–14 d", 15.0),
    ("15–30 d", 31.0),
    ("31+ d", float("inf")),
)
"""Lead-time bands: label and the lead time in days the band stays under."""
NO_SEGMENT = N_("(no segment)")
LEAD_UNKNOWN = N_("lead time unknown or negative")
REMINDER_UNKNOWN = N_("whether a reminder was sent is not recorded")


@dataclass(frozen=True)
class Rate:
    """The no-show rate of one group of appointments, with its Wilson interval."""

    label: str
    no_shows: int
    appointments: int

    @property
    def share(self) -> float | None:
        """Return no-shows / appointments (None without appointments)."""
        return self.no_shows / self.appointments if self.appointments else None

    def to_dict(self) -> dict[str, Any]:
        """Return the rate and its interval (JSON-ready)."""
        low, high = wilson(self.no_shows, self.appointments)
        return {
            "label": self.label,
            "no_shows": self.no_shows,
            "appointments": self.appointments,
            "share": self.share,
            "low": low,
            "high": high,
        }


@dataclass(frozen=True, kw_only=True)
class OddsRatio:
    """An odds ratio of no-show (with reminder vs without) with its 95 % interval."""

    method: Message
    odds_ratio: float | None
    low: float | None
    high: float | None
    p_value: float | None = None
    test: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the ratio, interval, test and how it was computed."""
        return {
            "method": self.method,
            "odds_ratio": self.odds_ratio,
            "low": self.low,
            "high": self.high,
            "p_value": self.p_value,
            "test": self.test,
        }


@dataclass(frozen=True, kw_only=True)
class ReminderEffect:
    """The reminder's association with no-shows: raw, and adjusted for lead time."""

    with_reminder: Rate
    without_reminder: Rate
    raw: OddsRatio
    stratified: OddsRatio | None
    modelled: OddsRatio | None
    strata: tuple[tuple[Rate, Rate], ...]
    """Per lead-time band used in the stratified estimate: (with, without)."""
    left_out_of_strata: int
    """Appointments in bands where everyone or no one got a reminder."""
    homogeneity_p: float | None
    """Breslow–Day test that the bands share one odds ratio."""
    note: Message | None

    def to_dict(self) -> dict[str, Any]:
        """Return the raw and adjusted effect side by side (JSON-ready)."""
        return {
            "with_reminder": self.with_reminder.to_dict(),
            "without_reminder": self.without_reminder.to_dict(),
            "raw": self.raw.to_dict(),
            "adjusted_stratified": self.stratified.to_dict() if self.stratified else None,
            "adjusted_logistic": self.modelled.to_dict() if self.modelled else None,
            "strata": [
                {"band": w.label, "with_reminder": w.to_dict(), "without_reminder": wo.to_dict()}
                for w, wo in self.strata
            ],
            "left_out_of_strata": self.left_out_of_strata,
            "homogeneity_p": self.homogeneity_p,
            "note": self.note,
        }


@dataclass(frozen=True, kw_only=True)
class NoShowDrivers:
    """No-show rates by lead time, reminder and segment; the reminder effect adjusted."""

    source: str
    filters: VisitFilters
    provenance: Provenance
    overall: Rate
    by_lead_time: tuple[Rate, ...]
    by_segment: tuple[Rate, ...]
    by_reminder: tuple[Rate, ...]
    reminder: ReminderEffect | None
    exclusions: tuple[Counted, ...]
    not_computed: Message | None = None
    by_lead_time_and_reminder: tuple[tuple[Rate, Rate], ...] = ()
    """Per lead-time band: (with a reminder, without), each labelled by the band."""

    def to_dict(self) -> dict[str, Any]:
        """Return every rate and the reminder effect (JSON-ready, English)."""
        return {
            "source": self.source,
            "filters": self.filters.to_dict(),
            "provenance": self.provenance.to_dict(),
            "overall": self.overall.to_dict(),
            "by_lead_time": [r.to_dict() for r in self.by_lead_time],
            "by_segment": [r.to_dict() for r in self.by_segment],
            "by_reminder": [r.to_dict() for r in self.by_reminder],
            "by_lead_time_and_reminder": [
                {"band": w.label, "with_reminder": w.to_dict(), "without_reminder": wo.to_dict()}
                for w, wo in self.by_lead_time_and_reminder
            ],
            "reminder_effect": self.reminder.to_dict() if self.reminder else None,
            "exclusions": counted_dicts(self.exclusions),
            "not_computed": self.not_computed,
        }


def lead_band(days: ir.FloatingValue) -> ir.StringValue:
    """Return the lead-time band of a lead time in days (empty when unknown or negative)."""
    return ibis.cases(
        (days.isnull() | (days < 0), ibis.null("string")),
        *((days < upper, label) for label, upper in LEAD_BANDS),
        else_=ibis.null("string"),
    )


def driver_cells(visits: ir.Table) -> ir.Table:
    """Return counts of appointments and no-shows per lead band, reminder and segment.

    The appointments are those whose showing up is recorded and that were not cancelled
    (the no-show rate's own); lead time as `units.lead_time_units` measures it.
    """
    source = units.appointments(visits)
    source = source.filter(source.no_show.notnull(), source.cancelled_at.isnull())
    days = units.lead_days(source)
    cells = source.select(
        band=lead_band(days),
        reminder=source.reminder_sent,
        segment=source.segment.fill_null(NO_SEGMENT),
        no_show=source.no_show.cast("int64"),
    )
    return cells.group_by(["band", "reminder", "segment"]).aggregate(
        appointments=cells.count(), no_shows=cells.no_show.sum()
    )


def _rate(label: str, rows: list[dict[str, Any]]) -> Rate:
    return Rate(
        label,
        sum(int(r["no_shows"]) for r in rows),
        sum(int(r["appointments"]) for r in rows),
    )


def _table(with_r: Rate, without: Rate) -> np.ndarray[Any, Any]:
    return np.array(
        [
            [with_r.no_shows, with_r.appointments - with_r.no_shows],
            [without.no_shows, without.appointments - without.no_shows],
        ],
        dtype=float,
    )


def _raw(with_r: Rate, without: Rate) -> OddsRatio:
    table = Table2x2(_table(with_r, without))
    low, high = table.oddsratio_confint()
    return OddsRatio(
        method=Message("raw: with vs without a reminder, nothing adjusted"),
        odds_ratio=float(table.oddsratio),
        low=float(low),
        high=float(high),
        p_value=float(table.test_nominal_association().pvalue),
        test="chi-square test of independence",
    )


def _stratified(
    strata: list[tuple[Rate, Rate]],
) -> tuple[OddsRatio | None, float | None]:
    if not strata:
        return None, None
    table = StratifiedTable([_table(w, wo) for w, wo in strata])
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = float(table.oddsratio_pooled)
        low, high = table.oddsratio_pooled_confint()
    if not (np.isfinite(pooled) and pooled > 0):
        return None, None
    homogeneity = None
    if len(strata) > 1:
        # Breslow–Day divides by each band's cells: a band with an empty cell leaves the
        # test undefined (no p-value), which numpy would otherwise warn about.
        with np.errstate(divide="ignore", invalid="ignore"):
            found = float(table.test_equal_odds().pvalue)
        homogeneity = found if np.isfinite(found) else None
    return (
        OddsRatio(
            method=Message(
                "Mantel–Haenszel odds ratio over {bands} lead-time bands (adjusted for lead time)",
                bands=len(strata),
            ),
            odds_ratio=pooled,
            low=float(low),
            high=float(high),
            p_value=float(table.test_null_odds().pvalue),
            test="Cochran–Mantel–Haenszel test",
        ),
        homogeneity,
    )


def _estimable(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Return the cells without bands or segments where no one or everyone missed.

    Such a group's term would run off to infinity (perfect separation); its cells are
    left out of the model and counted.
    """
    kept = list(rows)
    while True:
        degenerate = set()
        for key in ("band", "segment"):
            for value in {r[key] for r in kept}:
                group = [r for r in kept if r[key] == value]
                no_shows = sum(int(r["no_shows"]) for r in group)
                if no_shows in (0, sum(int(r["appointments"]) for r in group)):
                    degenerate.add((key, value))
        if not degenerate:
            break
        kept = [r for r in kept if not any(r[k] == v for k, v in degenerate)]
    left_out = sum(int(r["appointments"]) for r in rows) - sum(int(r["appointments"]) for r in kept)
    return kept, left_out


def _modelled(rows: list[dict[str, Any]]) -> OddsRatio | None:
    """Return the reminder's odds ratio from a logistic model of lead band, reminder, segment."""
    rows, left_out = _estimable(rows)
    bands = sorted({r["band"] for r in rows}, key=[b for b, _ in LEAD_BANDS].index)
    segments = sorted({r["segment"] for r in rows})
    if not bands or len({r["reminder"] for r in rows}) < 2:
        return None
    design = []
    outcome = []
    for r in rows:
        design.append(
            [1.0, float(r["reminder"])]
            + [float(r["band"] == b) for b in bands[1:]]
            + [float(r["segment"] == s) for s in segments[1:]]
        )
        outcome.append([int(r["no_shows"]), int(r["appointments"]) - int(r["no_shows"])])
    model = sm.GLM(np.array(outcome), np.array(design), family=sm.families.Binomial())
    # A saturated model (as many cells as terms) leaves no residual degrees of freedom for
    # the working least squares' scale, which the binomial family never uses (its scale
    # is 1), and fits every cell exactly, which statsmodels' separation check takes for
    # perfect prediction. Separation is checked here instead: a fitted probability of 0
    # or 1 means a term cannot be estimated, and then there is no modelled figure.
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = model.fit()
    probabilities = np.asarray(fitted.fittedvalues)
    if not fitted.converged or np.any((probabilities < 1e-8) | (probabilities > 1 - 1e-8)):
        return None
    low, high = fitted.conf_int()[1]
    adjusted_for = (
        Message("lead-time band") if len(segments) < 2 else Message("lead-time band and segment")
    )
    method = Message(
        "logistic regression of no-show on the reminder, adjusted for {factors}",
        factors=adjusted_for,
    )
    if left_out:
        method = Message(
            "{method} ({count} appointments in bands or segments where no one or everyone "
            "missed left out: their terms cannot be estimated)",
            method=method,
            count=left_out,
        )
    return OddsRatio(
        method=method,
        odds_ratio=float(np.exp(fitted.params[1])),
        low=float(np.exp(low)),
        high=float(np.exp(high)),
        p_value=float(fitted.pvalues[1]),
        test="Wald test",
    )


def reminder_effect(rows: list[dict[str, Any]]) -> ReminderEffect | None:
    """Return the reminder's raw and lead-time adjusted effect from the driver cells."""
    known = [r for r in rows if r["reminder"] is not None and r["band"] is not None]
    with_rows = [r for r in known if r["reminder"]]
    without_rows = [r for r in known if not r["reminder"]]
    if not with_rows or not without_rows:
        return None
    with_r, without = _rate("with", with_rows), _rate("without", without_rows)
    strata: list[tuple[Rate, Rate]] = []
    left_out = 0
    for band, _upper in LEAD_BANDS:
        w = _rate(band, [r for r in with_rows if r["band"] == band])
        wo = _rate(band, [r for r in without_rows if r["band"] == band])
        if w.appointments and wo.appointments:
            strata.append((w, wo))
        else:
            left_out += w.appointments + wo.appointments
    stratified, homogeneity = _stratified(strata)
    raw = _raw(with_r, without)
    note = None
    adjusted = stratified.odds_ratio if stratified else None
    if (
        adjusted is not None
        and raw.odds_ratio is not None
        and (raw.odds_ratio - 1) * (adjusted - 1) < 0
    ):
        note = Message(
            "The raw comparison points the other way than the adjusted one: appointments "
            "with and without a reminder differ in lead time, and lead time goes with "
            "no-shows. Read the adjusted figure."
        )
    return ReminderEffect(
        with_reminder=with_r,
        without_reminder=without,
        raw=raw,
        stratified=stratified,
        modelled=_modelled(known),
        strata=tuple(strata),
        left_out_of_strata=left_out,
        homogeneity_p=homogeneity,
        note=note,
    )


def no_show_drivers(source: TableSource, *, filters: VisitFilters | None = None) -> NoShowDrivers:
    """Return the no-show rates by lead time, reminder and segment, and the reminder effect."""
    filters = filters or VisitFilters()
    visits = filtered(source.table("visits"), filters)
    provenance = provenance_of(source.to_arrow(provenance_expr(visits)).to_pylist()[0])
    rows = source.to_arrow(driver_cells(visits)).to_pylist()
    overall = _rate("all", rows)
    by_lead = tuple(
        _rate(band, [r for r in rows if r["band"] == band])
        for band, _upper in LEAD_BANDS
        if any(r["band"] == band for r in rows)
    )
    by_lead_and_reminder = tuple(
        (
            _rate(b.label, [r for r in rows if r["band"] == b.label and r["reminder"] is True]),
            _rate(b.label, [r for r in rows if r["band"] == b.label and r["reminder"] is False]),
        )
        for b in by_lead
    )
    segments = sorted({r["segment"] for r in rows})
    by_segment = tuple(_rate(s, [r for r in rows if r["segment"] == s]) for s in segments)
    by_reminder = tuple(
        _rate(label, [r for r in rows if r["reminder"] is value])
        for label, value in ((N_("with reminder"), True), (N_("without reminder"), False))
        if any(r["reminder"] is value for r in rows)
    )
    exclusions = tuple(
        Counted(Message(reason), count)
        for reason, count in (
            (LEAD_UNKNOWN, sum(int(r["appointments"]) for r in rows if r["band"] is None)),
            (
                REMINDER_UNKNOWN,
                sum(int(r["appointments"]) for r in rows if r["reminder"] is None),
            ),
        )
        if count
    )
    return NoShowDrivers(
        source=source.label,
        filters=filters,
        provenance=provenance,
        overall=overall,
        by_lead_time=by_lead,
        by_lead_time_and_reminder=by_lead_and_reminder,
        by_segment=by_segment,
        by_reminder=by_reminder,
        reminder=reminder_effect(rows),
        exclusions=exclusions,
        not_computed=None
        if overall.appointments
        else Message("no appointment records whether the customer came"),
    )
