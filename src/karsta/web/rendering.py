"""HTML pages from Jinja2 templates, in the visitor's language and number formats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from karsta import formatting as core_formatting
from karsta import i18n
from karsta.i18n import Language
from karsta.web import formatting
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
    """Number formats of one language, as templates call them: `fmt.measure(v, unit)`."""

    lang: Language

    def measure(self, value: float | None, unit: str) -> str:
        """Return a metric's figure in its unit."""
        return formatting.measure(value, unit, self.lang)

    def number(self, value: float | None, decimals: int = 0) -> str:
        """Return a plain number."""
        return formatting.number(value, self.lang, decimals=decimals)

    def period(self, label: str | None) -> str:
        """Return a period label ('2024-03') as the month's name and year."""
        return formatting.period(label, self.lang)

    def duration(self, seconds: float | None) -> str:
        """Return a duration for people ('45 s', '12 min', '3,2 h')."""
        return core_formatting.duration(seconds, lang=self.lang)

    def percent(self, value: float | None, decimals: int = 1) -> str:
        """Return a percentage given as 0–100."""
        return formatting.percent(value, self.lang, decimals=decimals)


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
