"""The data pages and the settings page in a real headless Chromium, in Finnish.

Like `test_browser`: every page visited is checked by axe-core and saved as a
screenshot under tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from karsta.metrics.config import load_config
from karsta.web import WebConfig, create_app
from karsta.web.models import Role
from tests.web import test_browser
from tests.web.conftest import Site, make_site
from tests.web.test_browser import NBSP, accessible, serving, shot, sign_in

pytestmark = pytest.mark.browser

# The browser, its tab in Finnish and the served two-group desk, as `test_browser` has them.
chromium = test_browser.chromium
page = test_browser.page
served = test_browser.served

# An export no preset knows (Finnish names, ';' between values, day.month.year times).
# Lines 2-8 are two tickets' seven events; line 9 has no ticket id, so it is rejected.
# Accounting by hand: 8 rows read = 7 loaded + 1 rejected; 7 new events; tickets T1 and
# T2 created.
EXPORT = (
    "Tiketti;Tila;Aikaleima;Käsittelijä;Ryhmä\n"
    "T1;Uusi;1.2.2024 8.05;Aino;Palvelupiste\n"
    "T1;Työn alla;1.2.2024 9.00;Aino;Palvelupiste\n"
    "T1;Ratkaistu;1.2.2024 10.30;Aino;Palvelupiste\n"
    "T2;Uusi;2.2.2024 8.00;Eero;Verkko\n"
    "T2;Odottaa asiakasta;2.2.2024 9.00;Eero;Verkko\n"
    "T2;Ratkaistu;2.2.2024 12.00;Eero;Verkko\n"
    "T2;Suljettu;3.2.2024 12.00;Eero;Verkko\n"
    ";Uusi;4.2.2024 8.00;Aino;Palvelupiste\n"
)

DROP = """([name, text]) => {
  const files = new DataTransfer();
  files.items.add(new File([text], name, {type: "text/csv"}));
  const zone = document.getElementById("drop-zone");
  const init = {dataTransfer: files, bubbles: true, cancelable: true};
  zone.dispatchEvent(new DragEvent("dragover", init));
  zone.dispatchEvent(new DragEvent("drop", init));
}"""


@pytest.fixture
def served_empty(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """Return the web app on a workspace nothing has been imported into yet, served locally."""
    site = make_site(tmp_path / "uusi.karsta", f"sqlite:///{tmp_path / 'app.sqlite'}")
    with serving(site) as base:
        yield site, base


def accounting_row(page: Any, label: str) -> str:
    """Return the value beside `label` in the row accounting table."""
    row = page.locator("table.accounting tr", has=page.get_by_role("rowheader", name=label))
    return str(row.locator("td").inner_text()).strip()


def test_an_export_dropped_on_the_page_goes_through_the_wizard_to_its_accounting(
    served_empty: tuple[Site, str], page: Any
) -> None:
    site, base = served_empty
    site.add_user("analyytikko", Role.ANALYST)
    sign_in(page, base, "analyytikko")
    page.get_by_role("link", name="Tiedot").click()
    page.wait_for_url(f"{base}/data/upload")
    assert page.get_by_role("heading", level=1).inner_text() == "Lataa tietoja"
    accessible(page)
    shot(page, "data-upload-fi")

    with page.expect_navigation(url=f"{base}/data/uploads/**"):
        page.evaluate(DROP, ["palvelupiste.csv", EXPORT])
    assert page.get_by_role("heading", level=1).inner_text() == "Esikatselu: palvelupiste.csv"
    assert "Mikään valmis kuvaus ei löydä" in page.locator(".message.notice").inner_text()
    accessible(page)
    shot(page, "data-preview-fi")

    page.get_by_role("link", name="Tee kuvaus avustajalla").click()
    page.wait_for_url(f"{base}/data/uploads/*/mapping")
    # Proposed from the header and the values: the three required columns, ';', the format.
    assert page.get_by_label("Tukipyynnön tunnus").input_value() == "Tiketti"
    assert page.get_by_label("Työvaihe tai tila").input_value() == "Tila"
    assert page.get_by_label("Tapahtuman aika").input_value() == "Aikaleima"
    assert page.locator("#detected-delimiter").inner_text() == "tunnistettu: ;"
    assert page.locator("#detected-timestamp").inner_text() == "tunnistettu: %d.%m.%Y %H.%M"
    assert page.get_by_label("Tilan Ratkaistu luokka").input_value() == "resolved"
    page.get_by_label("Käsittelijä").select_option("Käsittelijä")
    page.get_by_label("Ryhmä").select_option("Ryhmä")
    page.get_by_label("Tilan Uusi luokka").select_option("new")
    page.get_by_label("Tilan Työn alla luokka").select_option("active")
    page.get_by_label("Odottaa asiakasta pysäyttää SLA-kellon").check()
    page.get_by_label("Kuvauksen nimi").fill("Palvelupiste")
    accessible(page)
    shot(page, "data-wizard-fi")

    with page.expect_navigation(url=f"{base}/data/uploads/*?mapping=file:palvelupiste"):
        page.get_by_role("button", name="Tallenna kuvaus").click()
    assert page.get_by_label("Oma kuvaus palvelupiste").is_checked()
    saved = load_config_free_mapping(site)
    assert saved["columns"]["ticket_id"] == "Tiketti"

    assert page.get_by_label("Enintään hylättäviä rivejä").input_value() == "1%"
    page.get_by_role("button", name="Tuo", exact=True).click()
    page.wait_for_url(f"{base}/data/jobs/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Tuodaan palvelupiste.csv"
    # 1 of 8 rows rejected is 12.5 %, more than the 1 % allowed: nothing is imported, and
    # the message names the file as uploaded, not where the server keeps it.
    failed = page.get_by_role("alert")
    failed.wait_for(timeout=60_000)
    assert failed.inner_text().startswith(
        "Tuonti epäonnistui: palvelupiste.csv: 1/8 riviä hylättiin"
    )
    assert "Ensimmäiset hylätyt: rivi 9, Tiketti: pakollinen arvo puuttuu." in failed.inner_text()
    assert "/tmp" not in failed.inner_text()
    assert "--max-rejects" not in failed.inner_text()
    accessible(page)
    shot(page, "data-import-failed-fi")
    page.get_by_role("link", name="Tuo tiedosto uudelleen muilla valinnoilla").click()
    page.wait_for_url(f"{base}/data/uploads/*")
    page.get_by_label("Oma kuvaus palvelupiste").check()
    page.get_by_label("Enintään hylättäviä rivejä").fill("1")
    page.get_by_role("button", name="Tuo", exact=True).click()
    page.wait_for_url(f"{base}/data/jobs/*")
    page.get_by_role("link", name="Katso rivitilitys").click(timeout=60_000)  # when it is done
    page.wait_for_url(f"{base}/data/imports/*")
    assert accounting_row(page, "rivejä luettu") == "8"
    assert accounting_row(page, "rivejä ladattu") == "7"
    assert accounting_row(page, "rivejä hylätty") == "1"
    assert accounting_row(page, "uudet tapahtumat") == "7"
    assert accounting_row(page, "tukipyyntöjä luotu") == "2"
    rejects = page.locator("table.rejects tbody tr")
    assert rejects.count() == 1
    assert rejects.locator("td").first.inner_text() == "9"  # the header is line 1
    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa kaikki hylätyt CSV-tiedostona").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2  # the header and the one reject
    accessible(page)
    shot(page, "data-import-accounting-fi")

    page.get_by_role("link", name="Aiemmat tuonnit").click()
    page.wait_for_url(f"{base}/data/imports")
    rows = page.locator("tbody tr", has=page.get_by_role("cell", name="palvelupiste.csv"))
    assert rows.count() == 2  # newest first: the import, then the refused try
    assert rows.nth(0).locator("td").last.inner_text() == "tuotu"
    assert rows.nth(1).locator("td").last.inner_text() == "epäonnistui"
    assert rows.nth(0).locator("td").nth(3).inner_text() == "analyytikko"
    accessible(page)
    shot(page, "data-imports-fi")


def load_config_free_mapping(site: Site) -> dict[str, Any]:
    """Return the saved mapping file as the CLI's YAML reader sees it."""
    import yaml

    path = site.state.config.mappings_folder / "palvelupiste.yaml"
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def test_a_stricter_target_turns_the_overview_card_off_target(
    served: tuple[Site, str], page: Any
) -> None:
    site, base = served
    site.add_user("analyytikko", Role.ANALYST)
    sign_in(page, base, "analyytikko")
    # I10 in March: 1 of 5 resolved tickets reopened = 20 %, within the <= 30 % target.
    card = page.locator("li.card", has_text="Uudelleen avatut")
    assert f"20,0{NBSP}%" in card.inner_text()
    assert "✓ tavoitteessa" in card.inner_text()

    page.get_by_role("link", name="Asetukset").click()
    page.wait_for_url(f"{base}/settings")
    target = page.locator("#target-I10")
    assert target.input_value() == "<= 30 %"
    target.fill("<= 10 %")
    with page.expect_navigation(url=f"{base}/settings?saved=1"):
        page.get_by_role("button", name="Tallenna asetukset").click()
    assert page.get_by_role("status").inner_text() == "Asetukset tallennettiin."
    change = page.locator(".history summary").first
    assert change.inner_text().endswith("analyytikko: 4 riviä muuttui")
    change.click()
    assert "+  I10: <= 10 %" in page.locator(".history pre").first.inner_text()
    accessible(page)
    shot(page, "settings-saved-fi")
    assert load_config(site.workspace.with_name("desk.karsta.yaml")).targets["I10"].text == (
        "<= 10 %"
    )

    page.get_by_role("link", name="Yleiskuva").click()
    page.wait_for_url(f"{base}/overview")
    # The same 20 % against <= 10 %: off target now.
    card = page.locator("li.card", has_text="Uudelleen avatut")
    assert f"20,0{NBSP}%" in card.inner_text()
    assert "✗ ei tavoitteessa" in card.inner_text()
    assert f"tavoite ≤{NBSP}10,0{NBSP}%" in card.inner_text()  # the target in its unit's precision
    shot(page, "overview-after-target-change-fi")


def test_a_wrong_target_is_named_beside_its_field_in_finnish(
    served: tuple[Site, str], page: Any
) -> None:
    site, base = served
    site.add_user("analyytikko", Role.ANALYST)
    sign_in(page, base, "analyytikko")
    page.goto(f"{base}/settings")
    page.locator("#target-I10").fill("paljon")
    page.get_by_label("Henkilöstökustannus, euroa tunnilta").fill("-5")
    page.get_by_role("button", name="Tallenna asetukset").click()
    page.wait_for_selector("#error-targets-I10")
    assert page.locator("#target-I10").get_attribute("aria-invalid") == "true"
    assert page.locator("#target-I10").input_value() == "paljon"
    assert page.locator("#error-hourly_cost").is_visible()
    accessible(page)
    shot(page, "settings-errors-fi")


def test_a_viewer_is_offered_neither_data_nor_settings(served: tuple[Site, str], page: Any) -> None:
    site, base = served
    site.add_user("katsoja", Role.VIEWER)
    sign_in(page, base, "katsoja")
    menu = page.get_by_role("navigation", name="Päävalikko")
    assert menu.get_by_role("link", name="Tiedot").count() == 0
    assert menu.get_by_role("link", name="Asetukset").count() == 0
    assert page.goto(f"{base}/settings").status == 403


def test_too_large_a_file_is_refused_in_the_browser_before_it_is_sent(
    tmp_path: Path, page: Any
) -> None:
    workspace = tmp_path / "uusi.karsta"
    config = WebConfig(
        workspace=workspace, database_url=f"sqlite:///{tmp_path / 'app.sqlite'}", upload_limit=1000
    )
    site = Site(create_app(config), workspace)
    site.add_user("analyytikko", Role.ANALYST)
    with serving(site) as base:
        sign_in(page, base, "analyytikko")
        page.goto(f"{base}/data/upload")
        page.evaluate(DROP, ["iso.csv", "a,b\n" + "1,2\n" * 400])  # 1,604 bytes
        error = page.locator("#upload-error")
        error.wait_for()
        assert error.inner_text() == (
            f"Tiedosto on suurempi kuin 1{NBSP}kB, suurin koko, jonka tämä palvelin hyväksyy."
        )
        assert page.url == f"{base}/data/upload"  # not sent
        assert not any(site.state.uploads.folder.iterdir())
        accessible(page)
        shot(page, "data-upload-too-large-fi")
