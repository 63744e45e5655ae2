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


def default_key_path() -> Path:
    """Return where the key is kept unless told otherwise: the user's config folder."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "karsta" / "pseudonym.key"


def load_or_create_key(path: Path | None = None) -> bytes:
    """Return the pseudonymisation key, creating a random one (mode 0600) if none exists."""
    path = path or default_key_path()
    if path.exists():
        key = path.read_bytes().strip()
        if len(key) < 32:
            raise ValueError(
                Message(
                    "The pseudonymisation key in {path} is too short (< 32 bytes).", path=str(path)
                )
            )
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def key_fingerprint(key: bytes) -> str:
    """Return a short public fingerprint that tells keys apart without revealing them."""
    return hashlib.sha256(b"karsta-fingerprint:" + key).hexdigest()[:16]


def pseudonym(key: bytes, value: str) -> str:
    """Return the pseudonym of one identifier."""
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGEST_CHARS]
