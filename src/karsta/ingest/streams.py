"""The bytes of a source file as DuckDB and the import read them, without plaintext left behind.

DuckDB reads UTF-8 and UTF-16 itself. A file in another encoding (Windows-1252
from Excel, ISO 8859-15, …) is decoded into a UTF-8 copy for it, written into a
private folder (only this user can open it). Where the system allows it (Linux)
the copy is unlinked the moment it is created and read through its open file:
no name leads to it and the system frees it when the process ends, however it
ends, kill -9 included. Elsewhere the folder is removed when the import ends,
and the next import sweeps the folders of processes that were killed; there,
with pseudonymisation, no copy is written and such a file is refused.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from karsta.i18n import N_, Message
from karsta.ingest.errors import ImportFailed

CHUNK_BYTES = 1 << 20
NATIVE_ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16"}
FOLDER_PREFIX = "karsta-import-"
STALE_SECONDS = 24 * 3600  # where a process cannot be asked whether it still runs
TRUNCATED = N_("the compressed file ends too early or is damaged (truncated download?).")


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing a .gz file."""
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def byte_chunks(path: Path, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Yield the (decompressed) bytes of a file in chunks; a damaged file fails clearly."""
    try:
        with open_binary(path) as handle:
            while chunk := handle.read(size):
                yield chunk
    except (OSError, EOFError) as exc:
        raise unreadable(path, exc) from exc


def unreadable(path: Path, exc: OSError | EOFError) -> ImportFailed:
    """Return the failure for a file that cannot be read, naming a damaged archive as such."""
    if isinstance(exc, EOFError | gzip.BadGzipFile) or "gzip" in str(exc).lower():
        return ImportFailed(path, Message(TRUNCATED), Message("Download or copy the file again."))
    return ImportFailed(path, Message("cannot be read: {error}.", error=str(exc)))


def not_readable_as(path: Path, encoding: str, byte: int, line: int) -> ImportFailed:
    """Return the failure for a byte the file's encoding cannot read."""
    return ImportFailed(
        path,
        Message(
            "is not {encoding} text: byte 0x{byte:02X} on line {line} cannot be read.",
            encoding=encoding,
            byte=byte,
            line=line,
        ),
        Message("Give the right encoding with --encoding."),
    )


def utf8_chunks(path: Path, encoding: str) -> Iterator[bytes]:
    """Yield the file's text re-encoded as UTF-8, in chunks; an undecodable byte fails clearly."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0  # newlines before the current chunk
    chunk = b""
    try:
        for chunk in byte_chunks(path):
            yield decoder.decode(chunk).encode("utf-8")
            lines += chunk.count(b"\n")
        chunk = b""
        yield decoder.decode(b"", final=True).encode("utf-8")
    except UnicodeDecodeError as exc:
        # The decoder may hold back a few bytes of the previous chunk; count them in.
        held = len(exc.object) - len(chunk)
        before = exc.object[max(held, 0) : exc.start].count(b"\n") if exc.start > held else 0
        raise not_readable_as(path, encoding, exc.object[exc.start], lines + before + 1) from exc


def canonical_encoding(name: str) -> str:
    """Return Python's name for an encoding, with a hyphen ('cp1252', 'utf-8', 'latin-1')."""
    return codecs.lookup(name).name.replace("_", "-")


# --- a UTF-8 copy, for the multi-byte encodings DuckDB cannot read ----------------------


def private_folder() -> Path:
    """Return a new folder only this user can open, named after this process for the sweep."""
    return Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))


def sweep_private_folders(root: Path | None = None) -> list[Path]:
    """Remove the private folders left by imports whose process is gone; return them."""
    root = Path(tempfile.gettempdir()) if root is None else root
    swept = []
    for folder in root.glob(f"{FOLDER_PREFIX}*"):
        if folder.is_symlink() or not folder.is_dir() or not _abandoned(folder):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        swept.append(folder)
    return swept


def _abandoned(folder: Path) -> bool:
    """Return whether a private folder belongs to this user and to no running process."""
    info = folder.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    pid_text = folder.name.removeprefix(FOLDER_PREFIX).split("-", 1)[0]
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    if sys.platform == "win32":  # signal 0 is not a probe there
        return time.time() - info.st_mtime > STALE_SECONDS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


class Utf8Copy:
    """A UTF-8 copy of a text file in a private folder, gone when closed (or killed, on Linux).

    On Linux the copy is unlinked as soon as it is created and read through
    `/proc/self/fd`, so no path leads to it and the system frees it when the process
    ends, however it ends. Elsewhere it is removed on close, or by the next sweep;
    there, with `nameless_only`, no copy is written (`ImportFailed`).
    """

    def __init__(self, path: Path, encoding: str, *, nameless_only: bool = False) -> None:
        self.folder = private_folder()
        target = self.folder / "text.utf8"
        self._handle: IO[bytes] | None = None
        try:
            self._handle = target.open("w+b")
            nameless = _nameless_path(self._handle)
            if nameless is not None:
                target.unlink()
                self.path = nameless
            elif nameless_only:
                raise no_copy_when_pseudonymised(path, encoding)
            else:
                self.path = str(target)
            for chunk in utf8_chunks(path, encoding):
                self._handle.write(chunk)
            self._handle.flush()
        except BaseException:
            self.close()
            raise

    def chunks(self) -> Iterator[bytes]:
        """Yield the copy's bytes in chunks."""
        with Path(self.path).open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk

    def close(self) -> None:
        """Remove the copy and its folder."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
        shutil.rmtree(self.folder, ignore_errors=True)


def _nameless_path(handle: IO[bytes]) -> str | None:
    """Return a path that opens the file of `handle` after its name is gone (Linux), or None."""
    path = f"/proc/self/fd/{handle.fileno()}"
    return path if Path(path).exists() else None


def no_copy_when_pseudonymised(path: Path, encoding: str) -> ImportFailed:
    """Return the failure for a file that would need a decoded copy under pseudonymisation."""
    return ImportFailed(
        path,
        Message(
            "is in the {encoding} encoding, which the reader can only read from a decoded "
            "copy, and with --pseudonymise no copy of the file's identifiers is written "
            "on this system.",
            encoding=encoding,
        ),
        Message("Save the file as UTF-8 (in Excel: 'CSV UTF-8') and import that."),
    )
