"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import karsta
from karsta import i18n
from karsta.workspace import Workspace


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run every test in English whatever the machine's locale; tests that want another say so."""
    monkeypatch.setenv(i18n.ENV_VARIABLE, "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """Return a fresh workspace in `tmp_path`, closed after the test."""
    ws = karsta.open(tmp_path / "t.karsta")
    try:
        yield ws
    finally:
        ws.close()
