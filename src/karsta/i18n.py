"""The interface language: messages in fi, sv and en from the gettext catalogs in `locale/`.

The English text is the message id. Finnish and Swedish come from
`locale/{fi,sv}/LC_MESSAGES/karsta.po`, compiled in memory with Babel the first time
a language is used. The language is `--lang`, else `KARSTA_LANG`, else the system
locale when it is Finnish or Swedish, else English. It is held in a context variable,
so each request of the web app (a thread or task of its own) speaks its own language.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import io
import locale
import os
import re
import string
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any, Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Language = Literal["fi", "sv", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")
DOMAIN = "karsta"
ENV_VARIABLE = "KARSTA_LANG"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_current: ContextVar[Language] = ContextVar("karsta_language", default="en")


def language_of(tag: str | None) -> Language | None:
    """Return the language a tag such as 'fi', 'sv_FI.UTF-8' or 'en-GB' names, if we have it."""
    if not tag:
        return None
    code = tag.replace("-", "_").split("_")[0].split(".")[0].lower()
    return code if code in LANGUAGES else None


def detect_language(environ: Mapping[str, str] | None = None) -> Language:
    """Return `KARSTA_LANG` if set, else the system locale's language if fi or sv, else en."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_VARIABLE)
    if chosen:
        found = language_of(chosen)
        if found is None:
            raise ValueError(unknown_language(chosen))
        return found
    effective = next((env[name] for name in _LOCALE_VARIABLES if env.get(name)), "")
    if environ is None and not effective:
        effective = locale.getlocale(locale.LC_MESSAGES)[0] or ""
    candidates = [effective]
    if effective.split(".")[0] not in ("", "C", "POSIX"):
        candidates[:0] = env.get("LANGUAGE", "").split(":")
    for tag in candidates:
        found = language_of(tag)
        if found is not None:
            return found
    return "en"


def unknown_language(lang: str) -> str:
    """Return the message for a language Karsta does not speak."""
    return gettext("Unknown language {lang!r}; choose one of {choices}.").format(
        lang=lang, choices=", ".join(LANGUAGES)
    )


def set_language(lang: str | None = None) -> Language:
    """Use `lang` (fi, sv, en), or the detected language when None; return it.

    Raises ValueError for a language Karsta does not speak.
    """
    chosen = detect_language() if lang is None else lang
    if chosen not in LANGUAGES:
        raise ValueError(unknown_language(chosen))
    _current.set(chosen)
    return chosen


def current_language() -> Language:
    """Return the language messages are shown in now."""
    return _current.get()


@cache
def translations(lang: Language) -> stdlib_gettext.NullTranslations:
    """Return the compiled catalog of `lang` (English: the message ids themselves)."""
    if lang == "en":
        return stdlib_gettext.NullTranslations()
    po = resources.files("karsta") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return stdlib_gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    """Return `message` in the current language ('' stays '': gettext maps it to the header)."""
    return translations(_current.get()).gettext(message) if message else message


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form for `n` in the current language."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a deferred message
    """Mark `message` for translation where it is shown; return it unchanged."""
    return message


class Message(str):
    """English text that keeps its template and arguments, so it can be shown translated.

    It is a `str` holding the English text, so JSON, CSV and comparisons see English; a
    view calls `localized()` for the current language. Arguments that are Messages are
    translated with it; other arguments (data) are not.
    """

    template: str
    args: dict[str, Any]

    def __new__(cls, template: str, /, **args: Any) -> Message:
        """Return the message `template` formatted with `args` (English)."""
        self = super().__new__(cls, template.format(**args) if args else template)
        self.template = template
        self.args = args
        return self

    def localized(self) -> str:
        """Return the message in the current language.

        Message arguments are translated. Numbers are written as the language writes
        them: whole numbers without a format grouped (1 972 in fi and sv, 1,972 in en),
        and a number format in the template (`{share:.1f}`, `{cost:g}`) keeps its
        precision with the language's decimal mark and grouping (98,0; 1 600).
        """
        text = gettext(self.template)
        if not self.args:
            return text
        formatter = string.Formatter()
        out = []
        for literal, name, spec, conversion in formatter.parse(text):
            out.append(literal)
            if name is None:
                continue
            value = formatter.get_field(name, (), self.args)[0]
            if conversion:
                value = formatter.convert_field(value, conversion)
            out.append(_field(value, spec or ""))
        return "".join(out)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as template and arguments."""
        return (_message, (self.template, self.args))

    def __copy__(self) -> Message:
        """Return self: a message is immutable."""
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Message:
        """Return self: a message is immutable."""
        return self


def joined(parts: list[str], separator: str) -> Message:
    """Return `parts` joined by `separator` as one message whose Message parts translate."""
    names = [f"p{i}" for i in range(len(parts))]
    template = separator.join("{" + name + "}" for name in names)
    return Message(template, **dict(zip(names, parts, strict=True)))


def _message(template: str, args: dict[str, Any]) -> Message:
    return Message(template, **args)


_NUMBER_SPEC = re.compile(r",?(?:\.(?P<digits>\d+)f|(?P<general>g)|d?)")
"""Number formats a template may give a field: `.1f`, `,.0f`, `g`, `d`, `,`."""


def _field(value: Any, spec: str) -> str:
    """Return one field of a message: numbers as the current language writes them."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return format(localized(value), spec)
    found = _NUMBER_SPEC.fullmatch(spec)
    if found is None:
        return format(value, spec)
    from karsta import formatting  # formatting builds on this module

    if found["digits"] is not None:
        return formatting.decimal(value, int(found["digits"]))
    if found["general"] or (isinstance(value, float) and not spec):
        return formatting.general(value)
    return formatting.whole(value)


def localized(value: Any) -> Any:
    """Return a Message in the current language; any other value as it is."""
    return value.localized() if isinstance(value, Message) else value
