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

A figure's unit is the one its result row names (`unit`); the change between two
periods is written in the same precision, a percentage's change in percentage
points. Period labels ('2016-03', '2016-W10', '2016-Q1'), instants and targets are
written here too, and the charts get the same conventions as a d3 number locale.
"""

from __future__ import annotations

import decimal as _decimal
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel import numbers as babel_numbers
from babel.dates import format_date, format_time

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
    "percentage_points": N_("pp"),
}
"""The unit written after a figure (translated); counts, ratios and scores have none."""

UNIT_NAMES: Mapping[str, str] = {
    "percent": "%",
    "hours": N_("hours"),
    "service_hours": N_("service hours"),
    "days": N_("days"),
    "euros": N_("euros"),
    "count": N_("number"),
    "ratio": N_("ratio"),
    "score": N_("score"),
    "seconds": N_("seconds"),
}
"""A unit's name, as a chart's axis or a table's header gives it (translated)."""

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


_WIDE = _decimal.Context(prec=400, Emax=_decimal.MAX_EMAX, Emin=_decimal.MIN_EMIN)
"""Room for every digit of any float: Babel rounds in the current decimal context,
whose default 28 digits fail on a figure of 10^28 or more."""


def format_decimal(value: float, *, format: str, locale: Locale) -> str:
    """Return Babel's grouped decimal, exact for any finite float however large."""
    with _decimal.localcontext(_WIDE):
        return babel_numbers.format_decimal(value, format=format, locale=locale)


def format_percent(value: float, *, format: str, locale: Locale) -> str:
    """Return Babel's percentage, exact for any finite float however large."""
    with _decimal.localcontext(_WIDE):
        return babel_numbers.format_percent(value, format=format, locale=locale)


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


def years(value: float | None, *, lang: Language | None = None) -> str:
    """Return a number of person-years: two decimals under one, else one ('0,25', '2,3')."""
    if value is None or _unknown(value):
        return MISSING
    return decimal(value, 2 if abs(value) < 1 else 1, lang=lang)


def person_years(
    hours_total: float | None, hours_per_year: float, *, lang: Language | None = None
) -> str:
    """Return staff hours as person-years at `hours_per_year` a person: '2,3 htv' / '2.3 FTE'."""
    if hours_total is None or _unknown(hours_total):
        return MISSING
    shown = years(hours_total / hours_per_year, lang=lang)
    return _text(N_("{value} person-years"), lang).format(value=shown)


def euros(value: float | None, digits: int = 0, *, lang: Language | None = None) -> str:
    """Return euros for people, whole by default: '676 060 €' ('–' when unknown)."""
    if value is None or _unknown(value):
        return MISSING
    return with_unit(decimal(value, digits, lang=lang), "euros", lang=lang)


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


def unit_name(unit: str, *, lang: Language | None = None) -> str:
    """Return the name of a unit for an axis or a header ('hours', '%'; the code if unknown)."""
    name = UNIT_NAMES.get(unit)
    return unit if name is None else _text(name, lang)


def digits_of(unit: str, *, average: bool = False) -> int:
    """Return the decimals a figure of `unit` is shown with (an average of counts: two)."""
    if unit == "count" and average:
        return AVERAGE_COUNT_DECIMALS
    return UNIT_DECIMALS.get(unit, 2)


def change(
    value: float | None, unit: str, *, average: bool = False, lang: Language | None = None
) -> str:
    """Return the change of a figure of `unit` with its sign and unit: '+1,2 %-yks.', '−3,0 h'.

    A percentage changes by percentage points; other units keep their own.
    """
    if value is None or _unknown(value):
        return MISSING
    digits = digits_of(unit, average=average)
    shown_unit = "percentage_points" if unit == "percent" else unit
    return with_unit(signed(value, digits, lang=lang), shown_unit, lang=lang)


_OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


def target(
    operator: str,
    value: float,
    unit: str,
    *,
    within_hours: float | None = None,
    clock: str = "hours",
    lang: Language | None = None,
) -> str:
    """Return a target for people: '≤ 2,0 %', or '80 % within 24,0 service h'.

    `unit` is the unit of the statistic the target is on. A target 'X % within Y
    hours' is stored as a share over the target (`value` = 100 − X) with
    `within_hours` = Y, counted on the metric's `clock` (hours or service hours).
    """
    if within_hours is not None:
        return _text(N_("{share} within {hours}"), lang).format(
            share=percent(100.0 - value, 0, lang=lang),
            hours=figure(within_hours, clock, lang=lang),
        )
    return f"{_OPERATORS.get(operator, operator)}\N{NO-BREAK SPACE}{figure(value, unit, lang=lang)}"


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def period(label: str | None, *, short: bool = False, lang: Language | None = None) -> str:
    """Return a period label for people: '2016-03' is 'maaliskuu 2016' ('maalis 2016' short).

    Weeks ('2016-W10') read 'viikko 10/2016', quarters ('2016-Q1') '1. neljännes 2016',
    days as the language writes a date; a year, or a label of another form, as it is.
    """
    if not label:
        return MISSING
    locale = _locale(lang)
    month = _MONTH.match(label)
    if month:
        first = date(int(month[1]), int(month[2]), 1)
        return format_date(first, "LLL yyyy" if short else "LLLL yyyy", locale=locale)
    week = _WEEK.match(label)
    if week:
        return _text(N_("week {week}/{year}"), lang).format(week=int(week[2]), year=week[1])
    quarter = _QUARTER.match(label)
    if quarter:
        first = date(int(quarter[1]), 3 * int(quarter[2]) - 2, 1)
        return format_date(first, "QQQ yyyy" if short else "QQQQ yyyy", locale=locale)
    if _DAY.match(label):
        return format_date(date.fromisoformat(label), "medium", locale=locale)
    return label


def moment(
    value: datetime | None, timezone: str, *, exact: bool = False, lang: Language | None = None
) -> str:
    """Return an instant in `timezone`'s local time: '29.2.2016 1.16' in Finnish.

    `exact` writes it to the second with the zone, the same in every language
    ('2016-02-29 01:16:00 EET'), as an analyst checks it against the data.
    """
    if value is None:
        return MISSING
    local = value.astimezone(ZoneInfo(timezone))
    if exact:
        return local.strftime("%Y-%m-%d %H:%M:%S %Z")
    locale = _locale(lang)
    day = format_date(local, "medium", locale=locale)
    return f"{day} {format_time(local, 'short', locale=locale)}"


def evidence(
    value: object, timezone: str, *, exact: bool = False, lang: Language | None = None
) -> str:
    """Return a value of a figure's evidence for people.

    Instants in the desk's local time (`moment`), yes/no, whole numbers grouped,
    other numbers with two decimals, spans of a pause as 'from → to (hours)', lists
    joined by '; '; text as it is.
    """
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        return moment(value, timezone, exact=exact, lang=lang)
    if isinstance(value, bool):
        return _text(N_("yes") if value else N_("no"), lang)
    if isinstance(value, int):
        return whole(value, lang=lang)
    if isinstance(value, float):
        return decimal(value, 2, lang=lang)
    if isinstance(value, dict) and {"from", "to", "hours"} <= set(value):
        return _text(N_("{start} → {end} ({hours})"), lang).format(
            start=evidence(value["from"], timezone, exact=exact, lang=lang),
            end=evidence(value["to"], timezone, exact=exact, lang=lang),
            hours=with_unit(decimal(value["hours"], 2, lang=lang), "hours", lang=lang),
        )
    if isinstance(value, list):
        parts = [evidence(item, timezone, exact=exact, lang=lang) for item in value]
        return "; ".join(parts) if parts else _text(N_("none"), lang)
    return str(value)


MEBIBYTE = 1024 * 1024


def file_size(size: int, *, lang: Language | None = None) -> str:
    """Return a file size for people: '200 MB', '1,5 MB', '12 kB' (binary units)."""
    if size >= MEBIBYTE:
        megabytes = size / MEBIBYTE
        digits = 0 if megabytes.is_integer() else 1
        return decimal(megabytes, digits, lang=lang) + "\N{NO-BREAK SPACE}MB"
    return whole(max(1, round(size / 1024)), lang=lang) + "\N{NO-BREAK SPACE}kB"


def d3_format(unit: str, *, average: bool = False) -> str:
    """Return the d3 number format a chart draws figures of `unit` with (',.1f' for hours)."""
    return f",.{digits_of(unit, average=average)}f"


def d3_locale(lang: Language | None = None) -> dict[str, object]:
    """Return the d3-format locale (marks and grouping) charts draw numbers with."""
    symbols = _locale(lang).number_symbols["latn"]
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": ["", "\N{NO-BREAK SPACE}€"],
        "percent": "\N{NO-BREAK SPACE}%" if (lang or current_language()) != "en" else "%",
    }
