"""Ctrl-C: one line saying what happened and exit code 130, never a traceback.

DuckDB turns the interrupt into its own error (a RuntimeError "Query interrupted", or
a failed transaction while cleaning up) rather than Python's KeyboardInterrupt, so
what was interrupted is known from the signal itself: while a command runs, SIGINT
is recorded before it is raised.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import typer

from karsta.cli import render

EXIT_INTERRUPTED = 130
"""The shell's exit status for a command stopped by SIGINT (128 + 2)."""


@contextmanager
def stops_on_ctrl_c(message: str) -> Iterator[None]:
    """Run the block; on Ctrl-C print `message` on stderr and exit with code 130."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return
    interrupted = False

    def record(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, record)
    try:
        yield
    except (KeyboardInterrupt, Exception) as exc:
        if not interrupted and not isinstance(exc, KeyboardInterrupt):
            raise
        render.console(stderr=True).print(render.plain(message))
        raise typer.Exit(code=EXIT_INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGINT, previous)
