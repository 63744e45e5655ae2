"""The tickets behind a figure: a metric's unit rows a page at a time, with their rules.

The desk: I10 (reopened among resolved) by month.
  February: F1 (group A, reopened).
  March:    M1 (A, reopened), M2 (A), M3 (B, phone), M4 (B), and X1 (B) closed without
            being resolved, excluded by the rule for such tickets.
"""

from __future__ import annotations

import pytest

from karsta.metrics.options import MetricOptions
from karsta.metrics.units import unit_rows
from tests.metrics.conftest import Desk, utc

MONTHLY = MetricOptions(period="month")
REOPENED = "counted: reopened at least once"
NEVER = "not counted: never reopened"
CLOSED = "excluded: closed without being resolved"


@pytest.fixture
def reopens(desk: Desk) -> Desk:
    def resolved(ticket: str, day: str, group: str, reopened: int, **more: object) -> None:
        desk.ticket(
            ticket,
            utc(f"{day} 08:00"),
            resolved_at=utc(f"{day} 10:00"),
            reopen_count=reopened,
            resolving_group=group,
            resolving_agent=f"agent of {ticket}",
            **more,
        )

    resolved("F1", "2024-02-05", "A", 1)
    resolved("M1", "2024-03-05", "A", 1)
    resolved("M2", "2024-03-06", "A", 0)
    resolved("M3", "2024-03-07", "B", 0, channel="phone")
    resolved("M4", "2024-03-08", "B", 0)
    desk.ticket(
        "X1",
        utc("2024-03-09 08:00"),
        closed_at=utc("2024-03-09 09:00"),
        status_class="closed",
        reopen_count=0,
        resolving_group="B",
    )
    desk.write()
    return desk


def test_a_period_in_ticket_order_with_every_rule_counted(reopens: Desk) -> None:
    page = unit_rows(reopens.ws, "I10", MONTHLY, period="2024-03")
    # March: M1..M4 resolved (M1 reopened), X1 closed unresolved; F1 is February's.
    assert [r["unit_id"] for r in page.rows] == ["M1", "M2", "M3", "M4", "X1"]
    assert page.total == 5
    m1, _m2, _m3, _m4, x1 = page.rows
    assert (m1["included"], m1["excluded"], m1["reason"]) == (True, False, REOPENED)
    assert m1["evidence"] == {"resolved_at": utc("2024-03-05 10:00"), "reopen_count": 1}
    assert (x1["included"], x1["excluded"], x1["reason"]) == (False, True, CLOSED)
    # Most tickets first, then by the rule's words.
    assert page.reasons == [
        {"reason": NEVER, "included": True, "excluded": False, "count": 3},
        {"reason": REOPENED, "included": True, "excluded": False, "count": 1},
        {"reason": CLOSED, "included": False, "excluded": True, "count": 1},
    ]
    assert page.to_dict()["card_version"].startswith("I10@")


def test_pages_statuses_and_breakdown_values(reopens: Desk) -> None:
    first = unit_rows(reopens.ws, "I10", MONTHLY, period="2024-03", limit=2)
    second = unit_rows(reopens.ws, "I10", MONTHLY, period="2024-03", offset=2, limit=2)
    last = unit_rows(reopens.ws, "I10", MONTHLY, period="2024-03", offset=4, limit=2)
    assert [[r["unit_id"] for r in p.rows] for p in (first, second, last)] == [
        ["M1", "M2"],
        ["M3", "M4"],
        ["X1"],
    ]
    assert {first.total, second.total, last.total} == {5}
    excluded = unit_rows(reopens.ws, "I10", MONTHLY, period="2024-03", status="excluded")
    assert ([r["unit_id"] for r in excluded.rows], excluded.total) == (["X1"], 1)
    included = unit_rows(reopens.ws, "I10", MONTHLY, period="2024-03", status="included")
    assert included.total == 4
    outside = unit_rows(reopens.ws, "I10", MONTHLY, period="2024-03", status="outside")
    assert outside.total == 0
    # The reasons count every rule of the period whatever the status asked.
    assert sum(r["count"] for r in excluded.reasons) == 5
    by_group = MetricOptions(period="month", by=("group",))
    group_b = unit_rows(reopens.ws, "I10", by_group, period="2024-03", group={"group": "B"})
    assert [r["unit_id"] for r in group_b.rows] == ["M3", "M4", "X1"]
    assert group_b.rows[0]["group"] == {"group": "B"}


def test_every_period_and_the_whole_range(reopens: Desk) -> None:
    every = unit_rows(reopens.ws, "I10", MONTHLY)
    assert [(r["unit_id"], r["period"]) for r in every.rows][:2] == [
        ("F1", "2024-02"),
        ("M1", "2024-03"),
    ]
    whole = unit_rows(reopens.ws, "I10", MetricOptions())
    assert whole.total == 6
    assert {r["period"] for r in whole.rows} == {None}


def test_a_limited_run_sees_only_its_tickets(reopens: Desk) -> None:
    # A user limited to group A: F1, M1, M2 exist; B's tickets do not, not even as excluded.
    limited = MetricOptions(period="month", ticket_attributes={"resolving_group": ("A",)})
    page = unit_rows(reopens.ws, "I10", limited)
    assert [r["unit_id"] for r in page.rows] == ["F1", "M1", "M2"]
    assert sum(r["count"] for r in page.reasons) == 3


def test_personal_columns_are_never_among_the_rows(reopens: Desk) -> None:
    # I3's evidence names the resolving agent: the rows leave it out.
    page = unit_rows(reopens.ws, "I3", MONTHLY, period="2024-03")
    assert page.evidence == ("resolved_at",)
    assert all(set(r["evidence"]) == {"resolved_at"} for r in page.rows)
    assert "agent of" not in str(page.to_dict())


def test_a_metric_without_data_says_why(reopens: Desk) -> None:
    page = unit_rows(reopens.ws, "S1", MONTHLY)
    assert (page.rows, page.total) == ([], 0)
    assert page.no_data is not None
    assert "contacts" in page.no_data


def test_bad_pages_and_breakdowns_are_refused(reopens: Desk) -> None:
    with pytest.raises(ValueError, match="limit"):
        unit_rows(reopens.ws, "I10", MONTHLY, limit=0)
    with pytest.raises(ValueError, match="offset"):
        unit_rows(reopens.ws, "I10", MONTHLY, offset=-1)
    with pytest.raises(ValueError, match="not broken down by 'group'"):
        unit_rows(reopens.ws, "I10", MONTHLY, group={"group": "A"})
