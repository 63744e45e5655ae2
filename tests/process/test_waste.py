"""Every finding type on the hand-checked log, with its hours worked out by hand.

Both tickets of the hand log were opened on Monday 1 January 2024 (UTC), the only
month of the log, so the observed period is that day: 1 day, and a year is 365.25
times the hours seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from karsta.process import ProcessAnalysis, WasteAssumptions, WasteFindings
from karsta.process.waste import HOURS_PER_PERSON_YEAR
from karsta.workspace import Workspace
from tests.process.fixtures import HOUR
from tests.process.logs import Event

Found = dict[str, list[dict[str, Any]]]
PER_YEAR = 365.25  # the observed period is one day
ASSUMPTIONS = WasteAssumptions(
    hourly_cost=50.0,
    waiting_hourly_cost=20.0,
    minutes_per_handoff=12.0,
    minutes_per_repeat=20.0,
    minutes_per_reopen=30.0,
    minutes_per_recategorisation=6.0,
    bottlenecks=3,
)


@pytest.fixture(scope="module")
def result(hand_log: Workspace) -> WasteFindings:
    return ProcessAnalysis(hand_log).waste(assumptions=ASSUMPTIONS)


@pytest.fixture(scope="module")
def found(result: WasteFindings) -> Found:
    by_kind: Found = {}
    for f in result.findings:
        by_kind.setdefault(f.kind, []).append(f.to_dict())
    return by_kind


def check(finding: dict[str, Any], *, observed_hours: float, rate: float | None) -> None:
    assert finding["observed_hours"] == pytest.approx(observed_hours)
    assert finding["hours_per_year"] == pytest.approx(observed_hours * PER_YEAR)
    if rate is None:
        assert finding["euros_per_year"] is None
    else:
        assert finding["euros_per_year"] == pytest.approx(observed_hours * PER_YEAR * rate)


def test_the_observed_period_is_the_day_both_tickets_were_opened(result: WasteFindings) -> None:
    period = result.to_dict()["period"]
    assert (period["start"], period["end"]) == (
        "2024-01-01T00:00:00+00:00",
        "2024-01-02T00:00:00+00:00",
    )
    assert (period["days"], period["per_year"]) == (1.0, PER_YEAR)
    assert (period["tickets"], period["tickets_selected"], period["chosen_by"]) == (
        2,
        2,
        "detected",
    )
    assert "1 days, 2024-01-01 to 2024-01-01" in period["basis"]
    assert any("less than a year" in w for w in period["warnings"])


def test_customer_waiting_is_the_time_process_waiting_calls_waiting(
    hand_log: Workspace, found: Found
) -> None:
    # `process waiting`: New (the queue) 1 h in A + 2 h in B, Awaiting User Info 4 h
    # (A, 3 h → 7 h): 7 h of waiting. Time in Active is working and is not priced.
    (queue,) = found["queue"]
    assert queue["title"] == "Tickets waiting in the queue in New"
    assert (queue["occurrences"], queue["tickets"], queue["stay_kind"]) == (2, 2, "queue")
    check(queue, observed_hours=3.0, rate=20.0)
    (waiting,) = found["waiting status"]
    assert waiting["title"] == "Tickets waiting in Awaiting User Info"
    assert (waiting["occurrences"], waiting["tickets"]) == (1, 1)
    check(waiting, observed_hours=4.0, rate=20.0)
    assert queue["in_totals"]
    assert waiting["in_totals"]
    waited = ProcessAnalysis(hand_log).waiting().overall["waiting_s"]
    assert waited == 7 * HOUR == (queue["observed_hours"] + waiting["observed_hours"]) * HOUR


def test_bottlenecks_are_the_maps_arrows_and_are_not_added_again(
    hand_log: Workspace, found: Found
) -> None:
    # Stays with repeats collapsed: Active→Resolved 3 h (A, 7–10) + 1 h (A, 12–13)
    # + 3 h (B, 2–5) = 7 h, working; New→Active 1 h + 2 h = 3 h, the queue;
    # Active→Awaiting 2 h, working. Awaiting→Active is waiting (its own finding) and
    # Resolved→* after resolution: not bottlenecks.
    edges = [(f["title"], f["observed_hours"], f["stay_kind"]) for f in found["bottleneck"]]
    assert edges == [
        ("Bottleneck: Active → Resolved", pytest.approx(7.0), "working"),
        ("Bottleneck: New → Active", pytest.approx(3.0), "queue"),
        ("Bottleneck: Active → Awaiting User Info", pytest.approx(2.0), "working"),
    ]
    marked = ProcessAnalysis(hand_log).map(collapse_repeats=True, bottlenecks=3).bottlenecks
    assert [f"Bottleneck: {e['source']} → {e['target']}" for e in marked] == [e[0] for e in edges]
    working, queue, _ = found["bottleneck"]
    assert not working["in_totals"]
    assert "working step" in working["not_in_totals"]
    assert working["catalog_item"] == "lots of work in progress"
    assert "Tickets waiting in the queue in New" in queue["not_in_totals"]
    assert "total 7.0 h, median 3.0 h" in working["evidence"]


def test_handoffs_cost_staff_time(found: Found) -> None:
    (handoffs,) = found["hand-offs"]
    assert (handoffs["occurrences"], handoffs["tickets"]) == (2, 1)  # G1→G2, G2→G1
    check(handoffs, observed_hours=2 * 12 / 60, rate=50.0)
    assert handoffs["lean_waste"] == "transport"
    assert handoffs["person_years"] == pytest.approx(0.4 * PER_YEAR / HOURS_PER_PERSON_YEAR)


def test_ping_pong_counts_two_extra_handoffs(found: Found) -> None:
    (ping_pong,) = found["ping-pong"]
    assert (ping_pong["occurrences"], ping_pong["tickets"]) == (1, 1)  # G1 → G2 → G1
    check(ping_pong, observed_hours=2 * 12 / 60, rate=50.0)
    assert "1.0 h" in str(ping_pong["evidence"])  # in G2 from 7 h to 8 h
    assert not ping_pong["in_totals"]


def test_escalation_that_came_back(found: Found) -> None:
    (bounce,) = found["escalation returned"]
    assert bounce["occurrences"] == 1  # L1 → L2 → L1
    check(bounce, observed_hours=2 * 12 / 60, rate=50.0)
    assert "1 tickets were sent back to level 1 (1 times)" in bounce["evidence"]
    assert not bounce["in_totals"]  # the levels are the groups' levels: G1→G2→G1


def test_rework_counts_each_return_to_an_activity(found: Found) -> None:
    # Active entered again at 7 h and 12 h, Resolved again at 13 h.
    (rework,) = found["rework"]
    assert (rework["occurrences"], rework["tickets"]) == (3, 1)
    check(rework, observed_hours=3 * 20 / 60, rate=50.0)
    assert rework["catalog_item"] == "rework"


def test_reopen(found: Found) -> None:
    (reopen,) = found["reopen"]
    assert (reopen["occurrences"], reopen["tickets"]) == (1, 1)  # Resolved 10 h → Active 12 h
    check(reopen, observed_hours=30 / 60, rate=50.0)
    assert "3.0 h" in str(reopen["evidence"])  # resolved at 10 h, again at 13 h


def test_category_corrected_after_intake_is_re_entered_data(found: Found) -> None:
    (corrected,) = found["re-entered data"]
    assert (corrected["occurrences"], corrected["family"]) == (1, "information waste")
    assert "1 of 2 tickets" in str(corrected["evidence"])
    check(corrected, observed_hours=6 / 60, rate=50.0)


def test_headline_keeps_staff_and_customer_time_apart(result: WasteFindings) -> None:
    # Staff hours counted once: hand-offs 0.4 h + rework 1 h + reopen 0.5 h + category
    # 0.1 h = 2.0 h (ping-pong and the escalation are hand-offs already counted).
    # Customer waiting: queue 3 h + Awaiting User Info 4 h = 7 h (bottlenecks not again).
    head = result.to_dict()["headline"]
    assert head["staff_hours_per_year"] == pytest.approx(2.0 * PER_YEAR)
    assert head["staff_person_years"] == pytest.approx(2.0 * PER_YEAR / 1600)
    assert head["staff_euros_per_year"] == pytest.approx(2.0 * PER_YEAR * 50)
    assert head["customer_waiting_hours_per_year"] == pytest.approx(7.0 * PER_YEAR)
    assert head["customer_waiting_euros_per_year"] == pytest.approx(7.0 * PER_YEAR * 20)
    families = {f["family"]: f for f in head["families"]}
    assert list(families) == ["information waste", "customer-process waste", "organisation waste"]
    staff = {name: f["staff_hours_per_year"] / PER_YEAR for name, f in families.items()}
    assert staff == {
        "information waste": pytest.approx(0.1),
        "customer-process waste": pytest.approx(1.5),  # rework 1 h + reopen 0.5 h
        "organisation waste": pytest.approx(0.4),
    }
    waiting = {n: f["customer_waiting_hours_per_year"] / PER_YEAR for n, f in families.items()}
    assert waiting == {
        "information waste": 0.0,
        "customer-process waste": pytest.approx(7.0),
        "organisation waste": 0.0,
    }
    assert head["complete"]


def test_staff_and_customer_lists_are_ranked_by_hours(result: WasteFindings) -> None:
    data = result.to_dict()
    assert {f["hours_kind"] for f in data["staff_time"]} == {"staff time"}
    assert {f["hours_kind"] for f in data["customer_time"]} == {"customer time"}
    for listed in (data["staff_time"], data["customer_time"]):
        hours = [f["hours_per_year"] for f in listed]
        assert hours == sorted(hours, reverse=True)
    assert data["customer_time"][0]["title"] == "Bottleneck: Active → Resolved"
    assert any("50 €/h" in line for line in data["assumptions"]["text"])


def test_customer_waiting_is_not_priced_unless_a_price_is_given(hand_log: Workspace) -> None:
    result = ProcessAnalysis(hand_log).waste()
    assert result.assumptions.waiting_hourly_cost is None
    assert {f.euros_per_year for f in result.customer_time} == {None}
    assert result.headline()["customer_waiting_euros_per_year"] is None
    assert any("not priced" in line for line in result.assumptions.lines())
    assert any("1600 hours" in line for line in result.assumptions.lines())


def test_negative_assumptions_are_refused() -> None:
    with pytest.raises(ValueError, match="hourly_cost"):
        WasteAssumptions(hourly_cost=-1)
    with pytest.raises(ValueError, match="hours_per_person_year"):
        WasteAssumptions(hours_per_person_year=0)


def test_a_log_without_groups_or_status_classes(log_workspace: Callable[..., Workspace]) -> None:
    # As the helpdesk log: activities and agents only (the loader records a category,
    # never corrected). Rework is seen; the rest says what to map instead of nothing.
    ws = log_workspace(
        [
            ("H", 0, "Insert ticket", None, "r1", None),
            ("H", 1, "Take in charge", None, "r1", None),
            ("H", 2, "Wait", None, "r1", None),
            ("H", 4, "Take in charge", None, "r2", None),
            ("H", 5, "Close ticket", None, "r2", None),
        ]
    )
    result = ProcessAnalysis(ws).waste(assumptions=ASSUMPTIONS)
    assert [f.kind for f in result.findings] == ["rework"]
    assert result.findings[0].observed_hours == pytest.approx(20 / 60)
    missing = {n["figure"]: n["needs"] for n in result.to_dict()["not_computed"]}
    assert set(missing) == {
        "customer waiting, bottlenecks and reopens",
        "hand-offs and ping-pong",
        "escalations that came back",
    }
    assert missing["customer waiting, bottlenecks and reopens"].startswith("status_classes")
    assert missing["hand-offs and ping-pong"] == "group"
    assert not result.headline()["complete"]


def test_only_the_tickets_opened_in_the_observed_period_are_scaled(
    log_workspace: Callable[..., Workspace],
) -> None:
    # One ticket in January (thin: 1 is less than 25 % of February's 5) with a long
    # queue and a hand-off; five in February, opened on 1–5 February, each 1 h in the
    # queue (New) and 1 h Active. The period is 1–6 February (February is the log's
    # last month, so it ends the day after its last ticket): 5 days, and the January
    # ticket is left out. Waiting 5 × 1 h = 5 h in 5 days is 365.25 h a year.
    feb = 31 * 24  # hours from 1 January to 1 February
    events: list[Event] = [
        ("J", 0, "New", "G1", "a1", 1),
        ("J", 10, "Active", "G2", "a2", 1),
        ("J", 11, "Resolved", "G2", "a2", 1),
    ]
    for day in range(5):
        opened = feb + 24 * day
        ticket = f"F{day}"
        events += [
            (ticket, opened, "New", "G1", "a1", 1),
            (ticket, opened + 1, "Active", "G1", "a1", 1),
            (ticket, opened + 2, "Resolved", "G1", "a1", 1),
        ]
    result = ProcessAnalysis(log_workspace(events)).waste(assumptions=ASSUMPTIONS)
    period = result.to_dict()["period"]
    assert (period["start"][:10], period["end"][:10], period["days"]) == (
        "2024-02-01",
        "2024-02-06",
        5.0,
    )
    assert (period["tickets"], period["tickets_selected"]) == (5, 6)
    assert period["thin_months_left_out"] == ["2024-01"]
    assert "1 tickets (16.7 %) opened outside the period are left out" in " ".join(
        period["warnings"]
    )
    (queue,) = [f for f in result.findings if f.kind == "queue"]
    assert queue.observed_hours == pytest.approx(5.0)
    assert queue.hours_per_year == pytest.approx(365.25)
    assert "hand-offs" not in {f.kind for f in result.findings}  # only J was handed on


def test_durations_in_the_findings_follow_the_language_and_the_precision_rule() -> None:
    # 14 826.02 days: whole days from 100 days on, grouped (never "14826.0 d"); 50 h is
    # 2.08 days, one decimal; 3.25 h stays in hours.
    from karsta.i18n import set_language
    from karsta.process.findings import _hours

    nbsp = "\N{NO-BREAK SPACE}"
    long, days, hours = _hours(14826.02 * 86400), _hours(50 * 3600), _hours(3.25 * 3600)
    assert (long, days, hours) == ("14826 d", "2.1 d", "3.2 h")  # English, for JSON
    set_language("fi")
    try:
        assert [x.localized() for x in (long, days, hours)] == [  # type: ignore[attr-defined]
            f"14{nbsp}826 vrk",
            "2,1 vrk",
            "3,2 h",
        ]
    finally:
        set_language("en")
