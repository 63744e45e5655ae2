"""One writer: a running server holds the workspace, imports go through it, pages keep reading."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from karsta.cli.main import app as cli
from karsta.ingest import import_file, load_preset
from karsta.web.workspace_gate import WorkspaceGate
from karsta.workspace.server_note import note_path

LOG = (
    "case:concept:name,concept:name,time:timestamp\n"
    "N1,New,2024-03-06 08:00:00\n"
    "N1,Resolved,2024-03-06 09:00:00\n"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_cli_import_while_the_server_runs_gets_the_lock_message(
    desk_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "karsta.cli.main", "serve", "--workspace", str(desk_file),
         "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "KARSTA_LANG": "en"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        runner = CliRunner()
        refused = runner.invoke(
            cli, ["import", str(log), "--preset", "event-log", "--workspace", str(desk_file),
                  "--lang", "en"],
        )  # fmt: skip
        text = " ".join(refused.output.split())
        assert refused.exit_code == 2, refused.output
        # The message names the server and where to upload, not 'wait for the command'.
        assert (
            f"is held by the web app (karsta serve, process {server.pid}) at "
            f"http://127.0.0.1:{port}/: while it runs, imports go through it. Upload the file "
            f"on its Data page (http://127.0.0.1:{port}/data/upload), or stop the server and "
            "import again."
        ) in text
        assert "Nothing was imported; the workspace is unchanged." in text
        assert "Traceback" not in refused.output
        # Reading side by side still works.
        summary = runner.invoke(cli, ["summary", "--workspace", str(desk_file), "--lang", "en"])
        assert summary.exit_code == 0, summary.output
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    assert not note_path(desk_file).exists()  # the server took its note away
    # Once the server has stopped, the command line imports again.
    done = CliRunner().invoke(
        cli, ["import", str(log), "--preset", "event-log", "--workspace", str(desk_file)]
    )
    assert done.exit_code == 0, done.output


def test_pages_read_what_the_last_transaction_committed_while_an_import_runs(
    desk_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    gate = WorkspaceGate(desk_file)
    gate.serve()
    seen: list[int] = []
    started, go_on = threading.Event(), threading.Event()

    def slow_progress(stage: str, fraction: float | None) -> None:
        if stage == "merge" and fraction == 0.0:
            started.set()
            go_on.wait(10)

    def writer() -> None:
        with gate.writing() as ws:
            import_file(log, workspace=ws, mapping=load_preset("event-log"), progress=slow_progress)

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(20)
    with gate.reading() as ws:  # during the import: the 7 tickets of the desk, not N1 yet
        seen.append(int(ws.table("tickets").count().to_pyarrow().as_py()))
    go_on.set()
    thread.join(30)
    with gate.reading() as ws:
        seen.append(int(ws.table("tickets").count().to_pyarrow().as_py()))
    assert seen == [7, 8]
    assert gate.holding  # held again between imports
    gate.stop()
    assert not gate.holding
