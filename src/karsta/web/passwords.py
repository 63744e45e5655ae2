"""Password hashes (Argon2id, by argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
MIN_LENGTH = 10
"""The shortest password the app accepts."""

_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    """Return the Argon2id hash of `password`."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether `password` matches the hash; without a hash, spend the same time and fail.

    Checking a made-up hash for unknown accounts keeps the answer time the same, so
    the timing does not tell which user names exist.
    """
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
