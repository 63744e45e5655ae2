"""One simulated office day: who goes first, and when."""

from __future__ import annotations

import numpy as np

from karsta.visits.office import Booking, simulate_day


def test_an_appointment_goes_before_waiting_walk_ins() -> None:
    # One adviser, service 10 min each. Walk-ins are replaced by bookings arriving at
    # fixed times to make the day deterministic: a booked customer at 5 comes in at 10,
    # before nobody else; with rate 0 there are no walk-ins.
    served = simulate_day(
        advisers=1,
        open_minutes=60,
        bookings=[Booking(0, 0), Booking(5, 5), Booking(5, None)],
        walk_in_rate=0,
        service=lambda rng: 10.0,
        rng=np.random.default_rng(0),
    )
    assert [(s.arrival, s.start, s.end) for s in served] == [(0, 0, 10), (5, 10, 20)]
    assert served[1].wait == 5
