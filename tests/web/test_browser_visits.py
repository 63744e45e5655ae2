"""The visits pages in a real headless Chromium, in Finnish, on a generated office log.

Five generated weekdays (seed 1, two offices): the page must say the data is generated,
draw its charts, pass axe-core and leave screenshots under tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.visits.generate import GeneratorSettings, add_generated_visits, generate_office_log
from karsta.web.models import Role
from karsta.workspace import Workspace
from tests.visits.test_real_appointments import FILE, FILL
from tests.web.conftest import Site, make_site
from tests.web.test_browser import accessible, serving, shot, sign_in
from tests.web.test_browser import chromium as chromium
from tests.web.test_browser import page as page

pytestmark = pytest.mark.browser

SETTINGS = GeneratorSettings(days=5, offices=("Kamppi", "Itäkeskus"))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """Return the web app on a workspace holding a generated office log, served locally."""
    path = tmp_path / "office.karsta"
    with karsta.open(path) as ws:
        add_generated_visits(ws, generate_office_log(SETTINGS))  # type: ignore[arg-type]
    site = make_site(path, f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    with serving(site) as base:
        yield site, base


def test_the_visits_page_in_finnish_draws_its_charts(served: tuple[Site, str], page: Any) -> None:
    _site, base = served
    sign_in(page, base, "viewer")
    page.locator('header nav a[href="/visits"]').click()
    page.wait_for_url(f"{base}/visits")
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.locator('header nav a[href="/visits"]').get_attribute("aria-current") == "page"
    assert page.locator(".generated").is_visible()  # generated data, said at the top
    page.locator('div.vega[data-spec-id="spread-spec"] svg').wait_for()
    page.locator('div.vega[data-spec-id="noshow-spec"] svg').wait_for()
    assert page.locator('div.vega[data-spec-id="spread-spec"] svg .mark-rect path').count() > 0
    accessible(page)
    shot(page, "visits-fi")

    # The form as sent, every field left as it is (the office "all" is an empty field).
    with page.expect_navigation():
        page.locator("form.process-form button[type=submit]").click()
    assert "office=&" in page.url
    page.locator('div.vega[data-spec-id="spread-spec"] svg').wait_for()

    # One office: the form sends the filter, the page keeps it.
    page.locator("select#office").select_option("Kamppi")
    with page.expect_navigation():
        page.locator("form.process-form button[type=submit]").click()
    assert "office=Kamppi" in page.url
    page.locator('div.vega[data-spec-id="spread-spec"] svg').wait_for()

    # Two periods compared through the form (the generated log starts on 5 January 2026).
    page.goto(f"{base}/visits/compare")
    page.locator("#before").fill("2026-01-06")
    page.locator("#after").fill("2026-01-07")
    with page.expect_navigation():
        page.locator("form.process-form").first.locator("button[type=submit]").click()
    page.locator('div.vega[data-spec-id="compare-shares-spec"] svg').wait_for()
    accessible(page)
    shot(page, "visits-compare-periods-fi")

    # Two offices compared.
    page.goto(f"{base}/visits/compare?office_a=Kamppi&office_b=It%C3%A4keskus")
    page.locator('div.vega[data-spec-id="compare-shares-spec"] svg').wait_for()
    page.locator('div.vega[data-spec-id="compare-minutes-spec"] svg').wait_for()
    assert page.locator(".generated").is_visible()
    accessible(page)
    shot(page, "visits-compare-fi")


@pytest.fixture
def served_real(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """Return the web app on the real appointment file (dates without times of day)."""
    if not FILE.exists():
        pytest.skip("../shared/data is not beside the checkout")
    path = tmp_path / "noshow.karsta"
    ws = Workspace.open(path)
    try:
        ws.connection.execute(FILL, [str(FILE)])
    finally:
        ws.close()
    site = make_site(path, f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    with serving(site) as base:
        yield site, base


@pytest.mark.slow
def test_the_real_appointments_show_lead_times_and_the_reminder_adjusted(
    served_real: tuple[Site, str], page: Any
) -> None:
    _site, base = served_real
    sign_in(page, base, "viewer")
    page.goto(f"{base}/visits")
    page.locator('div.vega[data-spec-id="spread-spec"] svg').wait_for(timeout=120_000)
    page.locator('div.vega[data-spec-id="noshow-spec"] svg').wait_for()
    assert page.locator(".generated").count() == 0  # real data: no generated label
    accessible(page)
    shot(page, "visits-real-appointments-fi")
