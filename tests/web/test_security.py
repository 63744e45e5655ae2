"""CSRF tokens, the login rate limit, session cookies, and errors that tell nothing."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter

from karsta.web.models import Role
from tests.web.conftest import PASSWORD, Site, csrf, sign_in

NEW_USER = {"username": "new", "password": "0123456789ab", "role": "viewer"}


def test_a_form_without_its_token_is_refused(site: Site) -> None:
    admin = site.signed_in("admin")
    assert admin.post("/admin/users", data=NEW_USER).status_code == 403
    assert admin.post("/admin/users", data={**NEW_USER, "csrftoken": "forged"}).status_code == 403
    # A token from another browser (another cookie) does not fit either.
    other = csrf(site.client())
    assert admin.post("/admin/users", data={**NEW_USER, "csrftoken": other}).status_code == 403
    users = admin.get("/admin/users.json").json()["users"]
    assert "new" not in {u["username"] for u in users}
    created = admin.post("/admin/users", data={**NEW_USER, "csrftoken": csrf(admin)})
    assert created.status_code == 303


def test_the_sign_in_form_is_protected_before_any_cookie(site: Site) -> None:
    response = site.client().post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "karsta_session" not in response.headers.get("set-cookie", "")


def test_htmx_requests_carry_the_token_in_a_header(site: Site) -> None:
    admin = site.signed_in("admin")
    token = csrf(admin, "/overview")
    response = admin.post("/language", data={"language": "sv"}, headers={"x-csrftoken": token})
    assert response.status_code == 303


def test_five_failures_lock_the_account(site: Site) -> None:
    browser = site.client()
    for _ in range(5):
        assert sign_in(browser, "viewer", "wrong password").status_code == 401
    # The sixth try is refused even with the right password, and says why.
    locked = sign_in(browser, "viewer", PASSWORD)
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.text
    # Another browser from another address is refused too: the account is locked.
    elsewhere = site.client(client=("192.0.2.7", 50000))
    assert sign_in(elsewhere, "viewer", PASSWORD).status_code == 429
    # Other accounts from that other address still sign in.
    assert sign_in(elsewhere, "analyst", PASSWORD).status_code == 303


def test_five_failures_from_one_address_lock_the_address(site: Site) -> None:
    browser = site.client(client=("198.51.100.9", 40000))
    for name in ("a", "b", "c", "d", "e"):  # five accounts, one failure each
        assert sign_in(browser, name, "guess").status_code == 401
    assert sign_in(browser, "admin", PASSWORD).status_code == 429
    assert sign_in(site.client(), "admin", PASSWORD).status_code == 303


def test_a_success_forgets_the_accounts_failures(site: Site) -> None:
    browser = site.client()
    for _ in range(4):
        sign_in(browser, "analyst", "wrong password")
    assert sign_in(browser, "analyst", PASSWORD).status_code == 303
    for _ in range(4):
        assert sign_in(site.client(), "analyst", "nope").status_code == 401
    assert sign_in(site.client(), "analyst", PASSWORD).status_code == 303


def test_the_session_cookie_is_http_only_lax_and_secure_over_https(site: Site) -> None:
    plain = sign_in(site.client(), "viewer", PASSWORD)
    cookie = plain.headers["set-cookie"]
    assert "karsta_session=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie
    secure = sign_in(site.client(base_url="https://testserver"), "viewer", PASSWORD)
    assert "Secure" in secure.headers["set-cookie"]


def test_signing_out_ends_the_session(site: Site) -> None:
    browser = site.signed_in("viewer")
    stolen = browser.cookies.get("karsta_session")
    assert (
        browser.post("/logout", data={"csrftoken": csrf(browser, "/overview")}).status_code == 303
    )
    replay = site.client(cookies={"karsta_session": stolen})
    assert replay.get("/overview.json").status_code == 401


def test_passwords_are_stored_as_argon2_hashes(site: Site) -> None:
    from sqlalchemy import select

    from karsta.web.models import User

    with site.state.sessions() as db:
        stored = db.scalars(select(User.password_hash)).all()
    assert stored
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not any(PASSWORD in h for h in stored)


def test_the_last_admin_keeps_the_role(site: Site) -> None:
    admin = site.signed_in("admin")
    response = admin.post("/admin/users/1", data={"role": "viewer", "csrftoken": csrf(admin)})
    assert response.status_code == 400
    assert "last admin" in response.text


def test_errors_show_and_log_no_personal_data(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    router = APIRouter()

    @router.get("/broken.json")
    def broken() -> None:
        raise ValueError("caller Maija Meikäläinen, 040 123 4567")

    site.app.include_router(router)
    caplog.set_level(logging.INFO)
    browser = site.client()
    response = browser.get("/broken.json")
    sign_in(browser, "viewer", "a wrong password for viewer")
    assert response.status_code == 500
    assert "Maija" not in response.text
    assert response.json() == {
        "detail": "Something went wrong on the server. The error has been logged."
    }
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /broken.json failed: ValueError" in logged
    assert "Maija" not in logged
    assert "viewer" not in logged
    assert "testclient" not in logged


def test_security_headers(site: Site) -> None:
    response = site.client().get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_an_analyst_cannot_reach_user_management(site: Site) -> None:
    analyst = site.signed_in("analyst")
    response = analyst.post(
        "/admin/users", data={**NEW_USER, "role": Role.ADMIN.value, "csrftoken": csrf(analyst)}
    )
    assert response.status_code == 403
