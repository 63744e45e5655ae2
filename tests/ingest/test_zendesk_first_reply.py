"""Zendesk's first reply: creation + "First reply time in minutes", checked on 8 tickets by hand.

The export's times are Helsinki wall-clock times (UTC+2 in March 2024). The business
minutes are worked out by hand for a Mon–Fri 08:00–16:00 schedule, the same hours the
I7 service-hours run below is given, so Karsta's service clock must reproduce them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from karsta.calendar import ServiceCalendar
from karsta.ingest import MappingError, import_file, load_mapping_file, load_preset
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.workspace import Workspace
from tests.ingest.test_presets import ZENDESK_HEADER, tickets, write_csv, zendesk

# id: (created, first reply minutes, business minutes, status, updated, solved, via)
# Hand-worked reply times and business minutes (schedule Mon–Fri 08:00–16:00):
#   201 Mon 04.03 09:00 + 45 min    -> Mon 09:45;  45 business minutes
#   202 Mon 04.03 15:30 + 1020 min  -> Tue 08:30;  Mon 15:30–16 + Tue 08–08:30 = 60
#   203 Fri 08.03 14:00 + 4020 min  -> Mon 09:00;  Fri 14–16 + Mon 08–09 = 180
#   204 Sat 09.03 10:00 + 2775 min  -> Mon 08:15;  Mon 08–08:15 = 15
#   205 Tue 05.03 07:00 + 40 min    -> Tue 07:40;  before opening hours = 0
#   206 Wed 06.03 10:00 + 150 min   -> Wed 12:30;  150
#   207 Thu 07.03 16:30 + 960 min   -> Fri 08:30;  Fri 08–08:30 = 30
#   208 Thu 07.03 12:00 + 30 min    -> Thu 12:30;  30
TICKETS = {
    201: ("2024-03-04 09:00", 45, 45, "Solved", "2024-03-05 10:00", "2024-03-05 10:00", "Mail"),
    202: ("2024-03-04 15:30", 1020, 60, "Closed", "2024-03-09 12:00", "2024-03-05 12:00", "Web"),
    203: ("2024-03-08 14:00", 4020, 180, "Solved", "2024-03-11 15:00", "2024-03-11 15:00", "Mail"),
    204: ("2024-03-09 10:00", 2775, 15, "Solved", "2024-03-11 09:00", "2024-03-11 09:00", "Mail"),
    205: ("2024-03-05 07:00", 40, 0, "Solved", "2024-03-05 11:00", "2024-03-05 11:00", "Web form"),
    206: ("2024-03-06 10:00", 150, 150, "Pending", "2024-03-06 12:30", "", "Mail"),
    207: ("2024-03-07 16:30", 960, 30, "Open", "2024-03-08 09:00", "", "Mail"),
    208: ("2024-03-07 12:00", 30, 30, "Open", "2024-03-07 13:00", "", "Mail"),
}  # fmt: skip
# The reply times above in UTC (Helsinki - 2 h).
FIRST_REPLY_UTC = {
    201: "2024-03-04 07:45",
    202: "2024-03-05 06:30",
    203: "2024-03-11 07:00",
    204: "2024-03-11 06:15",
    205: "2024-03-05 05:40",
    206: "2024-03-06 10:30",
    207: "2024-03-08 06:30",
    208: "2024-03-07 10:30",
}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def zendesk_desk(tmp_path: Path, workspace: Workspace) -> Workspace:
    rows = [
        zendesk(
            ticket_id,
            **{
                "Assignee": "Anna Agent",
                "Group": "Support",
                "Status": status,
                "Via": via,
                "Ticket type": "Question",
                "Created at": created + ":00",
                "Updated at": updated + ":00",
                "Solved at": solved + ":00" if solved else "",
                "First reply time in minutes": str(minutes),
                "First reply time in minutes within business hours": str(business),
            },
        )
        for ticket_id, (created, minutes, business, status, updated, solved, via) in TICKETS.items()
    ]
    path = write_csv(tmp_path / "zendesk.csv", ZENDESK_HEADER, rows)
    report = import_file(path, workspace=workspace, mapping=load_preset("zendesk"))
    assert (report.rows_loaded, report.rows_rejected, report.values_left_empty) == (8, 0, 0)
    return workspace


def test_first_response_is_creation_plus_the_first_reply_minutes(
    zendesk_desk: Workspace,
) -> None:
    found = {int(k): t["first_response_at"] for k, t in tickets(zendesk_desk).items()}
    assert found == {k: utc(v) for k, v in FIRST_REPLY_UTC.items()}
    # Each is also the creation time plus the minutes (a second, independent reading).
    for ticket_id, (created, minutes, *_rest) in TICKETS.items():
        created_utc = datetime.fromisoformat(created).replace(tzinfo=UTC) - timedelta(hours=2)
        assert found[ticket_id] == created_utc + timedelta(minutes=minutes)


def test_the_solve_time_is_no_longer_the_first_response(zendesk_desk: Workspace) -> None:
    t = tickets(zendesk_desk)["201"]
    assert t["resolved_at"] == utc("2024-03-05 08:00")
    assert t["first_response_at"] == utc("2024-03-04 07:45")


def test_i7_calendar_hours_on_the_hand_worked_tickets(zendesk_desk: Workspace) -> None:
    result = compute_metrics(zendesk_desk, MetricOptions(), metrics=["I7"])
    figures = {r["statistic"]: r for r in result.records()}
    # Hours: 0.75, 17, 67, 46.25, 40/60, 2.5, 16, 0.5 (all e-mail or portal: non-real-time).
    hours = [0.75, 17.0, 67.0, 46.25, 40 / 60, 2.5, 16.0, 0.5]
    assert figures["mean"]["n"] == 8
    assert figures["mean"]["value"] == pytest.approx(sum(hours) / 8)  # 150.6667 / 8 = 18.8333
    # Sorted: 0.5, 0.667, 0.75, 2.5, 16, 17, 46.25, 67.
    assert figures["median"]["value"] == pytest.approx((2.5 + 16.0) / 2)
    assert figures["p90"]["value"] == pytest.approx(46.25 + 0.3 * (67.0 - 46.25))  # rank 6.3
    assert figures["mean"]["unit"] == "hours"


def test_i7_service_hours_agree_with_zendesk_business_minutes(zendesk_desk: Workspace) -> None:
    calendar = ServiceCalendar.parse("mon-fri 08:00-16:00", holidays=None)
    result = compute_metrics(zendesk_desk, MetricOptions(service_calendar=calendar), metrics=["I7"])
    mean = next(r for r in result.records() if r["statistic"] == "mean")
    business_hours = [business / 60 for _c, _m, business, *_rest in TICKETS.values()]
    assert mean["unit"] == "service_hours"
    assert mean["value"] == pytest.approx(sum(business_hours) / 8)  # 510 min / 8 = 1.0625 h


@pytest.mark.parametrize(
    ("durations", "message"),
    [
        ("  priority: {after: source_opened_at, minutes: X}", "'priority' is not a canonical time"),
        ("  source_closed_at: {minutes: X}", "needs 'after'"),
        ("  source_closed_at: {after: source_opened_at, days: X}", "exactly one of"),
        ("  source_closed_at: {after: timestamp_x, minutes: X}", "must be a canonical time mapped"),
    ],
)
def test_a_duration_names_a_time_after_a_mapped_time(
    tmp_path: Path, durations: str, message: str
) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(f"extends: zendesk\ndurations:\n{durations}\n", encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        load_mapping_file(path)
