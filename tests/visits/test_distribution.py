"""The histogram of a duration measure on the hand-built office day (tests/visits/office.py).

Waiting times kept by the measure (arrival → service start, visits that came):
a1 10 min, a3 10 min (appointments); w1 30 min, w3 40 min (walk-ins); w2 starts
before its arrival and a5 has no arrival: left out, as the measure leaves them out.
95th percentile of 10, 10, 30, 40 is under 40, so 40 / 12 bins → the 5-minute width.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from karsta.visits.distribution import MAX_BINS, bin_width, duration_histogram
from karsta.visits.measures import measure_visits
from karsta.workspace import Workspace
from tests.visits.conftest import insert_visits, utc
from tests.visits.office import OFFICE_DAY
from tests.visits.test_real_appointments import FILE, FILL


@pytest.fixture
def office(workspace: Workspace) -> Workspace:
    insert_visits(workspace, OFFICE_DAY)
    return workspace


def test_waiting_time_bins_per_kind(office: Workspace) -> None:
    histogram = duration_histogram(office, "waiting_time")
    assert histogram.width == 5.0
    bins = {(b.group, b.start, b.end): b.visits for b in histogram.bins}
    assert bins == {
        ("appointment", 10.0, 15.0): 2,
        ("walk-in", 30.0, 35.0): 1,
        ("walk-in", 40.0, 45.0): 1,
    }
    # The bins hold exactly the visits the measure keeps.
    assert histogram.visits == measure_visits(office).duration("waiting_time").n == 4


def test_values_beyond_the_last_bin_are_counted_in_an_open_bin(workspace: Workspace) -> None:
    # 39 walk-ins waiting 1 minute and one waiting 500: the p95 is 1 → 1-minute bins,
    # so the 500-minute wait lands in the open bin from 24 minutes on.
    start = utc("2016-09-05 09:00")
    rows = [
        {
            "visit_id": f"w{i}",
            "kind": "walk-in",
            "arrived_at": start,
            "service_started_at": start + timedelta(minutes=1 if i else 500),
        }
        for i in range(40)
    ]
    insert_visits(workspace, rows)
    histogram = duration_histogram(workspace, "waiting_time")
    assert histogram.width == 1.0
    bins = {(b.start, b.end): b.visits for b in histogram.bins}
    assert bins == {(1.0, 2.0): 39, (float(MAX_BINS), None): 1}


def test_no_values_is_said_not_binned(workspace: Workspace) -> None:
    histogram = duration_histogram(workspace, "waiting_time")
    assert histogram.bins == ()
    assert histogram.not_computed is not None
    assert histogram.to_dict()["visits"] == 0


def test_bin_widths_are_round() -> None:
    assert bin_width("minutes", 40) == 5.0  # 40 / 12 = 3.3 → 5
    assert bin_width("days", 100) == 14.0  # 8.3 → 14
    assert bin_width("days", 10_000) == 90.0  # the widest
    assert bin_width("minutes", 0) == 1.0


@pytest.mark.slow
@pytest.mark.skipif(not FILE.exists(), reason="../shared/data is not beside the checkout")
def test_lead_times_of_the_real_appointments_against_pandas(tmp_path: Path) -> None:
    # The reference, from the data README's words: the lead time is the days from the
    # booking's date (ScheduledDay) to the appointment date (AppointmentDay, no time of day);
    # five appointments lie before their booking and have no lead time.
    frame = pd.read_csv(FILE, usecols=["ScheduledDay", "AppointmentDay"])
    booked = pd.to_datetime(frame["ScheduledDay"]).dt.normalize()
    lead = (pd.to_datetime(frame["AppointmentDay"]) - booked).dt.days
    lead = lead[lead >= 0]
    width = bin_width("days", float(np.quantile(lead, 0.95)))
    expected = (lead // width).clip(upper=MAX_BINS).value_counts().sort_index()

    ws = Workspace.open(tmp_path / "noshow.karsta")
    try:
        ws.connection.execute(FILL, [str(FILE)])
        histogram = duration_histogram(ws, "lead_time")
    finally:
        ws.close()
    assert histogram.width == width
    assert {int(b.start // width): b.visits for b in histogram.bins} == {
        int(index): int(count) for index, count in expected.items()
    }
    assert histogram.visits == len(lead) == 110_527 - 5
    assert {b.group for b in histogram.bins} == {"appointment"}
