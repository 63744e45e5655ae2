"""The office model calibrated on the workspace's own visits, with a default where it lacks one.

Demand (customers per office-day), opening hours (the median span of the day's
arrivals), the no-show rate and the service times (resampled) come from the visits
the filters keep; each input says whether it came from the data or is a documented
default (`karsta.visits.simulate`'s DEFAULT_*), and the defaults are shown as
assumptions with every simulated result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from karsta.i18n import Message
from karsta.visits import units
from karsta.visits.population import (
    Provenance,
    VisitFilters,
    filtered,
    provenance_expr,
    provenance_of,
    visit_time,
)
from karsta.visits.simulate import (
    DEFAULT_CUSTOMERS_PER_DAY,
    DEFAULT_NO_SHOW_RATE,
    DEFAULT_OPEN_MINUTES,
    DEFAULT_SERVICE_MINUTES,
    MIN_SAMPLE,
    OfficeModel,
    SimulationInput,
)
from karsta.workspace.source import TableSource


def calibrate(
    source: TableSource,
    *,
    advisers: int,
    appointment_share: float,
    filters: VisitFilters | None = None,
) -> tuple[OfficeModel, tuple[SimulationInput, ...], Provenance]:
    """Return the office model calibrated on the workspace's visits, and each input's source."""
    visits = filtered(source.table("visits"), filters or VisitFilters())
    provenance = provenance_of(source.to_arrow(provenance_expr(visits)).to_pylist()[0])
    inputs = [
        _customers_per_day(source, visits),
        _open_minutes(source, visits),
        _no_show_rate(source, visits),
    ]
    service = _service_sample(source, visits)
    inputs.append(service[0])
    model = OfficeModel(
        advisers=advisers,
        appointment_share=appointment_share,
        customers_per_day=inputs[0].value,
        open_minutes=inputs[1].value,
        no_show_rate=inputs[2].value,
        service_sample=service[1],
        mean_service_minutes=inputs[3].value,
    )
    return model, tuple(inputs), provenance


def _customers_per_day(source: TableSource, visits: Any) -> SimulationInput:
    # A booking cancelled beforehand is no demand on the day; a no-show is (its slot is lost).
    visits = visits.filter(visits.cancelled_at.isnull())
    days = visits.group_by(office=visits.office, day=visit_time(visits).truncate("D")).aggregate(
        n=visits.count()
    )
    row = source.to_arrow(days.aggregate(days=days.count(), mean=days.n.mean())).to_pylist()[0]
    if row["days"]:
        return SimulationInput(
            "customers_per_day",
            float(row["mean"]),
            True,
            Message(
                "customers a day (cancelled bookings left out): the mean over {days} office-days "
                "of the workspace",
                days=int(row["days"]),
            ),
        )
    return SimulationInput(
        "customers_per_day",
        DEFAULT_CUSTOMERS_PER_DAY,
        False,
        Message("customers a day: no visits in the data, default {value:g}", value=60),
    )


def _open_minutes(source: TableSource, visits: Any) -> SimulationInput:
    arrived = visits.filter(visits.arrived_at.notnull())
    spans = arrived.group_by(office=arrived.office, day=arrived.arrived_at.truncate("D")).aggregate(
        first=arrived.arrived_at.min(), last=arrived.arrived_at.max(), n=arrived.count()
    )
    spans = spans.filter(spans.n >= 2)
    row = source.to_arrow(
        spans.aggregate(
            days=spans.count(), median=units.minutes_between(spans.first, spans.last).median()
        )
    ).to_pylist()[0]
    if row["days"] and row["days"] >= 5 and row["median"]:
        minutes = float(np.ceil(float(row["median"]) / 30) * 30)
        return SimulationInput(
            "open_minutes",
            minutes,
            True,
            Message(
                "opening hours: the median span of arrivals over {days} office-days, "
                "rounded up to half an hour",
                days=int(row["days"]),
            ),
        )
    return SimulationInput(
        "open_minutes",
        DEFAULT_OPEN_MINUTES,
        False,
        Message("opening hours: no arrival times of day in the data, default 8 h"),
    )


def _no_show_rate(source: TableSource, visits: Any) -> SimulationInput:
    table = units.no_show_units(visits).filter(lambda t: t.reason.isnull())
    row = source.to_arrow(
        table.aggregate(n=table.count(), hits=table.hit.cast("int64").sum())
    ).to_pylist()[0]
    if row["n"] and row["n"] >= MIN_SAMPLE:
        return SimulationInput(
            "no_show_rate",
            int(row["hits"]) / int(row["n"]),
            True,
            Message("no-show rate: {n} appointments of the workspace", n=int(row["n"])),
        )
    return SimulationInput(
        "no_show_rate",
        DEFAULT_NO_SHOW_RATE,
        False,
        Message(
            "no-show rate: fewer than {min} appointments record it, default 10 %", min=MIN_SAMPLE
        ),
    )


def _service_sample(source: TableSource, visits: Any) -> tuple[SimulationInput, tuple[float, ...]]:
    table = units.service_units(visits).filter(lambda t: t.reason.isnull())
    values = source.to_arrow(table.select("value")).column("value").to_pylist()
    if len(values) >= MIN_SAMPLE:
        sample = tuple(float(v) for v in values)
        return (
            SimulationInput(
                "service_minutes",
                float(np.mean(sample)),
                True,
                Message(
                    "service times: resampled from {n} services of the workspace", n=len(sample)
                ),
            ),
            sample,
        )
    return (
        SimulationInput(
            "service_minutes",
            DEFAULT_SERVICE_MINUTES,
            False,
            Message(
                "service times: fewer than {min} services with a start and end, exponential "
                "with the default mean of 15 min",
                min=MIN_SAMPLE,
            ),
        ),
        (),
    )
