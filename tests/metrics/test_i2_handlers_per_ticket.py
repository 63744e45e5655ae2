"""I2 handlers per ticket on hand-built tickets: agents, groups, reassigned share."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")
RESOLVED = utc("2024-03-05 08:00")


@pytest.fixture
def i2_desk(desk: Desk) -> Desk:
    """Return resolved tickets with 0-3 agents and 0-2 groups, one with the counts missing."""
    desk.ticket("one", T0, resolved_at=RESOLVED, agent_count=1, group_count=1,
                reassignment_count=0)  # fmt: skip
    desk.ticket("three", T0, resolved_at=RESOLVED, agent_count=3, group_count=2,
                reassignment_count=2)  # fmt: skip
    desk.ticket("two", T0, resolved_at=RESOLVED, agent_count=2, group_count=1,
                reassignment_count=1)  # fmt: skip
    # Nothing recorded: the import derives 0 distinct agents and groups, which count.
    desk.ticket("zero", T0, resolved_at=RESOLVED, agent_count=0, group_count=0,
                reassignment_count=0)  # fmt: skip
    # Counts missing altogether (no import leaves them empty): left out of the means.
    desk.ticket("unknown", T0, resolved_at=RESOLVED)
    desk.ticket("open", T0, agent_count=5, group_count=5, reassignment_count=9)
    return desk


def test_means_medians_and_reassigned_share(i2_desk: Desk) -> None:
    run = i2_desk.run("I2")
    agents = run.figure("agents_mean")
    # (1 + 3 + 2 + 0) / 4; "unknown" has no count and is left out of the mean.
    assert (agents["value"], agents["numerator"], agents["denominator"]) == (1.5, 6.0, 4)
    assert (agents["excluded"], agents["n"]) == (1, 4)
    assert run.figure("agents_median")["value"] == 1.5  # 0, 1, 2, 3: rank 1.5
    groups = run.figure("groups_mean")
    assert groups["value"] == 1.0  # (1 + 2 + 1 + 0) / 4
    assert run.figure("groups_median")["value"] == 1.0  # 0, 1, 1, 2
    share = run.figure("reassigned_share")
    # three and two of the 5 resolved; an empty counter reads as never reassigned.
    assert (share["value"], share["numerator"], share["denominator"]) == (40.0, 2, 5)
    assert share["excluded"] == 0


def test_reasons_and_population(i2_desk: Desk) -> None:
    run = i2_desk.run("I2")
    assert run.unit_ids() == {"one", "three", "two", "zero", "unknown"}  # not the open one
    assert run.reason("three") == "counted: reassigned at least once"
    assert run.reason("one") == "counted: never reassigned"
    assert run.reason("unknown") == "counted: never reassigned"


def test_months_in_helsinki_time(desk: Desk) -> None:
    # Resolved 31 Mar 21:30 UTC = 1 Apr 00:30 in Helsinki: April.
    desk.ticket("april", T0, resolved_at=utc("2024-03-31 21:30"), agent_count=4,
                reassignment_count=3)  # fmt: skip
    desk.ticket("march", T0, resolved_at=utc("2024-03-31 20:30"), agent_count=2,
                reassignment_count=0)  # fmt: skip
    run = desk.run("I2", period="month")
    assert run.figure("agents_mean", period="2024-04")["value"] == 4.0
    assert run.figure("agents_mean", period="2024-03")["value"] == 2.0
    assert run.figure("reassigned_share", period="2024-04")["value"] == 100.0
    assert run.figure("reassigned_share", period="2024-03")["value"] == 0.0


def test_breakdown_with_unknown_group(desk: Desk) -> None:
    desk.ticket("a", T0, resolved_at=RESOLVED, agent_count=1, resolving_group="G1")
    desk.ticket("b", T0, resolved_at=RESOLVED, agent_count=3)
    run = desk.run("I2", by=("group",))
    assert run.figure("agents_mean", group={"group": "G1"})["value"] == 1.0
    assert run.figure("agents_mean", group={"group": "unknown"})["value"] == 3.0


def test_nothing_recorded_says_what_to_map(desk: Desk) -> None:
    desk.ticket("bare", T0, resolved_at=RESOLVED)
    run = desk.run("I2")
    assert run.records == []
    assert run.no_data == (
        "cannot be computed: no event has an agent — map the agent (columns: agent)"
    )


def test_without_groups_the_group_figures_are_left_out_and_say_why(desk: Desk) -> None:
    # Agents are known (2 and 4: mean 3), groups on no ticket: 0 groups would be a silent 0.
    desk.ticket("a", T0, resolved_at=RESOLVED, agent_count=2, group_count=0)
    desk.ticket("b", T0, resolved_at=RESOLVED, agent_count=4, group_count=0)
    run = desk.run("I2")
    assert run.figure("agents_mean")["value"] == 3.0
    assert {r["statistic"] for r in run.records} == {
        "agents_mean",
        "agents_median",
        "reassigned_share",
    }
    assert run.notes == (
        "Groups per ticket cannot be computed: no event has an assignment group — "
        "map the assignment group (columns: group).",
    )
