"""The app database on SQLite and on a real PostgreSQL server: migrations, users, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from karsta.web.accounts import (
    add_user,
    end_session,
    failures_since,
    find_user,
    has_users,
    login_keys,
    record_failure,
    session_user,
    start_session,
)
from karsta.web.database import DatabaseError, connect, default_database_url, engine_url, migrate
from karsta.web.models import Base, LoginSession, Role, User, now


def test_migrations_build_the_models_schema_and_run_twice(database_url: str) -> None:
    engine = connect(database_url)
    migrate(engine)
    migrate(engine)  # already at the head: nothing to do
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], "the models changed: add an Alembic migration"
    engine.dispose()


def test_users_sessions_and_attempts_round_trip(database_url: str) -> None:
    engine = connect(database_url)
    migrate(engine)
    from karsta.web.database import session_factory

    sessions = session_factory(engine)
    with sessions.begin() as db:
        assert not has_users(db)
        user = add_user(db, "Liisa", "0123456789ab", Role.ANALYST, groups=["B", "A", "A"])
        token = start_session(db, user, timedelta(hours=1))
        keys = login_keys(db, "liisa", "192.0.2.1")
        record_failure(db, keys)
        record_failure(db, keys)
    with sessions.begin() as db:
        found = find_user(db, "  LIISA ")  # names compare without case
        assert found is not None
        assert found.groups == ["A", "B"]
        assert found.channels is None
        assert found.role_enum is Role.ANALYST
        assert found.created_at.tzinfo is not None
        assert session_user(db, token) is found
        assert session_user(db, "not a token") is None
        assert failures_since(db, keys, now() - timedelta(minutes=5)) == (2, 2)
        assert failures_since(db, keys, now() + timedelta(minutes=1)) == (0, 0)
        # The keys are hashes: neither the name nor the address is stored.
        assert "liisa" not in keys[0]
        assert "192.0.2.1" not in keys[1]
        end_session(db, token)
    with sessions.begin() as db:
        assert session_user(db, token) is None
        user = find_user(db, "liisa")
        assert user is not None
        second = start_session(db, user, timedelta(hours=1))
        db.delete(user)
    with sessions.begin() as db:
        assert db.query(LoginSession).count() == 0  # sessions go with their user
        assert session_user(db, second) is None
        assert db.query(User).count() == 0
    engine.dispose()


def test_an_expired_session_signs_no_one_in(database_url: str) -> None:
    engine = connect(database_url)
    migrate(engine)
    from karsta.web.database import session_factory

    with session_factory(engine).begin() as db:
        user = add_user(db, "old", "0123456789ab", Role.VIEWER)
        token = start_session(db, user, timedelta(seconds=-1))
        assert session_user(db, token) is None
    engine.dispose()


def test_database_urls() -> None:
    from pathlib import Path

    assert default_database_url(Path("/x/desk.karsta")) == "sqlite:////x/desk.karsta.app.sqlite"
    assert engine_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    with pytest.raises(DatabaseError, match="Unsupported app database 'mysql'"):
        engine_url("mysql://u@h/db")
    with pytest.raises(DatabaseError, match="Not a database URL"):
        engine_url("desk.sqlite")
