"""A3 sheets: the nine steps, a sheet started from the data, and the sheet as one A3 page.

A sheet started from a waste finding (`handoffs:ping-pong`) or from a signal (a
scorecard figure off its target) has its current state and its baseline filled from
the data of the day; the team writes the rest. `a3_html` lays the sheet out for
printing and `a3_pdf` prints it, with WeasyPrint, on one landscape A3 page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from karsta import formatting, i18n
from karsta.i18n import N_, Language, Message, localized
from karsta.improve.findings import finding_figures
from karsta.improve.models import A3
from karsta.metrics.scorecard import ScorecardRow
from karsta.process.waste import WasteFindings

STEPS: tuple[str, ...] = (
    N_("Choose a problem area in customer service"),
    N_("Crystallise and clarify the problem"),
    N_("Break the problem into smaller factors"),
    N_("Set a target"),
    N_("Examine the problem and identify the root causes"),
    N_("Clarify the corrective actions"),
    N_("Make an implementation plan"),
    N_("Make a follow-up plan"),
    N_("Standardise the results and improve further, or move to the next problem"),
)
"""The nine steps of the A3 tool, in order (A3-työkalun soveltaminen)."""

SECTIONS: dict[str, str] = {
    "background": N_("Background"),
    "current_state": N_("Current state"),
    "problem": N_("The problem and its factors"),
    "target": N_("Target"),
    "analysis": N_("Analysis"),
    "metrics": N_("Metrics"),
    "proposals": N_("Proposed corrective actions"),
    "actions": N_("Action plan"),
    "follow_up": N_("Follow-up plan"),
    "standard": N_("Standardise and improve further"),
}
"""The sheet's sections by field, with their headings (Taustaa, Nykytilanne, …)."""

ACTION_COLUMNS: tuple[str, ...] = (
    N_("Who"),
    N_("What"),
    N_("When"),
    N_("How"),
    N_("Action status"),
)
ACTION_STATUSES: dict[str, str] = {
    "planned": N_("planned"),
    "in progress": N_("in progress"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
}
FISHBONE: dict[str, str] = {
    "people": N_("people and competence"),
    "methods": N_("methods and process"),
    "systems": N_("systems and tools"),
    "information": N_("information"),
    "environment": N_("environment and organisation"),
    "measurement": N_("measurement"),
}
"""The fishbone's categories of root causes, customer-service flavoured."""


def a3_from_finding(waste: WasteFindings, finding_id: str, title: str) -> A3:
    """Return a new sheet on a waste finding: current state and baseline from the data.

    The current state is written in the current language; the baseline keeps the
    figures as data (English keys), so any view can show them in its language.
    """
    figures = finding_figures(waste, finding_id)
    state = Message(
        "{title}. {evidence}. A year: {hours} h of {kind} ({tickets} tickets); {basis}.",
        title=figures["title"],
        evidence=figures["evidence"],
        hours=round(figures["hours_per_year"]),
        kind=figures["hours_kind"],
        tickets=round(figures["tickets_per_year"]),
        basis=figures["basis"],
    )
    cost = figures["euros_per_year"]
    metrics = Message(
        "Baseline: {occurrences} occurrences a year, {hours} h a year{euros}.",
        occurrences=round(figures["occurrences_per_year"]),
        hours=round(figures["hours_per_year"]),
        euros="" if cost is None else Message(", {euros} € a year", euros=round(cost)),
    )
    background = Message(
        "Found in the event log: {family}, {item} (Lean: {lean}).",
        family=figures["family"],
        item=figures["catalog_item"],
        lean=figures["lean_waste"],
    )
    return A3(
        title=title,
        step=2,
        source=f"finding:{finding_id}",
        baseline=_plain(figures),
        background=localized(background),
        current_state=localized(state),
        metrics=localized(metrics),
        whys=[],
        fishbone={},
    )


def a3_from_signal(row: ScorecardRow, period: str | None, title: str) -> A3:
    """Return a new sheet on a scorecard figure (a signal): its value, target and trend."""
    card = row.result.definition.card
    unit = row.unit or row.result.unit
    value = formatting.figure(row.value, unit)
    target = row.target.text if row.target else "–"
    state = Message(
        "{name}: {value} in {period} (previous {previous}); target {target}.",
        name=card.name(i18n.current_language()),
        value=value,
        period=period or "–",
        previous=formatting.figure(row.previous, unit),
        target=target,
    )
    baseline = {
        "metric": card.id,
        "statistic": row.statistic,
        "unit": unit,
        "value": row.value,
        "previous": row.previous,
        "period": period,
        "target": None if row.target is None else row.target.text,
        "target_met": row.target_met,
        "n": row.n,
        "card_version": card.card_version,
        "trend": [[p, v] for p, v in row.trend],
    }
    return A3(
        title=title,
        step=2,
        source=f"signal:{card.id}",
        baseline=baseline,
        background="",
        current_state=localized(state),
        metrics=localized(Message("Baseline: {value} ({metric}).", value=value, metric=card.id)),
        whys=[],
        fishbone={},
    )


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    """Return figures as JSON data: messages as their English text."""
    return {k: (str(v) if isinstance(v, str) else v) for k, v in figures.items()}


_TEMPLATES = Environment(
    loader=PackageLoader("karsta.improve", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def a3_html(sheet: A3, lang: Language) -> str:
    """Return the sheet as an HTML page laid out for one landscape A3 page, in `lang`."""
    previous = i18n.current_language()
    i18n.set_language(lang)
    try:
        return _TEMPLATES.get_template("a3.html").render(
            a3=sheet,
            lang=lang,
            _=i18n.gettext,
            steps=STEPS,
            sections=SECTIONS,
            columns=ACTION_COLUMNS,
            fishbone=FISHBONE,
            printed=formatting_date(datetime.now(UTC), lang),
            status_text=i18n.gettext,
        )
    finally:
        i18n.set_language(previous)


def formatting_date(moment: datetime, lang: Language) -> str:
    """Return a date for the sheet's footer in `lang` ('9.12.2026')."""
    from babel.dates import format_date

    return format_date(moment.date(), "short", locale=formatting.LOCALES[lang])


def a3_pdf(sheet: A3, lang: Language) -> bytes:
    """Return the sheet printed on one landscape A3 page (PDF), in `lang`."""
    from weasyprint import HTML  # loaded only when printing: it needs Pango

    document = HTML(string=a3_html(sheet, lang)).render()
    if len(document.pages) != 1:
        raise ValueError(
            Message(
                "The sheet does not fit on one A3 page ({pages} pages): shorten the longest "
                "sections.",
                pages=len(document.pages),
            )
        )
    return bytes(document.write_pdf())
