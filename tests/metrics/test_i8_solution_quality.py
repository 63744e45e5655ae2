"""I8 solution quality on hand-built tickets: reopenings and repeat contacts within N days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.metrics.conftest import Desk, utc

R = utc("2024-03-10 10:00")
"""When the measured tickets were resolved."""
DAY = timedelta(days=1)


@pytest.fixture
def i8_desk(desk: Desk) -> Desk:
    """Return tickets resolved at R, some followed by another ticket of the same caller."""

    def resolved(ticket_id: str, caller: str | None, **columns: object) -> None:
        columns.setdefault("category_close", "X")
        columns.setdefault("reopen_count", 0)
        desk.ticket(ticket_id, R - DAY, resolved_at=R, caller_id=caller, **columns)

    def follow(ticket_id: str, caller: str, opened_days: float, **columns: object) -> None:
        columns.setdefault("category_close", "X")
        desk.ticket(ticket_id, R + opened_days * DAY, caller_id=caller, **columns)

    resolved("good", "A")
    resolved("reopened", "B", reopen_count=1)
    resolved("repeat_2d", "C")
    follow("C_follow", "C", 2)
    resolved("repeat_7d", "D")
    follow("D_follow", "D", 7)  # the window's last moment still counts
    resolved("after_8d", "E")
    follow("E_follow", "E", 8)
    resolved("other_category", "F")
    follow("F_follow", "F", 1, category_close="Y")
    resolved("follow_before", "G")
    follow("G_follow", "G", -0.5)  # opened while the first was still open
    resolved("no_caller", None)
    resolved("intake_category", "H", category_close=None, category_intake="X")
    follow("H_follow", "H", 1)
    # A cancelled follow-up is still a second contact about the same matter.
    resolved("cancelled_follow", "I")
    follow("I_follow", "I", 1, status_class="cancelled")
    return desk


def test_share_and_reasons(i8_desk: Desk) -> None:
    run = i8_desk.run("I8")
    share = run.figure("share")
    # Resolved: 10. Solved: good, after_8d, other_category, follow_before, no_caller = 5.
    assert (share["value"], share["numerator"], share["denominator"]) == (50.0, 5, 10)
    assert share["excluded"] == 0
    repeat = "not counted: same caller and category again within 7 days"
    assert run.reason("good") == "counted: not reopened, no repeat within 7 days"
    assert run.reason("reopened") == "not counted: reopened"
    assert run.reason("repeat_2d") == repeat
    assert run.unit_row("repeat_2d")["repeat_ticket"] == "C_follow"
    assert run.reason("repeat_7d") == repeat
    assert run.reason("after_8d").startswith("counted")
    assert run.reason("other_category").startswith("counted")
    assert run.reason("follow_before").startswith("counted")
    assert run.reason("no_caller") == "counted: not reopened (no caller, so repeats cannot be seen)"
    assert run.reason("intake_category") == repeat
    assert run.reason("cancelled_follow") == repeat
    assert "C_follow" not in run.unit_ids()  # unresolved follow-ups are no units


def test_repeat_window_is_configurable(i8_desk: Desk) -> None:
    run = i8_desk.run("I8", repeat_contact_days=1)
    share = run.figure("share")
    # Within 1 day only intake_category and cancelled_follow repeat; reopened stays out: 7 / 10.
    assert (share["numerator"], share["denominator"]) == (7, 10)
    assert run.reason("repeat_2d") == "counted: not reopened, no repeat within 1 days"


def test_months_by_resolution_in_helsinki_time(desk: Desk) -> None:
    # Resolved 31 May 21:30 UTC = 1 Jun 00:30 in Helsinki: June.
    desk.ticket("june", R, resolved_at=utc("2024-05-31 21:30"), reopen_count=1, priority="2")
    desk.ticket("may", R, resolved_at=utc("2024-05-31 20:30"), reopen_count=0)
    run = desk.run("I8", period="month", by=("priority",))
    assert run.figure("share", period="2024-06", group={"priority": "2"})["value"] == 0.0
    assert run.figure("share", period="2024-05", group={"priority": "unknown"})["value"] == 100.0
