"""Numbers, percentages and durations in the reader's locale ("63,4 %", "1 234,5 h").

The web app's one place for number formats, through Babel's CLDR data; the rest
of Karsta can share it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from karsta.i18n import Language

LOCALES: dict[Language, str] = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
"""The CLDR locale whose formats each interface language uses."""

_DECIMALS = {"percent": 1, "hours": 1, "days": 1, "seconds": 0, "count": 0, "ratio": 2, "score": 1}
_SUFFIX = {"hours": "\u00a0h", "days": "\u00a0d", "seconds": "\u00a0s"}


def number(value: float | None, lang: Language, *, decimals: int = 1) -> str:
    """Return `value` with the locale's grouping and decimal separator ('' for None)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def percent(value: float | None, lang: Language, *, decimals: int = 1) -> str:
    """Return a percentage given as 0–100 in the locale's form ('63,4 %' in Finnish)."""
    if value is None:
        return ""
    locale = Locale.parse(LOCALES[lang])
    base = locale.percent_formats[None].pattern
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * decimals if decimals else ""), 1)
    return format_percent(value / 100, format=pattern, locale=locale)


def measure(value: float | None, unit: str, lang: Language) -> str:
    """Return a figure of a metric's `unit` (percent, hours, count, euros, …) for reading."""
    if value is None:
        return ""
    if unit == "percent":
        return percent(value, lang)
    if unit == "euros":
        return format_currency(value, "EUR", locale=LOCALES[lang])
    text = number(value, lang, decimals=_DECIMALS.get(unit, 1))
    return text + _SUFFIX.get(unit, "")


def vega_format_locale(lang: Language) -> dict[str, object]:
    """Return the d3-format locale vega-embed draws axis numbers with."""
    symbols = Locale.parse(LOCALES[lang]).number_symbols["latn"]
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": ["", "\u00a0€"] if lang != "en" else ["€", ""],
    }


def statistic_unit(unit: str, statistic: str) -> str:
    """Return the unit of one statistic of a metric whose card gives `unit`.

    Shares and age shares are percentages and counts are counts whatever the card's
    unit (O2's share over target is a percentage of tickets, not hours).
    """
    if statistic.endswith("_days"):
        return "days"
    if statistic.startswith(("share", "age_")):
        return "percent"
    if statistic == "count":
        return "count"
    return unit


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period(label: str | None, lang: Language, *, short: bool = False) -> str:
    """Return a period label for reading: '2024-03' is 'maaliskuu 2024' ('maalis 2024' short).

    Labels other than months are returned as they are.
    """
    if not label:
        return ""
    month = _MONTH.match(label)
    if month is None:
        return label
    first = date(int(month[1]), int(month[2]), 1)
    return format_date(first, "LLL yyyy" if short else "LLLL yyyy", locale=LOCALES[lang])


def moment(value: datetime | None, lang: Language, *, timezone: str = "Europe/Helsinki") -> str:
    """Return an instant as the locale writes a short date and time, in `timezone` ('' for None)."""
    if value is None:
        return ""
    return format_datetime(value, "short", tzinfo=ZoneInfo(timezone), locale=LOCALES[lang])


MEBIBYTE = 1024 * 1024


def file_size(size: int, lang: Language) -> str:
    """Return a file size for reading: '200 MB', '1,5 MB', '12 kB' (binary units)."""
    if size >= MEBIBYTE:
        megabytes = size / MEBIBYTE
        return number(megabytes, lang, decimals=0 if megabytes.is_integer() else 1) + "\u00a0MB"
    return number(max(1, round(size / 1024)), lang, decimals=0) + "\u00a0kB"
