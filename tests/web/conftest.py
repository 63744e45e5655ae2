"""The web app on hand-built workspaces: app databases (SQLite, PostgreSQL), users, clients."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

import karsta
from karsta.web import WebConfig, create_app, passwords
from karsta.web.accounts import add_user
from karsta.web.database import engine_url
from karsta.web.models import Role
from karsta.web.state import AppState
from tests.metrics.conftest import Desk, utc

POSTGRESQL_ENV = "KARSTA_TEST_POSTGRESQL"
PASSWORD = "a long enough password"
TARGETS = 'targets:\n  I10: "<= 30 %"\n'


def two_groups(desk: Desk) -> None:
    """Write a desk whose two groups reopen differently (the hand computation is in the tests).

    Resolved in February: A1 (group A, not reopened), B1 (group B, reopened).
    Resolved in March: A2 (reopened), A3 (not), B2, B3, B4 (none reopened); B4 by phone.
    """
    feb, mar = utc("2024-02-05 08:00"), utc("2024-03-05 08:00")
    feb_done, mar_done = utc("2024-02-05 12:00"), utc("2024-03-05 12:00")
    rows = [
        ("A1", feb, feb_done, 0, "A", "email"),
        ("B1", feb, feb_done, 1, "B", "email"),
        ("A2", mar, mar_done, 1, "A", "email"),
        ("A3", mar, mar_done, 0, "A", "email"),
        ("B2", mar, mar_done, 0, "B", "email"),
        ("B3", mar, mar_done, 0, "B", "email"),
        ("B4", mar, mar_done, 0, "B", "phone"),
    ]
    for ticket_id, opened, resolved, reopened, group, channel in rows:
        desk.ticket(
            ticket_id,
            opened,
            resolved_at=resolved,
            closed_at=resolved,
            reopen_count=reopened,
            resolving_group=group,
            channel=channel,
            status_class="closed",
        )
    desk.write()


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash passwords with Argon2id's cheapest parameters: the tests sign in hundreds of times."""
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64))


@pytest.fixture
def desk_file(tmp_path: Path) -> Path:
    """Return a workspace file with `two_groups`, and an I10 target of <= 30 % beside it."""
    path = tmp_path / "desk.karsta"
    with karsta.open(path) as ws:
        two_groups(Desk(ws))  # type: ignore[arg-type]
    path.with_name("desk.karsta.yaml").write_text(TARGETS, encoding="utf-8")
    return path


def _postgresql_server() -> str:
    url = os.environ.get(POSTGRESQL_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRESQL_ENV} is not set in CI: .ci/run starts a PostgreSQL server")
        pytest.skip(f"no PostgreSQL server: set {POSTGRESQL_ENV} (e.g. from .ci/start-postgresql)")
    return url


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """Return the URL of a new, empty database on the test PostgreSQL server (dropped after)."""
    server = _postgresql_server()
    name = f"karsta_test_{secrets.token_hex(6)}"
    admin = create_engine(engine_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", server, count=1)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return an empty app database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.sqlite'}"
    url: str = request.getfixturevalue("postgresql_url")
    return url


@dataclass
class Site:
    """A web app on a workspace, with a helper to add users and sign them in."""

    app: FastAPI
    workspace: Path

    @property
    def state(self) -> AppState:
        """Return the app's state."""
        state: AppState = self.app.state.karsta
        return state

    def add_user(self, username: str, role: Role, **limits: list[str]) -> None:
        """Add a user with the test password."""
        with self.state.sessions.begin() as db:
            add_user(db, username, PASSWORD, role, **limits)

    def client(self, **options: object) -> TestClient:
        """Return a new browser (no cookies), not following redirects."""
        return TestClient(self.app, follow_redirects=False, **options)  # type: ignore[arg-type]

    def signed_in(self, username: str, **options: object) -> TestClient:
        """Return a browser signed in as `username`."""
        browser = self.client(**options)
        response = sign_in(browser, username, PASSWORD)
        assert response.status_code == 303, response.text
        return browser


def csrf(browser: TestClient, path: str = "/login") -> str:
    """Return the CSRF token of the form on `path` (the browser keeps its cookie)."""
    page = browser.get(path)
    found = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert found, f"no CSRF field on {path} ({page.status_code})"
    return found.group(1)


def sign_in(browser: TestClient, username: str, password: str) -> Any:
    """Post the sign-in form as a browser would; return the response."""
    token = csrf(browser)
    return browser.post(
        "/login", data={"csrftoken": token, "username": username, "password": password}
    )


def make_site(workspace: Path, database: str) -> Site:
    """Return the web app on `workspace` with its app database at `database`."""
    return Site(create_app(WebConfig(workspace=workspace, database_url=database)), workspace)


@pytest.fixture
def site(desk_file: Path, tmp_path: Path) -> Iterator[Site]:
    """Return the web app on the two-group desk, with an admin, analyst and viewers."""
    built = make_site(desk_file, f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("admin", Role.ADMIN)
    built.add_user("analyst", Role.ANALYST)
    built.add_user("viewer", Role.VIEWER)
    built.add_user("viewer_a", Role.VIEWER, groups=["A"])
    built.add_user("viewer_b", Role.VIEWER, groups=["B"])
    built.add_user("phone_only", Role.VIEWER, channels=["phone"])
    yield built
    built.state.engine.dispose()
