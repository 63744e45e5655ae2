"""Readers: make an export file, as it is, readable as a staging table of the import.

Every reader produces the same thing: a staging table (or, for CSV and Parquet, a
view that DuckDB's own reader scans once, while the rows are parsed) whose columns
are the file's columns (text, or the file's own types for typed formats), the
place of each row in the file as a user finds it (the line of a text file with the
header as line 1, the row of a sheet, the event of a log), and the list of rows
it could not split into columns.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Protocol, cast

import duckdb
import pyarrow as pa

from karsta.i18n import N_, Message
from karsta.ingest.errors import ImportFailed
from karsta.ingest.mapping import ReadOptions
from karsta.workspace import query_one

LINE = "__line"
SAMPLE_BYTES = 1 << 20
CHUNK_ROWS = 50_000
DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16", "latin-1": "latin-1"}


@dataclass(frozen=True, slots=True)
class StructuralReject:
    """A row of the file that could not be split into the header's columns."""

    line: int
    reason: str
    column: str | None = None


@dataclass(slots=True)
class RawFile:
    """What a reader left in the staging table, and what it could not read.

    A lazy file is a view over the file itself: it is read once, by the parse, and
    `finish_scan` then fills in `rows_read` and the rejects. Its rows carry no line
    column when `line` is None: they are numbered by their position in that scan.
    """

    table: str
    columns: list[str]
    row_label: str
    rows_read: int
    rejects: list[StructuralReject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: str | None = LINE  # SQL giving a row's place in the file, if the source has it
    first_line: int = 1  # place of the first row, for rows numbered by position
    lazy: bool = False
    scan_rejects: Callable[[duckdb.DuckDBPyConnection], list[StructuralReject]] | None = None
    explain: Callable[[duckdb.Error], str] | None = None  # a scan error, as told to the user
    cleanup: list[Path] = field(default_factory=list)  # folders to remove after the import

    def remove_files(self) -> None:
        """Remove the reader's temporary files."""
        for folder in self.cleanup:
            shutil.rmtree(folder, ignore_errors=True)
        self.cleanup.clear()


def finish_scan(con: duckdb.DuckDBPyConnection, raw: RawFile, scanned: int) -> list[int]:
    """Record the rows the one scan of a lazy file read and rejected; return rejected lines."""
    if raw.scan_rejects is not None:
        raw.rejects = raw.scan_rejects(con)
    bad_lines = sorted({r.line for r in raw.rejects})
    raw.rows_read = scanned + len(bad_lines)
    return bad_lines


class Reader(Protocol):
    """Loads one file format into a staging table."""

    name: str
    suffixes: tuple[str, ...]

    def load(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions, table: str
    ) -> RawFile:
        """Load `path` into `table` and return what was read."""
        ...


# --- text encodings --------------------------------------------------------------------


def _open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing a .gz file."""
    if path.suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _open_bytes(path: Path) -> Iterator[bytes]:
    with _open_binary(path) as handle:
        while chunk := handle.read(SAMPLE_BYTES):
            yield chunk


TRUNCATED = N_("the compressed file ends too early or is damaged (truncated download?).")


def _unreadable(path: Path, exc: OSError | EOFError) -> ImportFailed:
    """Return the failure for a file that cannot be read, naming a damaged archive as such."""
    if isinstance(exc, EOFError | gzip.BadGzipFile) or "gzip" in str(exc).lower():
        return ImportFailed(path, Message(TRUNCATED), Message("Download or copy the file again."))
    return ImportFailed(path, Message("cannot be read: {error}.", error=str(exc)))


def _sample(path: Path) -> bytes:
    try:
        return next(_open_bytes(path), b"")
    except (OSError, EOFError) as exc:
        raise _unreadable(path, exc) from exc


def detect_encoding(path: Path, sample: bytes, declared: str | None) -> str:
    """Return the file's text encoding: the declared one checked, or one detected."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if declared:
        declared = codecs.lookup(declared).name.replace("_", "-")
        if declared in ("utf-8", "utf-8-sig"):
            _check_utf8(path, sample)
            return "utf-8"
        return declared
    if b"\x00" in sample:
        raise ImportFailed(
            path,
            Message(
                "contains NUL bytes: it is not a text file in a known encoding (binary, or "
                "UTF-16 without a byte-order mark)."
            ),
            Message("Save it as CSV UTF-8, or give the encoding with --encoding."),
        )
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut by the sample's end
            return "cp1252"
    return "utf-8"


def _check_utf8(path: Path, sample: bytes) -> None:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:
            return
        line = sample.count(b"\n", 0, exc.start) + 1
        raise ImportFailed(
            path,
            Message(
                "is not UTF-8 text: byte 0x{byte} on line {line} cannot be read.",
                byte=f"{sample[exc.start]:02X}",
                line=line,
            ),
            Message(
                "The file looks like Windows-1252/Latin-1 (Excel's 'CSV' on Windows): "
                "use --encoding cp1252, or leave --encoding out to detect it."
            ),
        ) from exc


def _transcode_to_utf8(path: Path, encoding: str, folder: Path) -> Path:
    """Write a UTF-8 copy of a file in an encoding DuckDB cannot read itself."""
    target = folder / (path.name.removesuffix(".gz") + ".utf8")
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0  # newlines before the current chunk
    chunk = b""
    try:
        with target.open("w", encoding="utf-8", newline="") as out:
            for chunk in _open_bytes(path):
                out.write(decoder.decode(chunk))
                lines += chunk.count(b"\n")
            chunk = b""
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        # The decoder may hold back a few bytes of the previous chunk; count them in.
        held = len(exc.object) - len(chunk)
        before = exc.object[max(held, 0) : exc.start].count(b"\n") if exc.start > held else 0
        line = lines + before + 1
        raise ImportFailed(
            path,
            Message(
                "is not {encoding} text: byte 0x{byte} on line {line} cannot be read.",
                encoding=encoding,
                byte=f"{exc.object[exc.start]:02X}",
                line=line,
            ),
            Message("Give the right encoding with --encoding."),
        ) from exc
    except (OSError, EOFError) as exc:
        raise _unreadable(path, exc) from exc
    return target


# --- CSV ---------------------------------------------------------------------------------

_REJECT_REASONS = {
    "MISSING COLUMNS": "the row has fewer columns than the header",
    "TOO MANY COLUMNS": "the row has more columns than the header",
    "UNQUOTED VALUE": "a value has a quote character inside an unquoted field",
    "INVALID ENCODING": "the row is not valid text in the file's encoding",
    "INVALID UNICODE": "the row is not valid text in the file's encoding",
    "LINE SIZE OVER MAXIMUM": "the row is longer than the reader's maximum line size",
}


class CsvReader:
    """Delimited text (CSV, TSV, semicolon files from Finnish Excel), plain or gzipped."""

    name: str = "csv"
    suffixes: tuple[str, ...] = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")

    def load(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions, table: str
    ) -> RawFile:
        """Make the file a view scanned by DuckDB's reader; malformed rows are kept aside."""
        sample = _sample(path)
        if not sample.strip():
            raise ImportFailed(path, Message("is empty."))
        encoding = detect_encoding(path, sample, options.encoding)
        notes = [f"encoding {encoding}"]
        source, folder = path, None
        if encoding not in DUCKDB_ENCODINGS:
            folder = Path(tempfile.mkdtemp(prefix="karsta-"))
            try:
                source = _transcode_to_utf8(path, encoding, folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            encoding = "utf-8"
        try:
            raw = self._view(con, path, source, options, encoding, table)
        except BaseException:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        if folder is not None:
            raw.cleanup.append(folder)
        raw.notes[:0] = notes
        return raw

    def _view(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        source: Path,
        options: ReadOptions,
        encoding: str,
        table: str,
    ) -> RawFile:
        params: dict[str, str | int | bool] = {
            "all_varchar": True,
            "header": True,
            "store_rejects": True,
            "rejects_table": f"{table}_errors",
            "rejects_scan": f"{table}_scans",
            "encoding": DUCKDB_ENCODINGS[encoding],
            "null_padding": False,
            "max_line_size": 10_000_000,
        }
        if options.delimiter:
            params["delim"] = options.delimiter
        # A view keeps no parameters, so the options are written as literals.
        args = ", ".join(f"{k} := {_sql_value(v)}" for k, v in params.items())
        try:
            # The dialect is detected once: the view reads with what was found, instead of
            # detecting it again every time it is used.
            found = query_one(
                con, f"SELECT Prompt FROM sniff_csv({_sql_value(str(source))}, {args})"
            )
            prompt = str(found[0]).strip().rstrip(";") if found else ""
            if not prompt.startswith("FROM read_csv("):
                prompt = f"FROM read_csv({_sql_value(str(source))}, {args})"
            con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * {prompt}")
            columns = list(column_types(con, table))
        except duckdb.Error as exc:
            raise ImportFailed(path, _explain_duckdb_error(exc)) from exc

        def scan_rejects(con: duckdb.DuckDBPyConnection) -> list[StructuralReject]:
            return _csv_rejects(con, table, source)

        return RawFile(
            table,
            columns,
            "line",
            0,
            line=None,
            first_line=2,  # the header is line 1
            lazy=True,
            scan_rejects=scan_rejects,
            explain=_explain_duckdb_error,
        )


def _sql_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _csv_rejects(
    con: duckdb.DuckDBPyConnection, table: str, source: Path
) -> list[StructuralReject]:
    """Return the rows DuckDB's reader could not split in the last scan of `table`."""
    errors = con.execute(
        f"SELECT line, error_type, any_value(column_name) FROM {table}_errors "
        f"WHERE scan_id = (SELECT max(scan_id) FROM {table}_scans) "
        "GROUP BY line, error_type ORDER BY line"
    ).fetchall()
    last_line = _count_lines(source) if errors else 0
    return [
        StructuralReject(
            int(line),
            _REJECT_REASONS.get(str(kind), str(kind).lower())
            + (
                " (the file ends in the middle of this row: truncated?)"
                if kind == "MISSING COLUMNS" and int(line) >= last_line
                else ""
            ),
            str(column) if column is not None else None,
        )
        for line, kind, column in errors
    ]


def _count_lines(path: Path) -> int:
    return sum(chunk.count(b"\n") for chunk in _open_bytes(path)) + 1


def _explain_duckdb_error(exc: duckdb.Error) -> str:
    text = str(exc).split("\n", 1)[0]
    lowered = text.lower()
    if "gzip" in lowered or "end of file" in lowered:
        return Message(TRUNCATED)
    if "no files found" in lowered or "no such file" in lowered:
        return Message("no such file.")
    for marker in ("Invalid Input Error: ", "IO Error: ", "Conversion Error: "):
        text = text.replace(marker, "")
    return Message("cannot be read as CSV: {error}", error=text)


# --- Parquet -----------------------------------------------------------------------------


class ParquetReader:
    """Apache Parquet files (the hand-over format of BI tools and Spark)."""

    name: str = "parquet"
    suffixes: tuple[str, ...] = (".parquet", ".pq")

    def load(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions, table: str
    ) -> RawFile:
        """Make the file a view with its own column types, rows numbered from 1."""
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * EXCLUDE (file_row_number), "
                f"file_row_number + 1 AS {LINE} "
                f"FROM read_parquet({_sql_value(str(path))}, file_row_number := true)"
            )
            columns = [c for c in column_types(con, table) if c != LINE]
        except duckdb.Error as exc:
            raise ImportFailed(path, _explain_parquet_error(exc)) from exc
        return RawFile(table, columns, "row", 0, lazy=True, explain=_explain_parquet_error)


def _explain_parquet_error(exc: duckdb.Error) -> str:
    return Message("cannot be read as Parquet: {error}", error=str(exc).splitlines()[0])


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Return a staging table's columns, in order, with their DuckDB types."""
    rows = con.execute(f"SELECT name, type FROM pragma_table_info('{table}')").fetchall()
    return {str(name): str(kind) for name, kind in rows}


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


def _load_records(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[str],
    records: Iterable[tuple[int, dict[str, str | None]]],
) -> int:
    """Write (line, record) pairs into `table` in chunks; return the number written."""
    schema = pa.schema([(c, pa.string()) for c in columns] + [(LINE, pa.int64())])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} ("
        + ", ".join(f'"{c}" VARCHAR' for c in columns)
        + f", {LINE} BIGINT)"
    )
    written = 0
    chunk: list[tuple[int, dict[str, str | None]]] = []

    def flush() -> None:
        batch = pa.table(  # noqa: F841 - referenced by name in the SQL below
            {c: [r.get(c) for _, r in chunk] for c in columns} | {LINE: [n for n, _ in chunk]},
            schema=schema,
        )
        con.execute(f"INSERT INTO {table} SELECT * FROM batch")

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
    """Excel workbooks: the first sheet (or the one named), the first row as header."""

    name: str = "xlsx"
    suffixes: tuple[str, ...] = (".xlsx", ".xlsm")

    def load(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions, table: str
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
            header = next(rows, None)
            if header is None:
                raise ImportFailed(path, Message("the sheet is empty."))
            columns = [_as_text(h) or f"column{i + 1}" for i, h in enumerate(header)]

            def records() -> Iterator[tuple[int, dict[str, str | None]]]:
                for number, row in enumerate(rows, start=2):
                    if all(v is None for v in row):
                        continue
                    yield number, {c: _as_text(v) for c, v in zip(columns, row, strict=False)}

            read = _load_records(con, table, columns, records())
        finally:
            book.close()
        return RawFile(table, columns, "row", read)


class JsonLinesReader:
    """JSON lines: one JSON object per line; a line that is not an object is rejected."""

    name: str = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")

    def load(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions, table: str
    ) -> RawFile:
        """Load JSON lines; top-level keys become columns, nested values stay JSON text."""
        sample = _sample(path)
        encoding = detect_encoding(path, sample, options.encoding)
        rejects: list[StructuralReject] = []
        parsed: list[tuple[int, dict[str, str | None]]] = []
        columns: dict[str, None] = {}
        number = 0
        try:
            with io.TextIOWrapper(_open_binary(path), encoding=encoding) as handle:
                for number, text in enumerate(handle, start=1):
                    if not text.strip():
                        continue
                    try:
                        obj = json.loads(text)
                    except json.JSONDecodeError as exc:
                        rejects.append(StructuralReject(number, f"not valid JSON: {exc.msg}"))
                        continue
                    if not isinstance(obj, dict):
                        rejects.append(StructuralReject(number, "the line is not a JSON object"))
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
            raise _unreadable(path, exc) from exc
        names = list(columns)
        read = _load_records(con, table, names, parsed)
        return RawFile(table, names, "line", read + len(rejects), rejects)


XES_TYPES = {"string", "date", "int", "float", "boolean", "id"}


class XesReader:
    """XES event logs (IEEE 1849): trace attributes become `case:` columns."""

    name: str = "xes"
    suffixes: tuple[str, ...] = (".xes", ".xes.gz")

    def load(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions, table: str
    ) -> RawFile:
        """Load the events of every trace, numbered in file order."""
        columns: dict[str, None] = {}
        events: list[tuple[int, dict[str, str | None]]] = []
        try:
            with _open_binary(path) as handle:
                for record in _xes_events(handle):
                    columns.update(dict.fromkeys(record))
                    events.append((len(events) + 1, record))
        except ET.ParseError as exc:
            problem = Message("is not a valid XES (XML) file: {error}.", error=str(exc))
            raise ImportFailed(path, problem) from exc
        except (OSError, EOFError) as exc:
            raise _unreadable(path, exc) from exc
        names = list(columns)
        read = _load_records(con, table, names, events)
        return RawFile(table, names, "event", read)


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
