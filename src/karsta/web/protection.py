"""What guards every request: CSRF tokens, security headers, and errors that tell nothing.

CSRF protection is datasette's `asgi-csrf` (a signed double-submit cookie; every
form carries the token in the `csrftoken` field, HTMX requests in the
`x-csrftoken` header). The sign-in and setup forms are protected even before the
browser holds a cookie. Over https its cookie is Secure, like the session cookie.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import Any

from asgi_csrf import asgi_csrf
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from karsta import i18n
from karsta.web.language import LANGUAGE_COOKIE, choose_language

log = logging.getLogger("karsta.web")

ALWAYS_PROTECTED = frozenset({"/login", "/setup"})
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    # Vega compiles chart expressions with Function(): 'unsafe-eval' for scripts of our own origin.
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        b"frame-ancestors 'none'",
    ),
]


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                found, _, text = part.strip().partition("=")
                if found == name:
                    return str(text)
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _send_csrf_failed(scope: Scope, send: Send, _reason: Any) -> None:
    """Answer 403 with a short page in the visitor's language (the reason is not shown)."""
    i18n.set_language(
        choose_language(None, _cookie(scope, LANGUAGE_COOKIE), _header(scope, b"accept-language"))
    )
    text = i18n.gettext(
        "The form had expired or came from another site. Go back, reload the page and try again."
    )
    body = f"<!doctype html><title>403</title><p>{text}</p>".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"text/html; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _TokenRead(Exception):
    """The multipart form's CSRF field has been read (or a file came before it)."""


async def _multipart_token(scope: Scope, receive: Receive) -> tuple[str | None, Receive]:
    """Return the CSRF field of a multipart form (read up to it), and the body to replay.

    Only the parts before the field are read: a file before it means no token.
    """
    _kind, options = parse_options_header(_header(scope, b"content-type"))
    boundary = options.get(b"boundary")
    messages: list[Message] = []
    token: list[bytes] = []
    state = {"field": False}

    def headers_finished() -> None:
        _disposition, params = parse_options_header(part_headers.get(b"content-disposition"))
        if params.get(b"filename") is not None:
            raise _TokenRead
        state["field"] = params.get(b"name") == b"csrftoken"

    def part_end() -> None:
        if state["field"]:
            raise _TokenRead

    part_headers: dict[bytes, bytes] = {}
    name: list[bytes] = []
    value: list[bytes] = []

    def header_end() -> None:
        part_headers[b"".join(name).lower()] = b"".join(value).strip()
        name.clear()
        value.clear()

    callbacks: dict[str, Any] = {
        "on_part_begin": part_headers.clear,
        "on_header_field": lambda d, a, b: name.append(d[a:b]),
        "on_header_value": lambda d, a, b: value.append(d[a:b]),
        "on_header_end": header_end,
        "on_headers_finished": headers_finished,
        "on_part_data": lambda d, a, b: token.append(d[a:b]) if state["field"] else None,
        "on_part_end": part_end,
    }
    found = False
    if boundary:
        parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
        try:
            more = True
            while more:
                message = await receive()
                messages.append(message)
                parser.write(message.get("body", b""))
                more = bool(message.get("more_body", False))
        except _TokenRead:
            found = bool(state["field"])
        except Exception:  # a malformed body: no token
            found = False

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return (b"".join(token).decode("utf-8", errors="replace") if found else None), replay


class CsrfProtection:
    """asgi-csrf around the app, with the Secure cookie flag when the request came over https.

    Multipart forms (uploads) are checked here: asgi-csrf's own multipart parsing does not
    work with the python-multipart Karsta uses. The form's `csrftoken` field, which comes
    before the file, must equal the CSRF cookie, as asgi-csrf checks other forms.
    """

    def __init__(self, app: ASGIApp, *, secret: str) -> None:
        self.app = app
        options: dict[str, Any] = {
            "signing_secret": secret,
            "always_protect": ALWAYS_PROTECTED,
            "send_csrf_failed": _send_csrf_failed,
            "skip_if_scope": lambda scope: scope.get(CHECKED, False),
        }
        self.plain = asgi_csrf(app, cookie_secure=False, **options)
        self.secure = asgi_csrf(app, cookie_secure=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the token of an unsafe request; give the page its token."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = self.secure if scope.get("scheme") == "https" else self.plain
        content_type = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
        unsafe = scope["method"] not in {"GET", "HEAD", "OPTIONS", "TRACE"}
        if unsafe and content_type == "multipart/form-data":
            expected = _cookie(scope, "csrftoken") or ""
            given = _header(scope, b"x-csrftoken")
            if given is None:
                given, receive = await _multipart_token(scope, receive)
            if not expected or not secrets.compare_digest(given or "", expected):
                await _send_csrf_failed(scope, send, None)
                return
            scope = {**scope, CHECKED: True}
        await chosen(scope, receive, send)


CHECKED = "karsta.csrf_checked"


class Guard:
    """Security headers on every answer; a short access log and 500 page with no personal data.

    The log names the method, the path (without the query) and the status: no user,
    address, query or form value. An unexpected error is logged by its type only,
    because its message may quote ticket data, and answered with a plain page.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with the headers added and the errors contained."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            log.error("%s %s failed: %s", scope["method"], scope["path"], type(exc).__name__)
            if not response_started:
                await _send_server_error(scope, send_with_headers)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            log.info("%s %s %s %.0f ms", scope["method"], scope["path"], status, elapsed)


async def _send_server_error(scope: Scope, send: Send) -> None:
    """Answer 500: in English JSON for a JSON twin, else a page in the visitor's language."""
    text = i18n.N_("Something went wrong on the server. The error has been logged.")
    if scope["path"].endswith(".json"):
        content_type, body = b"application/json", json.dumps({"detail": text}).encode()
    else:
        i18n.set_language(
            choose_language(
                None, _cookie(scope, LANGUAGE_COOKIE), _header(scope, b"accept-language")
            )
        )
        text = i18n.gettext(text)
        content_type = b"text/html; charset=utf-8"
        body = f"<!doctype html><title>500</title><p>{text}</p>".encode()
    await send(
        {"type": "http.response.start", "status": 500, "headers": [(b"content-type", content_type)]}
    )
    await send({"type": "http.response.body", "body": body})
