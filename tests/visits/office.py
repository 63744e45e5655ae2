"""A hand-built office day: eight visits whose every figure is worked out in the tests.

Appointments a1–a5 and walk-ins w1–w3 on 2016-09-04/05 (UTC). a2 did not come, a4
was cancelled four hours before its time, a3 was booked for a date without a time
of day, a5's appointment lies before its booking and has no arrival, w2's service
starts before the arrival, w3 has no adviser.
"""

from __future__ import annotations

from typing import Any

from tests.visits.conftest import utc

OFFICE_DAY: list[dict[str, Any]] = [
    {
        "visit_id": "a1", "kind": "appointment", "office": "A", "matter": "housing allowance",
        "segment": "continuous", "booked_at": utc("2016-09-01 10:00"),
        "scheduled_at": utc("2016-09-05 10:00"), "arrived_at": utc("2016-09-05 09:55"),
        "service_started_at": utc("2016-09-05 10:05"), "service_ended_at": utc("2016-09-05 10:25"),
        "no_show": False, "adviser": "X", "resolved_in_visit": True, "reminder_sent": True,
    },
    {
        "visit_id": "a2", "kind": "appointment", "office": "A", "matter": "card",
        "booked_at": utc("2016-09-04 12:00"), "scheduled_at": utc("2016-09-05 11:00"),
        "no_show": True, "reminder_sent": False,
    },
    {
        "visit_id": "a3", "kind": "appointment", "office": "A", "matter": "card",
        "booked_at": utc("2016-09-02 09:00"), "scheduled_at": utc("2016-09-05 00:00"),
        "scheduled_day_only": True,
        "arrived_at": utc("2016-09-05 12:00"), "service_started_at": utc("2016-09-05 12:10"),
        "service_ended_at": utc("2016-09-05 12:40"), "no_show": False, "adviser": "Y",
        "resolved_in_visit": False,
    },
    {
        "visit_id": "a4", "kind": "appointment", "office": "A",
        "booked_at": utc("2016-09-01 08:00"), "scheduled_at": utc("2016-09-05 13:00"),
        "cancelled_at": utc("2016-09-05 09:00"),
    },
    {
        "visit_id": "a5", "kind": "appointment", "office": "A",
        "booked_at": utc("2016-09-05 08:00"), "scheduled_at": utc("2016-09-04 10:00"),
        "service_started_at": utc("2016-09-04 10:00"), "service_ended_at": utc("2016-09-04 10:15"),
        "no_show": False, "adviser": "X",
    },
    {
        "visit_id": "w1", "kind": "walk-in", "office": "A", "matter": "card",
        "arrived_at": utc("2016-09-05 09:00"), "service_started_at": utc("2016-09-05 09:30"),
        "service_ended_at": utc("2016-09-05 09:50"), "adviser": "X", "resolved_in_visit": True,
    },
    {
        "visit_id": "w2", "kind": "walk-in", "office": "A",
        "arrived_at": utc("2016-09-05 09:10"), "service_started_at": utc("2016-09-05 09:05"),
        "service_ended_at": utc("2016-09-05 09:20"), "adviser": "Y",
    },
    {
        "visit_id": "w3", "kind": "walk-in", "office": "A", "matter": "housing allowance",
        "arrived_at": utc("2016-09-05 10:00"), "service_started_at": utc("2016-09-05 10:40"),
        "service_ended_at": utc("2016-09-05 11:00"), "resolved_in_visit": True,
    },
]  # fmt: skip
