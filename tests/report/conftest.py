"""Workspaces the reports are made from: a hand-built two-group desk and the real ServiceNow log."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import karsta
from karsta.ingest import import_file, load_preset
from tests.metrics.conftest import Desk
from tests.parity import SERVICENOW, unavailable
from tests.web.conftest import TARGETS, two_groups

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """Return the web tests' two-group desk (I10 <= 30 % beside it; see `two_groups`)."""
    path = tmp_path / "desk.karsta"
    with karsta.open(path) as ws:
        two_groups(Desk(ws))  # type: ignore[arg-type]
    path.with_name("desk.karsta.yaml").write_text(TARGETS, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def servicenow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the real ServiceNow log imported once per session, with the demo's settings."""
    if not SERVICENOW.exists():
        unavailable(f"the real ServiceNow log is not at {SERVICENOW}")
    folder = tmp_path_factory.mktemp("servicenow-report")
    path = folder / "desk.karsta"
    with karsta.open(path) as ws:
        import_file(SERVICENOW, workspace=ws, mapping=load_preset("servicenow"))
    shutil.copy(ROOT / "demo.karsta.yaml", folder / "desk.karsta.yaml")
    return path


def need_weasyprint() -> None:
    """Make sure WeasyPrint finds Pango (a system library); skip outside CI, fail in CI."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        unavailable(f"WeasyPrint cannot load its system libraries (Pango): {exc}")


def pdf_text(pdf: bytes, folder: Path) -> str:
    """Return the text of a PDF as pdftotext reads it (poppler-utils)."""
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext is missing (Debian: poppler-utils)")
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    return done.stdout.decode("utf-8")
