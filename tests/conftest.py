"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import karsta
from karsta.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """Return a fresh workspace in `tmp_path`, closed after the test."""
    ws = karsta.open(tmp_path / "t.karsta")
    try:
        yield ws
    finally:
        ws.close()
