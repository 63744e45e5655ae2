"""The language of a request: the user's choice, else the browser's, else Finnish."""

from __future__ import annotations

from karsta.i18n import LANGUAGES, Language, language_of

DEFAULT: Language = "fi"
LANGUAGE_COOKIE = "karsta_lang"
LANGUAGE_NAMES: dict[Language, str] = {"fi": "suomi", "sv": "svenska", "en": "English"}
"""Each language named in itself, as the language switch shows it."""


def accepted(header: str | None) -> list[str]:
    """Return the language tags of an Accept-Language header, most wanted first."""
    tags = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            tags.append((-weight, position, tag))
    return [tag for _w, _p, tag in sorted(tags)]


def choose_language(
    user_language: str | None, cookie: str | None, accept_language: str | None
) -> Language:
    """Return the user's setting, else the switch's cookie, else Accept-Language, else Finnish."""
    for choice in (user_language, cookie):
        found = language_of(choice)
        if found is not None:
            return found
    for tag in accepted(accept_language):
        found = language_of(tag)
        if found is not None:
            return found
    return DEFAULT


__all__ = ["DEFAULT", "LANGUAGES", "LANGUAGE_COOKIE", "LANGUAGE_NAMES", "choose_language"]
