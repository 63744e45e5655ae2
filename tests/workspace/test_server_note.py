"""The server's note beside its workspace: read only while its process is the one named."""

from __future__ import annotations

import json
import os
from pathlib import Path

from karsta.workspace.server_note import note_path, server_note, server_url


def test_the_note_names_this_server_while_it_runs_and_is_taken_away_after(
    tmp_path: Path,
) -> None:
    workspace = tmp_path / "desk.karsta"
    with server_note(workspace, "http://127.0.0.1:8000/"):
        assert note_path(workspace) == tmp_path / "desk.karsta.server.json"
        assert server_url(workspace, os.getpid()) == "http://127.0.0.1:8000/"
        assert server_url(workspace, os.getpid() + 1) is None  # another process holds it
    assert not note_path(workspace).exists()


def test_a_stale_or_broken_note_names_no_server(tmp_path: Path) -> None:
    workspace = tmp_path / "desk.karsta"
    assert server_url(workspace, 1234) is None  # no note
    note_path(workspace).write_text("{not json", encoding="utf-8")
    assert server_url(workspace, 1234) is None
    note_path(workspace).write_text(json.dumps({"pid": 99, "url": "x"}), encoding="utf-8")
    assert server_url(workspace, 1234) is None  # left by a server that was killed
    assert server_url(workspace, 99) == "x"
