"""Readers: make an export file, as it is, readable as a staging table of the import.

What a reader produces is described in `karsta.ingest.staging`. Delimited text
has its own module (`delimited`); the others are here: Parquet (a view DuckDB
scans), and the row-by-row formats XLSX, JSON lines and XES.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Protocol

import duckdb
import pyarrow as pa

from karsta.i18n import Message
from karsta.ingest.delimited import CsvReader, detect_encoding, sample_bytes
from karsta.ingest.errors import ImportFailed
from karsta.ingest.mapping import ReadOptions
from karsta.ingest.sqltext import literal, quote
from karsta.ingest.staging import (
    LINE,
    RawFile,
    ReadContext,
    Rewrite,
    StructuralReject,
    column_types,
    finish_scan,
    occurrence_names,
)
from karsta.ingest.streams import byte_chunks, open_binary, unreadable

CHUNK_ROWS = 50_000
DATE_CELLS = "__karsta_dates"  # prefix of the columns holding a sheet's date cells

__all__ = [
    "LINE",
    "READERS",
    "CsvReader",
    "RawFile",
    "ReadContext",
    "Reader",
    "column_types",
    "detect_encoding",
    "finish_scan",
    "reader_for",
]


class Reader(Protocol):
    """Loads one file format into a staging table."""

    name: str
    suffixes: tuple[str, ...]

    def load(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        options: ReadOptions,
        table: str,
        context: ReadContext | None = None,
    ) -> RawFile:
        """Load `path` into `table` and return what was read."""
        ...


# --- raw rows as JSON (formats whose rows are records, not lines) -------------------------


def _json_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], lines: list[int]
) -> dict[int, str]:
    """Return the staged rows at `lines` as JSON objects of their values as read."""
    if not lines:
        return {}
    selected = ", ".join(quote(c) for c in columns)
    found = con.execute(
        f"SELECT {LINE}, {selected} FROM {table} WHERE {LINE} IN (SELECT unnest(?::BIGINT[]))",
        [lines],
    ).fetchall()
    return {
        int(row[0]): json.dumps(dict(zip(columns, row[1:], strict=True)), default=str)
        for row in found
    }


def _rewrite_json(text: str, replace: Rewrite) -> str | None:
    """Return a JSON object with each value passed through `replace` (by its key)."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    kept = {}
    for key, value in record.items():
        shown = value if value is None or isinstance(value, str) else json.dumps(value)
        kept[key] = value if shown is None else replace(str(key), shown)
        if kept[key] == shown:
            kept[key] = value
    return json.dumps(kept, ensure_ascii=False)


# --- Parquet -----------------------------------------------------------------------------


class ParquetReader:
    """Apache Parquet files (the hand-over format of BI tools and Spark)."""

    name: str = "parquet"
    suffixes: tuple[str, ...] = (".parquet", ".pq")

    def load(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        options: ReadOptions,
        table: str,
        context: ReadContext | None = None,
    ) -> RawFile:
        """Make the file a view with its own column types, rows numbered from 1."""
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * EXCLUDE (file_row_number), "
                f"file_row_number + 1 AS {LINE} "
                f"FROM read_parquet({literal(str(path))}, file_row_number := true)"
            )
            columns = [c for c in column_types(con, table) if c != LINE]
        except duckdb.Error as exc:
            raise ImportFailed(path, _explain_parquet_error(exc)) from exc
        return RawFile(
            table,
            columns,
            "row",
            0,
            lazy=True,
            explain=_explain_parquet_error,
            raw_text=lambda c, lines: _json_rows(c, table, columns, lines),
            rewrite_raw=_rewrite_json,
        )


def _explain_parquet_error(exc: duckdb.Error) -> str:
    return Message("cannot be read as Parquet: {error}", error=str(exc).splitlines()[0])


# --- row-by-row formats (XLSX, JSON lines, XES) -------------------------------------------


def _as_text(value: object) -> str | None:
    """Return a cell as text the parser understands (ISO for dates, no float noise)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


Record = dict[str, str | datetime | None]


def _load_records(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[str],
    records: Iterable[tuple[int, Record]],
    dates: Iterable[str] = (),
) -> int:
    """Write (line, record) pairs into `table` in chunks; return the number written.

    `columns` are text; `dates` hold naive date-times (the date cells of a sheet).
    """
    typed = [(c, pa.string()) for c in columns] + [(c, pa.timestamp("us")) for c in dates]
    schema = pa.schema([*typed, (LINE, pa.int64())])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} ("
        + ", ".join(
            f"{quote(c)} {'VARCHAR' if t == pa.string() else 'TIMESTAMP'}" for c, t in typed
        )
        + f", {LINE} BIGINT)"
    )
    written = 0
    chunk: list[tuple[int, Record]] = []

    def flush() -> None:
        batch = pa.table(
            {c: [r.get(c) for _, r in chunk] for c, _ in typed} | {LINE: [n for n, _ in chunk]},
            schema=schema,
        )
        con.register("__karsta_batch", batch)
        try:
            con.execute(f"INSERT INTO {table} SELECT * FROM __karsta_batch")
        finally:
            con.unregister("__karsta_batch")

    for item in records:
        chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            flush()
            written += len(chunk)
            chunk = []
    if chunk:
        flush()
        written += len(chunk)
    return written


class XlsxReader:
    """Excel workbooks: the first sheet (or the one named), the first row as header.

    A date cell is a date whatever text format the mapping expects: it is kept
    beside its text, in a column of its own (`RawFile.cell_dates`).
    """

    name: str = "xlsx"
    suffixes: tuple[str, ...] = (".xlsx", ".xlsm")

    def load(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        options: ReadOptions,
        table: str,
        context: ReadContext | None = None,
    ) -> RawFile:
        """Load one sheet of a workbook as text cells, rows numbered as in Excel."""
        import openpyxl  # imported here: only Excel imports pay for it

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for damaged files
            problem = Message("cannot be read as an Excel workbook: {error}", error=str(exc))
            raise ImportFailed(path, problem) from exc
        try:
            if options.sheet and options.sheet not in book.sheetnames:
                raise ImportFailed(
                    path,
                    Message(
                        "has no sheet '{sheet}'; it has {sheets}.",
                        sheet=options.sheet,
                        sheets=", ".join(book.sheetnames),
                    ),
                )
            sheet = book[options.sheet] if options.sheet else book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            first = next(rows, None)
            if first is None:
                raise ImportFailed(path, Message("the sheet is empty."))
            header = [_as_text(h) or f"column{i + 1}" for i, h in enumerate(first)]
            columns = occurrence_names(header, header)
            dates = [f"{DATE_CELLS}{i}" for i in range(len(columns))]
            dated: set[int] = set()

            def records() -> Iterator[tuple[int, Record]]:
                for number, row in enumerate(rows, start=2):
                    if all(v is None for v in row):
                        continue
                    record: Record = {}
                    for i, value in enumerate(row[: len(columns)]):
                        record[columns[i]] = _as_text(value)
                        if isinstance(value, date) and not isinstance(value, datetime):
                            value = datetime.combine(value, time())
                        if isinstance(value, datetime):
                            record[dates[i]] = value.replace(tzinfo=None)
                            dated.add(i)
                    yield number, record

            read = _load_records(con, table, columns, records(), dates)
        finally:
            book.close()
        return RawFile(
            table,
            columns,
            "row",
            read,
            header=header,
            cell_dates={columns[i]: dates[i] for i in sorted(dated)},
            raw_text=lambda c, lines: _json_rows(c, table, columns, lines),
            rewrite_raw=_rewrite_json,
        )


class JsonLinesReader:
    """JSON lines: one JSON object per line; a line that is not an object is rejected."""

    name: str = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")

    def load(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        options: ReadOptions,
        table: str,
        context: ReadContext | None = None,
    ) -> RawFile:
        """Load JSON lines; top-level keys become columns, nested values stay JSON text."""
        encoding = detect_encoding(path, sample_bytes(path), options.encoding)
        rejects: list[StructuralReject] = []
        parsed: list[tuple[int, Record]] = []
        columns: dict[str, None] = {}
        number = 0
        try:
            with io.TextIOWrapper(open_binary(path), encoding=encoding) as handle:
                for number, text in enumerate(handle, start=1):
                    if not text.strip():
                        continue
                    raw = text.rstrip("\r\n")
                    try:
                        obj = json.loads(text)
                    except json.JSONDecodeError as exc:
                        rejects.append(
                            StructuralReject(number, f"not valid JSON: {exc.msg}", raw=raw)
                        )
                        continue
                    if not isinstance(obj, dict):
                        reason = "the line is not a JSON object"
                        rejects.append(StructuralReject(number, reason, raw=raw))
                        continue
                    columns.update(dict.fromkeys(obj))
                    parsed.append((number, {k: _as_text(v) for k, v in obj.items()}))
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                path,
                Message(
                    "is not {encoding} text: byte 0x{byte} on line {line} cannot be read.",
                    encoding=encoding,
                    byte=f"{exc.object[exc.start]:02X}",
                    line=number + 1,
                ),
                Message("Give the right encoding with --encoding."),
            ) from exc
        except (OSError, EOFError) as exc:
            raise unreadable(path, exc) from exc
        names = list(columns)
        read = _load_records(con, table, names, parsed)
        return RawFile(
            table,
            names,
            "line",
            read + len(rejects),
            rejects,
            raw_text=lambda _con, lines: _text_lines(path, encoding, lines),
            rewrite_raw=_rewrite_json,
        )


def _text_lines(path: Path, encoding: str, lines: list[int]) -> dict[int, str]:
    """Return the text of the given lines of a text file (without their line breaks)."""
    wanted = sorted(set(lines))
    found: dict[int, str] = {}
    if not wanted:
        return found
    number = 1
    rest = b""
    for chunk in byte_chunks(path):
        parts = (rest + chunk).split(b"\n")
        rest = parts.pop()
        for part in parts:
            if number in wanted:
                found[number] = part.rstrip(b"\r").decode(encoding, errors="replace")
            number += 1
        if number > wanted[-1]:
            return found
    if rest and number in wanted:
        found[number] = rest.rstrip(b"\r").decode(encoding, errors="replace")
    return found


XES_TYPES = {"string", "date", "int", "float", "boolean", "id"}


class XesReader:
    """XES event logs (IEEE 1849): trace attributes become `case:` columns."""

    name: str = "xes"
    suffixes: tuple[str, ...] = (".xes", ".xes.gz")

    def load(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        options: ReadOptions,
        table: str,
        context: ReadContext | None = None,
    ) -> RawFile:
        """Load the events of every trace, numbered in file order."""
        columns: dict[str, None] = {}
        events: list[tuple[int, Record]] = []
        try:
            with open_binary(path) as handle:
                for record in _xes_events(handle):
                    columns.update(dict.fromkeys(record))
                    events.append((len(events) + 1, dict(record)))
        except ET.ParseError as exc:
            problem = Message("is not a valid XES (XML) file: {error}.", error=str(exc))
            raise ImportFailed(path, problem) from exc
        except (OSError, EOFError) as exc:
            raise unreadable(path, exc) from exc
        names = list(columns)
        read = _load_records(con, table, names, events)
        return RawFile(
            table,
            names,
            "event",
            read,
            raw_text=lambda c, lines: _json_rows(c, table, names, lines),
            rewrite_raw=_rewrite_json,
        )


def _xes_events(handle: IO[bytes]) -> Iterator[dict[str, str | None]]:
    """Yield each event's attributes with its trace's attributes as `case:` keys."""
    path: list[str] = []
    trace: dict[str, str | None] = {}
    for action, element in ET.iterparse(handle, events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if action == "start":
            path.append(tag)
            if tag == "trace":
                trace = {}
            continue
        path.pop()
        if tag in XES_TYPES and "key" in element.attrib and path and path[-1] == "trace":
            trace["case:" + element.attrib["key"]] = element.attrib.get("value")
        elif tag == "event":
            record = dict(trace)
            for child in element:
                if child.tag.rsplit("}", 1)[-1] in XES_TYPES and "key" in child.attrib:
                    record[child.attrib["key"]] = child.attrib.get("value")
            element.clear()
            yield record
        elif tag == "trace":
            element.clear()


READERS: tuple[Reader, ...] = (
    CsvReader(),
    ParquetReader(),
    XlsxReader(),
    JsonLinesReader(),
    XesReader(),
)


def reader_for(path: Path, format_name: str | None = None) -> Reader:
    """Return the reader for a file, by the given format name or by its suffix."""
    if format_name:
        for reader in READERS:
            if reader.name == format_name:
                return reader
        raise ImportFailed(
            path,
            Message(
                "unknown format '{name}'; known: {known}.",
                name=format_name,
                known=", ".join(r.name for r in READERS),
            ),
        )
    name = path.name.lower()
    for reader in READERS:
        if name.endswith(reader.suffixes):
            return reader
    raise ImportFailed(
        path,
        Message("has a file type Karsta does not recognise."),
        Message(
            "Known formats: {known} (give one with --format).",
            known=", ".join(r.name for r in READERS),
        ),
    )
