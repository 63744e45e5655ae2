"""The scorecard, a metric page and explain in a real headless Chromium, as a manager reads them.

The two-group desk (tests.web.conftest.two_groups), I10 = reopened / resolved, target <= 30 %:
March 1 of 5 = 20 % (on target), February 1 of 2 = 50 %; by group in March A 1 of 2 = 50 %,
B 0 of 3 = 0 %. A2 (group A) was reopened once and resolved on 5 March 2024 at 12:00 UTC,
14.00 in Helsinki. Each step saves a screenshot under tests/artifacts/ and runs axe-core.
"""

from __future__ import annotations

from typing import Any

import pytest

from karsta.web.models import Role
from tests.web.conftest import Site
from tests.web.test_browser import (  # noqa: F401 - the browser fixtures
    NBSP,
    accessible,
    chromium,
    page,
    served,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_from_the_overview_to_a_metric_its_card_and_one_ticket(
    served: tuple[Site, str],  # noqa: F811
    page: Any,  # noqa: F811
) -> None:
    site, base = served
    site.add_user("liisa", Role.VIEWER)
    sign_in(page, base, "liisa")

    # The overview's card leads to the metric's page.
    page.get_by_role("link", name="Uudelleen avatut tukipyynnöt").first.click()
    page.wait_for_url(f"{base}/metrics/I10")
    assert "Uudelleen avatut tukipyynnöt" in page.get_by_role("heading", level=1).inner_text()
    figure = page.locator("#figure-heading + ul li.card").first.inner_text()
    assert f"20,0{NBSP}%" in figure  # March
    assert "tavoitteessa" in figure
    assert f"50,0{NBSP}%" in figure  # February
    assert f"-30,0{NBSP}%-yks." in figure
    assert page.get_by_role("heading", name="Mittarikortti").is_visible()
    page.locator("[data-spec-id=trend-spec] svg").wait_for()  # vega-embed drew the trend
    accessible(page)
    shot(page, "metric-i10-fi")

    # A breakdown by group swaps in place; group A's value leads to its tickets.
    page.get_by_label("Jaottelun peruste").select_option("group")
    page.locator("#breakdown table").wait_for()
    page.locator("#breakdown svg").first.wait_for()
    rows = page.locator("#breakdown tbody tr")
    assert rows.count() == 2
    assert f"0,0{NBSP}%" in rows.nth(0).inner_text()  # B: 0 of 3, most tickets first
    assert f"50,0{NBSP}%" in rows.nth(1).inner_text()  # A: 1 of 2
    accessible(page)
    shot(page, "metric-i10-by-group-fi")
    rows.nth(1).get_by_role("link").click()
    page.wait_for_url(f"{base}/metrics/I10?*value=A*")
    tickets = page.locator("#tickets tbody th a")
    assert tickets.all_inner_texts() == ["A2", "A3"]

    # Explain one ticket: the rule, its evidence in Helsinki's time.
    tickets.first.click()
    page.wait_for_url(f"{base}/metrics/I10/explain/A2*")
    explained = page.locator("main").inner_text()
    assert "laskettu: avattu uudelleen vähintään kerran" in explained
    assert "5.3.2024 14.00" in explained
    accessible(page)
    shot(page, "explain-i10-a2-fi")

    # In English the same page has English words and numbers; back in Finnish, Finnish ones.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert "counted: reopened at least once" in page.locator("main").inner_text()
    page.goto(f"{base}/metrics/I10")
    assert f"-30.0{NBSP}pp" in page.locator("#figure-heading + ul li.card").first.inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="suomi").click()
    assert f"-30,0{NBSP}%-yks." in page.locator("#figure-heading + ul li.card").first.inner_text()


def test_the_scorecard_in_finnish(served: tuple[Site, str], page: Any) -> None:  # noqa: F811
    site, base = served
    site.add_user("liisa", Role.VIEWER)
    sign_in(page, base, "liisa")
    page.get_by_role("link", name="Mittaristo", exact=True).click()
    page.wait_for_url(f"{base}/metrics")
    assert page.get_by_role("heading", level=1).inner_text() == "Mittaristo"
    row = page.locator("table.scorecard tr", has_text="I10").inner_text()
    assert f"20,0{NBSP}%" in row
    assert f"≤{NBSP}30,0{NBSP}%" in row
    assert f"-30,0{NBSP}%-yks." in row
    accessible(page)
    shot(page, "scorecard-fi")
    # Another period kind from the form: weeks, and March's week 10 is the latest.
    page.get_by_label("Luvut jaksoittain").select_option("week")
    page.locator("form:has(#period-kind)").get_by_role("button").click()
    page.wait_for_url(f"{base}/metrics?*period=week*")
    assert "viikko 10/2024" in page.locator("main").inner_text()
    accessible(page)


def test_a_group_limited_user_explains_only_their_groups_tickets(
    served: tuple[Site, str],  # noqa: F811
    page: Any,  # noqa: F811
) -> None:
    site, base = served
    site.add_user("ryhma_b", Role.VIEWER, groups=["B"])
    sign_in(page, base, "ryhma_b")
    page.goto(f"{base}/metrics/I10")
    # Group B's March: 0 of 3 reopened; its tickets only.
    assert f"0,0{NBSP}%" in page.locator("#figure-heading + ul li.card").first.inner_text()
    assert page.locator("#tickets tbody th a").all_inner_texts() == ["B2", "B3", "B4"]
    response = page.goto(f"{base}/metrics/I10/explain/A2")
    assert response is not None
    assert response.status == 404
    accessible(page)
    shot(page, "explain-other-group-fi")
