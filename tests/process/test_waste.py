"""Every finding type on the hand-checked log, with its hours worked out by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from karsta.process import ProcessAnalysis, WasteAssumptions, WasteFindings
from karsta.workspace import Workspace
from tests.process.fixtures import PER_YEAR

Found = dict[str, list[dict[str, Any]]]
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


def check(finding: dict[str, Any], *, observed_hours: float, rate: float) -> None:
    assert finding["observed_hours"] == pytest.approx(observed_hours)
    assert finding["hours_per_year"] == pytest.approx(observed_hours * PER_YEAR)
    assert finding["euros_per_year"] == pytest.approx(observed_hours * PER_YEAR * rate)


def test_bottlenecks_are_the_longest_waits_between_working_steps(found: Found) -> None:
    # Stays with repeats collapsed: Active→Resolved 3 h (A, 7–10) + 1 h (A, 12–13)
    # + 3 h (B, 2–5) = 7 h; New→Active 1 h + 2 h = 3 h; Active→Awaiting 2 h.
    # Awaiting→Active is a waiting status, Resolved→* is after resolution: skipped.
    edges = [(f["title"], f["observed_hours"], f["occurrences"]) for f in found["bottleneck"]]
    assert edges == [
        ("Waiting between Active and Resolved", pytest.approx(7.0), 3),
        ("Waiting between New and Active", pytest.approx(3.0), 2),
        ("Waiting between Active and Awaiting User Info", pytest.approx(2.0), 1),
    ]
    check(found["bottleneck"][0], observed_hours=7.0, rate=20.0)
    assert found["bottleneck"][0]["family"] == "customer-process waste"
    assert found["bottleneck"][0]["lean_waste"] == "waiting"


def test_time_in_a_waiting_status_is_customer_waiting(found: Found) -> None:
    (waiting,) = found["waiting status"]
    assert waiting["title"] == "Tickets waiting in Awaiting User Info"
    assert (waiting["occurrences"], waiting["tickets"]) == (1, 1)
    check(waiting, observed_hours=4.0, rate=20.0)  # 3 h → 7 h


def test_handoffs_cost_staff_time(found: Found) -> None:
    (handoffs,) = found["hand-offs"]
    assert (handoffs["occurrences"], handoffs["tickets"]) == (2, 1)  # G1→G2, G2→G1
    check(handoffs, observed_hours=2 * 12 / 60, rate=50.0)
    assert handoffs["lean_waste"] == "transport"


def test_ping_pong_counts_two_extra_handoffs(found: Found) -> None:
    (ping_pong,) = found["ping-pong"]
    assert (ping_pong["occurrences"], ping_pong["tickets"]) == (1, 1)  # G1 → G2 → G1
    check(ping_pong, observed_hours=2 * 12 / 60, rate=50.0)
    assert "1.0 h" in str(ping_pong["evidence"])  # in G2 from 7 h to 8 h


def test_escalation_bounce(found: Found) -> None:
    (bounce,) = found["escalation bounce"]
    assert bounce["occurrences"] == 1  # L1 → L2 → L1
    check(bounce, observed_hours=2 * 12 / 60, rate=50.0)


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


def test_findings_are_ranked_by_hours_a_year(result: WasteFindings) -> None:
    hours = [f.hours_per_year for f in result.findings]
    assert hours == sorted(hours, reverse=True)
    assert result.findings[0].title == "Waiting between Active and Resolved"
    data = result.to_dict()
    assert data["period"]["days"] == pytest.approx(37 / 24)
    assert any("50 €/h" in line for line in data["assumptions"]["text"])


def test_negative_assumptions_are_refused() -> None:
    with pytest.raises(ValueError, match="hourly_cost"):
        WasteAssumptions(hourly_cost=-1)


def test_a_log_without_groups_or_status_classes(log_workspace: Callable[..., Workspace]) -> None:
    # As the helpdesk log: activities only. Rework is still seen; nothing else is.
    ws = log_workspace(
        [
            ("H", 0, "Insert ticket", None, "r1", None),
            ("H", 1, "Take in charge", None, "r1", None),
            ("H", 2, "Wait", None, "r1", None),
            ("H", 4, "Take in charge", None, "r2", None),
            ("H", 5, "Closed", None, "r2", None),
        ]
    )
    result = ProcessAnalysis(ws).waste(assumptions=ASSUMPTIONS)
    kinds = {f.kind: f for f in result.findings}
    assert set(kinds) == {"bottleneck", "rework"}
    assert kinds["rework"].observed_hours == pytest.approx(20 / 60)
    # No status classes: every stay counts as work, so the longest arrows are the bottlenecks.
    assert [f.observed_hours for f in result.findings if f.kind == "bottleneck"] == [
        pytest.approx(2.0),
        pytest.approx(1.0),
        pytest.approx(1.0),
    ]
