"""The note a server leaves beside the workspace it holds, so a refused import can name it.

While `karsta serve` runs it keeps the workspace open and is its only writer. A
command-line import then cannot open the file; with this note its message says
which server holds it and where to upload instead, rather than asking to wait for
a command that never ends. The note counts only while its process is the one
DuckDB names as holding the file, so a note left by a killed server misleads no one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SUFFIX = ".server.json"


def note_path(workspace: Path) -> Path:
    """Return where the server's note of `workspace` is kept (beside it)."""
    return workspace.with_name(workspace.name + SUFFIX)


@contextmanager
def server_note(workspace: Path, url: str) -> Iterator[None]:
    """Leave a note that this process serves `workspace` at `url`; take it away after."""
    path = note_path(workspace)
    path.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
    try:
        yield
    finally:
        if server_url(workspace, os.getpid()) is not None:
            path.unlink(missing_ok=True)


def server_url(workspace: Path, pid: int) -> str | None:
    """Return the URL of the server `pid` that holds `workspace`, if its note says so."""
    try:
        note = json.loads(note_path(workspace).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(note, dict) or note.get("pid") != pid:
        return None
    url = note.get("url")
    return url if isinstance(url, str) else None
