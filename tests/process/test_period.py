"""The observed period yearly figures are scaled from, on hand-made monthly volumes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from karsta.process.period import DAYS_PER_YEAR, complete_period

# Tickets opened per day. The busiest month is February (100), so a month is complete
# with at least 25 % of it, 25 tickets: January (5) and May (3) are thin at the edges
# and left out, March (10) is thin inside and kept, April (80) is complete.
THIN_EDGES = [
    (date(2024, 1, 20), 5),
    (date(2024, 2, 1), 40),
    (date(2024, 2, 15), 60),
    (date(2024, 3, 10), 10),
    (date(2024, 4, 5), 80),
    (date(2024, 5, 2), 3),
]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_thin_months_at_the_edges_are_left_out() -> None:
    period = complete_period(THIN_EDGES)
    # February 1 to May 1: 29 + 31 + 30 = 90 days; 100 + 10 + 80 = 190 of 198 tickets.
    assert (period.start, period.end, period.days) == (utc(2024, 2, 1), utc(2024, 5, 1), 90.0)
    assert period.per_year == pytest.approx(DAYS_PER_YEAR / 90)
    assert (period.tickets, period.tickets_selected, period.chosen_by) == (190, 198, "detected")
    assert period.left_out == ("2024-01", "2024-05")
    assert period.thin_inside == ("2024-03",)
    assert period.basis() == (
        "scaled to a year from 90 days, 2024-02-01 to 2024-04-30 (UTC): the 190 tickets "
        "opened then, 96.0 % of 198; the period detected from the monthly volume (months "
        "with at least 25 % of the busiest month's tickets)"
    )
    assert period.warnings() == [
        "the period is 90 days, less than a year: the yearly figures assume every month "
        "is like these and leave out seasonal variation",
        "8 tickets (4.0 %) opened outside the period are left out (thin months: 2024-01, 2024-05)",
        "1 months inside the period have fewer than 25 % of the busiest month's tickets "
        "(2024-03): the log may be incomplete there, and the yearly figures too low",
    ]


def test_a_log_that_starts_and_ends_mid_month_is_cut_at_its_first_and_last_day() -> None:
    # February (100) and March (90) are both complete, and the log's own first and
    # last months: 10 February to 26 March (the day after the last ticket) is 45 days.
    period = complete_period(
        [
            (date(2024, 2, 10), 50),
            (date(2024, 2, 20), 50),
            (date(2024, 3, 5), 60),
            (date(2024, 3, 25), 30),
        ]
    )
    assert (period.start, period.end, period.days) == (utc(2024, 2, 10), utc(2024, 3, 26), 45.0)
    assert (period.tickets, period.left_out, period.thin_inside) == (190, (), ())


def test_the_period_given_wins_and_thin_months_inside_it_are_named() -> None:
    # The tickets opened in February and March only, as the filters keep them.
    period = complete_period(
        THIN_EDGES[1:4], opened_from=utc(2024, 2, 1), opened_before=utc(2024, 4, 1)
    )
    assert (period.days, period.chosen_by, period.tickets) == (60.0, "given", 110)
    assert (period.thin_inside, period.left_out) == (("2024-03",), ())
    assert "the period given" in period.basis()


def test_an_open_end_is_detected() -> None:
    # From 15 February on: February 60, April 80, May 3. Busiest April, 25 % of it is
    # 20: February complete, May thin. 15 February to 1 May is 76 days.
    period = complete_period(
        [(date(2024, 2, 15), 60), (date(2024, 4, 5), 80), (date(2024, 5, 2), 3)],
        opened_from=utc(2024, 2, 15),
    )
    assert (period.start, period.end, period.days) == (utc(2024, 2, 15), utc(2024, 5, 1), 76.0)
    assert (period.chosen_by, period.left_out, period.thin_inside) == (
        "partly given",
        ("2024-05",),
        ("2024-03",),  # no ticket at all in March
    )


def test_no_tickets_no_period() -> None:
    period = complete_period([])
    assert (period.start, period.days, period.per_year) == (None, 0.0, 0.0)
    assert period.warnings() == []
    assert period.basis() == "no tickets: nothing to scale to a year"


def test_runs_of_months_are_shortened() -> None:
    daily = [(date(2016, 3, 1), 100)] + [(date(2016, m, 1), 1) for m in range(4, 13)]
    assert "(thin months: 2016-04 … 2016-12)" in complete_period(daily).warnings()[1]
