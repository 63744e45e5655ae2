"""The series the patterns need beyond the catalog, on hand-built desks.

Hand desk: in March 2024, category "Password" has 4 tickets all resolved at first
contact, "Network" 4 tickets none (level 2); in April, 1 Password and 3 Network. Over
both months 5 of 12 tickets were resolved at first contact (41.7 %); Password's own rate
is 100 %, Network's 0 %: Password is the one easy category. Easy share: March 4/8 = 50 %,
April 1/4 = 25 %.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from karsta.metrics.options import MetricOptions
from karsta.schema import TICKET_TRANSITIONS
from karsta.signals.derived import (
    easy_categories,
    easy_share_series,
    escalation_delay_series,
)
from tests.metrics.conftest import Desk, _arrow, desk, hki

__all__ = ["desk"]
MONTHLY = MetricOptions(period="month")


def _ticket(desk: Desk, ticket_id: str, day: str, category: str) -> None:
    opened = hki(f"{day} 10:00")
    easy = category == "Password"
    desk.ticket(
        ticket_id,
        opened,
        resolved_at=opened + (timedelta(minutes=20) if easy else timedelta(hours=30)),
        closed_at=opened + timedelta(days=2),
        status_class="closed",
        resolving_level=1 if easy else 2,
        reassignment_count=0 if easy else 1,
        group_count=1 if easy else 2,
        reopen_count=0,
        category_close=category,
        intake_group="L1",
        resolving_group="L1" if easy else "L2",
    )


@pytest.fixture
def mixed(desk: Desk) -> Desk:
    for i in range(4):
        _ticket(desk, f"MP{i}", "2024-03-05", "Password")
        _ticket(desk, f"MN{i}", "2024-03-06", "Network")
    _ticket(desk, "AP0", "2024-04-05", "Password")
    for i in range(3):
        _ticket(desk, f"AN{i}", "2024-04-06", "Network")
    desk.write()
    return desk


def test_the_easy_categories_are_those_above_the_desks_rate(mixed: Desk) -> None:
    assert easy_categories(mixed.ws, MONTHLY) == ["Password"]


def test_the_easy_share_per_month(mixed: Desk) -> None:
    series = easy_share_series(mixed.ws, MONTHLY, ["2024-03", "2024-04"], ["Password"])
    assert series.periods == ["2024-03", "2024-04"]
    assert series.values == [pytest.approx(50.0), pytest.approx(25.0)]
    assert [(p.hits, p.base) for p in series.points] == [(4.0, 8.0), (1.0, 4.0)]
    assert series.kind == "share"
    assert "Password" in str(series.basis)


def test_the_time_to_escalation_is_the_first_hand_off_to_another_group(mixed: Desk) -> None:
    # MN0 is handed from L1 to L2 after 2 hours and MN1 after 4 (then back to L1 and on
    # to L3 later, which does not count); AN0 after 6 hours. Tickets never handed on
    # have no time to escalation. March: (2 + 4) / 2 = 3 h; April: 6 h.
    rows = []
    for ticket, day, hops in (
        ("MN0", "2024-03-06", [("L1", 0), ("L2", 2)]),
        ("MN1", "2024-03-06", [("L1", 0), ("L2", 4), ("L1", 5), ("L3", 8)]),
        ("AN0", "2024-04-06", [("L1", 0), ("L2", 6)]),
        ("MP0", "2024-03-05", [("L1", 0)]),
    ):
        for seq, (group, hours) in enumerate(hops, start=1):
            at = hki(f"{day} 10:00") + timedelta(hours=hours)
            rows.append({"ticket_id": ticket, "seq": seq, "timestamp": at, "group": group})
    mixed.ws.connection.register("_moves", _arrow(TICKET_TRANSITIONS, rows))
    mixed.ws.connection.execute("INSERT INTO ticket_transitions BY NAME SELECT * FROM _moves")
    series = escalation_delay_series(mixed.ws, MONTHLY, ["2024-03", "2024-04"])
    assert series.periods == ["2024-03", "2024-04"]
    assert series.values == [pytest.approx(3.0), pytest.approx(6.0)]
    assert [p.n for p in series.points] == [2, 1]
    assert series.lower_is_better is True
