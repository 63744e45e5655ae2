"""Uploaded exports: received in a stream, size-limited, kept in a private folder until imported.

The upload form is read as it arrives (no copy in memory or in the system's
temporary folder): the file part is written to `<private folder>/<token>/<name>`,
the folder only the server's user can open, and the upload stops as soon as it
passes the size limit. Each upload belongs to the user who sent it; it is removed
when its import has succeeded, when it expires, and when the server stops.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

FIELD = b"file"
LIFETIME = 24 * 3600.0
"""Seconds an upload is kept when it is not imported."""
FORM_OVERHEAD = 64 * 1024
"""Bytes a form may carry beside its file (the boundaries and the CSRF token)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UploadTooLarge(Exception):
    """The upload passed the size limit (`limit` bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class UploadRefused(Exception):
    """The request held no file to keep (no file part, or an empty file)."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its token, owner, name as sent, where it is kept, and its size."""

    token: str
    user_id: int
    file_name: str
    path: Path
    size: int
    received_at: float


def safe_file_name(name: str) -> str:
    """Return the file name a browser sent, without folders or control characters."""
    base = _CONTROL.sub("", name.replace("\\", "/")).rsplit("/", 1)[-1].strip(" .")
    if len(base) > 150:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: 140 - len(suffix)] + dot + suffix) if dot else base[:150]
    return base or "upload"


class _Receiver:
    """Multipart callbacks writing the file part to disk, counting its bytes."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit
        self.headers: dict[bytes, bytes] = {}
        self.name: list[bytes] = []
        self.value: list[bytes] = []
        self.handle: int | None = None
        self.path: Path | None = None
        self.file_name = ""
        self.size = 0

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda d, s, e: self.name.append(d[s:e]),
            "on_header_value": lambda d, s, e: self.value.append(d[s:e]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.headers = {}

    def header_end(self) -> None:
        self.headers[b"".join(self.name).lower()] = b"".join(self.value).strip()
        self.name.clear()
        self.value.clear()

    def headers_finished(self) -> None:
        _disposition, options = parse_options_header(self.headers.get(b"content-disposition"))
        sent = options.get(b"filename")
        if options.get(b"name") != FIELD or sent is None or self.path is not None:
            return
        self.file_name = safe_file_name(sent.decode("utf-8", errors="replace"))
        self.path = self.folder / self.file_name
        self.handle = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.handle is None:
            return
        self.size += end - start
        if self.size > self.limit:
            raise UploadTooLarge(self.limit)
        os.write(self.handle, data[start:end])

    def part_end(self) -> None:
        self.close()

    def close(self) -> None:
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None


class Uploads:
    """The server's uploads, in its private folder (made on first use, removed on `close`)."""

    def __init__(self, limit: int, *, lifetime: float = LIFETIME) -> None:
        self.limit = limit
        self.lifetime = lifetime
        self._folder: Path | None = None
        self._items: dict[str, Upload] = {}
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        """Return the private folder (mode 0700), made on first use."""
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="karsta-uploads-"))
            return self._folder

    async def receive(self, request: Request, user_id: int) -> Upload:
        """Keep the file of an upload form; raise UploadTooLarge or UploadRefused."""
        content_type, options = parse_options_header(request.headers.get("content-type"))
        boundary = options.get(b"boundary")
        if content_type != b"multipart/form-data" or not boundary:
            raise UploadRefused
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit + FORM_OVERHEAD:
            raise UploadTooLarge(self.limit)
        self.expire()
        token = secrets.token_urlsafe(18)
        folder = self.folder / token
        folder.mkdir(mode=0o700)
        receiver = _Receiver(folder, self.limit)
        parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
        try:
            async for chunk in request.stream():
                parser.write(chunk)
            parser.finalize()
            receiver.close()
            if receiver.path is None or receiver.size == 0:
                raise UploadRefused
        except BaseException:
            receiver.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        upload = Upload(
            token, user_id, receiver.file_name, receiver.path, receiver.size, time.time()
        )
        with self._lock:
            self._items[token] = upload
        return upload

    def get(self, token: str, user_id: int) -> Upload | None:
        """Return the upload `token` of `user_id` while it is kept, else None."""
        with self._lock:
            upload = self._items.get(token)
        if upload is None or upload.user_id != user_id or not upload.path.exists():
            return None
        return upload

    def discard(self, token: str) -> None:
        """Remove an upload and its file."""
        with self._lock:
            upload = self._items.pop(token, None)
        if upload is not None:
            shutil.rmtree(upload.path.parent, ignore_errors=True)

    def expire(self) -> None:
        """Remove the uploads older than the lifetime."""
        cutoff = time.time() - self.lifetime
        with self._lock:
            old = [t for t, u in self._items.items() if u.received_at < cutoff]
        for token in old:
            self.discard(token)

    def close(self) -> None:
        """Remove every upload and the private folder."""
        with self._lock:
            folder, self._folder = self._folder, None
            self._items.clear()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
