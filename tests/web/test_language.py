"""The page language (user's choice, browser's, Finnish) and numbers in its format."""

from __future__ import annotations

import pytest

from karsta.formatting import figure, percent
from karsta.web.language import accepted, choose_language
from tests.web.conftest import Site, csrf

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("user", "cookie", "header", "expected"),
    [
        (None, None, None, "fi"),
        (None, None, "de-DE,de;q=0.9", "fi"),
        (None, None, "de-DE,sv;q=0.5,en;q=0.8", "en"),
        (None, None, "sv-FI", "sv"),
        (None, "en", "sv-FI", "en"),
        ("sv", "en", "en", "sv"),
    ],
)
def test_language_choice(
    user: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert choose_language(user, cookie, header) == expected


def test_accept_language_weights() -> None:
    assert accepted("en;q=0.2, fi, sv;q=0.7, xx;q=0") == ["fi", "sv", "en"]


def test_numbers_in_each_locale() -> None:
    # The pages format through karsta.formatting, as the CLI does.
    assert percent(63.44, lang="fi") == f"63,4{NBSP}%"
    assert percent(63.44, lang="sv") == f"63,4{NBSP}%"
    assert percent(63.44, lang="en") == "63.4%"
    assert figure(1234.5, "hours", lang="fi") == f"1{NBSP}234,5{NBSP}h"
    assert figure(1234.5, "hours", lang="en") == f"1,234.5{NBSP}h"
    assert figure(12345, "count", lang="fi") == f"12{NBSP}345"
    assert figure(None, "percent", lang="fi") == "–"


def test_the_overview_speaks_finnish_by_default_with_finnish_numbers(site: Site) -> None:
    page = site.signed_in("admin").get("/overview").text
    assert '<html lang="fi">' in page
    assert "Yleiskuva" in page
    # I10 in March: 1 of 5 reopened = 20 %, shown the Finnish way.
    assert f"20,0{NBSP}%" in page


def test_the_browser_language_then_the_users_choice(site: Site) -> None:
    browser = site.signed_in("viewer")
    swedish = browser.get("/overview", headers={"accept-language": "sv-FI,sv;q=0.9"}).text
    assert '<html lang="sv">' in swedish
    token = csrf(browser, "/overview")
    switched = browser.post(
        "/language", data={"language": "en", "csrftoken": token, "next": "/overview"}
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/overview"
    # The choice is the user's setting: it wins over the browser's language, in a new browser too.
    again = site.signed_in("viewer").get("/overview", headers={"accept-language": "sv"}).text
    assert '<html lang="en">' in again
    assert "20.0%" in again


def test_the_switch_goes_back_only_to_this_site(site: Site) -> None:
    browser = site.client()
    token = csrf(browser)
    response = browser.post(
        "/language", data={"language": "sv", "csrftoken": token, "next": "https://evil.example/"}
    )
    assert response.headers["location"] == "/overview"
