"""O1 first-level resolution rate on hand-built tickets: both formulas and every rule."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-05-06 09:00")
RESOLVED = utc("2024-05-06 15:00")
RESOLVABLE = frozenset({"password"})


@pytest.fixture
def o1_desk(desk: Desk) -> Desk:
    """Return a desk with one ticket per O1 rule."""
    desk.ticket("l1", T0, resolved_at=RESOLVED, resolving_level=1, category_close="password")
    desk.ticket("l1_hw", T0, resolved_at=RESOLVED, resolving_level=1, category_close="hardware")
    desk.ticket("l2", T0, resolved_at=RESOLVED, resolving_level=2, category_close="password")
    desk.ticket("l2_hw", T0, resolved_at=RESOLVED, resolving_level=3, category_close="hardware")
    desk.ticket("open", T0, category_close="password", status_class="active")
    desk.ticket("no_level", T0, resolved_at=RESOLVED, category_close="password")
    desk.ticket("cancelled", T0, category_close="password", status_class="cancelled")
    desk.ticket("cancelled_hw", T0, category_close="hardware", status_class="cancelled")
    return desk


def test_both_formulas(o1_desk: Desk) -> None:
    run = o1_desk.run("O1", desk_resolvable_categories=RESOLVABLE)
    # Formula 1: received and not cancelled = l1, l1_hw, l2, l2_hw, open, no_level = 6;
    # resolved at level 1 = l1, l1_hw = 2.
    all_received = run.figure("share_all_received")
    assert all_received["value"] == pytest.approx(2 / 6 * 100)
    assert (all_received["numerator"], all_received["denominator"]) == (2, 6)
    assert (all_received["excluded"], all_received["n"]) == (2, 6)
    # Formula 2: desk-resolvable and not cancelled = l1, l2, open, no_level = 4; hits = l1.
    # Left out: 2 cancelled + 2 hardware.
    resolvable = run.figure("share_desk_resolvable")
    assert (resolvable["value"], resolvable["numerator"], resolvable["denominator"]) == (25, 1, 4)
    assert (resolvable["excluded"], resolvable["n"]) == (4, 4)
    assert not run.notes


def test_every_rule_gives_its_reason(o1_desk: Desk) -> None:
    run = o1_desk.run("O1", desk_resolvable_categories=RESOLVABLE)
    assert run.reason("l1") == "counted: resolved at level 1"
    assert run.reason("l1_hw") == (
        "counted in formula 1 only: resolved at level 1, not desk-resolvable"
    )
    assert run.reason("l2") == "not counted: resolved above level 1"
    assert run.reason("l2_hw") == "not counted: resolved above level 1"
    assert run.reason("open") == "not counted: not resolved"
    assert run.reason("no_level") == "not counted: level where resolved is unknown"
    assert run.reason("cancelled") == "excluded: cancelled"
    assert run.unit_row("l1_hw")["desk_population"] is False
    assert run.unit_row("l1_hw")["at_level_1"] is True


def test_without_categories_only_formula_1(o1_desk: Desk) -> None:
    run = o1_desk.run("O1")
    assert {r["statistic"] for r in run.records} == {"share_all_received"}
    assert run.figure("share_all_received")["numerator"] == 2
    assert any("not configured" in note for note in run.notes)


def test_intake_category_stands_in_for_missing_close_category(desk: Desk) -> None:
    desk.ticket("intake", T0, resolved_at=RESOLVED, resolving_level=1, category_intake="password")
    desk.ticket("none", T0, resolved_at=RESOLVED, resolving_level=1)
    run = desk.run("O1", desk_resolvable_categories=RESOLVABLE)
    resolvable = run.figure("share_desk_resolvable")
    # "none" has no category at all: not desk-resolvable.
    assert (resolvable["numerator"], resolvable["denominator"], resolvable["excluded"]) == (1, 1, 1)


def test_months_in_helsinki_time_and_unknown_group(desk: Desk) -> None:
    # 30 Apr 23:30 UTC = 1 May 02:30 in Helsinki (UTC+3, summer time): May.
    desk.ticket("may", utc("2024-04-30 23:30"), resolved_at=RESOLVED, resolving_level=1,
                resolving_group="Desk")  # fmt: skip
    # 30 Apr 20:30 UTC = 23:30 in Helsinki: April. No resolving group recorded.
    desk.ticket("april", utc("2024-04-30 20:30"), resolved_at=RESOLVED, resolving_level=2)
    run = desk.run("O1", period="month", by=("group",))
    may = run.figure("share_all_received", period="2024-05", group={"group": "Desk"})
    april = run.figure("share_all_received", period="2024-04", group={"group": "unknown"})
    assert (may["value"], may["n"]) == (100.0, 1)
    assert (april["value"], april["n"]) == (0.0, 1)
    assert len(run.figures("share_all_received")) == 2


def test_zero_population(desk: Desk) -> None:
    # Resolved at level 1, then cancelled: the source knows resolutions and levels.
    desk.ticket("cancelled", T0, status_class="cancelled", resolved_at=T0, resolving_level=1)
    share = desk.run("O1").figure("share_all_received")
    assert share["value"] is None
    assert (share["numerator"], share["denominator"], share["excluded"], share["n"]) == (0, 0, 1, 0)
