"""O4 closed tickets on hand-built tickets: count, share of received, level, Helsinki months."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import Desk, utc


@pytest.fixture
def o4_desk(desk: Desk) -> Desk:
    """Return a desk with tickets closed in February, March and April 2024 (Helsinki)."""
    desk.ticket(
        "from_feb", utc("2024-02-10 10:00"), closed_at=utc("2024-03-05 10:00"), resolving_level=1
    )
    desk.ticket(
        "march", utc("2024-03-01 10:00"), closed_at=utc("2024-03-20 10:00"), resolving_level=2
    )
    # 31 Mar 21:30 UTC = 1 Apr 00:30 in Helsinki (summer time): April.
    desk.ticket(
        "april_local", utc("2024-03-10 10:00"), closed_at=utc("2024-03-31 21:30"), resolving_level=1
    )
    # 31 Mar 20:30 UTC = 23:30 in Helsinki: March. No level recorded.
    desk.ticket("march_local", utc("2024-03-12 10:00"), closed_at=utc("2024-03-31 20:30"))
    desk.ticket(
        "cancelled",
        utc("2024-03-02 10:00"),
        closed_at=utc("2024-03-03 10:00"),
        status_class="cancelled",
    )
    desk.ticket("open", utc("2024-03-15 10:00"))
    desk.ticket("resolved_only", utc("2024-03-03 10:00"), resolved_at=utc("2024-03-04 10:00"))
    return desk


def test_closed_per_month(o4_desk: Desk) -> None:
    run = o4_desk.run("O4", period="month")
    march = run.figure("count", period="2024-03")
    # from_feb, march, march_local; the cancelled one is excluded.
    assert (march["value"], march["n"], march["excluded"]) == (3, 3, 1)
    # Received in March, not cancelled: march, april_local, march_local, open, resolved_only.
    share = run.figure("share_of_received", period="2024-03")
    assert (share["value"], share["numerator"], share["denominator"]) == (60.0, 3, 5)
    april = run.figure("count", period="2024-04")
    assert (april["value"], april["excluded"]) == (1, 0)
    # Nothing was received in April: no share.
    april_share = run.figure("share_of_received", period="2024-04")
    assert (april_share["value"], april_share["denominator"]) == (None, 0)
    # February received one ticket and closed none: a period without units has no rows.
    assert not [r for r in run.records if r["period"] == "2024-02"]


def test_reasons(o4_desk: Desk) -> None:
    run = o4_desk.run("O4", period="month")
    assert run.reason("march") == "counted: closed in the period"
    assert run.reason("cancelled") == "excluded: cancelled"
    assert run.unit_row("april_local")["period"] == "2024-04"
    # Tickets not closed are no units of O4.
    assert run.unit_ids() == {"from_feb", "march", "april_local", "march_local", "cancelled"}


def test_by_level_with_unknown(o4_desk: Desk) -> None:
    run = o4_desk.run("O4", by=("level",))
    assert run.figure("count", group={"level": "1"})["value"] == 2  # from_feb, april_local
    assert run.figure("count", group={"level": "2"})["value"] == 1
    unknown = run.figure("count", group={"level": "unknown"})
    assert (unknown["value"], unknown["excluded"]) == (1, 1)  # march_local; cancelled


def test_whole_range(o4_desk: Desk) -> None:
    run = o4_desk.run("O4")
    count = run.figure("count")
    assert (count["value"], count["excluded"]) == (4, 1)
    share = run.figure("share_of_received")
    # 4 closed of 6 received and not cancelled (all but the cancelled one).
    assert (share["numerator"], share["denominator"]) == (4, 6)
    assert share["value"] == pytest.approx(4 / 6 * 100)


def test_only_cancelled(desk: Desk) -> None:
    desk.ticket(
        "cancelled",
        utc("2024-03-02 10:00"),
        closed_at=utc("2024-03-03 10:00"),
        status_class="cancelled",
    )
    run = desk.run("O4")
    count = run.figure("count")
    assert (count["value"], count["n"], count["excluded"]) == (0, 0, 1)
    assert run.figure("share_of_received")["value"] is None


def test_share_closed_with_a_workaround(desk: Desk) -> None:
    closing = utc("2024-03-10 10:00")
    desk.ticket("w1", utc("2024-03-04 08:00"), closed_at=closing, resolution_code="Workaround")
    desk.ticket("w2", utc("2024-03-04 08:00"), closed_at=closing, resolution_code="Fixed")
    desk.ticket("w3", utc("2024-03-04 08:00"), closed_at=closing)
    desk.ticket(
        "w4",
        utc("2024-03-04 08:00"),
        closed_at=closing,
        status_class="cancelled",
        resolution_code="Workaround",
    )
    plain = desk.run("O4")
    assert plain.figures("workaround_share") == []
    assert any("workaround_codes" in note for note in plain.notes)
    run = desk.run("O4", workaround_codes=frozenset({"Workaround"}))
    share = run.figure("workaround_share")
    # Closed and not cancelled: w1, w2, w3; with a workaround: w1.
    assert (share["numerator"], share["denominator"], share["excluded"]) == (1.0, 3.0, 1)
    assert run.reason("w1") == "counted: closed in the period, with a workaround"
