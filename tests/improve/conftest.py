"""Fixtures of the improvement tests: a migrated app database (SQLite, then PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from karsta.web.database import connect, migrate, session_factory
from tests.web.conftest import database_url, postgresql_url  # noqa: F401 - fixtures


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:  # noqa: F811 - the imported fixture
    """Return a session of a freshly migrated app database (committed by the test)."""
    engine = connect(database_url)
    migrate(engine)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()
