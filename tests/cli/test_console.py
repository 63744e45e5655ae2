"""What reaches the terminal: data never read as markup, tables never cut, Ctrl-C in one line."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli import main
from karsta.cli.main import app
from tests.cli.desk import HEADER, ROWS

runner = CliRunner(env={"COLUMNS": "200"})


def run(*args: str, code: int = 0, cli: CliRunner = runner) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


# --- data is printed as it is ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["summary"], ["[/]", "Odottaa [asiakas]"]),  # the last statuses of T5 and T6
        (["process", "map"], ["[/]", "Odottaa [asiakas]"]),
        (["process", "variants"], ["New → [/] → Resolved", "New → Odottaa [asiakas]"]),
        (["process", "waiting"], ["Odottaa [asiakas]", "[bold]G2"]),
        (["process", "handoffs"], ["[bold]G2"]),
        (["metrics", "--metric", "O3", "--by", "status"], ["status: [/]"]),
        (["explain", "O1", "T2"], ["[bold]G2"]),
        (["waste"], ["Bottleneck: [/] → Resolved", "Tickets waiting in Odottaa [asiakas]"]),
        (["metrics", "--metric", "I2", "--by", "group"], ["group: [bold]G2"]),
    ],
)
def test_text_from_the_data_is_shown_whole(
    desk: Path, args: list[str], expected: list[str]
) -> None:
    out = run(*args, "-w", str(desk))
    for text in expected:
        assert text in out, text


def test_an_error_naming_data_is_shown_whole(tmp_path: Path) -> None:
    missing = tmp_path / "[red]gone"
    out = run("summary", "-w", str(missing), code=2)
    assert "[red]gone" in out


# --- tables are not cut at 80 columns when piped -----------------------------------------


def test_piped_tables_are_as_wide_as_they_need(desk: Path) -> None:
    piped = CliRunner()  # not a terminal, and no COLUMNS: Rich would assume 80
    out = run("metrics", "-w", str(desk), "--lang", "fi", cli=piped)
    assert "…" not in out
    assert "Käsiteltyjen tukipyyntöjen kokonaismäärä asiantuntijaa kohden" in out  # I3, whole
    assert max(len(line) for line in out.splitlines()) > 80
    figures = run("metrics", "-w", str(desk), "--period", "month", cli=piped)
    assert "…" not in figures
    assert "Average time to resolve (total throughput time)" in figures


# --- Ctrl-C ------------------------------------------------------------------------------


def _interrupting(real: Callable[..., Any], after_stage: str, raise_as: str) -> Callable[..., Any]:
    """Return import_file that receives SIGINT once `after_stage` has begun.

    `raise_as` is how the interrupt surfaces: 'python' (KeyboardInterrupt) or 'duckdb'
    (DuckDB turns SIGINT into its own error, as it does while a query runs).
    """

    def import_file(
        *args: Any, progress: Callable[[str, float | None], None], **kwargs: Any
    ) -> Any:
        def stage(name: str, fraction: float | None) -> None:
            progress(name, fraction)
            if name != after_stage:
                return
            if raise_as == "python":
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)  # the signal arrives first
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)
            except KeyboardInterrupt:
                raise RuntimeError("Query interrupted") from None  # what DuckDB raises instead

        return real(*args, progress=stage, **kwargs)

    return import_file


@pytest.mark.parametrize("raise_as", ["python", "duckdb"])
def test_ctrl_c_during_an_import_says_nothing_was_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raise_as: str
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("\n".join([HEADER, *ROWS[:5]]) + "\n", encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text("\n".join([HEADER, *ROWS[5:]]) + "\n", encoding="utf-8")
    workspace = tmp_path / "t.karsta"
    run("import", str(first), "--preset", "servicenow", "-w", str(workspace))
    monkeypatch.setattr(main, "import_file", _interrupting(main.import_file, "merge", raise_as))
    result = runner.invoke(
        app, ["import", str(second), "--preset", "servicenow", "-w", str(workspace)]
    )
    assert result.exit_code == 130, result.output
    assert "interrupted: nothing was imported, the workspace is unchanged" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 6  # the progress bars and one line
    with karsta.open(workspace) as ws:  # the first import alone: T1's five events
        assert ws.table("ticket_events").count().to_pyarrow().as_py() == 5
        assert ws.table("imports").count().to_pyarrow().as_py() == 1


def test_ctrl_c_elsewhere_says_interrupted(desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the signal arrives first

    monkeypatch.setattr(main, "summarise", interrupted)
    result = runner.invoke(app, ["summary", "-w", str(desk), "--lang", "fi"])
    assert result.exit_code == 130
    assert result.output.strip() == "keskeytetty"
