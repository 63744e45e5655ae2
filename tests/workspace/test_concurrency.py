"""Workspaces shared by several programs: readers side by side, writers alone, clear refusals.

Each test runs real processes: one holds the workspace open while `karsta`
commands run beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import karsta
from karsta.ingest import import_file, load_preset

LOG = (
    "case:concept:name,concept:name,time:timestamp,org:resource\n"
    "T1,New,2024-01-08 09:00:00,A1\n"
    "T1,Closed,2024-01-09 09:00:00,A1\n"
    "T2,New,2024-01-08 10:00:00,A2\n"
)
HOLDER = textwrap.dedent(
    """
    import sys
    import karsta
    ws = karsta.open(sys.argv[1], read_only=sys.argv[2] == "read")
    ws.count("tickets")
    print("holding", flush=True)
    sys.stdin.readline()
    ws.close()
    """
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    path = tmp_path / "w.karsta"
    with karsta.open(path) as ws:
        import_file(log, workspace=ws, mapping=load_preset("event-log"))
    return path


@contextmanager
def held(path: Path, how: str) -> Iterator[None]:
    """Hold the workspace open in another process ('read' or 'write') for the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        yield
    finally:
        holder.communicate("\n", timeout=60)


def karsta_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from karsta.cli.main import app; app()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"KARSTA_LANG": "en", "COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_reads_run_side_by_side(workspace: Path) -> None:
    with held(workspace, "read"):
        metrics = karsta_cli("metrics", "-w", str(workspace), "--format", "json")
        summary = karsta_cli("summary", "-w", str(workspace), "--format", "json")
        variants = karsta_cli("process", "variants", "-w", str(workspace))
    assert metrics.returncode == 0, metrics.stderr
    assert json.loads(metrics.stdout)
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["tickets"] == 2
    assert variants.returncode == 0, variants.stderr


def test_an_import_while_others_read_is_refused_clearly(workspace: Path, tmp_path: Path) -> None:
    log = tmp_path / "more.csv"
    log.write_text(LOG.replace("T1", "T3"), encoding="utf-8")
    with held(workspace, "read"):
        done = karsta_cli("import", str(log), "--preset", "event-log", "-w", str(workspace))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"The workspace {workspace} is open in another command (process " in done.stderr
    assert "try again" in done.stderr
    assert "Nothing was imported" in done.stderr


def test_a_read_during_a_write_is_refused_clearly(workspace: Path) -> None:
    with held(workspace, "write"):
        summary = karsta_cli("summary", "-w", str(workspace))
        metrics = karsta_cli("metrics", "-w", str(workspace))
    for done in (summary, metrics):
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        said = " ".join(done.stderr.split())  # the terminal wraps long paths anywhere
        assert f"The workspace {workspace} is being changed by another command" in said
        assert "Wait until it has finished and try again." in said


def test_the_message_speaks_the_users_language(workspace: Path) -> None:
    with held(workspace, "write"):
        done = subprocess.run(
            [sys.executable, "-c", "from karsta.cli.main import app; app()",
             "summary", "-w", str(workspace), "--lang", "fi"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert done.returncode == 2
    assert "Odota" in done.stderr
