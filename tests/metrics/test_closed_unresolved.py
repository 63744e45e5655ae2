"""Tickets closed without being resolved: every metric that needs a resolution excludes them,
with the reason, and counts them under `excluded`.

The desk (4 March 2024, UTC): "done" opened 08:00, resolved 10:00 (2 h), closed 12:00,
at level 1 by Ann, never reopened or reassigned, category unchanged; "ivr" opened 08:00
and closed 08:00 by an automatic record, never resolved.
"""

from __future__ import annotations

import pytest

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")
REASON = "excluded: closed without being resolved"


@pytest.fixture
def closing_desk(desk: Desk) -> Desk:
    desk.ticket(
        "done",
        T0,
        resolved_at=utc("2024-03-04 10:00"),
        closed_at=utc("2024-03-04 12:00"),
        status_class="closed",
        resolving_level=1,
        resolving_agent="Ann",
        reopen_count=0,
        reassignment_count=0,
        group_count=1,
        agent_count=1,
        category_intake="x",
        category_close="x",
    )
    desk.ticket("ivr", T0, closed_at=T0, status_class="closed", channel="ivr")
    return desk


@pytest.mark.parametrize(
    ("metric", "statistic"),
    [
        ("O2", "mean"),
        ("I10", "share"),
        ("I8", "share"),
        ("I2", "agents_mean"),
        ("I3", "per_agent"),
        ("I9", "share"),
        ("O1", "share_all_received"),
        ("S2", "share"),
    ],
)
def test_metrics_that_need_a_resolution_exclude_it(
    closing_desk: Desk, metric: str, statistic: str
) -> None:
    run = closing_desk.run(metric)
    # Population: "done" alone; "ivr" is excluded, with its reason.
    figure = run.figure(statistic, group={"type": "incident"} if metric == "S2" else None)
    assert (figure["n"], figure["excluded"]) == (1, 1)
    assert run.reason("ivr") == REASON
    assert run.unit_row("ivr")["included"] is False


def test_o2_figures_leave_it_out(closing_desk: Desk) -> None:
    mean = closing_desk.run("O2").figure("mean")
    # Only "done": 2 h.
    assert (mean["value"], mean["numerator"], mean["denominator"]) == (2.0, 2.0, 1)


def test_first_level_resolution_by_channel_has_no_figure_for_it(closing_desk: Desk) -> None:
    run = closing_desk.run("O1", by=("channel",))
    ivr = run.figure("share_all_received", group={"channel": "ivr"})
    # Nothing of the IVR channel was resolved or received as work: no figure, 1 excluded.
    assert (ivr["value"], ivr["n"], ivr["excluded"]) == (None, 0, 1)


def test_it_counts_in_the_period_it_was_closed(desk: Desk) -> None:
    # Closed 31 March 21:30 UTC = 1 April 00:30 in Helsinki (summer time): April.
    late = utc("2024-03-31 21:30")
    desk.ticket("late", utc("2024-03-31 20:00"), closed_at=late, status_class="closed")
    desk.ticket("april", utc("2024-04-02 08:00"), resolved_at=utc("2024-04-02 09:00"))
    run = desk.run("O2", period="month")
    assert run.unit_row("late")["period"] == "2024-04"
    april = run.figure("mean", period="2024-04")
    assert (april["value"], april["n"], april["excluded"]) == (1.0, 1, 1)
