"""Queueing models for staffing: Erlang C from pyworkforce, Erlang A where it has none.

pyworkforce (0.5) gives Erlang C (`ErlangC`: probability of waiting, service level,
required positions with shrinkage and maximum occupancy). It has no Erlang A
(M/M/n+M: callers who abandon after an exponential patience) and no average speed of
answer, and its formulas break down when the load reaches the agents (the queue then
grows without end). This module adds those: `erlang_c` guards the unstable case,
`asa` is the textbook P(wait) × AHT / (n − A), and `erlang_a` solves the birth–death
chain of the M/M/n+M queue numerically.

Times are seconds; `arrivals` are contacts per interval of `interval_seconds`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from pyworkforce.queuing import ErlangC
from scipy import sparse
from scipy.sparse.linalg import expm_multiply

MAX_AGENTS = 10_000
"""Upper bound of a search for required agents (a load this large is an input error)."""


@dataclass(frozen=True)
class QueueFigures:
    """What a queueing model predicts for one interval with a given number of agents."""

    agents: int
    load_erlangs: float
    """Offered load: arrivals × AHT / interval length."""
    service_level: float
    """Share (0–1) answered within the target, among those not abandoned before it."""
    wait_probability: float
    asa_seconds: float | None
    """Average speed of answer (Erlang A: mean wait of all callers); None when unstable."""
    occupancy: float
    stable: bool
    abandon_probability: float = 0.0
    """Share of callers who abandon (Erlang A; 0 under Erlang C)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data."""
        return asdict(self)


def load(arrivals: float, aht_seconds: float, interval_seconds: float) -> float:
    """Return the offered load in Erlangs."""
    return arrivals * aht_seconds / interval_seconds


def erlang_c(
    arrivals: float, aht_seconds: float, interval_seconds: float, agents: int, target_seconds: float
) -> QueueFigures:
    """Return Erlang C's predictions (pyworkforce) for `agents` agents.

    With the load at or above the agents the queue grows without end: nobody is
    answered within the target in the long run (service level 0, no ASA).
    """
    a = load(arrivals, aht_seconds, interval_seconds)
    if agents < 1:
        raise ValueError("agents must be at least 1")
    if a <= 0:
        return QueueFigures(agents, a, 1.0, 0.0, 0.0, 0.0, True)
    if agents <= a:
        return QueueFigures(agents, a, 0.0, 1.0, None, 1.0, False)
    model = _model(arrivals, aht_seconds, interval_seconds, target_seconds)
    wait = float(model.waiting_probability(agents))
    level = float(model.service_level(agents))
    return QueueFigures(
        agents=agents,
        load_erlangs=a,
        service_level=level,
        wait_probability=wait,
        asa_seconds=wait * aht_seconds / (agents - a),
        occupancy=a / agents,
        stable=True,
    )


def _model(
    arrivals: float, aht_seconds: float, interval_seconds: float, target_seconds: float
) -> ErlangC:
    """Return pyworkforce's model: it reads minutes, and calls the target time `asa`."""
    return ErlangC(
        transactions=arrivals,
        aht=aht_seconds / 60.0,
        asa=target_seconds / 60.0,
        interval=interval_seconds / 60.0,
    )


def required_agents_c(
    arrivals: float,
    aht_seconds: float,
    interval_seconds: float,
    target_seconds: float,
    target_level: float,
    *,
    shrinkage: float = 0.0,
) -> tuple[int, int]:
    """Return (agents on the phones, agents scheduled with shrinkage) for the target level.

    pyworkforce's `required_positions` searches upwards from the load + 1 agents, and
    divides by (1 − shrinkage) for the scheduled head count.
    """
    if arrivals <= 0:
        return 0, 0
    model = ErlangC(
        transactions=arrivals,
        aht=aht_seconds / 60.0,
        asa=target_seconds / 60.0,
        interval=interval_seconds / 60.0,
        shrinkage=shrinkage,
    )
    found = model.required_positions(service_level=target_level)
    return int(found["raw_positions"]), int(found["positions"])


def _erlang_a_chain(
    rate: float, service_rate: float, patience_rate: float, agents: int
) -> tuple[np.ndarray, int]:
    """Return the stationary distribution of M/M/n+M (truncated where it is negligible)."""
    weights = [1.0]
    k = 0
    while True:
        k += 1
        death = min(k, agents) * service_rate + max(k - agents, 0) * patience_rate
        weights.append(weights[-1] * rate / death)
        if k > agents and (weights[-1] < 1e-14 * sum(weights) or k > agents + 2000):
            break
    probabilities = np.array(weights) / sum(weights)
    return probabilities, len(weights) - 1


def erlang_a(
    arrivals: float,
    aht_seconds: float,
    interval_seconds: float,
    agents: int,
    target_seconds: float,
    patience_seconds: float,
) -> QueueFigures:
    """Return Erlang A's predictions: callers abandon after an exponential patience.

    A caller arriving (Poisson arrivals see the stationary state) to k ≥ n callers
    waits for k − n + 1 departures from the queue ahead, each at rate nμ + iθ (service
    or an abandon ahead), while abandoning at rate θ. The chain of "callers ahead" with
    absorbing states served and abandoned gives, moved on to the target time by its
    matrix exponential (`expm_multiply`), who is answered within it and who abandons
    before it. The service level counts answered within the target among those not
    abandoned before it (S1's rule); abandon probability is the long-run share of callers
    who abandon.
    """
    if agents < 1 or patience_seconds <= 0:
        raise ValueError("agents must be at least 1 and patience positive")
    a = load(arrivals, aht_seconds, interval_seconds)
    if a <= 0:
        return QueueFigures(agents, a, 1.0, 0.0, 0.0, 0.0, True)
    rate = arrivals / interval_seconds
    mu, theta = 1.0 / aht_seconds, 1.0 / patience_seconds
    pi, top = _erlang_a_chain(rate, mu, theta, agents)
    waiting = pi[agents:]
    ahead = len(waiting)  # states 0..ahead-1 callers ahead of the arriving one
    served, gone = ahead, ahead + 1
    rows, cols, values = [], [], []
    for i in range(ahead):
        forward = agents * mu + i * theta
        for col, value in ((i - 1 if i > 0 else served, forward), (gone, theta)):
            rows.append(i)
            cols.append(col)
            values.append(value)
        rows.append(i)
        cols.append(i)
        values.append(-(forward + theta))
    generator = sparse.csr_matrix((values, (rows, cols)), shape=(ahead + 2, ahead + 2))
    start = np.concatenate([waiting, [0.0, 0.0]])
    # The waiting callers' distribution moved on by the target time: one vector, not a matrix.
    moved = expm_multiply(generator.T * target_seconds, start)
    answered_in_time = float(pi[:agents].sum() + moved[served])
    abandoned_early = float(moved[gone])
    counted = 1.0 - abandoned_early
    # Long-run abandon share: abandon flow / arrival flow.
    queue_lengths = np.maximum(np.arange(top + 1) - agents, 0)
    abandon_share = float(theta * (queue_lengths @ pi) / rate)
    busy = float(np.minimum(np.arange(top + 1), agents) @ pi)
    mean_queue = float(queue_lengths @ pi)
    return QueueFigures(
        agents=agents,
        load_erlangs=a,
        service_level=answered_in_time / counted if counted > 0 else 0.0,
        wait_probability=float(waiting.sum()),
        # Little's law: the mean time in queue of every caller, answered or abandoned.
        asa_seconds=mean_queue / rate,
        occupancy=busy / agents,
        stable=True,
        abandon_probability=abandon_share,
    )


def required_agents_a(
    arrivals: float,
    aht_seconds: float,
    interval_seconds: float,
    target_seconds: float,
    target_level: float,
    patience_seconds: float,
    *,
    start: int | None = None,
) -> int:
    """Return the fewest agents Erlang A predicts reach the target level (0 with no calls).

    The search starts at `start` (e.g. Erlang C's answer, which abandons rarely undercut
    by much) or just above the load, and walks down while the target holds, else up.
    """
    if arrivals <= 0:
        return 0

    def meets(agents: int) -> bool:
        figures = erlang_a(
            arrivals, aht_seconds, interval_seconds, agents, target_seconds, patience_seconds
        )
        return figures.service_level >= target_level

    agents = max(1, start or math.floor(load(arrivals, aht_seconds, interval_seconds)) + 1)
    if meets(agents):
        while agents > 1 and meets(agents - 1):
            agents -= 1
        return agents
    while agents < MAX_AGENTS:
        agents += 1
        if meets(agents):
            return agents
    raise ValueError("no staffing up to the agents' upper bound reaches the target")
