"""S2 first contact resolution on hand-built tickets: every rule, per type, periods."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")
RESOLVABLE = frozenset({"password", "access"})


def minutes(n: float) -> datetime:
    """Return T0 + n minutes."""
    return T0 + timedelta(minutes=n)


def resolved_at_once(**overrides: object) -> dict[str, object]:
    """Return the columns of a ticket resolved by level 1 in 10 min with no hand-off."""
    columns: dict[str, object] = {
        "resolved_at": minutes(10),
        "resolving_level": 1,
        "reassignment_count": 0,
        "group_count": 1,
        "reopen_count": 0,
        "category_intake": "password",
        "category_close": "password",
        "status_class": "closed",
    }
    columns.update(overrides)
    return columns


@pytest.fixture
def fcr_desk(desk: Desk) -> Desk:
    """Return a desk with one ticket per S2 rule (incidents unless said otherwise)."""
    desk.ticket("fcr", T0, **resolved_at_once())
    desk.ticket("at_60_min", T0, **resolved_at_once(resolved_at=minutes(60)))
    desk.ticket("counts_missing", T0, **resolved_at_once(
        reassignment_count=None, group_count=None, reopen_count=None
    ))  # fmt: skip
    desk.ticket("late", T0, **resolved_at_once(resolved_at=minutes(61)))
    desk.ticket("level_2", T0, **resolved_at_once(resolving_level=2))
    desk.ticket("reassigned", T0, **resolved_at_once(reassignment_count=1))
    desk.ticket("two_groups", T0, **resolved_at_once(group_count=2))
    desk.ticket("reopened", T0, **resolved_at_once(reopen_count=1))
    desk.ticket("open", T0, **resolved_at_once(resolved_at=None, status_class="active"))
    desk.ticket("cancelled", T0, **resolved_at_once(resolved_at=None, status_class="cancelled"))
    # Category corrected at close to one the desk does not own: close wins over intake.
    desk.ticket("hardware", T0, **resolved_at_once(category_close="hardware"))
    # No close category: the intake category stands in.
    desk.ticket("intake_only", T0, **resolved_at_once(category_close=None))
    desk.ticket("req_fcr", T0, **resolved_at_once(ticket_type="request"))
    desk.ticket("req_l2", T0, **resolved_at_once(ticket_type="request", resolving_level=2))
    desk.ticket("no_type", T0, **resolved_at_once(ticket_type=None))
    return desk


def test_share_per_type_with_configured_categories(fcr_desk: Desk) -> None:
    run = fcr_desk.run("S2", desk_resolvable_categories=RESOLVABLE)
    incidents = run.figure("share", group={"type": "incident"})
    # Incidents: 12 received; cancelled and hardware excluded -> 10 in the population.
    # Hits: fcr, at_60_min, counts_missing, intake_only = 4.
    assert (incidents["numerator"], incidents["denominator"]) == (4, 10)
    assert incidents["value"] == pytest.approx(4 / 10 * 100)
    assert (incidents["excluded"], incidents["n"]) == (2, 10)
    requests = run.figure("share", group={"type": "request"})
    assert (requests["value"], requests["numerator"], requests["denominator"]) == (50.0, 1, 2)
    assert (requests["excluded"], requests["n"]) == (0, 2)
    unknown = run.figure("share", group={"type": "unknown"})
    assert (unknown["value"], unknown["n"]) == (100.0, 1)
    assert len(run.figures("share")) == 3  # one row per type, no mixed total
    assert not run.notes


def test_every_rule_gives_its_reason(fcr_desk: Desk) -> None:
    run = fcr_desk.run("S2", desk_resolvable_categories=RESOLVABLE)
    counted = "counted: resolved at level 1 within 60 min, no escalation, no reopening"
    expected = {
        "fcr": counted,
        "at_60_min": counted,
        "counts_missing": counted,
        "intake_only": counted,
        "late": "not counted: resolved later than 60 min after opening",
        "level_2": "not counted: resolved above level 1",
        "reassigned": "not counted: escalated or reassigned",
        "two_groups": "not counted: escalated or reassigned",
        "reopened": "not counted: reopened",
        "open": "not counted: not resolved",
        "cancelled": "excluded: cancelled",
        "hardware": "excluded: category not desk-resolvable",
    }
    for ticket_id, reason in expected.items():
        assert run.reason(ticket_id) == reason, ticket_id
    assert run.unit_row("hardware")["included"] is False
    assert run.unit_row("late")["included"] is True
    assert run.unit_row("late")["first_contact"] is False


def test_without_configured_categories_every_ticket_counts(fcr_desk: Desk) -> None:
    run = fcr_desk.run("S2")
    incidents = run.figure("share", group={"type": "incident"})
    # hardware is now in the population and a hit: 5 / 11; only the cancelled one is excluded.
    assert (incidents["numerator"], incidents["denominator"], incidents["excluded"]) == (5, 11, 1)
    assert incidents["value"] == pytest.approx(5 / 11 * 100)
    assert run.reason("hardware").startswith("counted")
    assert any("not configured" in note for note in run.notes)


def test_window_is_configurable(fcr_desk: Desk) -> None:
    run = fcr_desk.run("S2", desk_resolvable_categories=RESOLVABLE, first_contact_minutes=5)
    incidents = run.figure("share", group={"type": "incident"})
    # Every hit above took 10 or 60 minutes: none within 5.
    assert (incidents["numerator"], incidents["denominator"]) == (0, 10)
    assert run.reason("fcr") == "not counted: resolved later than 5 min after opening"


def test_resolved_before_opened_is_excluded(desk: Desk) -> None:
    desk.ticket("fcr", T0, **resolved_at_once())
    desk.ticket("backwards", T0, **resolved_at_once(resolved_at=minutes(-30)))
    run = desk.run("S2")
    incidents = run.figure("share", group={"type": "incident"})
    # A recording error says nothing about the first contact: out of the population.
    assert (incidents["numerator"], incidents["denominator"], incidents["excluded"]) == (1, 1, 1)
    assert run.reason("backwards") == "excluded: resolved before it was opened (recording error)"


def test_unknown_level_is_not_called_above_level_1(desk: Desk) -> None:
    desk.ticket("no_level", T0, **resolved_at_once(resolving_level=None))
    desk.ticket("request", T0, ticket_type="request", **resolved_at_once())  # levels are known
    run = desk.run("S2")
    share = run.figure("share", group={"type": "incident"})
    assert (share["numerator"], share["denominator"]) == (0, 1)
    assert run.reason("no_level") == "not counted: level where resolved is unknown"


def test_months_in_helsinki_time(desk: Desk) -> None:
    # 31 Jan 23:30 UTC is 1 Feb 01:30 in Helsinki (UTC+2): February.
    desk.ticket("feb_local", utc("2024-01-31 23:30"), **resolved_at_once(
        resolved_at=utc("2024-01-31 23:40")
    ))  # fmt: skip
    # 31 Jan 21:30 UTC is 23:30 in Helsinki: still January.
    desk.ticket("jan_local", utc("2024-01-31 21:30"), **resolved_at_once(
        resolved_at=utc("2024-01-31 23:30")
    ))  # fmt: skip
    run = desk.run("S2", period="month")
    jan = run.figure("share", period="2024-01", group={"type": "incident"})
    feb = run.figure("share", period="2024-02", group={"type": "incident"})
    assert (jan["numerator"], jan["denominator"]) == (0, 1)  # 120 min > 60
    assert (feb["numerator"], feb["denominator"]) == (1, 1)
    assert run.unit_row("feb_local")["period"] == "2024-02"


def test_breakdown_with_missing_values_is_unknown(desk: Desk) -> None:
    desk.ticket("p1", T0, priority="1", **resolved_at_once())
    desk.ticket("p_none", T0, priority=None, **resolved_at_once(resolving_level=2))
    run = desk.run("S2", by=("priority",))
    one = run.figure("share", group={"type": "incident", "priority": "1"})
    unknown = run.figure("share", group={"type": "incident", "priority": "unknown"})
    assert (one["value"], one["n"]) == (100.0, 1)
    assert (unknown["value"], unknown["n"]) == (0.0, 1)


def test_zero_population_has_no_value(desk: Desk) -> None:
    desk.ticket("cancelled", T0, **resolved_at_once(resolved_at=None, status_class="cancelled"))
    desk.ticket("hardware", T0, **resolved_at_once(category_close="hardware"))
    run = desk.run("S2", desk_resolvable_categories=RESOLVABLE)
    share = run.figure("share", group={"type": "incident"})
    assert share["value"] is None
    assert (share["numerator"], share["denominator"], share["excluded"], share["n"]) == (0, 0, 2, 0)


def test_asking_for_the_type_breakdown_changes_nothing(fcr_desk: Desk) -> None:
    options = {"desk_resolvable_categories": RESOLVABLE}
    plain = fcr_desk.run("S2", **options).records
    by_type = fcr_desk.run("S2", by=("type",), **options).records
    assert by_type == plain
