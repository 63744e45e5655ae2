"""The improvement loop's pages in real headless Chromium, in Finnish, checked by axe-core.

Screenshots go to tests/artifacts/improve-*.png; the Gemba page is also taken on a
phone-sized screen, where one tap starts and stops a step.
"""

from __future__ import annotations

from typing import Any

import pytest

from karsta.web.models import Role
from tests.web.conftest import Site
from tests.web.test_browser import accessible, chromium, served, shot, sign_in

pytestmark = pytest.mark.browser
__all__ = ["chromium", "served"]  # fixtures of the browser tests, used here too
NBSP = "\u00a0"


@pytest.fixture
def tab(chromium: Any) -> Any:
    """Return a new browser tab in Finnish on a desktop screen."""
    context = chromium.new_context(
        locale="fi-FI", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(chromium: Any) -> Any:
    """Return a new browser tab in Finnish on a small phone screen (touch)."""
    context = chromium.new_context(
        locale="fi-FI",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    yield context.new_page()
    context.close()


def test_a_workshop_marks_wastes_and_ranks_them(served: tuple[Site, str], tab: Any) -> None:
    site, base = served
    site.add_user("analyytikko", Role.ANALYST)
    sign_in(tab, base, "analyytikko")
    tab.get_by_role("link", name="Kehittäminen").click()
    tab.wait_for_url(f"{base}/improve")
    assert tab.get_by_role("heading", level=1).inner_text() == (
        "Kuinka paljon aikaa voidaan säästää vuodessa?"
    )
    # the method's example: 5 a week × 30 min × 52 weeks = 7 800 min = 130 h
    saved = tab.locator(".savings").inner_text()
    assert f"7{NBSP}800" in saved
    assert "130,0" in saved
    accessible(tab)
    shot(tab, "improve-savings-fi")

    tab.get_by_role("navigation", name="Kehittäminen").get_by_role(
        "link", name="Hukkatyöpajat"
    ).click()
    tab.get_by_role("textbox", name="Tiimi", exact=True).fill("Palvelupiste")
    tab.get_by_label("Päivä").fill("2024-04-02")
    tab.get_by_role("button", name="Aloita").click()
    tab.wait_for_url(f"{base}/improve/workshops/1")
    item = tab.locator("li.check", has_text="odotus").first
    item.locator("summary").click()
    item.get_by_label("kyllä").check()
    item.get_by_label("Perustelu").fill("Asiakas odottaa jonossa")
    item.get_by_label("Kuinka monta kertaa").fill("5")
    item.get_by_label("Minuuttia kerralla").fill("30")
    with tab.expect_navigation():
        item.get_by_role("button", name="Tallenna").click()
    ranking = tab.locator("section", has_text="Relevantit hukat").locator("table")
    # 5 a week × 30 min × 1 person × 52 weeks = 130 h a year; 130 h / 7,5 h = 17,3 days
    assert "130" in ranking.inner_text()
    assert "17,3" in ranking.inner_text()
    accessible(tab)
    shot(tab, "improve-workshop-fi")

    tab.goto(f"{base}/improve/ideas")
    tab.get_by_label("Idea", exact=True).fill("Yksi yhteinen jono")
    tab.locator("#idea-impact").select_option("3")
    tab.locator("#idea-effort").select_option("1")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Lisää", exact=True).click()
    assert "Yksi yhteinen jono" in tab.locator("td.cell.i3.e1").inner_text()
    assert "nopea voitto" in tab.locator("td.cell.i3.e1").inner_text()
    accessible(tab)
    shot(tab, "improve-ideas-fi")


def test_gemba_on_a_phone_one_tap_starts_and_stops_a_step(
    served: tuple[Site, str], phone: Any
) -> None:
    site, base = served
    site.add_user("havainnoija", Role.ANALYST)
    sign_in(phone, base, "havainnoija")
    phone.goto(f"{base}/improve/gemba")
    phone.get_by_label("Havainnointi", exact=True).fill("Puhelinpalvelu aamulla")
    phone.get_by_label("Ajastettavat vaiheet").fill("Soitto, Odotus, Kirjaus")
    phone.get_by_label("Havainnoija", exact=True).fill("Liisa")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Suunnittele").click()
    start = phone.get_by_role("button", name="▶ Soitto")
    box = start.bounding_box()
    assert box["width"] >= 44
    assert box["height"] >= 44
    with phone.expect_navigation():
        start.tap()
    assert phone.locator(".running[role=status]").inner_text() == "Käynnissä: Soitto"
    phone.get_by_label("odotus").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="▶ Odotus").tap()  # stops Soitto, starts Odotus
    with phone.expect_navigation():
        phone.get_by_role("button", name="■ Pysäytä: Odotus").tap()
    assert phone.locator(".running[role=status]").inner_text() == "Mitään ei ajasteta."
    summary = phone.locator("section", has_text="Yhteenveto lokin rinnalla")
    assert summary.locator("tbody tr").count() == 2
    # the page fits the phone's width: nothing to scroll sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    accessible(phone)
    shot(phone, "improve-gemba-phone-fi")


def test_an_a3_sheet_is_written_and_downloaded(
    served: tuple[Site, str], tab: Any, tmp_path: Any
) -> None:
    site, base = served
    site.add_user("analyytikko", Role.ANALYST)
    site.add_user("katsoja", Role.VIEWER)
    sign_in(tab, base, "analyytikko")
    tab.goto(f"{base}/improve/a3")
    tab.get_by_role("textbox", name="Ongelma", exact=True).fill(
        "Asiakkaan pompottelu ryhmien välillä"
    )
    tab.get_by_role("textbox", name="Tiimi", exact=True).fill("Tuki")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Aloita").click()
    tab.get_by_role("textbox", name="Taustaa", exact=True).fill(
        "Asiakkaat ohjataan ryhmästä toiseen."
    )
    tab.get_by_role("textbox", name="Tavoite", exact=True).fill(
        "Alle 5 % tukipyynnöistä vaihtaa ryhmää kahdesti."
    )
    tab.get_by_role("textbox", name="Viisi miksi-kysymystä", exact=True).fill(
        "Väärä ryhmä\nOhje puuttuu"
    )
    tab.get_by_label("menetelmät ja prosessi").fill("Ohjaussäännöt puuttuvat")
    tab.get_by_label("Vaihe", exact=True).select_option("5")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Tallenna arkki").click()
    tab.get_by_role("textbox", name="Kuka", exact=True).fill("Matti")
    tab.get_by_role("textbox", name="Mitä", exact=True).fill("Ohjaussäännöt ohjeeseen")
    tab.get_by_role("textbox", name="Koska", exact=True).fill("2024-05-01")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Lisää toimenpide").click()
    assert "Ohjaussäännöt ohjeeseen" in tab.locator("#actions").inner_text()
    assert "Vaihe 5/9" in tab.locator(".lead").inner_text()
    accessible(tab)
    shot(tab, "improve-a3-fi")
    with tab.expect_download() as download:
        tab.get_by_role("link", name="Lataa PDF:nä (A3, vaaka)").click()
    saved = tmp_path / "a3.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    tab.get_by_role("button", name="Kirjaudu ulos").click()
    sign_in(tab, base, "katsoja")
    tab.goto(f"{base}/improve/a3/1")
    assert tab.locator("textarea").count() == 0  # a viewer reads the sheet
    assert "Ohjaussäännöt puuttuvat" in tab.locator("main").inner_text()
    accessible(tab)
    shot(tab, "improve-a3-viewer-fi")


def test_the_pdca_board_shows_the_effect_and_its_control_chart(
    served: tuple[Site, str], tab: Any
) -> None:
    site, base = served
    site.add_user("analyytikko", Role.ANALYST)
    sign_in(tab, base, "analyytikko")
    tab.goto(f"{base}/improve/pdca")
    tab.get_by_label("Muutos", exact=True).fill("Ratkaisun tarkistus ennen sulkemista")
    tab.get_by_label("Muutospäivä").fill("2024-03-01")
    tab.get_by_label("Mittari").select_option("I10")
    tab.get_by_label("Tavoite (valinnainen)").fill("<= 30 %")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Seuraa").click()
    effect = tab.locator(".effect").first
    # I10 before the change (February) 1 of 2 = 50 %, after it (March) 1 of 5 = 20 %
    text = effect.inner_text()
    assert f"50,0{NBSP}%" in text
    assert f"20,0{NBSP}%" in text
    assert "-30,0 %-yks." in text  # the difference in percentage points
    tab.locator(".effect svg").first.wait_for()  # vega-embed drew the control chart
    accessible(tab)
    shot(tab, "improve-pdca-fi")
