"""The signals page and the overview's strongest signals in a real headless Chromium, in
Finnish, on the generated desk of tests.signals.generate (seeded: FCR falling while the
slow tickets speed up, staff turnover rising). Screenshots go under tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.web.models import Role
from tests.metrics.conftest import Desk
from tests.signals.generate import desk_months, staffing_months
from tests.web.conftest import Site, make_site
from tests.web.test_browser import accessible, serving, shot, sign_in
from tests.web.test_browser import chromium as chromium
from tests.web.test_browser import page as page

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """Return the web app on the generated twelve months, served locally."""
    path = tmp_path / "desk.karsta"
    with karsta.open(path) as ws:
        desk_months(Desk(ws), fcr=(0.75, 0.45), slow_hours=(60.0, 5.0), seed=21)
        staffing_months(ws, [1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8])
    site = make_site(path, f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    with serving(site) as base:
        yield site, base


def test_the_signals_page_in_finnish(served: tuple[Site, str], page: Any) -> None:
    _site, base = served
    sign_in(page, base, "viewer")
    # The overview lists the strongest three and leads to every signal.
    page.goto(f"{base}/overview")
    assert page.locator("ol.strongest-signals li").count() == 3
    shot(page, "overview-signals-fi")
    page.locator('section a[href="/signals"]').click()
    page.wait_for_url(f"{base}/signals")
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.locator('header nav a[href="/signals"]').get_attribute("aria-current") == "page"
    rows = page.locator("table.signals tbody tr")
    assert rows.count() >= 3
    assert page.locator("li.pattern").count() == 6
    assert page.locator("li#pattern-pace_over_quality.present").count() == 1
    assert page.locator("li#pattern-turnover_with_quality.present").count() == 1
    assert page.locator("li#pattern-encounters_fine_whole_short.cannot_assess").count() == 1
    # The flagged series' control charts are drawn (the turnover's first).
    page.locator('div.vega[data-spec-id="signal-chart-1"] svg').wait_for()
    accessible(page)
    shot(page, "signals-fi")
    # A signal's evidence: the metric page of the month behind it.
    page.locator('table.signals a[href="/metrics/S2?period=month&at=2024-12"]').first.click()
    page.wait_for_url(f"{base}/metrics/S2?period=month&at=2024-12")
    assert page.locator("h1").is_visible()
