"""A look at an export before it is imported: its columns, first rows and how it is written.

The file is read by the same readers as the import, into a throwaway in-memory
database, so the preview shows what the import will see: the header, the first
rows as text, the encoding and delimiter the reader found, and for each column
whether its values read as timestamps (in which format) or numbers (with which
decimal separator). Nothing in the file is executed: the readers parse text,
workbooks, Parquet and XML as data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from karsta.ingest.mapping import ReadOptions
from karsta.ingest.parse import ISO, detect_decimal, literal, quote, timestamp_format_fit
from karsta.ingest.readers import RawFile, ReadContext, reader_for
from karsta.ingest.signature import check_content
from karsta.workspace import configure

PREVIEW_ROWS = 10
SAMPLE_ROWS = 2000
SAMPLE_VALUES = 200
FIT = 0.9
"""A column is read as timestamps (numbers) when at least this part of its sampled values are."""
STAGED = "__karsta_preview"
_NUMBER = re.compile(r"-?(\d{1,3}([\s\u00a0.,]\d{3})+|\d+)([.,]\d+)?")

ColumnKind = Literal["timestamp", "number", "text", "empty"]


@dataclass(frozen=True, slots=True)
class ColumnPreview:
    """One column of the file: its name and how its sampled values read."""

    name: str
    kind: ColumnKind
    timestamp_format: str | None = None
    """'iso' for ISO 8601, else a strptime format; only for timestamps."""
    decimal: str | None = None
    """',' or '.'; only for numbers written with decimals."""
    distinct: int = 0
    """Distinct values among the sampled rows (empty ones left out)."""


@dataclass(frozen=True, slots=True)
class Preview:
    """The first rows of an export and how it is written, as the import will read it."""

    file: str
    format: str
    row_label: str
    columns: tuple[ColumnPreview, ...]
    rows: tuple[tuple[str | None, ...], ...]
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    """The decimal separator of the number columns written with decimals, if any."""
    timestamp_format: str | None = None
    """The format most timestamp columns are written in, if any."""

    @property
    def header(self) -> tuple[str, ...]:
        """Return the column names in order."""
        return tuple(c.name for c in self.columns)


@contextmanager
def _staged(
    path: Path, format_name: str | None, read: ReadOptions, *, pseudonymised: bool
) -> Iterator[tuple[duckdb.DuckDBPyConnection, RawFile, str]]:
    """Yield a throwaway database holding the file as the import's staging table."""
    path = Path(path)
    reader = reader_for(path, format_name)
    check_content(path, reader.name)
    con = duckdb.connect()
    configure(con)
    raw: RawFile | None = None
    try:
        raw = reader.load(con, path, read, STAGED, ReadContext(pseudonymised=pseudonymised))
        yield con, raw, reader.name
    finally:
        if raw is not None:
            raw.remove_files()
        con.close()


def _text(column: str) -> str:
    return f"trim(CAST({quote(column)} AS VARCHAR))"


def _sample(
    con: duckdb.DuckDBPyConnection, raw: RawFile, column: str, missing: tuple[str, ...]
) -> list[str]:
    markers = ", ".join(literal(m) for m in sorted({*missing, ""}))
    rows = con.execute(
        f"SELECT DISTINCT v FROM (SELECT {_text(column)} AS v FROM {raw.table} "
        f"LIMIT {SAMPLE_ROWS}) WHERE v IS NOT NULL AND v NOT IN ({markers}) "
        f"LIMIT {SAMPLE_VALUES}"
    ).fetchall()
    return [str(v) for (v,) in rows]


def _column(
    con: duckdb.DuckDBPyConnection, raw: RawFile, name: str, raw_type: str, read: ReadOptions
) -> ColumnPreview:
    """Return how the sampled values of one column read."""
    kind_of_type = raw_type.upper()
    if kind_of_type.startswith(("TIMESTAMP", "DATE")) or name in raw.cell_dates:
        values = _sample(con, raw, name, read.missing)
        return ColumnPreview(name, "timestamp", ISO, distinct=len(values))
    values = _sample(con, raw, name, read.missing)
    if not values:
        return ColumnPreview(name, "empty")
    if kind_of_type != "VARCHAR":
        numeric = any(t in kind_of_type for t in ("INT", "DOUBLE", "FLOAT", "DECIMAL"))
        kind: ColumnKind = "number" if numeric else "text"
        return ColumnPreview(name, kind, decimal="." if numeric else None, distinct=len(values))
    fmt, parsed = timestamp_format_fit(con, values)
    if parsed >= FIT * len(values):
        return ColumnPreview(name, "timestamp", fmt, distinct=len(values))
    numbers = [v for v in values if _NUMBER.fullmatch(v)]
    if len(numbers) >= FIT * len(values):
        decimal = read.decimal or (
            detect_decimal(numbers) if any(c in v for v in numbers for c in ",.") else None
        )
        return ColumnPreview(name, "number", decimal=decimal, distinct=len(values))
    return ColumnPreview(name, "text", distinct=len(values))


def preview_file(
    path: Path,
    *,
    format_name: str | None = None,
    read: ReadOptions | None = None,
    rows: int = PREVIEW_ROWS,
    pseudonymised: bool = False,
) -> Preview:
    """Return the first `rows` rows of an export and how it is written.

    The file is read by the import's reader (by `format_name` or its suffix) with
    `read` (empty options are detected). Raises `ImportFailed` when the import could
    not read it either: an unknown or misnamed format, a wrong encoding, a damaged
    file. With `pseudonymised`, no plaintext copy of the file is written.
    """
    read = read or ReadOptions()
    with _staged(path, format_name, read, pseudonymised=pseudonymised) as (con, raw, name):
        types = {
            str(n): str(t)
            for n, t in con.execute(
                f"SELECT name, type FROM pragma_table_info('{raw.table}')"
            ).fetchall()
        }
        columns = tuple(_column(con, raw, c, types.get(c, "VARCHAR"), read) for c in raw.columns)
        selected = ", ".join(f"CAST({quote(c)} AS VARCHAR)" for c in raw.columns)
        first = con.execute(f"SELECT {selected} FROM {raw.table} LIMIT {int(rows)}").fetchall()
        formats = Counter(c.timestamp_format for c in columns if c.timestamp_format)
        decimals = Counter(c.decimal for c in columns if c.decimal)
        return Preview(
            file=str(path),
            format=name,
            row_label=raw.row_label,
            columns=columns,
            rows=tuple(tuple(None if v is None else str(v) for v in row) for row in first),
            encoding=read.encoding or raw.detected.get("encoding"),
            delimiter=read.delimiter or raw.detected.get("delimiter"),
            decimal=read.decimal or (decimals.most_common(1)[0][0] if decimals else None),
            timestamp_format=read.timestamp_format
            or (formats.most_common(1)[0][0] if formats else None),
        )


def column_values(
    path: Path,
    column: str,
    *,
    format_name: str | None = None,
    read: ReadOptions | None = None,
    limit: int = 100,
    pseudonymised: bool = False,
) -> list[tuple[str, int]]:
    """Return the distinct values of one column of the whole file with their rows, most first.

    Values are trimmed; empty ones and the read options' missing markers are left
    out. Raises `ImportFailed` as `preview_file` does, and `KeyError` for a column
    the file does not have.
    """
    read = read or ReadOptions()
    with _staged(path, format_name, read, pseudonymised=pseudonymised) as (con, raw, _name):
        if column not in raw.columns:
            raise KeyError(column)
        markers = ", ".join(literal(m) for m in sorted({*read.missing, ""}))
        found = con.execute(
            f"SELECT v, count(*) AS n FROM (SELECT {_text(column)} AS v FROM {raw.table}) "
            f"WHERE v IS NOT NULL AND v NOT IN ({markers}) GROUP BY v ORDER BY n DESC, v "
            f"LIMIT {int(limit)}"
        ).fetchall()
        return [(str(v), int(n)) for v, n in found]
