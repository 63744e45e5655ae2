"""I1 cost per ticket on hand-built tickets: recorded costs, missing costs, no cost data."""

from __future__ import annotations

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")


def test_mean_of_recorded_costs(desk: Desk) -> None:
    desk.ticket("a", T0, cost=100.0)
    desk.ticket("b", T0, cost=50.0)
    desk.ticket("c", T0, cost=None)
    # A cancelled ticket's recorded cost was still spent: it counts.
    desk.ticket("cancelled", T0, cost=30.0, status_class="cancelled")
    run = desk.run("I1")
    mean = run.figure("mean")
    # (100 + 50 + 30) / 3
    assert (mean["value"], mean["numerator"], mean["denominator"]) == (60.0, 180.0, 3)
    assert (mean["excluded"], mean["n"]) == (1, 3)
    assert run.reason("c") == "excluded: no cost recorded"
    assert run.reason("a") == "counted: the ticket records its cost"
    assert run.reason("cancelled") == "counted: the ticket records its cost"


def test_no_cost_data_is_no_data(desk: Desk) -> None:
    desk.ticket("a", T0)
    run = desk.run("I1")
    assert run.records == []
    assert run.no_data is not None
    assert "cost" in run.no_data


def test_months_in_helsinki_time_and_unknown_type(desk: Desk) -> None:
    # 29 Feb 22:30 UTC = 1 Mar 00:30 in Helsinki: March.
    desk.ticket("march", utc("2024-02-29 22:30"), cost=10.0)
    desk.ticket("feb", utc("2024-02-29 21:30"), cost=20.0, ticket_type=None)
    desk.ticket("feb_no_cost", utc("2024-02-29 21:00"), ticket_type=None)
    run = desk.run("I1", period="month", by=("type",))
    march = run.figure("mean", period="2024-03", group={"type": "incident"})
    feb = run.figure("mean", period="2024-02", group={"type": "unknown"})
    assert (march["value"], march["n"]) == (10.0, 1)
    assert (feb["value"], feb["n"], feb["excluded"]) == (20.0, 1, 1)


def test_all_costs_missing_in_a_period(desk: Desk) -> None:
    desk.ticket("jan", utc("2024-01-10 10:00"), cost=10.0)
    desk.ticket("feb", utc("2024-02-10 10:00"))
    feb = desk.run("I1", period="month").figure("mean", period="2024-02")
    assert (feb["value"], feb["n"], feb["excluded"]) == (None, 0, 1)
