"""One pass over the source file beside the import: its SHA-256 and what its text bytes say.

The pass runs in a thread while DuckDB reads the file, so it costs little time:
hashlib and zlib release the GIL on large blocks. For a text file it also counts
the lines of the (decompressed) bytes and finds the first byte that is not UTF-8,
so the reader can check its guess of the encoding on the whole file, not on a
sample.
"""

from __future__ import annotations

import codecs
import hashlib
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

CHUNK_BYTES = 1 << 22
GUESSED = "cp1252"  # the single-byte encoding a file that is not UTF-8 is taken for


@dataclass(frozen=True, slots=True)
class BadByte:
    """The first byte of a file that an encoding cannot read, and its line."""

    byte: int
    line: int
    after_non_ascii: bool = False  # readable non-ASCII text came before it


@dataclass(frozen=True, slots=True)
class TextFacts:
    """What the bytes of a text file (decompressed) say about its lines and encoding."""

    newlines: int
    size: int
    ends_with_newline: bool
    not_utf8: BadByte | None

    @property
    def lines(self) -> int:
        """Return the number of physical lines (a last line without a newline counts)."""
        return self.newlines + (0 if self.ends_with_newline or not self.size else 1)


class _TextCheck:
    """Line count and encoding checks over the chunks of a text, fed in order."""

    def __init__(self) -> None:
        self.newlines = 0
        self.size = 0
        self.last = b""
        self.not_utf8: BadByte | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self._non_ascii = False

    def feed(self, data: bytes, *, final: bool = False) -> None:
        if data:
            ascii_only = data.isascii()
            if self.not_utf8 is None and (not ascii_only or self._decoder.getstate()[0]):
                self._check_utf8(data, final=False)
            self._non_ascii = self._non_ascii or not ascii_only
            self.newlines += data.count(b"\n")
            self.size += len(data)
            self.last = data[-1:]
        if final and self.not_utf8 is None:
            self._check_utf8(b"", final=True)

    def _check_utf8(self, data: bytes, *, final: bool) -> None:
        try:
            self._decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            held = len(exc.object) - len(data)  # bytes the decoder kept from the last chunk
            at = exc.start - held
            before = data[: max(at, 0)]
            line = self.newlines + before.count(b"\n") + 1
            readable = self._non_ascii or not before.isascii()
            self.not_utf8 = BadByte(exc.object[exc.start], line, readable)

    def facts(self) -> TextFacts:
        return TextFacts(self.newlines, self.size, self.last == b"\n", self.not_utf8)


class FilePass:
    """The file's SHA-256 and (for text) its `TextFacts`, computed in a thread."""

    def __init__(self, path: Path, *, text: bool) -> None:
        self._sha256: str | BaseException = ""
        self._text: TextFacts | None = None
        self._thread = threading.Thread(target=self._run, args=(path, text), daemon=True)
        self._thread.start()

    def _run(self, path: Path, text: bool) -> None:
        digest = hashlib.sha256()
        check = _TextCheck() if text else None
        inflate = _Inflater() if text and path.name.lower().endswith(".gz") else None
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    digest.update(chunk)
                    if check is None:
                        continue
                    try:
                        check.feed(chunk if inflate is None else inflate.feed(chunk))
                    except zlib.error:
                        check = None  # a damaged archive: the reader says so
            if check is not None and (inflate is None or inflate.complete):
                check.feed(b"", final=True)
                self._text = check.facts()
        except BaseException as exc:  # handed to the caller of sha256()
            self._sha256 = exc
            return
        self._sha256 = digest.hexdigest()

    def sha256(self) -> str:
        """Return the hex digest of the file (waiting for it), or raise what reading raised."""
        self._thread.join()
        if isinstance(self._sha256, BaseException):
            raise self._sha256
        return self._sha256

    def text(self) -> TextFacts | None:
        """Return what the text says (waiting for it); None if not text or not readable."""
        self._thread.join()
        return self._text


class _Inflater:
    """Decompresses a gzip stream of one or more members, chunk by chunk."""

    def __init__(self) -> None:
        self._inflate = zlib.decompressobj(wbits=47)
        self.complete = False

    def feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            out.append(self._inflate.decompress(chunk))
            if not self._inflate.eof:
                self.complete = False
                break
            self.complete = True
            chunk = self._inflate.unused_data
            if chunk:
                self._inflate = zlib.decompressobj(wbits=47)
                self.complete = False
        return b"".join(out)
