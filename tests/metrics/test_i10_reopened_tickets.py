"""I10 reopened tickets on hand-built tickets."""

from __future__ import annotations

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")
RESOLVED = utc("2024-03-05 08:00")


def test_reopened_share_of_resolved(desk: Desk) -> None:
    desk.ticket("never", T0, resolved_at=RESOLVED, reopen_count=0)
    desk.ticket("twice", T0, resolved_at=RESOLVED, reopen_count=2)
    desk.ticket("no_counter", T0, resolved_at=RESOLVED)
    # Reopened and not resolved again: no resolution, so not in the population.
    desk.ticket("reopened_open", T0, reopen_count=1, status_class="active")
    run = desk.run("I10")
    share = run.figure("share")
    # 1 reopened of 3 resolved.
    assert share["numerator"] == 1
    assert share["denominator"] == 3
    assert share["value"] == 100 / 3
    assert (share["excluded"], share["n"]) == (0, 3)
    assert run.reason("twice") == "counted: reopened at least once"
    assert run.reason("no_counter") == "not counted: never reopened"
    assert "reopened_open" not in run.unit_ids()


def test_months_by_resolution_in_helsinki_time(desk: Desk) -> None:
    # Resolved 31 Oct 22:30 UTC = 1 Nov 00:30 in Helsinki (winter time again): November.
    desk.ticket("nov", T0, resolved_at=utc("2024-10-31 22:30"), reopen_count=1)
    desk.ticket("oct", T0, resolved_at=utc("2024-10-31 21:30"), reopen_count=0)
    run = desk.run("I10", period="month")
    assert run.figure("share", period="2024-11")["value"] == 100.0
    assert run.figure("share", period="2024-10")["value"] == 0.0


def test_breakdown_with_unknown_priority(desk: Desk) -> None:
    desk.ticket("p1", T0, resolved_at=RESOLVED, reopen_count=1, priority="1")
    desk.ticket("px", T0, resolved_at=RESOLVED, reopen_count=0)
    run = desk.run("I10", by=("priority",))
    assert run.figure("share", group={"priority": "1"})["value"] == 100.0
    assert run.figure("share", group={"priority": "unknown"})["value"] == 0.0


def test_nothing_resolved_gives_no_rows_and_says_why(desk: Desk) -> None:
    desk.ticket("open", T0, reopen_count=1, status_class="active")
    run = desk.run("I10")
    assert run.records == []
    assert run.no_data is not None
    assert run.no_data.startswith("cannot be computed: no ticket is resolved — map which")
