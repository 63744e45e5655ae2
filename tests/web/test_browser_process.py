"""The process pages in a real headless Chromium: open the map, filter it, visit every page.

Runs on the three-ticket desk of tests/web/process_site.py (hand computation there). Each
page gets axe-core and a screenshot under tests/artifacts/, as in tests/web/test_browser.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Site
from tests.web.process_site import process_site
from tests.web.test_browser import _free_port, accessible, shot, sign_in
from tests.web.test_browser import chromium as chromium
from tests.web.test_browser import page as page

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """Return the web app on the three-ticket desk, served by uvicorn on a free local port."""
    import uvicorn

    site = process_site(tmp_path)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield site, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        site.state.engine.dispose()


def arrow_rows(page: Any) -> list[list[str]]:
    """Return the arrows table's rows: from, to, times."""
    rows = page.locator("#process-map details.map-table").first.locator("tbody tr")
    return [
        [c.strip() for c in cells[:3]]
        for cells in rows.evaluate_all("rs => rs.map(r => [...r.cells].map(c => c.innerText))")
    ]


def test_open_the_process_map_and_filter_it(
    served: tuple[Site, str],
    page: Any,
) -> None:
    _site, base = served
    sign_in(page, base, "viewer")
    page.get_by_role("link", name="Prosessi", exact=True).click()
    page.wait_for_url(f"{base}/process/map")
    assert page.get_by_role("heading", level=1).inner_text() == "Prosessikartta"
    page.locator("#process-map svg.process-svg").wait_for()
    # The whole desk (process_site.py): New → Active by A, B and C; B waits for the user once.
    page.get_by_text("Nuolet taulukkona").click()
    assert sorted(arrow_rows(page)) == sorted(
        [
            ["New", "Active", "3"],
            ["Active", "Resolved", "3"],
            ["Resolved", "Closed", "3"],
            ["Active", "Awaiting User Info", "1"],
            ["Awaiting User Info", "Active", "1"],
        ]
    )
    accessible(page)
    shot(page, "process-map-fi")

    # Filter to the tickets G1 resolved (A only): HTMX swaps the map in place.
    page.get_by_text("Rajaa tukipyyntöjä").click()
    page.get_by_label("Ratkaissut ryhmä").select_option("G1")
    page.wait_for_function(
        "() => document.querySelectorAll('#process-map details.map-table')[0]"
        ".querySelectorAll('tbody tr').length === 3"
    )
    assert "group=G1" in page.url  # the filtered map has its own address
    page.locator("#process-map details.map-table").first.locator("summary").click()
    assert sorted(arrow_rows(page)) == sorted(
        [["New", "Active", "1"], ["Active", "Resolved", "1"], ["Resolved", "Closed", "1"]]
    )
    accessible(page)
    shot(page, "process-map-filtered-fi")

    # Zoom by keyboard: the button changes the picture's transform.
    viewport = page.locator("#process-map svg.process-svg g.svg-pan-zoom_viewport")
    before = viewport.get_attribute("transform")
    page.get_by_role("button", name="Lähennä").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "t => document.querySelector('#process-map g.svg-pan-zoom_viewport')"
        ".getAttribute('transform') !== t",
        arg=before,
    )

    # By stage, then open the work stage into its steps.
    page.get_by_label("Työvaiheet ovat").select_option("stage")
    page.locator("#map-heading", has_text="Prosessikartta: vaihe").wait_for()
    page.locator("#process-map svg.process-svg").wait_for()
    assert page.get_by_label("Yhdistä toistuvat työvaiheet").is_checked()  # the stage default
    assert "collapse=true" in page.url
    current = page.locator(".subnav a[aria-current=page]")
    assert current.inner_text() == "Prosessi vaiheittain"
    accessible(page)
    shot(page, "process-map-stages-fi")

    # A stage opens into its steps, the group filter kept: G1's ticket A was Active once.
    with page.expect_navigation():
        page.get_by_role("link", name="Avaa käsittely").click()
    assert "stage=work" in page.url
    assert "group=G1" in page.url
    heading = page.get_by_role("heading", level=2).first.inner_text()
    assert heading == "Prosessikartta: vaihe – vaiheen käsittely työvaiheet"
    page.locator("#process-map svg.process-svg").wait_for()
    accessible(page)
    shot(page, "process-map-stage-open-fi")


PAGES = (
    ("/process/landscape", "process-landscape-fi"),
    ("/process/stages", "process-stages-fi"),
    ("/process/variants", "process-variants-fi"),
    ("/process/handoffs", "process-handoffs-fi"),
    ("/process/rework", "process-rework-fi"),
    ("/process/waiting", "process-waiting-fi"),
    ("/process/waste", "process-waste-fi"),
)


def test_every_process_page_reads_well_in_finnish(
    served: tuple[Site, str],
    page: Any,
) -> None:
    _site, base = served
    sign_in(page, base, "analyst")  # the analyst also sees the stages form
    for path, name in PAGES:
        page.goto(f"{base}{path}")
        assert page.locator("html").get_attribute("lang") == "fi"
        if page.locator("div.vega").count():
            page.locator("div.vega svg").first.wait_for()  # vega-embed drew the chart
        accessible(page)
        shot(page, name)
    # The waste page's form as sent: its customer-waiting price left empty (not priced).
    page.goto(f"{base}/process/waste")
    with page.expect_navigation():
        page.get_by_role("button", name="Näytä").click()
    assert "waiting_hourly_cost=&" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Hukka"
