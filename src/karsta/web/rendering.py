"""HTML pages from Jinja2 templates, in the visitor's language and number formats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from karsta import formatting, i18n
from karsta.i18n import Language
from karsta.web.language import LANGUAGE_COOKIE, LANGUAGE_NAMES, choose_language

TEMPLATES = Environment(
    loader=ChoiceLoader(
        [PackageLoader("karsta.web", "templates"), PackageLoader("karsta.web", "views/templates")]
    ),
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


@dataclass(frozen=True)
class Numbers:
    """`karsta.formatting` in one language, as templates call it: `fmt.figure(v, unit)`."""

    lang: Language

    def figure(self, value: float | None, unit: str, average: bool = False) -> str:
        """Return a figure rounded by its unit, with the unit ('–' when unknown)."""
        return formatting.figure(value, unit, average=average, lang=self.lang)

    def change(self, value: float | None, unit: str, average: bool = False) -> str:
        """Return a change between periods with its sign, in the figure's unit."""
        return formatting.change(value, unit, average=average, lang=self.lang)

    def target(
        self,
        operator: str,
        value: float,
        unit: str,
        within_hours: float | None = None,
        clock: str = "hours",
    ) -> str:
        """Return a target: '≤ 2,0 %', '80 % within 24,0 service h'."""
        return formatting.target(
            operator, value, unit, within_hours=within_hours, clock=clock, lang=self.lang
        )

    def whole(self, value: float | None) -> str:
        """Return a whole number, grouped."""
        return formatting.whole(value, lang=self.lang)

    def number(self, value: float | None, decimals: int = 0) -> str:
        """Return a number with `decimals` decimals, grouped ('1 234')."""
        return formatting.decimal(value, decimals, lang=self.lang)

    def decimal(self, value: float | None, digits: int = 1) -> str:
        """Return a number with `digits` decimals, grouped."""
        return formatting.decimal(value, digits, lang=self.lang)

    def size(self, value: int) -> str:
        """Return a file size ('200 MB')."""
        return formatting.file_size(value, lang=self.lang)

    def duration(self, seconds: float | None) -> str:
        """Return a duration for people ('45 s', '12 min', '3,2 h')."""
        return formatting.duration(seconds, lang=self.lang)

    def percent(self, value: float | None, digits: int = 1) -> str:
        """Return a percentage given as 0–100."""
        return formatting.percent(value, digits, lang=self.lang)

    def hours(self, value: float | None) -> str:
        """Return hours: '1 234,5 h'."""
        return formatting.hours(value, lang=self.lang)

    def euros(self, value: float | None) -> str:
        """Return euros, whole: '676 060 €'."""
        if value is None:
            return formatting.MISSING
        return formatting.with_unit(
            formatting.whole(value, lang=self.lang), "euros", lang=self.lang
        )

    def person_years(self, hours: float | None, hours_per_year: float) -> str:
        """Return staff hours as person-years: '9,4 htv'."""
        return formatting.person_years(hours, hours_per_year, lang=self.lang)

    def period(self, label: str | None, short: bool = False) -> str:
        """Return a period label ('2024-03') for people: 'maaliskuu 2024'."""
        return formatting.period(label, short=short, lang=self.lang)

    def moment(self, value: datetime | None, timezone: str = "Europe/Helsinki") -> str:
        """Return an instant in the desk's local time."""
        return formatting.moment(value, timezone, lang=self.lang)

    def evidence(self, value: object, timezone: str) -> str:
        """Return a value of a figure's evidence (an instant, a count, a pause)."""
        return formatting.evidence(value, timezone, lang=self.lang)

    def unit_name(self, unit: str) -> str:
        """Return a unit's name for a header or an axis."""
        return formatting.unit_name(unit, lang=self.lang)

    def d3_locale(self) -> dict[str, object]:
        """Return the number locale charts are drawn with."""
        return formatting.d3_locale(self.lang)


def request_language(request: Request) -> Language:
    """Return the language of a request (the visitor's, or from its cookie and headers)."""
    lang: Language | None = getattr(request.state, "lang", None)
    if lang is None:
        lang = choose_language(
            None, request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
        )
    return lang


def csrf_token(request: Request) -> str:
    """Return the CSRF token the visitor's forms carry (set as a cookie on first use)."""
    make = request.scope.get("csrftoken")
    return str(make()) if make is not None else ""


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Return `template` rendered for the visitor of `request` with `context`."""
    lang = request_language(request)
    i18n.set_language(lang)
    html = TEMPLATES.get_template(template).render(
        request=request,
        user=getattr(request.state, "account", None),
        lang=lang,
        languages=LANGUAGE_NAMES,
        fmt=Numbers(lang),
        csrf_token=lambda: csrf_token(request),
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
