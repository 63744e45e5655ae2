"""I3 tickets per agent on hand-built tickets: resolved tickets per distinct resolver."""

from __future__ import annotations

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")
RESOLVED = utc("2024-03-05 08:00")


def test_tickets_per_resolving_agent(desk: Desk) -> None:
    desk.ticket("a1", T0, resolved_at=RESOLVED, resolving_agent="Ann")
    desk.ticket("a2", T0, resolved_at=RESOLVED, resolving_agent="Ann")
    desk.ticket("b1", T0, resolved_at=RESOLVED, resolving_agent="Bo")
    desk.ticket("nobody", T0, resolved_at=RESOLVED)
    desk.ticket("open", T0, resolving_agent="Cy")
    run = desk.run("I3")
    figure = run.figure("per_agent")
    # 3 tickets with a known resolver / 2 distinct resolvers (Ann, Bo); Cy resolved nothing.
    assert (figure["value"], figure["numerator"], figure["denominator"]) == (1.5, 3, 2)
    assert (figure["excluded"], figure["n"]) == (1, 3)
    assert run.reason("nobody") == "excluded: no resolving agent recorded"
    assert run.reason("a1") == "counted: resolved by a known agent"
    assert "open" not in run.unit_ids()


def test_months_in_helsinki_time(desk: Desk) -> None:
    # Resolved 31 Mar 21:30 UTC = 1 Apr 00:30 in Helsinki: April.
    desk.ticket("april", T0, resolved_at=utc("2024-03-31 21:30"), resolving_agent="Ann")
    desk.ticket("march1", T0, resolved_at=utc("2024-03-31 20:30"), resolving_agent="Ann")
    desk.ticket("march2", T0, resolved_at=utc("2024-03-20 20:30"), resolving_agent="Bo")
    run = desk.run("I3", period="month")
    assert run.figure("per_agent", period="2024-03")["value"] == 1.0  # 2 tickets / 2 agents
    april = run.figure("per_agent", period="2024-04")
    assert (april["numerator"], april["denominator"]) == (1, 1)


def test_breakdown_with_unknown_group(desk: Desk) -> None:
    desk.ticket("a", T0, resolved_at=RESOLVED, resolving_agent="Ann", resolving_group="G1")
    desk.ticket("b", T0, resolved_at=RESOLVED, resolving_agent="Bo", resolving_group="G1")
    desk.ticket("c", T0, resolved_at=RESOLVED, resolving_agent="Bo")
    run = desk.run("I3", by=("group",))
    assert run.figure("per_agent", group={"group": "G1"})["value"] == 1.0
    assert run.figure("per_agent", group={"group": "unknown"})["value"] == 1.0


def test_no_known_resolver(desk: Desk) -> None:
    # Agents are recorded (one held the ticket) but none at the resolving event.
    desk.ticket("nobody", T0, resolved_at=RESOLVED, agent_count=1)
    figure = desk.run("I3").figure("per_agent")
    assert (figure["value"], figure["denominator"], figure["excluded"]) == (None, 0, 1)


def test_without_agents_says_what_to_map(desk: Desk) -> None:
    desk.ticket("nobody", T0, resolved_at=RESOLVED)
    run = desk.run("I3")
    assert run.records == []
    assert run.no_data == (
        "cannot be computed: no event has an agent — map the agent (columns: agent)"
    )
