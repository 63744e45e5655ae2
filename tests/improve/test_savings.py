"""The time-savings calculator: the method's worked example, units, the working year."""

from __future__ import annotations

import pytest

from karsta.improve.savings import SavingsAssumptions, time_savings


def test_the_methods_worked_example() -> None:
    # 5 times a week × 30 min × 52 weeks = 7 800 min = 130 h = 16,25 working days of 8 h
    # = 3,25 working weeks of 40 h ("reilu 3 vkoa").
    saved = time_savings(
        times=5, per="week", minutes=30, people=1, assumptions=SavingsAssumptions(hours_per_day=8)
    )
    assert saved.occurrences_per_year == 260
    assert saved.minutes_per_year == 7800
    assert saved.hours_per_year == 130
    assert saved.working_days_per_year == 16.25
    assert saved.working_weeks_per_year == 3.25
    assert saved.euros_per_year is None  # no hourly cost given: not priced, not 0


def test_the_finnish_working_day_is_the_default() -> None:
    # 130 h / 7,5 h = 17,33 days; a week of 5 × 7,5 = 37,5 h: 3,47 weeks.
    saved = time_savings(times=5, per="week", minutes=30)
    assert saved.assumptions.hours_per_day == 7.5
    assert saved.working_days_per_year == pytest.approx(130 / 7.5)
    assert saved.working_weeks_per_year == pytest.approx(130 / 37.5)


@pytest.mark.parametrize(
    ("times", "per", "occurrences"),
    [
        (2, "day", 2 * 5 * 52),  # working days: 5 a week, 52 weeks
        (5, "week", 5 * 52),
        (3, "month", 3 * 12),  # a twelfth of a 52-week year
        (40, "year", 40),
    ],
)
def test_each_frequency_unit(times: float, per: str, occurrences: float) -> None:
    saved = time_savings(times=times, per=per, minutes=6)  # type: ignore[arg-type]
    assert saved.occurrences_per_year == occurrences
    assert saved.hours_per_year == pytest.approx(occurrences * 6 / 60)


def test_people_weeks_and_cost_scale_the_year() -> None:
    # 1 a day × 10 min × 3 people, 46 working weeks of 4 days: 1 × 4 × 46 × 3 = 552 times,
    # 5 520 min = 92 h; at 50 €/h = 4 600 €; days of 8 h: 11,5; weeks of 32 h: 2,875.
    a = SavingsAssumptions(weeks_per_year=46, days_per_week=4, hours_per_day=8, hourly_cost=50)
    saved = time_savings(times=1, per="day", minutes=10, people=3, assumptions=a)
    assert saved.occurrences_per_year == 552
    assert saved.hours_per_year == pytest.approx(92)
    assert saved.euros_per_year == pytest.approx(4600)
    assert saved.working_days_per_year == pytest.approx(11.5)
    assert saved.working_weeks_per_year == pytest.approx(2.875)
    # A month is a twelfth of the working year: 46 weeks make 12 × 46 / 52 months.
    monthly = time_savings(times=1, per="month", minutes=60, assumptions=a)
    assert monthly.hours_per_year == pytest.approx(12 * 46 / 52)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"hours_per_day": 0}, "hours_per_day"),
        ({"weeks_per_year": -1}, "weeks_per_year"),
        ({"hourly_cost": -5}, "hourly_cost"),
    ],
)
def test_an_impossible_working_year_is_refused_by_name(
    options: dict[str, float], field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        SavingsAssumptions(**options)


def test_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="minutes"):
        time_savings(times=1, per="week", minutes=-3)
