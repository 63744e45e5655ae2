"""The web app: `create_app(WebConfig(workspace=...))` gives the FastAPI application.

It migrates the app database, then serves the pages of `karsta.web.views`, each
with its JSON twin, and the static files (CSS and vendored JavaScript) from the
package itself, so it works in a closed network.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from karsta.i18n import N_
from karsta.web.accounts import server_key
from karsta.web.config import WebConfig
from karsta.web.database import connect, migrate, session_factory
from karsta.web.import_queue import ImportQueue, mark_interrupted
from karsta.web.protection import CsrfProtection, Guard
from karsta.web.rendering import render
from karsta.web.requests import SignInRequired
from karsta.web.results import WorkspaceResults
from karsta.web.state import AppState
from karsta.web.uploads import Uploads
from karsta.web.views import (
    admin,
    auth,
    channels,
    data,
    imports,
    improve,
    listening,
    metric,
    metrics,
    overview,
    process_findings,
    process_levels,
    process_map,
    reports,
    settings,
    signals,
    visits,
)
from karsta.web.workspace_gate import WorkspaceGate
from karsta.workspace import WorkspaceError

STATUS_TEXT = {
    400: N_("The request could not be read."),
    401: N_("Sign in to see this page."),
    403: N_("You do not have access to this page."),
    404: N_("There is no such page."),
    405: N_("This page cannot be used that way."),
    422: N_("The request had values that could not be read."),
    413: N_("The file is larger than the server accepts."),
    429: N_("Too many attempts. Wait a while and try again."),
    503: N_("The workspace cannot be read right now. Try again in a moment."),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json") or request.url.path.startswith("/openapi")


def _error(request: Request, status: int) -> Response:
    """Return the error page (or JSON) of `status`: a fixed text, never the exception's."""
    text = STATUS_TEXT.get(status, STATUS_TEXT[400])
    if _wants_json(request):
        return JSONResponse({"detail": text}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=text)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code)


async def _invalid_request(request: Request, exc: Exception) -> Response:
    return _error(request, 422)


async def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    if _wants_json(request):
        return _error(request, 401)
    return RedirectResponse("/setup" if exc.setup else "/login", status_code=303)


async def _workspace_error(request: Request, exc: Exception) -> Response:
    return _error(request, 503)


@asynccontextmanager
async def _serving(app: FastAPI) -> AsyncIterator[None]:
    """Hold the workspace while the server runs (imports go through it); clean up after."""
    state: AppState = app.state.karsta
    state.gate.serve()
    try:
        yield
    finally:
        state.imports.stop()
        state.gate.stop()
        state.uploads.close()


def create_app(config: WebConfig) -> FastAPI:
    """Return the web app serving `config.workspace`, its app database migrated."""
    engine = connect(config.database)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions.begin() as db:
        csrf_secret = server_key(db, "csrf")
    mark_interrupted(sessions)
    gate = WorkspaceGate(config.workspace)
    uploads = Uploads(config.upload_limit)
    app = FastAPI(
        lifespan=_serving,
        title="Karsta",
        summary="Service desk metrics with their cards, and the waste in the process.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
    )
    app.state.karsta = AppState(
        config=config,
        engine=engine,
        sessions=sessions,
        results=WorkspaceResults(config.workspace, config.settings_file, gate=gate),
        gate=gate,
        uploads=uploads,
        imports=ImportQueue(gate, sessions, uploads),
    )
    app.mount("/static", StaticFiles(packages=[("karsta.web", "static")]), name="static")
    modules = (auth, overview, metrics, metric, process_map, process_levels, process_findings)
    for module in (
        *modules,
        signals,
        visits,
        channels,
        listening,
        improve,
        reports,
        data,
        imports,
        settings,
        admin,
    ):
        app.include_router(module.router)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(WorkspaceError, _workspace_error)
    app.add_middleware(CsrfProtection, secret=csrf_secret)
    app.add_middleware(Guard)
    return app
