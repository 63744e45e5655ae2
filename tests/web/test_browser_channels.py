"""The channel pages in a real headless Chromium, in Finnish, on the real call month.

The call month (imported with the acd preset, Israel's time zone): both pages must
draw their charts, keep the form's choices, pass axe-core and leave screenshots
under tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from karsta.web.models import Role
from tests.web.conftest import Site, make_site
from tests.web.test_browser import accessible, serving, shot, sign_in
from tests.web.test_browser import chromium as chromium
from tests.web.test_browser import page as page
from tests.web.test_channels_pages import bank_file as bank_file

pytestmark = pytest.mark.browser


@pytest.fixture
def served(bank_file: Path, tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """Return the web app on the call month, served locally."""
    site = make_site(bank_file, f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    with serving(site) as base:
        yield site, base


def drawn(page: Any, chart: str) -> None:
    """Wait until the chart `chart` is drawn with marks."""
    page.locator(f'div.vega[data-spec-id="{chart}"] svg').wait_for(timeout=120_000)
    assert page.locator(f'div.vega[data-spec-id="{chart}"] svg .mark-symbol, '
                        f'div.vega[data-spec-id="{chart}"] svg .mark-rect, '
                        f'div.vega[data-spec-id="{chart}"] svg .mark-line').count() > 0  # fmt: skip


def test_the_channel_pages_in_finnish_draw_their_charts(
    served: tuple[Site, str], page: Any
) -> None:
    _site, base = served
    sign_in(page, base, "viewer")
    page.locator('header nav a[href="/channels"]').click()
    page.wait_for_url(f"{base}/channels")
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.locator('header nav a[href="/channels"]').get_attribute("aria-current") == "page"
    for chart in ("abandon-spec", "waits-spec", "mix-spec"):
        drawn(page, chart)
    assert page.locator("h1").inner_text() == "Kanavat"
    accessible(page)
    shot(page, "channels-fi")

    # The form as sent with another target: the page keeps it.
    page.locator("#target").fill("90/30")
    with page.expect_navigation():
        page.locator("form.process-form button[type=submit]").click()
    assert "target=90%2F30" in page.url
    drawn(page, "abandon-spec")
    assert page.locator("#target").input_value() == "90/30"

    # Staffing by interval, Erlang A, 15-minute intervals, shrinkage 30 %.
    page.locator('nav.subnav a[href="/channels/staffing"]').click()
    page.wait_for_url(f"{base}/channels/staffing")
    drawn(page, "staffing-spec")
    drawn(page, "compared-spec")
    accessible(page)
    shot(page, "channels-staffing-fi")
    page.locator("select#interval").select_option("15")
    page.locator("#shrinkage").fill("30")
    page.locator("select#model").select_option("erlang_a")
    with page.expect_navigation():
        page.locator("form.process-form button[type=submit]").click()
    assert "model=erlang_a" in page.url
    assert "interval=15" in page.url
    drawn(page, "staffing-spec")
    accessible(page)
    shot(page, "channels-staffing-erlang-a-fi")
