"""No-show drivers on a hand-built set where the raw reminder comparison points the wrong way.

Three lead-time bands (counts chosen so each figure can be worked out by hand):

| band | reminder | appointments | no-shows |
| --- | --- | ---: | ---: |
| 0 d (booked 2 h ahead) | no | 30 | 1 |
| 8–14 d (10 days ahead) | yes | 20 | 6 |
| 8–14 d | no | 10 | 4 |
| 31+ d (40 days ahead) | yes | 10 | 4 |
| 31+ d | no | 10 | 6 |

Within each band reminded customers miss less, yet reminders went only to the long
lead times, where everyone misses more: raw 10/30 with vs 11/50 without.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from karsta.visits.drivers import no_show_drivers
from karsta.workspace import Workspace
from tests.visits.conftest import insert_visits, utc

CELLS = [  # (lead in days, reminder, appointments, no-shows, segment)
    (2 / 24, False, 30, 1, "occasional"),
    (10, True, 20, 6, "continuous"),
    (10, False, 10, 4, "occasional"),
    (40, True, 10, 4, "continuous"),
    (40, False, 10, 6, "continuous"),
]


def appointments() -> list[dict[str, Any]]:
    rows = []
    at = utc("2016-09-05 10:00")
    for lead, reminder, count, no_shows, segment in CELLS:
        for i in range(count):
            rows.append(
                {
                    "visit_id": f"{lead}-{reminder}-{i}",
                    "kind": "appointment",
                    "booked_at": at - timedelta(days=lead),
                    "scheduled_at": at,
                    "no_show": i < no_shows,
                    "reminder_sent": reminder,
                    "segment": segment,
                }
            )
    return rows


@pytest.fixture
def drivers(workspace: Workspace) -> Any:
    insert_visits(workspace, appointments())
    insert_visits(
        workspace,
        [
            {"visit_id": "no-record", "kind": "appointment", "booked_at": utc("2016-09-01")},
            {
                "visit_id": "no-reminder-record",
                "kind": "appointment",
                "booked_at": utc("2016-09-01 10:00"),
                "scheduled_at": utc("2016-09-05 10:00"),
                "no_show": False,
            },
        ],
    )
    return no_show_drivers(workspace)


def test_rates_by_lead_time_and_segment(drivers: Any) -> None:
    # 81 appointments with a record (the 80 above and one without a reminder record).
    assert (drivers.overall.no_shows, drivers.overall.appointments) == (21, 81)
    lead = {r.label: (r.no_shows, r.appointments) for r in drivers.by_lead_time}
    assert lead == {"0 d": (1, 30), "3–7 d": (0, 1), "8–14 d": (10, 30), "31+ d": (10, 20)}
    segments = {r.label: (r.no_shows, r.appointments) for r in drivers.by_segment}
    assert segments == {"(no segment)": (0, 1), "continuous": (16, 40), "occasional": (5, 40)}
    assert {str(c.reason): c.count for c in drivers.exclusions} == {
        "whether a reminder was sent is not recorded": 1
    }


def test_rates_by_lead_time_with_and_without_a_reminder(drivers: Any) -> None:
    # The table above, band by band; the one appointment without a reminder record (3–7 d)
    # is in neither column.
    found = {
        w.label: ((w.no_shows, w.appointments), (wo.no_shows, wo.appointments))
        for w, wo in drivers.by_lead_time_and_reminder
    }
    assert found == {
        "0 d": ((0, 0), (1, 30)),
        "3–7 d": ((0, 0), (0, 0)),
        "8–14 d": ((6, 20), (4, 10)),
        "31+ d": ((4, 10), (6, 10)),
    }
    first = drivers.to_dict()["by_lead_time_and_reminder"][0]
    assert first["band"] == "0 d"
    assert first["with_reminder"]["share"] is None  # no reminded appointment: no rate, not 0
    assert first["without_reminder"]["share"] == pytest.approx(1 / 30)


def test_raw_reminder_comparison_beside_the_adjusted_one(drivers: Any) -> None:
    effect = drivers.reminder
    assert (effect.with_reminder.no_shows, effect.with_reminder.appointments) == (10, 30)
    assert (effect.without_reminder.no_shows, effect.without_reminder.appointments) == (11, 50)
    # Raw odds ratio: (10 · 39) / (20 · 11).
    assert effect.raw.odds_ratio == pytest.approx(390 / 220)
    # Mantel–Haenszel over the two bands with both groups, Σ(a·d/n) / Σ(b·c/n):
    # 8–14 d: a=6 b=14 c=4 d=6 n=30; 31+ d: a=4 b=6 c=6 d=4 n=20.
    mh = (6 * 6 / 30 + 4 * 4 / 20) / (14 * 4 / 30 + 6 * 6 / 20)
    assert effect.stratified.odds_ratio == pytest.approx(mh)
    assert effect.stratified.odds_ratio < 1 < effect.raw.odds_ratio
    assert effect.stratified.low < effect.stratified.odds_ratio < effect.stratified.high
    assert "Mantel–Haenszel" in str(effect.stratified.method)
    # The 0 d band has no reminded appointment: 30 left out of the strata.
    assert effect.left_out_of_strata == 30
    assert [w.label for w, _ in effect.strata] == ["8–14 d", "31+ d"]
    assert effect.note is not None
    assert effect.modelled is not None
    assert effect.modelled.odds_ratio < 1
    assert "segment" in str(effect.modelled.method)


def test_json_shows_raw_and_adjusted(drivers: Any) -> None:
    data = drivers.to_dict()["reminder_effect"]
    assert data["raw"]["odds_ratio"] > 1
    assert data["adjusted_stratified"]["odds_ratio"] < 1
    assert data["adjusted_logistic"]["odds_ratio"] < 1


def test_without_any_reminder_there_is_no_effect_to_show(workspace: Workspace) -> None:
    insert_visits(workspace, [r for r in appointments() if not r["reminder_sent"]])
    assert no_show_drivers(workspace).reminder is None
