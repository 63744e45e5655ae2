"""The tables of `karsta visits`: measures, no-show drivers, comparisons, simulations.

They render the result objects of `karsta.visits` and compute nothing; every text is
translated here, every value from the data escaped.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table

from karsta.cli import render
from karsta.cli.process_shared import notes_table, simple_table
from karsta.formatting import decimal, share, with_unit
from karsta.i18n import N_, Message, _, localized
from karsta.visits import VisitMeasures
from karsta.visits.compare import ComparedFigure, VisitComparison
from karsta.visits.drivers import NO_SEGMENT, NoShowDrivers, OddsRatio, Rate
from karsta.visits.figures import Counted, DurationFigure, ShareFigure
from karsta.visits.intervals import Estimate
from karsta.visits.simulate import MODEL_ASSUMPTIONS, SimulationResult

MEASURES = {
    "waiting_time": N_("waiting time (arrival → service start)"),
    "lateness": N_("service start against the booked time"),
    "lead_time": N_("lead time (booking → appointment)"),
    "service_time": N_("service time"),
    "no_show_rate": N_("no-show rate"),
    "late_cancel_rate": N_("late-cancellation rate"),
    "one_visit_resolution": N_("settled in one visit"),
    "other_channel_share": N_("could have used another channel"),
    "waiting_time_p90": N_("waiting time, 90th percentile"),
    "adviser_utilisation": N_("adviser utilisation"),
    "overtime": N_("overtime after closing a day"),
    "served_per_day": N_("customers served a day"),
}
GROUPS = {"all": N_("all"), "appointment": N_("by appointment"), "walk-in": N_("walk-in visits")}
APPOINTMENTS_ONLY = frozenset({"lateness", "lead_time", "no_show_rate", "late_cancel_rate"})
"""Measures of appointments alone: their "all" row repeats the appointments' and is not shown."""
TRANSLATED_LABELS = frozenset({"with reminder", "without reminder", NO_SEGMENT})
"""Group labels of the no-show rates that are the program's words, not the data's."""
STATISTICS = {"share": N_("share"), "mean": N_("mean"), "median": N_("median")}


def _minutes(value: float | None) -> str:
    return "–" if value is None else _("{value} min").format(value=decimal(value, 1))


def _value(value: float | None, unit: str) -> str:
    if unit == "days":
        return "–" if value is None else with_unit(decimal(value, 1), "days")
    if unit == "share":
        return share(value)
    if unit == "count":
        return decimal(value, 1)
    return _minutes(value)


def _name(measure: str, group: str) -> str:
    return f"{_(MEASURES[measure])} · {_(GROUPS.get(group, group))}"


def _generated(label: Message | None) -> list[Table]:
    return [notes_table(_("Generated data"), [label])] if label is not None else []


def _counted_lines(owner: str, items: tuple[Counted, ...]) -> list[str]:
    return [
        _("{figure}: {reason} ({count})").format(
            figure=owner, reason=localized(item.reason), count=decimal(item.count, 0)
        )
        for item in items
    ]


def _shown(figure: DurationFigure | ShareFigure) -> bool:
    """Return whether a figure has a row: an appointments-only measure has no "all" row."""
    return not (figure.group == "all" and figure.measure in APPOINTMENTS_ONLY)


def left_out_and_assumed(result: VisitMeasures) -> tuple[list[str], list[str]]:
    """Return what each shown figure left out and what it assumed, one line each."""
    excluded: list[str] = []
    assumed: list[str] = []
    figures: list[DurationFigure | ShareFigure] = [*result.durations, *result.shares]
    for figure in figures:
        if _shown(figure):
            name = _name(figure.measure, figure.group)
            excluded += _counted_lines(name, figure.exclusions)
            assumed += _counted_lines(name, figure.assumptions)
    excluded += _counted_lines(_(MEASURES["adviser_utilisation"]), result.utilisation.exclusions)
    return excluded, assumed


def measures_tables(result: VisitMeasures) -> Group:
    """Return the measures, then what each left out and assumed, then utilisation's basis."""
    rows, missing = [], []
    for d in filter(_shown, result.durations):
        name = _name(d.measure, d.group)
        rows.append(
            [name, decimal(d.n, 0), _value(d.mean, d.unit), _value(d.median, d.unit),
             _value(d.p90, d.unit), ""]
        )  # fmt: skip
        if d.not_computed is not None:
            missing.append(f"{name}: {localized(d.not_computed)}")
    for s in filter(_shown, result.shares):
        name = _name(s.measure, s.group)
        interval = "" if s.low is None else f"{share(s.low)} – {share(s.high)}"
        rows.append([name, decimal(s.n, 0), share(s.share), "", "", interval])
        if s.not_computed is not None:
            missing.append(f"{name}: {localized(s.not_computed)}")
    u = result.utilisation
    rows.append([_(MEASURES["adviser_utilisation"]), decimal(u.adviser_days, 0), share(u.share),
                 "", "", ""])  # fmt: skip
    excluded, assumed = left_out_and_assumed(result)
    table = simple_table(
        _("Visits"),
        [_("measure"), _("n"), _("mean or share"), _("median"), _("90th percentile"),
         _("95 % interval (Wilson)")],
        rows,
    )  # fmt: skip
    parts: list[Table] = [*_generated(result.provenance.label), table]
    if result.other_channels:
        parts.append(
            simple_table(
                _("Matters another channel handles"),
                [_("channel"), _("visits"), _("share")],
                [
                    [render.plain(c.channel), decimal(c.visits, 0), share(c.share)]
                    for c in result.other_channels
                ],
            )
        )
    if missing:
        parts.append(notes_table(_("Cannot be computed"), missing))
    if excluded:
        parts.append(notes_table(_("Left out"), excluded))
    if assumed:
        parts.append(notes_table(_("Assumptions"), assumed))
    parts.append(notes_table(_("Adviser utilisation"), [u.basis]))
    return Group(*parts)


def _rates(title: str, rates: tuple[Rate, ...]) -> Table:
    rows = []
    for r in rates:
        low, high = r.to_dict()["low"], r.to_dict()["high"]
        label = _(r.label) if r.label in TRANSLATED_LABELS else render.plain(r.label)
        rows.append(
            [label, decimal(r.appointments, 0), decimal(r.no_shows, 0), share(r.share),
             f"{share(low)} – {share(high)}"]
        )  # fmt: skip
    return simple_table(
        title,
        [_("group"), _("appointments"), _("no-shows"), _("no-show rate"),
         _("95 % interval (Wilson)")],
        rows,
    )  # fmt: skip


def _odds(label: str, odds: OddsRatio | None) -> list[str]:
    if odds is None:
        return [label, "–", "–", "–", _("cannot be estimated from these appointments")]
    p_value = "–" if odds.p_value is None else decimal(odds.p_value, 4)
    return [
        label,
        decimal(odds.odds_ratio, 2),
        f"{decimal(odds.low, 2)} – {decimal(odds.high, 2)}",
        p_value,
        localized(odds.method),
    ]


def drivers_tables(result: NoShowDrivers, title_suffix: str = "") -> Group:
    """Return the no-show rates by lead time, reminder and segment, and the reminder effect."""
    parts: list[Table] = [*_generated(result.provenance.label)]
    if result.not_computed is not None:
        parts.append(notes_table(_("Cannot be computed"), [result.not_computed]))
        return Group(*parts)
    parts.append(_rates(_("No-shows by lead time") + title_suffix, result.by_lead_time))
    if result.by_reminder:
        parts.append(_rates(_("No-shows by reminder (raw)") + title_suffix, result.by_reminder))
    parts.append(_rates(_("No-shows by segment") + title_suffix, result.by_segment))
    effect = result.reminder
    notes: list[str] = [*_counted_lines(_("no-show drivers"), result.exclusions)]
    if effect is not None:
        parts.append(
            simple_table(
                _("Reminder effect: odds of not coming, with vs without a reminder") + title_suffix,
                [_("estimate"), _("odds ratio"), _("95 % interval"), _("p"), _("how")],
                [
                    _odds(_("raw"), effect.raw),
                    _odds(_("adjusted, stratified"), effect.stratified),
                    _odds(_("adjusted, logistic model"), effect.modelled),
                ],
            )
        )
        notes.append(
            _(
                "{count} appointments are in lead-time bands where everyone or no one got a "
                "reminder: they cannot show the reminder's effect and are left out of the "
                "stratified estimate."
            ).format(count=decimal(effect.left_out_of_strata, 0))
        )
        if effect.note is not None:
            notes.append(localized(effect.note))
    if notes:
        parts.append(notes_table(_("How to read it"), notes))
    return Group(*parts)


def _estimate(e: Estimate, unit: str) -> str:
    if e.value is None:
        return "–"
    text = _value(e.value, unit)
    if e.low is not None:
        text += f"\n({_value(e.low, unit)} – {_value(e.high, unit)})"
    return text


def _difference(f: ComparedFigure) -> str:
    if f.difference is None:
        return "–"
    if f.unit == "share":
        text = _("{value} pp").format(value=decimal(100 * f.difference, 1))
        if f.low is not None and f.high is not None:
            text += f"\n({decimal(100 * f.low, 1)} – {decimal(100 * f.high, 1)})"
        return text
    text = _value(f.difference, f.unit)
    if f.low is not None:
        text += f"\n({_value(f.low, f.unit)} – {_value(f.high, f.unit)})"
    return text


def comparison_tables(result: VisitComparison) -> Group:
    """Return both sides of each measure with intervals, the difference and the test."""
    side_a, side_b = render.plain(result.label_a), render.plain(result.label_b)
    rows, missing = [], []
    for f in result.figures:
        name = f"{_name(f.measure, f.group)} ({_(STATISTICS[f.statistic])})"
        p_value = "–" if f.p_value is None else decimal(f.p_value, 4)
        rows.append(
            [name, _estimate(f.a, f.unit), _estimate(f.b, f.unit), _difference(f), p_value,
             _(f.test) if f.test else "–"]
        )  # fmt: skip
        if f.not_computed is not None:
            missing.append(f"{name}: {localized(f.not_computed)}")
    table = simple_table(
        _("{a} vs {b}").format(a=side_a, b=side_b),
        [_("measure"), side_a, side_b,
         _("difference (B − A)"), _("p"), _("test")],
        rows,
    )  # fmt: skip
    table.caption = _(
        "Intervals (95 %): Wilson for shares, t for means, order statistics for medians; "
        "the difference of shares by Newcombe's method, of means by Welch's."
    )
    parts: list[Table] = [*_generated(result.generated), table]
    if missing:
        parts.append(notes_table(_("Not computed or not tested"), missing))
    for side, measures in ((side_a, result.a), (side_b, result.b)):
        excluded, assumed = left_out_and_assumed(measures)
        if excluded:
            parts.append(notes_table(_("Left out") + " · " + side, excluded))
        if assumed:
            parts.append(notes_table(_("Assumptions") + " · " + side, assumed))
    return Group(
        *parts,
        drivers_tables(result.drivers_a, f" · {side_a}"),
        drivers_tables(result.drivers_b, f" · {side_b}"),
    )


def simulation_tables(result: SimulationResult) -> Group:
    """Return the simulated measures with their intervals and what the model rests on."""
    rows = [
        [_name(f.measure, f.group), _value(f.mean, f.unit),
         "–" if f.low is None else f"{_value(f.low, f.unit)} – {_value(f.high, f.unit)}"]
        for f in result.figures
    ]  # fmt: skip
    model = result.model
    table = simple_table(
        _("Simulated office: {advisers} advisers, {share} by appointment").format(
            advisers=decimal(model.advisers, 0), share=share(model.appointment_share)
        ),
        [_("measure"), _("mean of the replications"), _("95 % interval")],
        rows,
    )
    return Group(
        notes_table(_("Simulated"), [result.label]),
        table,
        notes_table(
            _("Calibrated from"),
            [i.text for i in result.inputs if i.from_data] or [_("none")],
        ),
        notes_table(_("Assumptions"), [*(i.text for i in result.assumptions), *MODEL_ASSUMPTIONS]),
    )
