"""The app database's tables: users, their sessions, login attempts, and the stubs of
settings history and imports that the settings and data pages fill.

App data is not ticket data: it lives in its own database (SQLite beside the
workspace by default, PostgreSQL for teams), changed only through Alembic migrations
(`karsta/web/migrations/`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from karsta.improve.models import APP_METADATA
from karsta.improve.models import Instant as Instant  # the app database's one clock type
from karsta.improve.models import now as now


class Role(StrEnum):
    """What a user may do: read (viewer), also upload and configure (analyst), also manage users."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Return 0 for viewer, 1 for analyst, 2 for admin."""
        return list(Role).index(self)


class Base(DeclarativeBase):
    """The app database's tables."""

    metadata = APP_METADATA


class User(Base):
    """A person who signs in; `groups` and `channels` limit the tickets they see."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.VIEWER.value)
    language: Mapped[str | None] = mapped_column(String(5), default=None)
    groups: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    """Assignment groups whose tickets the user sees; None = every group."""
    channels: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    """Channels whose tickets the user sees; None = every channel."""
    created_at: Mapped[datetime] = mapped_column(Instant, default=now)

    @property
    def role_enum(self) -> Role:
        """Return the user's role."""
        return Role(self.role)


class LoginSession(Base):
    """A signed-in browser: the cookie holds a random token, the table its hash."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(Instant, default=now)
    expires_at: Mapped[datetime] = mapped_column(Instant)


class LoginAttempt(Base):
    """A failed sign-in, counted per account and per client address for the rate limit.

    Both are stored as keyed hashes: the table holds no user name or address.
    """

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    client_key: Mapped[str] = mapped_column(String(64), index=True)
    attempted_at: Mapped[datetime] = mapped_column(Instant, default=now, index=True)


class ServerKey(Base):
    """A secret the server generates once and keeps (e.g. for signing CSRF tokens)."""

    __tablename__ = "server_keys"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class SettingsChange(Base):
    """One change of the workspace settings: who, when, and the file before and after."""

    __tablename__ = "settings_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(Instant, default=now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    before: Mapped[str | None] = mapped_column(Text, default=None)
    after: Mapped[str] = mapped_column(Text)


class ImportRecord(Base):
    """One upload through the web app and how its import ended."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(Instant, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(Instant, default=None)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(255))
    mapping: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="running")
    """queued, running, done or failed."""
    workspace_import_id: Mapped[int | None] = mapped_column(Integer, default=None)
    """The import's id in the workspace's own `imports` table, with its row accounting."""
    error: Mapped[str | None] = mapped_column(Text, default=None)
    """Why the import failed (English; the workspace is unchanged)."""
