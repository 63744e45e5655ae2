"""Numbers for people in fi, sv and en: the language's marks, grouping, and each unit's precision.

Expected strings are written out by hand from the conventions (CLDR, through Babel):
Finnish and Swedish group thousands with a no-break space and write a decimal comma,
and put a no-break space before '%'; English groups with ',' and writes '65.1%'.
"""

from __future__ import annotations

import pytest

from karsta import formatting
from karsta.i18n import set_language

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("lang", "decimal", "whole", "percent"),
    [
        ("fi", f"14{NBSP}966,9", f"141{NBSP}712", f"65,1{NBSP}%"),
        ("sv", f"14{NBSP}966,9", f"141{NBSP}712", f"65,1{NBSP}%"),
        ("en", "14,966.9", "141,712", "65.1%"),
    ],
)
def test_marks_and_grouping_follow_the_language(
    lang: str, decimal: str, whole: str, percent: str
) -> None:
    assert formatting.decimal(14966.94, 1, lang=lang) == decimal
    assert formatting.whole(141712, lang=lang) == whole
    assert formatting.percent(65.14, lang=lang) == percent
    assert formatting.share(0.6514, lang=lang) == percent


def test_the_current_language_is_the_default() -> None:
    set_language("fi")
    assert formatting.decimal(2.5) == "2,5"
    set_language("en")
    assert formatting.decimal(2.5) == "2.5"


@pytest.mark.parametrize(
    ("value", "unit", "average", "expected"),
    [
        (65.14, "percent", False, f"65,1{NBSP}%"),  # one decimal
        (15.96, "hours", False, f"16,0{NBSP}h"),  # one decimal, rounded
        (15.94, "service_hours", False, f"15,9{NBSP}palvelu-h"),
        (12.5, "euros", False, f"12,50{NBSP}€"),  # two decimals
        (1240.0, "count", False, f"1{NBSP}240"),  # whole
        (1.1049, "count", True, "1,10"),  # an average of counts: two decimals
        (47.86, "ratio", False, "47,9"),  # one decimal
        (0.4674, "days", False, f"0,5{NBSP}vrk"),
        (None, "hours", False, "–"),
        (float("nan"), "hours", False, "–"),
    ],
)
def test_a_figure_is_rounded_by_its_unit(
    value: float | None, unit: str, average: bool, expected: str
) -> None:
    assert formatting.figure(value, unit, average=average, lang="fi") == expected


@pytest.mark.parametrize(
    ("seconds", "fi", "en"),
    [
        (45, f"45{NBSP}s", f"45{NBSP}s"),
        (12 * 60, "12 min", "12 min"),
        (3.2 * 3600, f"3,2{NBSP}h", f"3.2{NBSP}h"),
        (4.1 * 86400, f"4,1{NBSP}vrk", f"4.1{NBSP}d"),
        # The waste report's "14966.9 d": whole days, grouped, from 100 days on.
        (14966.9 * 86400, f"14{NBSP}967{NBSP}vrk", f"14,967{NBSP}d"),
        (None, "–", "–"),
    ],
)
def test_durations_choose_their_unit(seconds: float | None, fi: str, en: str) -> None:
    assert formatting.duration(seconds, lang="fi") == fi
    assert formatting.duration(seconds, lang="en") == en


def test_person_years_and_hours() -> None:
    # 3,380 staff hours at 1,600 hours a person-year: 2.1125 → 2.1 person-years.
    assert formatting.person_years(3380, 1600, lang="fi") == "2,1 htv"
    assert formatting.person_years(3380, 1600, lang="sv") == "2,1 årsverken"
    assert formatting.person_years(3380, 1600, lang="en") == "2.1 person-years"
    assert formatting.hours(14966.9 * 24, 0, lang="en") == f"359,206{NBSP}h"


def test_figures_beyond_the_default_decimal_precision_are_written_in_full() -> None:
    # Python's decimal context keeps 28 digits; a what-if may ask for more than 10^28.
    assert formatting.decimal(1e30, 1, lang="en") == "1," + ",".join(["000"] * 10) + ".0"
    assert formatting.general(2e28, lang="fi") == "20" + f"{NBSP}000" * 9
    assert formatting.percent(1e29, lang="en").endswith(",000,000,000.0%")


def test_changes_carry_their_sign() -> None:
    assert formatting.signed(2.36, 1, lang="fi") == "+2,4"
    assert formatting.signed(-1.04, 1, lang="en") == "-1.0"
    assert formatting.signed(0.01, 1, lang="en") == "0.0"


def test_spreadsheet_numbers_keep_full_precision_with_the_languages_mark() -> None:
    assert formatting.csv_number(167.0734, lang="fi") == "167,0734"
    assert formatting.csv_number(24905, lang="fi") == "24905"  # no grouping: Excel reads it
    assert formatting.csv_number(2.5, lang="en") == "2.5"
    assert formatting.csv_number(None, lang="fi") == ""
    assert [formatting.csv_delimiter(lang) for lang in ("fi", "sv", "en")] == [";", ";", ","]


def test_a_change_has_its_figures_precision_and_unit() -> None:
    # A percentage changes by percentage points; hours stay hours; an average of counts
    # keeps two decimals.
    assert formatting.change(-30.0, "percent", lang="fi") == f"-30,0{NBSP}%-yks."
    assert formatting.change(1.25, "percent", lang="en") == f"+1.2{NBSP}pp"  # half to even
    assert formatting.change(2.0, "hours", lang="sv") == f"+2,0{NBSP}h"
    assert formatting.change(0.125, "count", average=True, lang="en") == "+0.12"
    assert formatting.change(None, "hours", lang="fi") == "–"


def test_targets_as_people_read_them() -> None:
    assert formatting.target("<=", 30.0, "percent", lang="fi") == f"≤{NBSP}30,0{NBSP}%"
    assert formatting.target(">=", 70.0, "percent", lang="en") == f"≥{NBSP}70.0%"
    # '80 % within 24 service hours' is stored as at most 20 % over 24 service hours.
    within = formatting.target(
        "<=", 20.0, "percent", within_hours=24.0, clock="service_hours", lang="fi"
    )
    assert within == f"80{NBSP}% alle 24,0{NBSP}palvelu-h"


@pytest.mark.parametrize(
    ("label", "fi", "en"),
    [
        ("2016-03", "maaliskuu 2016", "March 2016"),
        ("2016-W10", "viikko 10/2016", "week 10/2016"),
        ("2016-Q1", "1. neljännes 2016", "1st quarter 2016"),
        ("2016-03-07", "7.3.2016", "Mar 7, 2016"),
        ("2016", "2016", "2016"),
        (None, "–", "–"),
    ],
)
def test_period_labels_for_people(label: str | None, fi: str, en: str) -> None:
    assert formatting.period(label, lang="fi") == fi
    assert formatting.period(label, lang="en") == en


def test_moments_and_evidence_in_the_desks_time() -> None:
    from datetime import UTC, datetime

    # 23:16 UTC on 28 February 2016 is 01:16 on 29 February in Helsinki (UTC+2).
    moment = datetime(2016, 2, 28, 23, 16, tzinfo=UTC)
    assert formatting.moment(moment, "Europe/Helsinki", lang="fi") == "29.2.2016 1.16"
    exact = formatting.moment(moment, "Europe/Helsinki", exact=True, lang="fi")
    assert exact == "2016-02-29 01:16:00 EET"
    pause = {"from": moment, "to": datetime(2016, 2, 29, 0, 16, tzinfo=UTC), "hours": 1.0}
    assert formatting.evidence([pause], "Europe/Helsinki", lang="fi") == (
        f"29.2.2016 1.16 → 29.2.2016 2.16 (1,00{NBSP}h)"
    )
    assert formatting.evidence([], "UTC", lang="fi") == "ei yhtään"
    assert formatting.evidence(True, "UTC", lang="sv") == "ja"
    assert formatting.evidence(1234, "UTC", lang="fi") == f"1{NBSP}234"
    assert formatting.evidence(0.5, "UTC", lang="en") == "0.50"
    assert formatting.evidence(None, "UTC", lang="en") == "–"


def test_waste_figures() -> None:
    assert formatting.euros(676059.88, lang="fi") == f"676{NBSP}060{NBSP}€"
    assert formatting.years(0.254, lang="en") == "0.25"
    assert formatting.years(9.389, lang="fi") == "9,4"
    assert formatting.person_years(400, 1600, lang="en") == "0.25 person-years"


def test_charts_draw_numbers_as_the_language_writes_them() -> None:
    assert formatting.d3_format("percent") == ",.1f"
    assert formatting.d3_format("count") == ",.0f"
    assert formatting.d3_format("count", average=True) == ",.2f"
    fi = formatting.d3_locale("fi")
    assert (fi["decimal"], fi["thousands"]) == (",", NBSP)
    en = formatting.d3_locale("en")
    assert (en["decimal"], en["thousands"]) == (".", ",")
    assert formatting.unit_name("hours", lang="fi") == "tunnit"
    assert formatting.unit_name("percent", lang="fi") == "%"
