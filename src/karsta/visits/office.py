"""One office day as a SimPy discrete-event simulation: advisers, appointments, walk-ins.

The office has `advisers` advisers working from one queue. Booked customers arrive
for their appointment (or not: a no-show) and go first when an adviser frees up;
walk-ins arrive at random (Poisson) while the office is open and are served in
arrival order after them. Nobody is interrupted, and everyone who arrived before
closing is served, after closing if need be (overtime). The day's record of each
customer is what the measures and the generator read.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from karsta.visits.population import APPOINTMENT, WALK_IN

APPOINTMENT_FIRST = 0
WALK_IN_AFTER = 1


@dataclass(frozen=True)
class Booking:
    """An appointment of the day: its time and when the customer arrives (None: no-show)."""

    scheduled: float
    arrival: float | None


@dataclass(frozen=True)
class Served:
    """One customer's day in minutes from opening: arrival, service start and end, adviser."""

    kind: str
    arrival: float
    scheduled: float | None
    start: float
    end: float
    adviser: int

    @property
    def wait(self) -> float:
        """Return the minutes from arrival to service start."""
        return self.start - self.arrival


ServiceDraw = Callable[[np.random.Generator], float]
"""Draws one service time in minutes."""


def simulate_day(
    *,
    advisers: int,
    open_minutes: float,
    bookings: Sequence[Booking],
    walk_in_rate: float,
    service: ServiceDraw,
    rng: np.random.Generator,
) -> list[Served]:
    """Return every customer served in one simulated day, in the order they were served.

    `walk_in_rate` is walk-ins a minute while the office is open.
    """
    env = simpy.Environment()
    desk = simpy.PriorityResource(env, capacity=advisers)
    free = list(range(advisers))
    served: list[Served] = []

    def customer(kind: str, scheduled: float | None, priority: int) -> Generator[Any, Any, None]:
        arrival = env.now
        with desk.request(priority=priority) as turn:
            yield turn
            adviser = free.pop(0)
            start = env.now
            yield env.timeout(service(rng))
            free.append(adviser)
        served.append(Served(kind, arrival, scheduled, start, env.now, adviser))

    def walk_ins() -> Generator[Any, Any, None]:
        if walk_in_rate <= 0:
            return
        while True:
            gap = rng.exponential(1.0 / walk_in_rate)
            if env.now + gap >= open_minutes:
                return
            yield env.timeout(gap)
            env.process(customer(WALK_IN, None, WALK_IN_AFTER))

    def booked() -> Generator[Any, Any, None]:
        arriving = sorted((b.arrival, b.scheduled) for b in bookings if b.arrival is not None)
        for arrival, scheduled in arriving:
            yield env.timeout(max(0.0, arrival - env.now))
            env.process(customer(APPOINTMENT, scheduled, APPOINTMENT_FIRST))

    env.process(walk_ins())
    env.process(booked())
    env.run()
    return served
