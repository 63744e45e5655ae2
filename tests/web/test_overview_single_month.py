"""The overview of a desk whose tickets all fall in one month: no trend to draw yet."""

from __future__ import annotations

from pathlib import Path

from tests.web.process_site import process_site


def test_a_one_month_desk_has_an_overview_without_a_trend(tmp_path: Path) -> None:
    # The three tickets of process_site.py were all opened on 1 January 2024: every figure
    # has one month, so no trend is chosen and the page says so instead of failing.
    site = process_site(tmp_path)
    browser = site.signed_in("viewer")
    assert browser.get("/overview.json").json()["trend"] is None
    page = browser.get("/overview", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "No figure has values in more than one month yet." in page.text
    site.state.engine.dispose()
