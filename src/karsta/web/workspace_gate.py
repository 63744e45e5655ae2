"""The workspace inside the server: many readers (the pages) and one writer (the imports).

DuckDB lets one process change a workspace file, or any number read it. Inside
the server, pages open it read-only while they compute; the import queue is its
only writer. While the writer holds the file, a page opens it through the
writer's own database (`karsta.workspace` does so), reading what the last
transaction committed. The gate switches between the two: the writer waits until
no page holds a read-only connection, opens the file to change it, and lets the
pages in again; when the import ends it waits for them once more and closes.

While the server runs (`serve()`), it also keeps the file open read-only between
imports. Other programs may read it side by side (`karsta summary`, `karsta
metrics`), but a `karsta import` from the command line is refused with its usual
message naming the process that holds the file: imports go through the server,
one at a time, so no page ever meets a half-imported workspace.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import karsta
from karsta.api import Analyses
from karsta.workspace import Workspace, WorkspaceError, workspace_for_import


class WorkspaceGate:
    """Read-only openings for the pages and the one writer's opening, never at once."""

    def __init__(self, path: Path, *, writer_wait: float = 30.0) -> None:
        self.path = path
        self.writer_wait = writer_wait
        """Seconds the writer waits for other programs to let go of the file."""
        self._condition = threading.Condition()
        self._readers = 0
        self._switching = False
        self._writing = False
        self._serving = False
        self._hold: Workspace | None = None

    @contextmanager
    def reading(self) -> Iterator[Analyses]:
        """Yield the workspace opened to read (through the writer's database while it imports)."""
        with self._condition:
            self._condition.wait_for(lambda: not self._switching)
            self._readers += 1
        try:
            with karsta.open(self.path, create=False, read_only=True) as ws:
                yield ws
        finally:
            with self._condition:
                self._readers -= 1
                self._condition.notify_all()

    @contextmanager
    def _switch(self) -> Iterator[None]:
        """Keep new readers out and wait until the present ones are done."""
        with self._condition:
            self._condition.wait_for(lambda: not self._switching)
            self._switching = True
            self._condition.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._condition:
                self._switching = False
                self._condition.notify_all()

    @contextmanager
    def writing(self) -> Iterator[Workspace]:
        """Yield the workspace opened to change it (created if need be); the one writer.

        Waits up to `writer_wait` seconds for other programs that read the file;
        raises `WorkspaceError` (their message) when they still hold it. A workspace
        this opening created is removed again when the block fails.
        """
        with self._switch():
            self._release()
            try:
                opening, workspace = self._open_for_writing()
            except BaseException:
                self._keep()
                raise
            self._writing = True
        failure: BaseException | None = None
        try:
            yield workspace
        except BaseException as exc:
            failure = exc
            raise
        finally:
            with self._switch():
                try:
                    if failure is None:
                        opening.__exit__(None, None, None)
                    else:
                        opening.__exit__(type(failure), failure, failure.__traceback__)
                finally:
                    self._writing = False
                    self._keep()

    def _open_for_writing(self) -> tuple[AbstractContextManager[Workspace], Workspace]:
        deadline = time.monotonic() + self.writer_wait
        while True:
            opening = workspace_for_import(self.path)
            try:
                return opening, opening.__enter__()
            except WorkspaceError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.5)

    def serve(self) -> None:
        """Start holding the file read-only between imports (the server has started)."""
        with self._switch():
            self._serving = True
            self._keep()

    def stop(self) -> None:
        """Let go of the file (the server stops)."""
        with self._switch():
            self._serving = False
            self._release()

    @property
    def holding(self) -> bool:
        """Return whether the server keeps the file open between imports."""
        return self._hold is not None

    def _keep(self) -> None:
        """Open the read-only hold, if serving and the file exists (no reader is open)."""
        if not self._serving or self._hold is not None or self._writing:
            return
        if not self.path.exists():
            return
        try:
            self._hold = Workspace.open(self.path, create=False, read_only=True)
        except WorkspaceError:
            self._hold = None  # another program changes it now; pages say so when they read

    def _release(self) -> None:
        if self._hold is not None:
            self._hold.close()
            self._hold = None
