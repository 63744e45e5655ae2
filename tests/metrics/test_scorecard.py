"""The scorecard: headline figure of the latest period beside the previous one and the target."""

from __future__ import annotations

import pytest

from karsta.metrics.compute import compute_metrics
from karsta.metrics.config import parse_target
from karsta.metrics.options import MetricOptions
from karsta.metrics.scorecard import build_scorecard
from tests.metrics.conftest import Desk, utc


def _two_months(desk: Desk) -> None:
    # February: 2 resolved, 1 reopened (50 %). March: 4 resolved, 1 reopened (25 %).
    desk.ticket("F1", utc("2024-02-05 08:00"), resolved_at=utc("2024-02-05 10:00"), reopen_count=1)
    desk.ticket("F2", utc("2024-02-06 08:00"), resolved_at=utc("2024-02-06 12:00"), reopen_count=0)
    for i, reopened in enumerate((1, 0, 0, 0)):
        desk.ticket(
            f"M{i}",
            utc(f"2024-03-0{i + 4} 08:00"),
            resolved_at=utc(f"2024-03-0{i + 4} 09:00"),
            reopen_count=reopened,
        )


def test_latest_period_against_previous_with_target(desk: Desk) -> None:
    _two_months(desk)
    desk.run("I10")  # writes the tickets
    results = compute_metrics(desk.ws, MetricOptions(period="month"), metrics=["I10", "O2"])
    targets = {"I10": parse_target("I10", "<= 30 %", service_hours=False)}
    card = build_scorecard(results, targets)
    assert (card.period, card.previous_period) == ("2024-03", "2024-02")
    i10 = next(r for r in card.rows if r.result.id == "I10")
    assert i10.value == 25.0
    assert i10.previous == 50.0
    assert i10.change == -25.0
    assert i10.direction == "better"  # fewer reopenings is better
    assert i10.target_met is True
    # The trend is the same statistic in each period: February 1/2, March 1/4 reopened.
    assert i10.trend == [("2024-02", 50.0), ("2024-03", 25.0)]
    o2 = next(r for r in card.rows if r.result.id == "O2")
    # March: four tickets of 1 h; February: 2 h and 4 h -> mean 3 h. Longer is worse.
    assert (o2.value, o2.previous, o2.direction) == (1.0, 3.0, "better")
    assert o2.target is None
    assert o2.target_met is None


def test_asked_period_and_metrics_without_a_whole_desk_row(desk: Desk) -> None:
    _two_months(desk)
    desk.ticket("F3", utc("2024-02-07 08:00"), channel="email")
    desk.run("I4")
    results = compute_metrics(desk.ws, MetricOptions(period="month"), metrics=["I4"])
    card = build_scorecard(results, {}, period="2024-02")
    assert card.previous_period is None
    shares = {r.group["channel"]: r.value for r in card.rows}
    # February: F1, F2 without channel ("unknown") and F3 by e-mail.
    assert shares == {"email": 100 / 3, "unknown": 200 / 3}


def test_default_period_skips_a_thin_tail(desk: Desk) -> None:
    from karsta.metrics.scorecard import default_period, received_per_period

    _two_months(desk)  # February 2 tickets, March 4
    for day in range(10, 30):
        desk.ticket(f"A{day}", utc(f"2024-04-{day} 08:00"))  # April 20
    for day in (2, 3, 4, 5):  # May 4: a fifth of April, under the 25 % a complete month has
        desk.ticket(f"May{day}", utc(f"2024-05-0{day} 08:00"))
    desk.run("I10")
    options = MetricOptions(period="month")
    volumes = received_per_period(desk.ws, options)
    assert volumes == {"2024-02": 2, "2024-03": 4, "2024-04": 20, "2024-05": 4}
    assert default_period(volumes) == "2024-04"
    results = compute_metrics(desk.ws, options, metrics=["I10"])
    card = build_scorecard(results, {}, volumes=volumes)
    assert (card.period, card.previous_period) == ("2024-04", "2024-03")
    assert "at least 25 %" in card.rule
    assert build_scorecard(results, {}, period="2024-05", volumes=volumes).period == "2024-05"


def test_another_period_of_the_same_run(desk: Desk) -> None:
    _two_months(desk)
    desk.run("I10")
    results = compute_metrics(desk.ws, MetricOptions(period="month"), metrics=["I10"])
    targets = {"I10": parse_target("I10", "<= 30 %", service_hours=False)}
    card = build_scorecard(results, targets)
    assert card.periods == ["2024-02", "2024-03"]
    february = card.at("2024-02")
    (i10,) = february.rows
    # February: 1 of 2 reopened = 50 %, off the <= 30 % target; nothing before it.
    assert (february.period, february.previous_period) == ("2024-02", None)
    assert (i10.value, i10.previous, i10.target_met) == (50.0, None, False)
    assert card.at(None).period == "2024-03"  # the default period again
    with pytest.raises(KeyError, match="2024-04"):
        card.at("2024-04")


def test_a_statistic_without_a_row_in_the_period_keeps_its_unit(desk: Desk) -> None:
    # O2's target is on its share over the target, a percentage, while O2 measures hours.
    # February has a resolved ticket; March only an open one: no O2 row in March.
    desk.ticket("F1", utc("2024-02-05 08:00"), resolved_at=utc("2024-02-05 10:00"))
    desk.ticket("M1", utc("2024-03-05 08:00"))
    desk.run("O2")
    target = parse_target("O2", "80 % within 24 hours", service_hours=False)
    options = MetricOptions(period="month", resolve_target_hours=24.0)
    results = compute_metrics(desk.ws, options, metrics=["O2"])
    (o2,) = build_scorecard(results, {"O2": target}, period="2024-03").rows
    assert (o2.statistic, o2.value, o2.unit) == ("share_over_target", None, "percent")
