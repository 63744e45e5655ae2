"""Signing in and out, the first admin, and the language switch."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from karsta.i18n import LANGUAGES, gettext
from karsta.web.accounts import (
    add_user,
    clear_failures,
    end_session,
    failures_since,
    find_user,
    has_users,
    login_keys,
    record_failure,
    start_session,
)
from karsta.web.language import LANGUAGE_COOKIE
from karsta.web.models import Role, now
from karsta.web.passwords import MIN_LENGTH, verify_password
from karsta.web.rendering import render
from karsta.web.requests import SESSION_COOKIE, Anyone
from karsta.web.views.forms import HOME, local_path, see_other, set_session_cookie

router = APIRouter(tags=["sign-in"])

Text = Annotated[str, Form()]


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    """Return a redirect to the overview."""
    return RedirectResponse(HOME, status_code=303)


@router.get("/login", response_class=HTMLResponse, summary="Sign-in form")
def login_form(visitor: Anyone, next: str = HOME) -> Response:
    """Return the sign-in form (the setup page while no user exists)."""
    if not has_users(visitor.db):
        return RedirectResponse("/setup", status_code=303)
    return render(visitor.request, "auth/login.html", next=local_path(next), error=None)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login", response_class=HTMLResponse, summary="Sign in")
def login(visitor: Anyone, username: Text, password: Text, next: Text = HOME) -> Response:
    """Sign in and go to `next`; wrong credentials or too many failures show the form again."""
    state = visitor.state
    config = state.config
    keys = login_keys(visitor.db, username, _client(visitor.request))
    window_start = now() - config.login_lockout
    if max(failures_since(visitor.db, keys, window_start)) >= config.max_login_failures:
        minutes = int(config.login_lockout.total_seconds() // 60)
        error = gettext("Too many failed sign-ins. Try again in {minutes} minutes.")
        return render(
            visitor.request,
            "auth/login.html",
            status_code=429,
            next=local_path(next),
            error=error.format(minutes=minutes),
        )
    user = find_user(visitor.db, username)
    if not verify_password(None if user is None else user.password_hash, password) or not user:
        record_failure(visitor.db, keys)
        return render(
            visitor.request,
            "auth/login.html",
            status_code=401,
            next=local_path(next),
            error=gettext("Wrong user name or password."),
        )
    clear_failures(visitor.db, keys, older_than=window_start)
    response = see_other(next)
    token = start_session(visitor.db, user, config.session_lifetime)
    set_session_cookie(response, visitor.request, token, config.session_lifetime)
    return response


@router.post("/logout", summary="Sign out")
def logout(visitor: Anyone) -> Response:
    """End the session and return to the sign-in form."""
    end_session(visitor.db, visitor.request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/setup", response_class=HTMLResponse, summary="Create the first admin")
def setup_form(visitor: Anyone) -> Response:
    """Return the form that creates the first admin; only while no user exists."""
    if has_users(visitor.db):
        raise HTTPException(status_code=404)
    return render(visitor.request, "auth/setup.html", error=None, username="")


@router.post("/setup", response_class=HTMLResponse, summary="Create the first admin")
def setup(visitor: Anyone, username: Text, password: Text, password_again: Text) -> Response:
    """Create the first admin and sign them in; only while no user exists."""
    if has_users(visitor.db):
        raise HTTPException(status_code=404)
    error = password_problem(password, password_again) or (
        None if username.strip() else gettext("Give a user name.")
    )
    if error:
        return render(
            visitor.request, "auth/setup.html", status_code=400, error=error, username=username
        )
    user = add_user(visitor.db, username, password, Role.ADMIN)
    lifetime: timedelta = visitor.state.config.session_lifetime
    response = see_other(HOME)
    set_session_cookie(
        response, visitor.request, start_session(visitor.db, user, lifetime), lifetime
    )
    return response


def password_problem(password: str, again: str | None = None) -> str | None:
    """Return what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return gettext("The password must have at least {n} characters.").format(n=MIN_LENGTH)
    if again is not None and password != again:
        return gettext("The passwords differ.")
    return None


@router.post("/language", summary="Choose the interface language")
def choose_language(visitor: Anyone, language: Text, next: Text = HOME) -> Response:
    """Remember the chosen language (for the user, and in a cookie) and go back."""
    if language not in LANGUAGES:
        raise HTTPException(status_code=400)
    if visitor.user is not None:
        visitor.user.language = language
    response = see_other(next)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=visitor.request.url.scheme == "https",
        httponly=True,
    )
    return response
