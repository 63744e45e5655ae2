"""Users, sign-in sessions and the login rate limit, on the app database.

The session cookie holds a random token; the database holds only its SHA-256, so a
copy of the database signs no one in. Failed sign-ins are counted per account and
per client address under keyed hashes: the table holds no user name or address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from karsta.web.models import LoginAttempt, LoginSession, Role, ServerKey, User, now
from karsta.web.passwords import hash_password


def token_hash(token: str) -> str:
    """Return the SHA-256 (hex) of a session token, as the sessions table stores it."""
    return hashlib.sha256(token.encode()).hexdigest()


def server_key(db: Session, name: str) -> str:
    """Return the server's secret `name`, made (random, 256 bits) the first time it is asked."""
    found = db.get(ServerKey, name)
    if found is not None:
        return found.value
    try:
        with db.begin_nested():
            db.add(ServerKey(name=name, value=secrets.token_urlsafe(32)))
    except IntegrityError:  # another worker made it at the same moment
        pass
    key = db.get(ServerKey, name)
    assert key is not None
    return key.value


def has_users(db: Session) -> bool:
    """Return whether any user exists (before the first, the setup page creates the admin)."""
    return db.scalar(select(func.count()).select_from(User)) != 0


def find_user(db: Session, username: str) -> User | None:
    """Return the user with this name (compared without case), or None."""
    return db.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def add_user(
    db: Session,
    username: str,
    password: str,
    role: Role,
    *,
    groups: Iterable[str] | None = None,
    channels: Iterable[str] | None = None,
) -> User:
    """Return a new user, stored with the hash of `password`."""
    user = User(
        username=username.strip(),
        password_hash=hash_password(password),
        role=role.value,
        groups=None if groups is None else sorted(set(groups)),
        channels=None if channels is None else sorted(set(channels)),
    )
    db.add(user)
    db.flush()
    return user


def start_session(db: Session, user: User, lifetime: timedelta) -> str:
    """Return the token of a new session of `user` (for the cookie)."""
    token = secrets.token_urlsafe(32)
    started = now()
    db.add(
        LoginSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=started,
            expires_at=started + lifetime,
        )
    )
    return token


def session_user(db: Session, token: str | None) -> User | None:
    """Return the user of a live session token, or None."""
    if not token:
        return None
    found = db.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    if found is None or found.expires_at <= now():
        return None
    return db.get(User, found.user_id)


def end_session(db: Session, token: str | None) -> None:
    """Delete the session of `token`, and every expired session."""
    if token:
        db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    db.execute(delete(LoginSession).where(LoginSession.expires_at <= now()))


def _keyed(db: Session, text: str) -> str:
    return hmac.new(server_key(db, "login_attempts").encode(), text.encode(), "sha256").hexdigest()


def login_keys(db: Session, username: str, client: str) -> tuple[str, str]:
    """Return the keyed hashes a failed sign-in is counted under: account and client address."""
    return _keyed(db, "account:" + username.strip().lower()), _keyed(db, "client:" + client)


def failures_since(db: Session, keys: tuple[str, str], since: datetime) -> tuple[int, int]:
    """Return the failed sign-ins since `since` of the account and of the client address."""
    account, client = keys
    recent = LoginAttempt.attempted_at > since
    per_account = select(func.count()).where(LoginAttempt.account_key == account, recent)
    per_client = select(func.count()).where(LoginAttempt.client_key == client, recent)
    return int(db.scalar(per_account) or 0), int(db.scalar(per_client) or 0)


def record_failure(db: Session, keys: tuple[str, str]) -> None:
    """Count one failed sign-in of the account from the client address."""
    db.add(LoginAttempt(account_key=keys[0], client_key=keys[1], attempted_at=now()))


def clear_failures(db: Session, keys: tuple[str, str], older_than: datetime) -> None:
    """Forget the account's failures after a sign-in, and every failure too old to count."""
    db.execute(delete(LoginAttempt).where(LoginAttempt.account_key == keys[0]))
    db.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= older_than))
