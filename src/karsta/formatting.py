"""Numbers for people, in the interface language: every view (CLI, pictures, web, reports).

Finnish and Swedish write a decimal comma and group thousands with a space
(1 234,5); English writes 1,234.5. The conventions are Babel's (CLDR) for fi_FI,
sv_SE and en. JSON and the Python API never go through this module: they stay
machine-formatted.

Precision, one rule per unit (a card's `unit`, or the unit of one statistic):

| unit | shown as |
| --- | --- |
| percent | one decimal: 65,1 % |
| hours, service_hours, days | one decimal: 15,9 h |
| euros | two decimals: 12,50 € |
| count | whole numbers; an average of counts two decimals: 1,11 |
| ratio, score | one decimal |
| seconds | whole seconds |

Durations choose their unit by size: seconds, minutes, hours up to two days, then
days (whole days from 100 days on), always grouped: 14 967 d, never 14966.9 d.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from karsta.i18n import N_, Language, current_language, translations

LOCALES: Mapping[Language, str] = {"fi": "fi_FI", "sv": "sv_SE", "en": "en"}
"""The Babel locale whose conventions each interface language follows."""

MISSING = "–"
"""What a view shows where a number is unknown."""

UNIT_DECIMALS: Mapping[str, int] = {
    "percent": 1,
    "hours": 1,
    "service_hours": 1,
    "days": 1,
    "euros": 2,
    "count": 0,
    "ratio": 1,
    "score": 1,
    "seconds": 0,
}
"""Decimals a figure of each unit is rounded to (see the module's table)."""

AVERAGE_COUNT_DECIMALS = 2
"""Decimals of an average of counts (handlers per ticket: 1,11)."""

UNIT_SUFFIXES: Mapping[str, str] = {
    "percent": "%",
    "hours": N_("h"),
    "service_hours": N_("service h"),
    "days": N_("d"),
    "euros": "€",
    "seconds": N_("s"),
}
"""The unit written after a figure (translated); counts, ratios and scores have none."""

CSV_DELIMITERS: Mapping[Language, str] = {"fi": ";", "sv": ";", "en": ","}
"""The list separator spreadsheets expect in each language (Finnish and Swedish Excel: ';')."""


def _text(message: str, lang: Language | None) -> str:
    """Return `message` in `lang` (default: the current language)."""
    return translations(lang or current_language()).gettext(message)


def _locale(lang: Language | None) -> Locale:
    return Locale.parse(LOCALES[lang or current_language()])


def _pattern(digits: int) -> str:
    """Return a grouped decimal pattern with exactly `digits` decimals."""
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def _unknown(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def decimal(value: float | None, digits: int = 1, *, lang: Language | None = None) -> str:
    """Return `value` grouped, with exactly `digits` decimals ('1 234,5'; '–' if unknown)."""
    if value is None or _unknown(value):
        return MISSING
    return format_decimal(value, format=_pattern(digits), locale=_locale(lang))


def whole(value: float | None, *, lang: Language | None = None) -> str:
    """Return a whole number for people ('141 712' in fi and sv, '141,712' in en)."""
    return decimal(value, 0, lang=lang)


def general(value: float | None, *, lang: Language | None = None) -> str:
    """Return a number as short as it is, grouped: '45', '7,5', '1 600' ('–' if unknown)."""
    if value is None or _unknown(value):
        return MISSING
    return format_decimal(value, format="#,##0.######", locale=_locale(lang))


def signed(value: float | None, digits: int = 1, *, lang: Language | None = None) -> str:
    """Return a change with its sign ('+1,2', '−0,4', '0,0')."""
    if value is None or _unknown(value):
        return MISSING
    text = decimal(value, digits, lang=lang)
    return "+" + text if round(value, digits) > 0 else text


def percent(value: float | None, digits: int = 1, *, lang: Language | None = None) -> str:
    """Return a value given in percent (65.1) as '65,1 %' (fi, sv) or '65.1%' (en)."""
    if value is None or _unknown(value):
        return MISSING
    locale = _locale(lang)
    base = locale.percent_formats[None].pattern
    pattern = base.replace("0", "0" + ("." + "0" * digits if digits > 0 else ""), 1)
    return format_percent(value / 100, format=pattern, locale=locale)


def share(fraction: float | None, digits: int = 1, *, lang: Language | None = None) -> str:
    """Return a share given as a fraction (0.651) in percent: '65,1 %'."""
    return percent(None if fraction is None else 100 * fraction, digits, lang=lang)


def with_unit(text: str, unit: str, *, lang: Language | None = None) -> str:
    """Return a formatted number followed by the unit's translated suffix, if it has one."""
    suffix = UNIT_SUFFIXES.get(unit)
    return f"{text}\N{NO-BREAK SPACE}{_text(suffix, lang)}" if suffix else text


def figure(
    value: float | None, unit: str, *, average: bool = False, lang: Language | None = None
) -> str:
    """Return a metric's figure rounded to its unit's precision, with the unit.

    `average` marks an average of a count (e.g. handlers per ticket), shown with two
    decimals where a count is whole.
    """
    if value is None or _unknown(value):
        return MISSING
    if unit == "percent":
        return percent(value, UNIT_DECIMALS["percent"], lang=lang)
    digits = UNIT_DECIMALS.get(unit, 2)
    if unit == "count" and (average or not float(value).is_integer()):
        digits = AVERAGE_COUNT_DECIMALS
    return with_unit(decimal(value, digits, lang=lang), unit, lang=lang)


def hours(value: float | None, digits: int = 1, *, lang: Language | None = None) -> str:
    """Return hours for people: '1 234,5 h'."""
    if value is None or _unknown(value):
        return MISSING
    return with_unit(decimal(value, digits, lang=lang), "hours", lang=lang)


def person_years(
    hours_total: float | None, hours_per_year: float, *, lang: Language | None = None
) -> str:
    """Return staff hours as person-years at `hours_per_year` a person: '2,3 htv' / '2.3 FTE'."""
    if hours_total is None or _unknown(hours_total):
        return MISSING
    years = decimal(hours_total / hours_per_year, 1, lang=lang)
    return _text(N_("{value} person-years"), lang).format(value=years)


def duration(seconds: float | None, *, lang: Language | None = None) -> str:
    """Return a duration for people: '45 s', '12 min', '3,2 h', '4,1 d' or '14 967 d'."""
    if seconds is None or _unknown(seconds):
        return MISSING
    if seconds < 60:
        return with_unit(decimal(seconds, 0, lang=lang), "seconds", lang=lang)
    if seconds < 3600:
        minutes = decimal(seconds / 60, 0, lang=lang)
        return _text(N_("{value} min"), lang).format(value=minutes)
    if seconds < 48 * 3600:
        return with_unit(decimal(seconds / 3600, 1, lang=lang), "hours", lang=lang)
    days = seconds / 86_400
    return with_unit(decimal(days, 1 if days < 100 else 0, lang=lang), "days", lang=lang)


def csv_number(value: float | int | None, *, lang: Language | None = None) -> str:
    """Return a number for a spreadsheet: full precision, no grouping, the language's decimal mark.

    Finnish and Swedish spreadsheets read '167,07' as a number and '167.07' as text.
    """
    if value is None or _unknown(value):
        return ""
    text = repr(value) if isinstance(value, float) else str(value)
    mark = _locale(lang).number_symbols["latn"]["decimal"]
    return text.replace(".", mark)


def csv_delimiter(lang: Language | None = None) -> str:
    """Return the field separator of CSV meant for a spreadsheet in `lang`."""
    return CSV_DELIMITERS[lang or current_language()]


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period(label: str | None, *, short: bool = False, lang: Language | None = None) -> str:
    """Return a period label for reading: '2024-03' is 'maaliskuu 2024' ('maalis 2024' short).

    Labels other than months are returned as they are ('' for None).
    """
    if not label:
        return ""
    month = _MONTH.match(label)
    if month is None:
        return label
    first = date(int(month[1]), int(month[2]), 1)
    return format_date(first, "LLL yyyy" if short else "LLLL yyyy", locale=_locale(lang))
