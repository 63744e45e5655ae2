"""Fixtures of the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.desk import write_desk


@pytest.fixture(scope="session")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the small desk of `tests.cli.desk`, imported once per run (tests only read it)."""
    return write_desk(tmp_path_factory.mktemp("desk"))
