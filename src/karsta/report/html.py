"""The reports as HTML: one self-contained file (styles inline, charts as inline SVG).

The same document is the HTML report, the e-mailed overview and, through WeasyPrint,
the PDF: its print styles set the A4 page, the running head and the page numbers.
Every word comes from the message catalogs and every number from
`karsta.formatting`, in the report's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from karsta import formatting, i18n
from karsta.formatting import AVERAGE_COUNT_DECIMALS, LOCALES, MISSING
from karsta.i18n import Language, Message, localized
from karsta.metrics.cards import CODE_LABELS, LABELS, TEXT_FIELDS, MetricCard
from karsta.metrics.labels import (
    group_label,
    is_average,
    reason_text,
    target_text,
)
from karsta.metrics.scorecard import ScorecardRow
from karsta.report import charts
from karsta.report.content import ReportContent

TEMPLATES = Environment(
    loader=PackageLoader("karsta.report", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.ngettext, newstyle=False
)
TEMPLATES.globals["_"] = i18n.gettext


@contextmanager
def speaking(lang: Language) -> Iterator[None]:
    """Speak `lang` inside the block, then the language spoken before."""
    before = i18n.current_language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(before)


def css_string(text: str) -> Markup:
    """Return `text` as a quoted CSS string (for the page's running head and numbers)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return Markup(f'"{escaped}"')


@dataclass(frozen=True)
class Words:
    """The report's numbers, dates and names in one language, as templates call them."""

    lang: Language

    def figure(self, row: ScorecardRow, value: float | None = None) -> str:
        """Return a figure of a scorecard row (its value by default) in its unit."""
        shown = row.value if value is None else value
        return formatting.figure(
            shown, charts.figure_unit(row), average=is_average(row.statistic), lang=self.lang
        )

    def previous(self, row: ScorecardRow) -> str:
        """Return a row's figure of the previous month ('–' when none)."""
        return MISSING if row.previous is None else self.figure(row, row.previous)

    def change(self, row: ScorecardRow) -> str:
        """Return the change from the previous month with its sign ('–' when unknown)."""
        unit = charts.figure_unit(row)
        digits = (
            AVERAGE_COUNT_DECIMALS
            if is_average(row.statistic)
            else formatting.UNIT_DECIMALS.get(unit, 2)
        )
        text = formatting.signed(row.change, digits, lang=self.lang)
        return text if row.change is None else formatting.with_unit(text, unit, lang=self.lang)

    def target(self, row: ScorecardRow) -> str:
        """Return a row's target as the language writes it ('–' without one)."""
        if row.target is None:
            return MISSING
        return target_text(row.target, charts.figure_unit(row), row.result.unit)

    def title(self, row: ScorecardRow) -> str:
        """Return a figure's name: metric, statistic and group."""
        return charts.figure_title(row, self.lang)

    def group(self, group: dict[str, object]) -> str:
        """Return a breakdown's values for people."""
        return group_label(group)

    def month(self, label: str | None, short: bool = False) -> str:
        """Return a month's name and year ('huhtikuu 2016')."""
        return formatting.period(label, short=short, lang=self.lang)

    def whole(self, value: float | None) -> str:
        """Return a whole number, grouped."""
        return formatting.whole(value, lang=self.lang)

    def hours(self, value: float | None) -> str:
        """Return hours, whole: '1 234 h'."""
        return formatting.hours(value, 0, lang=self.lang)

    def euros(self, value: float | None) -> str:
        """Return euros, whole: '55 530 €'."""
        if value is None:
            return MISSING
        return formatting.with_unit(formatting.whole(value, lang=self.lang), "euros")

    def person_years(self, value: float | None) -> str:
        """Return person-years: two decimals under one, else one."""
        if value is None:
            return MISSING
        return formatting.decimal(value, 2 if value < 1 else 1, lang=self.lang)

    def moment(self, value: datetime) -> str:
        """Return a date and time in the language's medium format."""
        return format_datetime(value, "medium", tzinfo=None, locale=LOCALES[self.lang])

    def text(self, message: Any) -> str:
        """Return a message of the analyses in the language (data stays as it is)."""
        return str(localized(message))

    def reason(self, text: str) -> str:
        """Return a unit table's reason in the language."""
        return reason_text(text)

    def partial(self, text: str, value: float | None, missing: list[str]) -> str:
        """Return a total as shown: '–' when it cannot be computed, '≥ …' when it misses a part."""
        if value is None:
            return MISSING
        return f"≥ {text}" if missing else text


def card_fields(card: MetricCard, lang: Language) -> list[tuple[str, str]]:
    """Return a card's text fields as (label, text) in `lang`, in the guide's order."""
    return [(LABELS[name][lang], card.field(name, lang)) for name in TEXT_FIELDS[1:]]


def card_codes(card: MetricCard, lang: Language) -> list[tuple[str, str]]:
    """Return a card's group and perspective as (label, value) in `lang`."""
    return [
        (LABELS["group"][lang], CODE_LABELS[card.group][lang]),
        (LABELS["perspective"][lang], CODE_LABELS[card.perspective][lang]),
    ]


def stylesheet() -> str:
    """Return the reports' stylesheet (screen and print)."""
    return (resources.files("karsta.report") / "templates" / "report.css").read_text("utf-8")


def _trend_charts(content: ReportContent, lang: Language) -> list[tuple[str, Markup]]:
    """Return (figure title, SVG) of every targeted figure with more than one month."""
    drawn = []
    for index, row in enumerate(content.targeted):
        points = content.trend(row)
        if sum(v is not None for _p, v in points) < 2:
            continue
        spec = charts.trend_spec(row, points, lang)
        drawn.append(
            (charts.figure_title(row, lang), Markup(charts.svg(spec, lang, name=f"t{index}")))
        )
    return drawn


def _waste_chart(content: ReportContent, lang: Language) -> Markup | None:
    """Return the SVG of the largest findings counted in the totals, or None without any."""
    counted = [*content.staff_findings(), *content.customer_findings()]
    counted = [f for f in counted if f.in_totals]
    if not counted:
        return None
    return Markup(charts.svg(charts.waste_spec(counted, lang), lang, name="waste"))


def _scope(content: ReportContent) -> dict[str, tuple[str, ...]]:
    return dict(content.restriction)


def render(template: str, content: ReportContent, lang: Language, **extra: Any) -> str:
    """Return the report `template` (monthly.html, overview.html) of `content` in `lang`."""
    with speaking(lang):
        return TEMPLATES.get_template(template).render(
            content=content,
            lang=lang,
            words=Words(lang),
            css=Markup(stylesheet()),
            css_string=css_string,
            trend_charts=_trend_charts(content, lang),
            waste_chart=_waste_chart(content, lang),
            card_fields=lambda card: card_fields(card, lang),
            card_codes=lambda card: card_codes(card, lang),
            workspace_name=Path(content.workspace).name,
            scope=_scope(content),
            headline=content.waste.headline(),
            Message=Message,
            **extra,
        )


def monthly_html(content: ReportContent, lang: Language) -> str:
    """Return the monthly SLA report as one self-contained HTML document."""
    return render("monthly.html", content, lang)


def overview_html(content: ReportContent, lang: Language) -> str:
    """Return the overview as one self-contained HTML document, for e-mail."""
    return render("overview.html", content, lang)
