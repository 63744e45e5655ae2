"""Erlang C and Erlang A: published values, the library, and a SimPy simulation.

References:
- Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
  (callcentrehelper.com): 100 calls per 30 minutes, AHT 180 s, 80 % within 20 s,
  shrinkage 30 %. Traffic intensity A = 10 Erlangs; with 11 agents the probability a call
  waits is 68.21 % and the ASA 122.8 s; 14 agents reach the target; with 30 % shrinkage
  20 agents are scheduled.
- Wolfram Language, ErlangC[3, 2] (3 servers, 2 Erlangs) = 4/9: by hand,
  (2³/3! · 3/(3−2)) / (1 + 2 + 2²/2! + 2³/3! · 3/(3−2)) = 4 / 9.
- A queueing course exercise (M/M/m, 120 customers per hour, 3 minutes each, 10
  assistants, a = 6 Erlangs): "the probability of waiting is about 0.10".
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable

import pytest
import simpy
from pyworkforce.queuing import ErlangC
from scipy import stats

from karsta.channels.erlang import (
    erlang_a,
    erlang_c,
    required_agents_a,
    required_agents_c,
)


def erlang_c_by_hand(agents: int, load: float) -> float:
    """Return P(wait) from the textbook formula, written out with factorials."""
    top = load**agents / math.factorial(agents) * agents / (agents - load)
    bottom = sum(load**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def test_call_centre_helper_worked_example() -> None:
    eleven = erlang_c(100, 180, 1800, 11, 20)
    assert eleven.load_erlangs == 10.0
    assert round(eleven.wait_probability, 4) == 0.6821
    assert eleven.asa_seconds is not None
    assert round(eleven.asa_seconds, 1) == 122.8
    assert required_agents_c(100, 180, 1800, 20, 0.80) == (14, 14)
    assert required_agents_c(100, 180, 1800, 20, 0.80, shrinkage=0.30) == (14, 20)
    fourteen = erlang_c(100, 180, 1800, 14, 20)
    # SL = 1 − P(wait) · e^(−(N − A) · t / AHT), by hand with the formula above.
    by_hand = 1 - erlang_c_by_hand(14, 10) * math.exp(-(14 - 10) * 20 / 180)
    assert math.isclose(fourteen.service_level, by_hand, rel_tol=1e-12)
    assert fourteen.service_level >= 0.80 > erlang_c(100, 180, 1800, 13, 20).service_level


def test_textbook_values() -> None:
    # 2 Erlangs: e.g. 240 calls an hour of 30 s.
    assert math.isclose(erlang_c(240, 30, 3600, 3, 10).wait_probability, 4 / 9, rel_tol=1e-12)
    # 120 an hour of 3 minutes = 6 Erlangs on 10 assistants: about 0.10.
    assert erlang_c(120, 180, 3600, 10, 10).wait_probability == pytest.approx(0.10, abs=0.005)


@pytest.mark.parametrize(("agents", "load"), [(2, 1.5), (5, 4.2), (14, 10.0), (60, 52.0)])
def test_same_as_pyworkforce_and_the_formula(agents: int, load: float) -> None:
    arrivals, aht = load * 1800 / 240, 240.0
    ours = erlang_c(arrivals, aht, 1800, agents, 30)
    theirs = ErlangC(transactions=arrivals, aht=4, asa=0.5, interval=30)
    assert math.isclose(ours.service_level, theirs.service_level(agents), rel_tol=1e-12)
    assert math.isclose(ours.wait_probability, erlang_c_by_hand(agents, load), rel_tol=1e-9)


def test_an_overloaded_queue_answers_nobody_in_time() -> None:
    over = erlang_c(100, 180, 1800, 10, 20)  # 10 Erlangs on 10 agents
    assert (over.stable, over.service_level, over.asa_seconds) == (False, 0.0, None)


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    c = erlang_c(100, 180, 1800, 12, 20)
    a = erlang_a(100, 180, 1800, 12, 20, patience_seconds=1e9)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.wait_probability == pytest.approx(c.wait_probability, abs=1e-6)
    assert a.abandon_probability < 1e-6
    # Impatient callers leave the queue: it moves faster, and some abandon.
    impatient = erlang_a(100, 180, 1800, 12, 20, patience_seconds=60)
    assert impatient.service_level > c.service_level
    assert impatient.abandon_probability > 0.01
    # Erlang A is stable at any load.
    assert erlang_a(100, 180, 1800, 8, 20, patience_seconds=60).stable
    assert required_agents_a(100, 180, 1800, 20, 0.8, 1e9) == 14


def _simulate(
    agents: int, rate: float, aht: float, target: float, patience: float | None, seed: int
) -> float:
    """Return the S1 share of one run of an M/M/n(+M) queue: answered within the target
    among the callers not abandoned before it (first 10 % of callers are warm-up)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents)
    outcomes: list[tuple[bool, bool]] = []  # (answered within target, abandoned early)
    callers = 4000

    def caller(record: bool) -> simpy.events.ProcessGenerator:
        arrived = env.now
        with desk.request() as request:
            limit = env.timeout(rng.expovariate(1 / patience)) if patience else None
            result = yield (request | limit) if limit is not None else request
            waited = env.now - arrived
            if limit is not None and request not in result:
                if record:
                    outcomes.append((False, waited < target))
                return
            if record:
                outcomes.append((waited <= target, False))
            yield env.timeout(rng.expovariate(1 / aht))

    def arrivals() -> simpy.events.ProcessGenerator:
        for n in range(callers):
            yield env.timeout(rng.expovariate(rate))
            env.process(caller(n >= callers // 10))

    env.process(arrivals())
    env.run()
    counted = [o for o in outcomes if not o[1]]
    return sum(1 for o in counted if o[0]) / len(counted)


def _interval(run: Callable[[int], float], replications: int = 10) -> tuple[float, float]:
    """Return the mean of independent runs and the half-width of its 99 % t interval."""
    values = [run(seed) for seed in range(replications)]
    half = stats.t.ppf(0.995, replications - 1) * statistics.stdev(values) / math.sqrt(replications)
    return statistics.mean(values), half


def test_simulated_mmc_queue_agrees_with_erlang_c() -> None:
    # 4 Erlangs on 5 agents: 4 calls a minute of 60 s, target 15 s.
    model = erlang_c(4, 60, 60, 5, 15).service_level
    mean, half = _interval(lambda seed: _simulate(5, 4 / 60, 60, 15, None, seed))
    assert abs(mean - model) <= half, (mean, half, model)


def test_simulated_abandoning_queue_agrees_with_erlang_a() -> None:
    model = erlang_a(5, 60, 60, 5, 15, patience_seconds=45).service_level
    mean, half = _interval(lambda seed: _simulate(5, 5 / 60, 60, 15, 45, seed))
    assert abs(mean - model) <= half, (mean, half, model)
