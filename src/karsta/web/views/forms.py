"""Small helpers the form views share: safe redirects and the session cookie."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import RedirectResponse

from karsta.web.requests import SESSION_COOKIE

HOME = "/overview"


def local_path(target: str | None) -> str:
    """Return `target` if it is a path on this site, else the home page (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return HOME
    return target


def see_other(target: str) -> RedirectResponse:
    """Return a 303 redirect (after a form post) to a path on this site."""
    return RedirectResponse(local_path(target), status_code=303)


def set_session_cookie(
    response: RedirectResponse, request: Request, token: str, lifetime: timedelta
) -> None:
    """Give the browser its session token: HttpOnly, SameSite=Lax, Secure over https."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def parse_list(text: str | None) -> list[str] | None:
    """Return comma-separated values as a list, or None for an empty field (no limit)."""
    values = [v.strip() for v in (text or "").split(",") if v.strip()]
    return values or None
