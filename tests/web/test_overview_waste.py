"""The overview's waste a year, bottlenecks and top findings on the hand-checked process log.

The log (tests.process.fixtures): tickets A and B, both opened on Monday 1 January 2024 and
resolved by G1, so the observed period is that day and a year is 365.25 times the hours seen.
With the default assumptions (45 €/h, 1 600 h a person-year, 10 min a hand-off, 15 min a
repeat, 30 min a reopen, 5 min a corrected category):
  staff time:  hand-offs 2 x 10 min = 1/3 h, rework 3 x 15 min = 3/4 h, reopen 1/2 h,
               category 5 min = 1/12 h -> 5/3 h (ping-pong and the returned escalation are
               hand-offs already counted); top three by hours: rework, reopen, then the three
               1/3 h findings in the order of their kind: "escalation returned".
  customer:    Awaiting User Info 4 h (A, 3-7 h), queue in New 1 h + 2 h = 3 h -> 7 h.
  bottlenecks: Active -> Resolved 7 h, New -> Active 3 h, Active -> Awaiting User Info 2 h.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.web.models import Role
from tests.process.fixtures import CATEGORIES, EVENTS
from tests.process.logs import load
from tests.web.conftest import Site, make_site

PER_YEAR = 365.25


@pytest.fixture
def process_site(tmp_path: Path) -> Iterator[Site]:
    """Return the web app on the hand-checked process log, with a viewer and a G2-only one."""
    path = tmp_path / "hand.karsta"
    with karsta.open(path) as ws:
        load(ws, EVENTS, CATEGORIES)
    built = make_site(path, f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("viewer", Role.VIEWER)
    built.add_user("viewer_g2", Role.VIEWER, groups=["G2"])
    yield built
    built.state.engine.dispose()


def waste(site: Site, username: str) -> dict[str, Any]:
    """Return the waste part of the overview's twin as `username` sees it."""
    response = site.signed_in(username).get("/overview.json")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["waste"]
    return found


def test_the_waste_a_year_in_staff_hours_person_years_euros_and_customer_hours(
    process_site: Site,
) -> None:
    totals = waste(process_site, "viewer")["totals"]
    staff = 5 / 3 * PER_YEAR
    assert totals["staff_hours_per_year"] == pytest.approx(staff)
    assert totals["staff_person_years"] == pytest.approx(staff / 1600)
    assert totals["staff_euros_per_year"] == pytest.approx(staff * 45)
    assert totals["customer_waiting_hours_per_year"] == pytest.approx(7 * PER_YEAR)
    assert totals["customer_waiting_euros_per_year"] is None  # no price for a waiting hour
    assert (totals["staff_partial"], totals["customer_waiting_partial"]) == (False, False)


def test_the_three_bottlenecks_and_the_top_findings_lead_to_their_evidence(
    process_site: Site,
) -> None:
    found = waste(process_site, "viewer")
    bottlenecks = [(b["title"], b["hours_per_year"], b["link"]) for b in found["bottlenecks"]]
    assert bottlenecks == [
        ("Bottleneck: Active → Resolved", pytest.approx(7 * PER_YEAR), "/process/map"),
        ("Bottleneck: New → Active", pytest.approx(3 * PER_YEAR), "/process/map"),
        ("Bottleneck: Active → Awaiting User Info", pytest.approx(2 * PER_YEAR), "/process/map"),
    ]
    staff = [(f["kind"], f["hours_per_year"], f["link"]) for f in found["staff_time"]]
    assert staff == [
        ("rework", pytest.approx(0.75 * PER_YEAR), "/process/waste"),
        ("reopen", pytest.approx(0.5 * PER_YEAR), "/process/waste"),
        ("escalation returned", pytest.approx(PER_YEAR / 3), "/process/waste"),
    ]
    customer = [(f["hours_kind"], f["hours_per_year"]) for f in found["customer_time"]]
    assert customer == [
        ("customer time", pytest.approx(4 * PER_YEAR)),
        ("customer time", pytest.approx(3 * PER_YEAR)),
    ]
    assert found["not_computed"] == []


def test_the_overview_page_shows_the_waste_in_finnish(process_site: Site) -> None:
    html = process_site.signed_in("viewer").get("/overview", headers={"accept-language": "fi"})
    text = html.text
    # 5/3 h x 365.25 = 608.75 h; / 1 600 = 0.38 person-years; x 45 = 27 393.75 €.
    assert "608,8\N{NO-BREAK SPACE}h" in text
    assert "0,38 htv" in text
    assert "Pullonkaula: Active → Resolved" in text
    assert 'href="/process/map"' in text
    assert 'href="/process/waste"' in text
    # One month only: no trend to draw, and the page says so instead of failing.
    assert "Yhdelläkään luvulla ei vielä ole arvoja useammalta kuin yhdeltä" in text


def test_a_user_limited_to_a_group_without_tickets_sees_no_waste(process_site: Site) -> None:
    # Both tickets were resolved by G1: a G2 user's overview counts none of their waste.
    data = process_site.signed_in("viewer_g2").get("/overview.json").json()
    assert (data["has_data"], data["waste"]) == (False, None)
    page = process_site.signed_in("viewer_g2").get("/overview", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "Active → Resolved" not in page.text
    assert "None of the tickets you may see has figures yet." in page.text
    assert "Import an export first" not in page.text  # the workspace has figures: not theirs
