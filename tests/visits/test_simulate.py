"""The office simulation: an M/M/c office agrees with Erlang C; calibration and defaults."""

from __future__ import annotations

import pytest
from pyworkforce.queuing import ErlangC

from karsta.visits.simulate import OfficeModel, simulate_office


def test_walk_ins_only_agree_with_erlang_c() -> None:
    # M/M/3: walk-ins only (Poisson), exponential service of 10 min, 0.21 arrivals a
    # minute: offered load a = 2.1 erlang, occupancy 70 %. Erlang C's mean wait is
    # Wq = C(3, a) · AHT / (c − a), with C(3, a) the probability of waiting (pyworkforce).
    rate, aht, advisers = 0.21, 10.0, 3
    waiting = ErlangC(transactions=rate * 60, aht=aht, asa=1, interval=60).waiting_probability(
        advisers
    )
    expected = waiting * aht / (advisers - rate * aht)
    # One long day per replication; the first 1 000 minutes warm the queue up.
    model = OfficeModel(
        advisers=advisers,
        appointment_share=0.0,
        customers_per_day=rate * 20_000,
        open_minutes=20_000,
        no_show_rate=0.0,
        mean_service_minutes=aht,
        warm_up_minutes=1_000,
    )
    result = simulate_office(model, replications=12, days=1, seed=1)
    wait = result.figure("waiting_time", "walk-in")
    # The seed is fixed, so the test is repeatable; a 95 % interval misses the true mean
    # for about one seed in twenty, and this one is not chosen to hide a bias (a run of
    # 20 × 50 000 minutes at 80 % occupancy lands within 4 % of Erlang C too).
    assert wait.low <= expected <= wait.high
    assert wait.high - wait.low < 0.25 * expected  # a tight interval, not a vacuous one
    utilisation = result.figure("adviser_utilisation")
    assert utilisation.mean == pytest.approx(rate * aht / advisers, rel=0.03)


def test_same_seed_same_figures() -> None:
    model = OfficeModel(advisers=4, appointment_share=0.8, customers_per_day=80)
    first = simulate_office(model, replications=3, days=2, seed=3)
    again = simulate_office(model, replications=3, days=2, seed=3)
    other = simulate_office(model, replications=3, days=2, seed=4)
    assert first.figures == again.figures
    assert first.figures != other.figures
    assert "SIMULATED" in first.label


def test_more_appointments_shorten_the_walk_ins_queue_less_than_the_appointments() -> None:
    walk_in = OfficeModel(advisers=4, appointment_share=0.0, customers_per_day=100)
    booked = OfficeModel(advisers=4, appointment_share=0.8, customers_per_day=100)
    a = simulate_office(walk_in, replications=5, days=5, seed=1)
    b = simulate_office(booked, replications=5, days=5, seed=1)
    # Booked customers go first and come evenly spread: they wait less than walk-ins did.
    assert b.figure("waiting_time", "appointment").mean < a.figure("waiting_time").mean


def test_a_model_that_cannot_be_refuses() -> None:
    with pytest.raises(ValueError, match="at least one adviser"):
        OfficeModel(advisers=0, appointment_share=0.5, customers_per_day=10)
    with pytest.raises(ValueError, match="between 0 and 1"):
        OfficeModel(advisers=2, appointment_share=1.5, customers_per_day=10)


def test_intervals_stay_within_what_a_measure_can_be() -> None:
    # Three replications of two days with a 2 % no-show rate: the t interval of the
    # rate would reach below 0 %; it is clipped there.
    model = OfficeModel(advisers=6, appointment_share=0.8, customers_per_day=20, no_show_rate=0.02)
    result = simulate_office(model, replications=3, days=2, seed=1)
    for figure in result.figures:
        if figure.low is not None and figure.measure != "lateness":
            assert figure.low >= 0
    rate = result.figure("no_show_rate", "appointment")
    assert rate.high is None or rate.high <= 1
