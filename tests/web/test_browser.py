"""The web app in a real headless Chromium (Debian's), driven by Playwright.

Each test saves a screenshot of the pages it visits under tests/artifacts/, and axe-core
(injected into every page) must find no serious or critical accessibility violation.
Skipped where chromium is missing, failing in CI.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from karsta.web.models import Role
from tests.web.conftest import PASSWORD, Site, make_site

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
NBSP = "\u00a0"


def _need_chromium() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("the browser tests need Debian's chromium and playwright in CI")
        pytest.skip("Debian's chromium (/usr/bin/chromium) or playwright is missing")
    return sync_playwright


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Return Debian's chromium, started headless by Playwright."""
    sync_playwright = _need_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(site: Site) -> Iterator[str]:
    """Yield the base URL of `site` served by uvicorn on a free local port, stopped after."""
    import uvicorn

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
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        site.state.engine.dispose()


@pytest.fixture
def served(desk_file: Path, tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """Return the web app on the two-group desk, served by uvicorn on a free local port."""
    site = make_site(desk_file, f"sqlite:///{tmp_path / 'app.sqlite'}")
    with serving(site) as base:
        yield site, base


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """Return a new browser tab in Finnish (Finland), CSP bypassed only to inject axe-core."""
    context = chromium.new_context(
        locale="fi-FI", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    tab = context.new_page()
    yield tab
    context.close()


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot as tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def accessible(page: Any) -> None:
    """Run axe-core on the page; fail on any serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{page.url}: {serious}"


def sign_in(page: Any, base: str, username: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/login")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(f"{base}/overview")


def test_the_first_visit_creates_the_admin(served: tuple[Site, str], page: Any) -> None:
    _site, base = served
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/setup")
    assert page.get_by_role("heading", level=1).inner_text() == "Luo ensimmäinen pääkäyttäjä"
    accessible(page)
    shot(page, "setup-fi")
    page.get_by_label("Käyttäjätunnus").fill("pääkäyttäjä")
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.get_by_label("Salasana uudelleen").fill(PASSWORD)
    page.get_by_role("button", name="Luo ja kirjaudu sisään").click()
    page.wait_for_url(f"{base}/overview")
    assert page.get_by_role("link", name="Käyttäjät").is_visible()  # the first user is an admin


def test_the_overview_in_finnish_then_swedish_then_signed_out(
    served: tuple[Site, str], page: Any
) -> None:
    site, base = served
    site.add_user("liisa", Role.VIEWER)
    page.goto(f"{base}/overview")
    page.wait_for_url(f"{base}/login")
    accessible(page)
    shot(page, "login-fi")
    sign_in(page, base, "liisa")
    assert page.get_by_role("heading", level=1).inner_text() == "Yleiskuva"
    # I10 in March: 1 of 5 resolved tickets reopened = 20 %, against a target of <= 30 %.
    card = page.locator("li.card", has_text="Uudelleen avatut")
    assert f"20,0{NBSP}%" in card.inner_text()
    assert "tavoitteessa" in card.inner_text()
    page.locator("#trend svg").first.wait_for()  # vega-embed drew the chart
    accessible(page)
    shot(page, "overview-fi")

    with page.expect_navigation(url=f"{base}/overview"):
        page.get_by_role("button", name="svenska").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Översikt"
    assert f"20,0{NBSP}%" in page.locator("li.card", has_text="Återöppnade").inner_text()
    shot(page, "overview-sv")

    with page.expect_navigation(url=f"{base}/overview"):
        page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Overview"
    assert "20.0%" in page.locator("li.card", has_text="Reopened").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/login")
    page.goto(f"{base}/overview")
    page.wait_for_url(f"{base}/login")  # the session is gone


def test_the_trend_switches_metric_in_place(served: tuple[Site, str], page: Any) -> None:
    site, base = served
    site.add_user("liisa", Role.VIEWER)
    sign_in(page, base, "liisa")
    chosen = page.get_by_label("Mittari")
    first = chosen.input_value()
    other = next(
        v for v in chosen.locator("option").evaluate_all("os => os.map(o => o.value)") if v != first
    )
    chosen.select_option(other)
    page.wait_for_function(
        "id => document.querySelector('#trend-metric').value === id && "
        "document.querySelector('#trend svg') !== null",
        arg=other,
    )
    assert page.url == f"{base}/overview"  # swapped by HTMX, no page load
    page.get_by_text("Luvut taulukkona").click()
    assert page.locator("#trend table tbody tr").count() == 2  # February and March
    shot(page, "overview-trend-table-fi")


def test_the_admin_adds_a_user_with_a_group_limit(served: tuple[Site, str], page: Any) -> None:
    site, base = served
    site.add_user("admin", Role.ADMIN)
    sign_in(page, base, "admin")
    page.get_by_role("link", name="Käyttäjät").click()
    page.wait_for_url(f"{base}/admin/users")
    accessible(page)
    page.get_by_label("Käyttäjätunnus").fill("ryhma_a")
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_label("Rooli", exact=True).select_option("viewer")
    page.get_by_label("Ryhmät", exact=True).fill("A")
    with page.expect_navigation(url=f"{base}/admin/users"):
        page.get_by_role("button", name="Lisää", exact=True).click()
    assert page.get_by_label("Käyttäjän ryhma_a ryhmät").input_value() == "A"
    shot(page, "users-fi")
    page.get_by_role("button", name="Kirjaudu ulos").click()
    sign_in(page, base, "ryhma_a")
    notice = page.locator(".notice").inner_text()
    assert "ryhmien A tukipyynnöt" in notice
    # Group A's March I10: 1 of 2 reopened = 50 %, off the <= 30 % target.
    assert f"50,0{NBSP}%" in page.locator("li.card", has_text="Uudelleen avatut").inner_text()
    accessible(page)
    shot(page, "overview-group-a-fi")


def test_the_reports_page_downloads_the_monthly_report_and_the_overview(
    served: tuple[Site, str], page: Any, tmp_path: Path
) -> None:
    site, base = served
    site.add_user("liisa", Role.VIEWER)
    sign_in(page, base, "liisa")
    page.get_by_role("link", name="Raportit").click()
    page.wait_for_url(f"{base}/reports")
    assert page.get_by_role("heading", level=1).inner_text() == "Raportit"
    assert page.get_by_label("Kuukausi", exact=True).input_value() == "2024-03"
    accessible(page)
    shot(page, "reports-fi")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Lataa PDF").click()
    assert pdf.value.suggested_filename == "kuukausiraportti-2024-03.pdf"
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as html:
        page.locator("#overview-heading ~ form").get_by_role("button", name="Lataa HTML").click()
    saved = tmp_path / html.value.suggested_filename
    html.value.save_as(saved)
    # The e-mailed overview opened on its own, with no server behind it.
    page.goto(saved.as_uri())
    assert page.get_by_role("heading", level=1).inner_text() == "Yhteenveto: maaliskuu 2024"
    assert f"20,0{NBSP}%" in page.locator("li.tile", has_text="Uudelleen avatut").inner_text()
    accessible(page)
    shot(page, "report-overview-fi")
