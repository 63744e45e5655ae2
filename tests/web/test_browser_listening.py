"""The feedback pages in a real headless Chromium, in Finnish, on tests/web/listening_data.py.

The pages must draw their charts (the scores with their interval bands, a theme's months,
the response rate by days since the previous survey), keep a figure from too few
answers off the line, pass axe-core and leave screenshots under tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.web.models import Role
from tests.metrics.conftest import Desk
from tests.web.conftest import Site, make_site, two_groups
from tests.web.listening_data import PLANTED_EMAIL, PLANTED_HETU, add_listening_data
from tests.web.test_browser import accessible, serving, shot, sign_in
from tests.web.test_browser import chromium as chromium
from tests.web.test_browser import page as page

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """Return the web app on a desk holding the survey answers, served locally."""
    path = tmp_path / "desk.karsta"
    with karsta.open(path) as ws:
        two_groups(Desk(ws))  # type: ignore[arg-type]
    add_listening_data(path)
    site = make_site(path, f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    site.add_user("viewer_a", Role.VIEWER, groups=["A"])
    with serving(site) as base:
        yield site, base


def test_the_feedback_pages_in_finnish_draw_their_charts(
    served: tuple[Site, str], page: Any
) -> None:
    _site, base = served
    sign_in(page, base, "viewer")
    page.locator('header nav a[href="/listening"]').click()
    page.wait_for_url(f"{base}/listening")
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.locator('header nav a[href="/listening"]').get_attribute("aria-current") == "page"
    nps = page.locator("section", has=page.locator("h2", has_text="NPS")).first
    nps.locator("div.vega svg").wait_for()
    # The band and the line are drawn; March's figure (10 answers) is a point of its own.
    assert nps.locator("svg .mark-area path").count() >= 1
    assert nps.locator("svg .mark-line path").count() == 2  # January–February, April–May
    assert nps.locator("svg .mark-symbol path").count() >= 5
    assert nps.locator("tr.too-few").count() == 1
    assert "liian vähän vastauksia" in nps.inner_text()
    page.locator('div.vega[data-spec-id="score-staff-1-spec"] svg').wait_for()
    assert "Henkilöstön vaihtuvuus" in page.content()
    accessible(page)
    shot(page, "listening-fi")

    # A quarter at a time, through the form.
    page.locator("select#period").select_option("quarter")
    with page.expect_navigation():
        page.locator("form.process-form button[type=submit]").click()
    assert "period=quarter" in page.url
    nps = page.locator("section", has=page.locator("h2", has_text="NPS")).first
    nps.locator("div.vega svg").wait_for()

    # By channel: a line and band per channel, each tested against the other answers.
    page.locator("select#by").select_option("channel")
    with page.expect_navigation():
        page.locator("form.process-form button[type=submit]").click()
    assert "by=channel" in page.url
    nps = page.locator("section", has=page.locator("h2", has_text="NPS")).first
    nps.locator("div.vega svg").wait_for()
    assert "ero muihin vastauksiin" in nps.inner_text()
    shot(page, "listening-by-channel-fi")

    # The themes of the Finnish answers: words, a month chart each, redacted examples.
    page.locator('nav.subnav a[href="/listening/themes"]').click()
    page.wait_for_url(f"{base}/listening/themes")
    page.locator("article.theme div.vega svg").first.wait_for(timeout=60_000)
    assert page.locator("article.theme").count() >= 2
    assert page.locator("article.theme blockquote").count() >= 2
    text = page.content()
    assert PLANTED_HETU not in text
    assert PLANTED_EMAIL not in text
    page.locator("select#language").select_option("sv")
    with page.expect_navigation():
        page.locator("form.process-form button[type=submit]").click()
    assert "language=sv" in page.url
    assert page.locator("article.theme").count() == 0  # five Swedish answers: too few
    page.goto(f"{base}/listening/themes?language=fi")
    page.locator("article.theme div.vega svg").first.wait_for()
    accessible(page)
    shot(page, "listening-themes-fi")

    # Survey fatigue: the response rate by days since the previous survey.
    page.locator('nav.subnav a[href="/listening/quiet-period"]').click()
    page.wait_for_url(f"{base}/listening/quiet-period")
    page.locator('div.vega[data-spec-id="quiet-spec"] svg .mark-rect path').first.wait_for()
    accessible(page)
    shot(page, "listening-quiet-fi")


def test_a_limited_viewer_is_told_the_feedback_is_not_for_them(
    served: tuple[Site, str], page: Any
) -> None:
    _site, base = served
    sign_in(page, base, "viewer_a")
    page.goto(f"{base}/listening")
    assert page.locator(".message.notice").is_visible()
    assert page.locator("div.vega").count() == 0
    accessible(page)
