"""I5 incidents vs service requests on hand-built tickets."""

from __future__ import annotations

from tests.metrics.conftest import Desk, utc


def test_mix_with_unknown_type(desk: Desk) -> None:
    for n in range(3):
        desk.ticket(f"inc{n}", utc("2024-03-05 10:00"), ticket_type="incident")
    desk.ticket("req", utc("2024-03-05 10:00"), ticket_type="request")
    desk.ticket("none", utc("2024-03-05 10:00"), ticket_type=None)
    desk.ticket("cancelled", utc("2024-03-05 10:00"), ticket_type="request",
                status_class="cancelled")  # fmt: skip
    run = desk.run("I5")
    # 6 received: 3 incidents, 2 requests (one cancelled, still received), 1 unknown.
    incidents = run.figure("share", group={"type": "incident"})
    assert (incidents["value"], incidents["numerator"], incidents["denominator"]) == (50.0, 3, 6)
    requests = run.figure("share", group={"type": "request"})
    assert requests["numerator"] == 2
    unknown = run.figure("count", group={"type": "unknown"})
    assert (unknown["value"], unknown["n"]) == (1, 1)
    assert run.reason("none") == "counted: received in the period"


def test_months_in_helsinki_time(desk: Desk) -> None:
    # 31 Dec 2023 22:30 UTC = 1 Jan 2024 00:30 in Helsinki: January 2024.
    desk.ticket("jan", utc("2023-12-31 22:30"), ticket_type="request")
    desk.ticket("dec", utc("2023-12-31 21:30"), ticket_type="incident")
    run = desk.run("I5", period="month")
    assert run.figure("share", period="2024-01", group={"type": "request"})["value"] == 100.0
    assert run.figure("share", period="2023-12", group={"type": "incident"})["value"] == 100.0
    assert len(run.figures("share")) == 2


def test_iso_weeks_in_helsinki_time(desk: Desk) -> None:
    # Sun 29 Dec 2024 22:30 UTC = Mon 30 Dec 00:30 in Helsinki: ISO week 1 of 2025.
    desk.ticket("w01", utc("2024-12-29 22:30"), ticket_type="request")
    desk.ticket("w52", utc("2024-12-29 21:30"), ticket_type="incident")
    run = desk.run("I5", period="week")
    assert run.figure("count", period="2025-W01", group={"type": "request"})["value"] == 1
    assert run.figure("count", period="2024-W52", group={"type": "incident"})["value"] == 1
