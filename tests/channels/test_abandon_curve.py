"""The abandon curve on hand-built calls: buckets, shares and the life-table survival."""

from __future__ import annotations

from datetime import timedelta

import pytest

from karsta.channels.abandon_curve import abandon_curve
from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")


def _call(desk: Desk, name: str, outcome: str, seconds: float) -> None:
    moment = T0 + timedelta(seconds=seconds)
    if outcome == "answered":
        desk.contact(name, T0, outcome="answered", answered_at=moment)
    else:
        desk.contact(name, T0, outcome="abandoned", abandoned_at=moment)


def test_buckets_and_survival(desk: Desk) -> None:
    # Bucket [0, 10): answered at 5 s, abandoned at 8 s; [10, 30): abandoned at 15 s and 25 s,
    # answered at 20 s; [30, ∞): abandoned at 40 s. Plus a phantom and an IVR routing.
    for name, outcome, seconds in [
        ("a5", "answered", 5),
        ("x8", "abandoned", 8),
        ("x15", "abandoned", 15),
        ("a20", "answered", 20),
        ("x25", "abandoned", 25),
        ("x40", "abandoned", 40),
    ]:
        _call(desk, name, outcome, seconds)
    desk.contact("ghost", T0, outcome="phantom")
    desk.contact("ivr", T0, outcome="routed", special_routing="IVR", ended_at=T0)
    desk.write()
    curve = abandon_curve(desk.ws, edges=(0.0, 10.0, 30.0))
    first, second, last = curve.buckets
    assert (first.waiting, first.abandoned, first.answered) == (6, 1, 1)
    assert first.abandon_share == 1 / 6
    # Life table: at risk 6 − 1/2 = 5.5, survival 1 − 1/5.5.
    assert first.patience_survival == pytest.approx(1 - 1 / 5.5)
    assert (second.waiting, second.abandoned, second.answered) == (4, 2, 1)
    assert second.abandon_share == 0.5
    assert second.patience_survival == pytest.approx((1 - 1 / 5.5) * (1 - 2 / 3.5))
    assert (last.waiting, last.abandoned, last.to_seconds) == (1, 1, None)
    assert last.patience_survival == pytest.approx(0.0)
    # Patience: all waited 5 + 8 + 15 + 20 + 25 + 40 = 113 s over 4 abandons.
    assert curve.patience_seconds == pytest.approx(113 / 4)
    assert curve.excluded == {
        "excluded: phantom record, not a customer contact": 1,
        "excluded: special routing (counted as excluded)": 1,
    }


def test_bad_edges_are_refused(desk: Desk) -> None:
    with pytest.raises(ValueError, match="start at 0"):
        abandon_curve(desk.ws, edges=(5.0, 10.0))
