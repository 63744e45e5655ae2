"""What a reader leaves for the parse: the staging table, its rows' places and its rejects.

Every reader produces the same thing: a staging table (or, for CSV and Parquet, a
view that DuckDB's own reader scans once, while the rows are parsed) whose columns
are the file's columns (text, or the file's own types for typed formats), the
place of each row in the file as a user finds it (the line of a text file with the
header as line 1, the row of a sheet, the event of a log), the rows it could not
split into columns, and the raw text of any row, so a rejected row can be fixed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from karsta.ingest.digest import FilePass

LINE = "__line"

Breakpoints = list[tuple[int, int]]  # (row place from 0, line - place) from that row on
Rewrite = Callable[[str, str], str]  # (source column, value) -> the value to keep


@dataclass(frozen=True, slots=True)
class StructuralReject:
    """A row of the file that could not be split into the header's columns."""

    line: int
    reason: str
    column: str | None = None
    raw: str | None = None  # the row as it is in the file


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What the import tells a reader beside the file and its options."""

    file_pass: FilePass | None = None  # the pass hashing the file, with its text facts
    pseudonymised: bool = False  # no plaintext copy of the file may be written


class ReadAgain(Exception):
    """The whole file showed the reader's guess of its encoding wrong: read it again."""

    def __init__(self, encoding: str) -> None:
        super().__init__(encoding)
        self.encoding = encoding


@dataclass(slots=True)
class RawFile:
    """What a reader left in the staging table, and what it could not read.

    A lazy file is a view over the file itself: it is read once, by the parse, and
    `finish_scan` then fills in `rows_read` and the rejects. Its rows carry no line
    column when `line` is None: they are numbered by their place in that scan.
    """

    table: str
    columns: list[str]
    row_label: str
    rows_read: int
    rejects: list[StructuralReject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: str | None = LINE  # SQL giving a row's place in the file, if the source has it
    lazy: bool = False
    # A lazy scan's end: given the rows scanned and the places of those the parse
    # failed, fill in the rows read and the rejects; return where the rows' lines start.
    finish: Callable[[duckdb.DuckDBPyConnection, int, list[int]], Breakpoints] | None = None
    explain: Callable[[duckdb.Error], str] | None = None  # a scan error, as told to the user
    header: list[str] | None = None  # the header's names as in the file, duplicates kept
    cell_dates: dict[str, str] = field(default_factory=dict)  # column -> its date cells column
    # The raw text of rows by line; the raw text with each field passed through a rewrite.
    raw_text: Callable[[duckdb.DuckDBPyConnection, list[int]], dict[int, str]] | None = None
    rewrite_raw: Callable[[str, Rewrite], str | None] | None = None
    cleanup: list[Callable[[], None]] = field(default_factory=list)
    detected: dict[str, str] = field(default_factory=dict)
    """How the reader found the file written (delimited text: encoding, delimiter)."""

    def remove_files(self) -> None:
        """Remove what the reader wrote for the import (run every cleanup once)."""
        while self.cleanup:
            self.cleanup.pop()()


def finish_scan(
    con: duckdb.DuckDBPyConnection, raw: RawFile, scanned: int, failed: list[int]
) -> Breakpoints:
    """Record what the one scan of a lazy file read and rejected; return its rows' lines."""
    if raw.finish is not None:
        return raw.finish(con, scanned, failed)
    raw.rows_read = scanned + len({r.line for r in raw.rejects})
    return []


def occurrence_names(header: list[str] | None, names: list[str]) -> list[str]:
    """Return staging names for a header's columns: a repeated name says which one it is.

    A name the header holds more than once (regardless of case) becomes 'name[1]',
    'name[2]', … in the order of the columns, so a mapping can say which it reads;
    other columns keep their `names`.
    """
    if header is None or len(header) != len(names):
        return names
    counts = Counter(h.lower() for h in header)
    seen: Counter[str] = Counter()
    staged = []
    for name, given in zip(header, names, strict=True):
        if counts[name.lower()] > 1:
            seen[name.lower()] += 1
            staged.append(f"{name}[{seen[name.lower()]}]")
        else:
            staged.append(given)
    return staged


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Return a staging table's columns, in order, with their DuckDB types."""
    rows = con.execute(f"SELECT name, type FROM pragma_table_info('{table}')").fetchall()
    return {str(name): str(kind) for name, kind in rows}
