"""Analyses of the workspace, computed once per workspace version and kept for the pages.

The version is the modification time and size of the workspace file (and its
write-ahead log) and the time, size and content of the settings file (`<workspace>.yaml`, read by
`karsta.metrics.config` like the CLI reads it): an import or a settings change makes a
new version, and the next page computes afresh, even when a settings change keeps the
file's size and time. The workspace is opened read-only, only while a result is
computed.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from karsta.api import Analyses
from karsta.web.access import DataScope
from karsta.web.workspace_gate import WorkspaceGate

T = TypeVar("T")
Version = tuple[tuple[int, int] | str | None, ...]


def file_version(path: Path) -> tuple[int, int] | None:
    """Return a file's (modification time in ns, size), or None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


def file_digest(path: Path) -> str | None:
    """Return the SHA-256 of a (small) file's content, or None when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


class WorkspaceResults:
    """A cache of analyses of one workspace, keyed by its version, the scope and the question."""

    def __init__(
        self,
        workspace: Path,
        settings_file: Path,
        *,
        size: int = 64,
        gate: WorkspaceGate | None = None,
    ) -> None:
        self.workspace = workspace
        self.settings_file = settings_file
        self.size = size
        self.gate = gate or WorkspaceGate(workspace)
        """Opens the workspace to read, in turn with the server's one writer."""
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def version(self) -> Version:
        """Return the current version of the workspace and its settings."""
        wal = self.workspace.with_name(self.workspace.name + ".wal")
        settings = self.settings_file
        return (
            file_version(self.workspace),
            file_version(wal),
            file_version(settings),
            file_digest(settings),
        )

    def get(self, question: Hashable, scope: DataScope, compute: Callable[[Analyses], T]) -> T:
        """Return `compute(workspace)` for `question` and `scope`, computed once per version."""
        key = (self.version(), question, scope)
        with self._guard:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]  # type: ignore[no-any-return]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one computation per key; others wait for it
            with self._guard:
                if key in self._cache:
                    return self._cache[key]  # type: ignore[no-any-return]
            with self.gate.reading() as ws:
                value = compute(ws)
            with self._guard:
                self._cache[key] = value
                self._locks.pop(key, None)
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every kept result."""
        with self._guard:
            self._cache.clear()
