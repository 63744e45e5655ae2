"""Whether a file holds what its name says: its first bytes against the format of its suffix.

An export renamed by hand, or saved in another format than its name says (an
Excel workbook called `.csv`, a CSV called `.xlsx`), is stopped before reading
with one message naming what the file holds, instead of a reader's error about
bytes it cannot make sense of. Only the first bytes are looked at; nothing in
the file is run or unpacked.
"""

from __future__ import annotations

from pathlib import Path

from karsta.i18n import N_, Message
from karsta.ingest.errors import ImportFailed

HEAD_BYTES = 8

KIND_NAMES = {
    "zip": N_("a ZIP archive (an Excel workbook is one)"),
    "parquet": N_("a Parquet file"),
    "gzip": N_("a gzip-compressed file"),
    "pdf": N_("a PDF document"),
    "ole": N_("an old Office document (.xls or .doc)"),
    "text": N_("text"),
}
"""What a file holds, as the message names it."""

_SIGNATURES = (
    (b"PK\x03\x04", "zip"),
    (b"PAR1", "parquet"),
    (b"\x1f\x8b", "gzip"),
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0", "ole"),
)
_EXPECTED = {"xlsx": "zip", "parquet": "parquet"}
"""The kind a format's file must be; the text formats are any kind but the binary ones."""


def content_kind(head: bytes) -> str:
    """Return what the first bytes of a file say it is: zip, parquet, gzip, pdf, ole or text."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return "text"


def check_content(path: Path, format_name: str) -> None:
    """Stop when the file's first bytes are not those of `format_name` (a reader's name).

    A `.gz` name must hold gzip; an Excel workbook a ZIP archive; a Parquet file
    starts with PAR1; the text formats (CSV, JSON lines, XES) must not hold one of
    the binary kinds above. Raises `ImportFailed` naming what the file holds.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return  # the reader says why it cannot open the file
    if not head:
        return  # an empty file: the reader says so
    found = content_kind(head)
    compressed = path.name.lower().endswith(".gz")
    expected = "gzip" if compressed else _EXPECTED.get(format_name)
    wrong = found != expected if expected is not None else found != "text"
    if wrong:
        raise ImportFailed(
            path,
            Message(
                "is named as a {format} file, but it holds {found}.",
                format=format_name.upper() + (" (gzip)" if compressed else ""),
                found=Message(KIND_NAMES[found]),
            ),
            Message("Export the file again in that format, or give it the name of its format."),
        )
