"""Pseudonyms for personal identifiers: keyed hashes whose key lives outside the workspace.

The same identifier gets the same pseudonym under the same key, so tickets of
one caller still belong together, while a workspace handed to an analyst holds
no raw identifiers. Without the key the pseudonyms cannot be reversed or
recomputed from a guessed identifier.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from karsta.i18n import Message

KEY_ENV = "KARSTA_PSEUDONYM_KEY_FILE"
PREFIX = "p:"
DIGEST_CHARS = 20
MIN_KEY_BYTES = 32


class KeyFileError(ValueError):
    """The key file cannot be used; the message (a `Message`) says why and what to do."""


def default_key_path() -> Path:
    """Return where the key is kept unless told otherwise: the user's config folder."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "karsta" / "pseudonym.key"


def load_key(path: Path | None = None) -> bytes | None:
    """Return the key in `path` (default: `default_key_path()`), or None when there is none.

    Raises `KeyFileError` when the file exists but cannot be used as a key.
    """
    path = path or default_key_path()
    if not path.exists():
        return None
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise KeyFileError(
            Message(
                "The pseudonymisation key file {path} cannot be read ({reason}). "
                "Give a readable key file with --key-file.",
                path=str(path),
                reason=exc.strerror or type(exc).__name__,
            )
        ) from exc
    if len(key) < MIN_KEY_BYTES:
        raise KeyFileError(
            Message(
                "The pseudonymisation key file {path} is not a key: it holds {size} bytes, "
                "a key has at least {minimum}. Give the key file the earlier imports used "
                "(--key-file), or remove this file to have a new key created.",
                path=str(path),
                size=len(key),
                minimum=MIN_KEY_BYTES,
            )
        )
    return key


def create_key(path: Path | None = None) -> bytes:
    """Create a random key in a new file `path` (mode 0600) and return it."""
    path = path or default_key_path()
    key = secrets.token_hex(MIN_KEY_BYTES).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
    except OSError as exc:
        raise KeyFileError(
            Message(
                "A pseudonymisation key cannot be created at {path} ({reason}). "
                "Give a writable place with --key-file.",
                path=str(path),
                reason=exc.strerror or type(exc).__name__,
            )
        ) from exc
    return key


def load_or_create_key(path: Path | None = None) -> tuple[bytes, bool]:
    """Return the pseudonymisation key and whether it was created now (no file existed)."""
    key = load_key(path)
    if key is not None:
        return key, False
    return create_key(path), True


def key_fingerprint(key: bytes) -> str:
    """Return a short public fingerprint that tells keys apart without revealing them."""
    return hashlib.sha256(b"karsta-fingerprint:" + key).hexdigest()[:16]


def pseudonym(key: bytes, value: str) -> str:
    """Return the pseudonym of one identifier."""
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGEST_CHARS]
