"""What every request knows: the app database session, the signed-in user, the language.

The role dependencies (`Viewer`, `Analyst`, `Admin`) let a route say who may open it;
the rules themselves are in `access`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from karsta.i18n import Language
from karsta.web.access import DataScope, data_scope, may
from karsta.web.accounts import has_users, session_user
from karsta.web.language import LANGUAGE_COOKIE, choose_language
from karsta.web.models import Role, User
from karsta.web.state import AppState

SESSION_COOKIE = "karsta_session"


class SignInRequired(Exception):
    """The page needs a signed-in user; HTML pages send the browser to the login page."""

    def __init__(self, setup: bool) -> None:
        super().__init__("sign-in required")
        self.setup = setup
        """True while no user exists: the setup page creates the first admin."""


def app_state(request: Request) -> AppState:
    """Return the running app's state."""
    state: AppState = request.app.state.karsta
    return state


def database(request: Request) -> Iterator[Session]:
    """Return an app database session, committed when the request ends well."""
    with app_state(request).sessions.begin() as session:
        yield session


Database = Annotated[Session, Depends(database, scope="function")]
"""Committed before the response is sent: the page a redirect leads to sees the change."""


@dataclass(frozen=True)
class Account:
    """The signed-in user as pages show them (plain data, usable after the request's session)."""

    id: int
    username: str
    role: str


@dataclass
class Visitor:
    """The person behind a request: their user (None if not signed in) and language."""

    request: Request
    db: Session
    user: User | None
    lang: Language

    @property
    def scope(self) -> DataScope:
        """Return the tickets this visitor may see."""
        if self.user is None:
            raise SignInRequired(setup=False)
        return data_scope(self.user)

    @property
    def state(self) -> AppState:
        """Return the running app's state."""
        return app_state(self.request)


def visitor(request: Request, db: Database) -> Visitor:
    """Return the visitor of `request` (kept on request.state for the page and error views)."""
    user = session_user(db, request.cookies.get(SESSION_COOKIE))
    lang = choose_language(
        user.language if user else None,
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language"),
    )
    found = Visitor(request, db, user, lang)
    request.state.lang = lang
    if user is not None:
        request.state.account = Account(user.id, user.username, user.role)
    return found


def signed_in(role: Role) -> Callable[[Visitor], Visitor]:
    """Return a dependency that lets in users with `role` or a higher one."""

    def dependency(visitor: Annotated[Visitor, Depends(visitor)]) -> Visitor:
        if visitor.user is None:
            raise SignInRequired(setup=not has_users(visitor.db))
        if not may(visitor.user, role):
            raise HTTPException(status_code=403)
        return visitor

    return dependency


Anyone = Annotated[Visitor, Depends(visitor)]
Viewer = Annotated[Visitor, Depends(signed_in(Role.VIEWER))]
Analyst = Annotated[Visitor, Depends(signed_in(Role.ANALYST))]
Admin = Annotated[Visitor, Depends(signed_in(Role.ADMIN))]
