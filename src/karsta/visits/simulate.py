"""What an office with a chosen mix of appointments and walk-ins would see: simulated.

`karsta.visits.calibrate` reads the workspace's own visits for the demand, the
opening hours, the service times and the no-show rate; where the data lacks one, a
documented default stands in and is counted as an assumption. `simulate_office` then runs the office
day (`karsta.visits.office`) for `days` days per replication, `replications` times
with seeds drawn from `seed`, and reports each measure's mean over the replications
with its 95 % t interval.

The model, stated once:

- demand: `customers_per_day` customers a day (booked appointments, no-shows
  included, and walk-ins); `appointment_share` of them are booked;
- appointments are spread evenly over the opening hours and the customer arrives at
  the booked time, or not at all with the no-show rate;
- walk-ins arrive at random (Poisson) at a steady rate over the opening hours;
- one queue: a booked customer goes before the walk-ins; no one is interrupted;
- service times are drawn from the workspace's own (resampled) or, lacking those,
  from an exponential distribution with the default mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from karsta.i18n import Message
from karsta.visits.figures import ALL
from karsta.visits.intervals import CONFIDENCE
from karsta.visits.office import Booking, Served, ServiceDraw, simulate_day
from karsta.visits.population import (
    APPOINTMENT,
    KINDS,
    WALK_IN,
    Provenance,
)

DEFAULT_CUSTOMERS_PER_DAY = 60.0
DEFAULT_OPEN_MINUTES = 480.0
DEFAULT_SERVICE_MINUTES = 15.0
DEFAULT_NO_SHOW_RATE = 0.10
MIN_SAMPLE = 30
MODEL_ASSUMPTIONS = (
    Message("appointments are spread evenly over the opening hours"),
    Message("a booked customer arrives at the booked time, or not at all (a no-show)"),
    Message("walk-ins arrive at random (Poisson) at a steady rate while the office is open"),
    Message("one queue: booked customers go before walk-ins; no service is interrupted"),
    Message("everyone who arrived before closing is served, after closing if need be"),
)
"""What the simulated office assumes whatever the data (shown with every result)."""
"""Fewest values of a distribution the data must hold to be used instead of the default."""


@dataclass(frozen=True, kw_only=True)
class OfficeModel:
    """The simulated office: staff, demand, mix, opening hours, service and no-shows."""

    advisers: int
    appointment_share: float
    customers_per_day: float
    open_minutes: float = DEFAULT_OPEN_MINUTES
    no_show_rate: float = DEFAULT_NO_SHOW_RATE
    service_sample: tuple[float, ...] = ()
    """Service times (minutes) to resample; empty: exponential with `mean_service_minutes`."""
    mean_service_minutes: float = DEFAULT_SERVICE_MINUTES
    warm_up_minutes: float = 0.0
    """Customers arriving before this are served but not measured (steady-state runs)."""

    def __post_init__(self) -> None:
        if self.advisers < 1:
            raise ValueError(Message("the office needs at least one adviser"))
        if not 0 <= self.appointment_share <= 1:
            raise ValueError(Message("the appointment share must be between 0 and 1"))
        if not 0 <= self.no_show_rate < 1:
            raise ValueError(Message("the no-show rate must be at least 0 and under 1"))
        if self.customers_per_day <= 0 or self.open_minutes <= 0:
            raise ValueError(Message("the demand and the opening hours must be over 0"))

    def service_draw(self) -> ServiceDraw:
        """Return the service-time sampler."""
        if self.service_sample:
            sample = np.asarray(self.service_sample)
            return lambda rng: float(sample[rng.integers(len(sample))])
        mean = self.mean_service_minutes
        return lambda rng: float(rng.exponential(mean))

    def to_dict(self) -> dict[str, Any]:
        """Return the model (JSON-ready; the service sample as its size and mean)."""
        return {
            "advisers": self.advisers,
            "appointment_share": self.appointment_share,
            "customers_per_day": self.customers_per_day,
            "open_minutes": self.open_minutes,
            "no_show_rate": self.no_show_rate,
            "service_times": (
                {"resampled": len(self.service_sample), "mean": float(np.mean(self.service_sample))}
                if self.service_sample
                else {"exponential_mean": self.mean_service_minutes}
            ),
            "warm_up_minutes": self.warm_up_minutes,
        }


@dataclass(frozen=True)
class SimulationInput:
    """Where one input of the model came from: the workspace's data or a default."""

    name: str
    value: float
    from_data: bool
    text: Message

    def to_dict(self) -> dict[str, Any]:
        """Return {"name", "value", "source", "text"}."""
        return {
            "name": self.name,
            "value": self.value,
            "source": "data" if self.from_data else "default",
            "text": self.text,
        }


@dataclass(frozen=True)
class SimulatedFigure:
    """One measure's mean over the replications and its 95 % t interval."""

    measure: str
    group: str
    unit: str
    mean: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the figure (JSON-ready)."""
        return {
            "measure": self.measure,
            "group": self.group,
            "unit": self.unit,
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
        }


@dataclass(frozen=True, kw_only=True)
class SimulationResult:
    """The simulated office's measures over replications, and what the model rests on."""

    model: OfficeModel
    inputs: tuple[SimulationInput, ...]
    figures: tuple[SimulatedFigure, ...]
    replications: int
    days: int
    seed: int
    provenance: Provenance | None = None

    @property
    def label(self) -> Message:
        """Return what the figures are: simulated (and calibrated on generated data, if so)."""
        text = Message(
            "SIMULATED: {replications} replications of {days} office days (seed {seed}), "
            "not observed",
            replications=self.replications,
            days=self.days,
            seed=self.seed,
        )
        generated = self.provenance.label if self.provenance else None
        return text if generated is None else Message("{a}. {b}", a=text, b=generated)

    @property
    def assumptions(self) -> tuple[SimulationInput, ...]:
        """Return the inputs taken from defaults because the data lacks them."""
        return tuple(i for i in self.inputs if not i.from_data)

    def figure(self, measure: str, group: str = ALL) -> SimulatedFigure:
        """Return one simulated figure."""
        return next(f for f in self.figures if (f.measure, f.group) == (measure, group))

    def to_dict(self) -> dict[str, Any]:
        """Return the simulation (JSON-ready, English)."""
        return {
            "simulated": True,
            "label": self.label,
            "model": self.model.to_dict(),
            "inputs": [i.to_dict() for i in self.inputs],
            "assumptions": [i.to_dict() for i in self.assumptions],
            "model_assumptions": list(MODEL_ASSUMPTIONS),
            "replications": self.replications,
            "days": self.days,
            "seed": self.seed,
            "interval": f"{CONFIDENCE:.0%} t interval over the replications, clipped to "
            "the measure's range (no wait, share or utilisation below 0, no share above 1)",
            "calibrated_on": self.provenance.to_dict() if self.provenance else None,
            "figures": [f.to_dict() for f in self.figures],
        }


def bookings_of_day(model: OfficeModel, rng: np.random.Generator) -> list[Booking]:
    """Return the day's appointments: evenly spread, each kept or missed at the no-show rate."""
    count = round(model.appointment_share * model.customers_per_day)
    times = [model.open_minutes * i / count for i in range(count)] if count else []
    comes = rng.random(count) >= model.no_show_rate
    return [Booking(t, t if came else None) for t, came in zip(times, comes, strict=True)]


@dataclass
class _Replication:
    waits: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    lateness: list[float] = field(default_factory=list)
    service_minutes: float = 0.0
    overtime: list[float] = field(default_factory=list)
    booked: int = 0
    no_shows: int = 0


def _replicate(model: OfficeModel, days: int, rng: np.random.Generator) -> dict[str, float | None]:
    """Return one replication's measures over `days` simulated days."""
    rep = _Replication()
    draw = model.service_draw()
    walk_in_rate = (1 - model.appointment_share) * model.customers_per_day / model.open_minutes
    for _ in range(days):
        bookings = bookings_of_day(model, rng)
        rep.booked += len(bookings)
        rep.no_shows += sum(b.arrival is None for b in bookings)
        served = simulate_day(
            advisers=model.advisers,
            open_minutes=model.open_minutes,
            bookings=bookings,
            walk_in_rate=walk_in_rate,
            service=draw,
            rng=rng,
        )
        _record(rep, served, model)
    return _measures(rep, model, days)


def _record(rep: _Replication, served: list[Served], model: OfficeModel) -> None:
    for s in served:
        rep.service_minutes += s.end - s.start
        if s.arrival < model.warm_up_minutes:
            continue
        rep.waits[s.kind].append(s.wait)
        if s.scheduled is not None:
            rep.lateness.append(s.start - s.scheduled)
    rep.overtime.append(max([0.0, *(s.end - model.open_minutes for s in served)]))


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _measures(rep: _Replication, model: OfficeModel, days: int) -> dict[str, float | None]:
    everyone = rep.waits[APPOINTMENT] + rep.waits[WALK_IN]
    return {
        "waiting_time/all": _mean(everyone),
        "waiting_time/appointment": _mean(rep.waits[APPOINTMENT]),
        "waiting_time/walk-in": _mean(rep.waits[WALK_IN]),
        "waiting_time_p90/all": float(np.quantile(everyone, 0.9)) if everyone else None,
        "lateness/appointment": _mean(rep.lateness),
        "no_show_rate/appointment": rep.no_shows / rep.booked if rep.booked else None,
        "adviser_utilisation/all": rep.service_minutes
        / (model.advisers * model.open_minutes * days),
        "overtime/all": _mean(rep.overtime),
        "served_per_day/all": len(everyone) / days,
    }


UNITS = {
    "waiting_time": "minutes",
    "waiting_time_p90": "minutes",
    "lateness": "minutes",
    "no_show_rate": "share",
    "adviser_utilisation": "share",
    "overtime": "minutes",
    "served_per_day": "count",
}


BOUNDS = {
    "waiting_time": (0.0, None),
    "waiting_time_p90": (0.0, None),
    "no_show_rate": (0.0, 1.0),
    "adviser_utilisation": (0.0, None),
    "overtime": (0.0, None),
    "served_per_day": (0.0, None),
}
"""The range each measure can take: its t interval is clipped to it (lateness has none)."""


def _interval(
    values: list[float], bounds: tuple[float | None, float | None] = (None, None)
) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    mean = float(np.mean(values))
    if len(values) < 2 or np.ptp(values) == 0:
        return mean, None, None
    low, high = stats.t.interval(
        CONFIDENCE, len(values) - 1, loc=mean, scale=float(stats.sem(values))
    )
    floor, ceiling = bounds
    low = float(low) if floor is None else max(floor, float(low))
    high = float(high) if ceiling is None else min(ceiling, float(high))
    return mean, low, high


def simulate_office(
    model: OfficeModel,
    *,
    replications: int = 30,
    days: int = 20,
    seed: int = 1,
    inputs: tuple[SimulationInput, ...] = (),
    provenance: Provenance | None = None,
) -> SimulationResult:
    """Return the office's measures over `replications` seeded runs of `days` days each."""
    if replications < 2 or days < 1:
        raise ValueError(Message("a simulation needs at least two replications of one day"))
    runs = [
        _replicate(model, days, np.random.default_rng(child))
        for child in np.random.SeedSequence(seed).spawn(replications)
    ]
    figures = []
    for key in runs[0]:
        measure, group = key.split("/")
        values = [r[key] for r in runs if r[key] is not None]
        mean, low, high = _interval(
            [float(v) for v in values if v is not None], BOUNDS.get(measure, (None, None))
        )
        figures.append(SimulatedFigure(measure, group, UNITS[measure], mean, low, high))
    return SimulationResult(
        model=model,
        inputs=inputs,
        figures=tuple(figures),
        replications=replications,
        days=days,
        seed=seed,
        provenance=provenance,
    )
