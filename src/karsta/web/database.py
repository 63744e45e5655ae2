"""The app database: its engine from a URL, migrated to the latest schema on start."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker


class DatabaseError(ValueError):
    """The app database URL cannot be used; the message says why."""


def default_database_url(workspace: Path) -> str:
    """Return the SQLite file beside the workspace: `<workspace>.app.sqlite`."""
    return f"sqlite:///{workspace.with_name(workspace.name + '.app.sqlite')}"


def engine_url(url: str) -> str:
    """Return `url` with the driver Karsta uses (psycopg 3 for PostgreSQL)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"Not a database URL: {url!r}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"Unsupported app database {parsed.get_backend_name()!r}: use sqlite:/// or "
            "postgresql://"
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_foreign_keys(connection: object, _record: object) -> None:
    """Make SQLite enforce foreign keys (ON DELETE CASCADE), as PostgreSQL does."""
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def connect(url: str) -> Engine:
    """Return an engine for the app database at `url` (not yet migrated)."""
    try:
        engine = create_engine(engine_url(url), pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise DatabaseError(f"No driver for {url!r}: {exc}") from exc
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            f"The PostgreSQL driver is missing: pip install 'karsta[postgresql]' ({exc.name})"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the app database to the latest schema (Alembic migrations shipped in the package)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("karsta.web") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a factory of ORM sessions bound to `engine`."""
    return sessionmaker(engine, expire_on_commit=False)
