"""Words and charts of the metric pages in the reader's language, as templates call them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from karsta import charts, formatting
from karsta.i18n import N_, Language, gettext
from karsta.metrics.cards import CODE_LABELS, LABELS, TEXT_FIELDS
from karsta.metrics.labels import (
    DIMENSION_LABELS,
    evidence_label,
    group_label,
    reason_text,
    statistic_label,
    value_label,
)
from karsta.metrics.registry import find
from karsta.web.rendering import TEMPLATES
from karsta.web.views.figures import PERIOD_NAMES

if TYPE_CHECKING:
    from karsta.web.views.metric import MetricPage, VerdictAssumption

BREAKDOWN_NAMES = {**DIMENSION_LABELS, "category": N_("category at close")}
"""The breakdowns as a page names them (a ticket's category is the one at close)."""
TICKET_STATUSES = (
    (None, N_("All")),
    ("included", N_("In the population")),
    ("excluded", N_("Excluded")),
    ("outside", N_("Outside the population")),
)
"""The lists of tickets behind a figure, as the page's filter names them."""


def card_field(metric_id: str, name: str, lang: Language) -> str:
    """Return one text field of a metric's card in `lang`."""
    return find(metric_id).card.field(name, lang)


def card_fields(metric_id: str, lang: Language) -> list[tuple[str, str]]:
    """Return every field of a metric's card in `lang`: (label, text), in the guide's order."""
    card = find(metric_id).card
    fields = [
        (LABELS["group"][lang], CODE_LABELS[card.group][lang]),
        (LABELS["perspective"][lang], CODE_LABELS[card.perspective][lang]),
        *((LABELS[name][lang], card.field(name, lang)) for name in TEXT_FIELDS),
    ]
    if card.defined_here:
        fields.append(("", LABELS["defined_here"][lang]))
    return fields


def period_kind_name(kind: str) -> str:
    """Return the name of a kind of period (month, week, quarter)."""
    return gettext(PERIOD_NAMES.get(kind, kind))


def dimension_name(name: str) -> str:
    """Return the name of a breakdown."""
    return gettext(BREAKDOWN_NAMES.get(name, name))


def breakdown_label(by: str, group: dict[str, Any]) -> str:
    """Return a breakdown value for people; the other values of a split metric in brackets."""
    value = group.get(by)
    shown = gettext("unknown") if value == "unknown" else value_label(by, value)
    rest = {k: v for k, v in group.items() if k != by}
    return f"{shown} ({group_label(rest)})" if rest else shown


def statistic_name(code: str) -> str:
    """Return a statistic's name in the current language."""
    return statistic_label(code).localized()


def ticket_statuses() -> list[tuple[str | None, str]]:
    """Return the ticket lists a page offers: (status, name)."""
    return [(status, gettext(name)) for status, name in TICKET_STATUSES]


def assumption_line(assumption: VerdictAssumption, timezone: str, lang: Language) -> str:
    """Return what one verdict assumed, with the time of the event it took a value from."""
    if assumption.at is not None and assumption.detail:
        when = formatting.moment(assumption.at, timezone, lang=lang)
        return gettext(assumption.detail).format(at=when)
    return gettext(assumption.text)


def breakdown_spec(page: MetricPage, lang: Language) -> dict[str, Any]:
    """Return the Vega-Lite spec of the page's breakdown, titles in `lang`."""
    shown = page.breakdown
    assert shown is not None
    name = find(page.id).card.name(lang)
    target = next((f.target_value for f in page.figures if f.target_value is not None), None)
    return charts.breakdown_chart(
        [(breakdown_label(shown.by, row.group), row.value) for row in shown.rows],
        title=f"{name}: {statistic_name(shown.statistic)}",
        label_title=dimension_name(shown.by),
        value_title=formatting.unit_name(shown.unit, lang=lang),
        value_format=formatting.d3_format(shown.unit, average=shown.average),
        target=target,
        target_title=gettext("target"),
    )


TEMPLATES.globals.update(
    card_field=card_field,
    card_fields=card_fields,
    period_kind_name=period_kind_name,
    dimension_name=dimension_name,
    breakdown_label=breakdown_label,
    ticket_statuses=ticket_statuses,
    assumption_line=assumption_line,
    breakdown_spec=breakdown_spec,
    reason_text=reason_text,
    evidence_label=evidence_label,
    group_label=group_label,
)
TEMPLATES.filters["statistic_name"] = statistic_name
