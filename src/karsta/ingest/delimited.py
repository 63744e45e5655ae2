"""Delimited text (CSV, TSV, semicolon files from Finnish Excel), plain or gzipped.

DuckDB's own reader scans the file, in parallel, once: the staging table is a view
over it. Around that scan this module checks what a sample cannot show: the
encoding on the whole file (the pass that hashes it also looks at every byte), a
header that names a column twice, a file cut short, and the physical line and raw
text of every rejected row (one vectorised pass, only when needed).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from karsta.i18n import Message
from karsta.ingest.digest import GUESSED, FilePass, TextFacts
from karsta.ingest.errors import ImportFailed
from karsta.ingest.lines import Dialect, Placement, place_records
from karsta.ingest.mapping import ReadOptions
from karsta.ingest.sqltext import literal, quote
from karsta.ingest.staging import (
    Breakpoints,
    RawFile,
    ReadAgain,
    ReadContext,
    Rewrite,
    StructuralReject,
    column_types,
    occurrence_names,
)
from karsta.ingest.streams import (
    NATIVE_ENCODINGS,
    TRUNCATED,
    Utf8Copy,
    byte_chunks,
    canonical_encoding,
    utf8_chunks,
)
from karsta.workspace import query_one

SAMPLE_BYTES = 1 << 20
SCAN_BYTES = 1 << 22
SCANNED = "utf-8"  # the encoding of the bytes the lines pass reads
FIRST_LINE = 2  # the header is line 1

_REJECT_REASONS = {
    "MISSING COLUMNS": "the row has fewer columns than the header",
    "TOO MANY COLUMNS": "the row has more columns than the header",
    "UNQUOTED VALUE": "a value has a quote character inside an unquoted field",
    "INVALID ENCODING": "the row is not valid text in the file's encoding",
    "INVALID UNICODE": "the row is not valid text in the file's encoding",
    "LINE SIZE OVER MAXIMUM": "the row is longer than the reader's maximum line size",
}
CUT_SHORT = Message("Download or copy the file again, or remove the incomplete last row.")


def sample_bytes(path: Path) -> bytes:
    """Return the first MiB of the file's (decompressed) bytes."""
    return next(byte_chunks(path, SAMPLE_BYTES), b"")


def detect_encoding(path: Path, sample: bytes, declared: str | None) -> str:
    """Return the file's text encoding from a sample: the declared one checked, or a guess.

    The guess is checked on the whole file when it has been read (`CsvReader`).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if declared:
        declared = canonical_encoding(declared)
        if declared in ("utf-8", "utf-8-sig"):
            _check_utf8(path, sample)
            return "utf-8"
        return declared
    if b"\x00" in sample:
        raise ImportFailed(
            path,
            "contains NUL bytes: it is not a text file in a known encoding (binary, or "
            "UTF-16 without a byte-order mark).",
            "Save it as CSV UTF-8, or give the encoding with --encoding.",
        )
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut by the sample's end
            if not sample[: exc.start].isascii():
                line = sample.count(b"\n", 0, exc.start) + 1
                raise _mixed(path, exc.object[exc.start], line) from exc
            return GUESSED
    return "utf-8"


def _check_utf8(path: Path, sample: bytes) -> None:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:
            return
        raise _not_utf8(path, exc.object[exc.start], sample.count(b"\n", 0, exc.start) + 1) from exc


def _not_utf8(path: Path, byte: int, line: int) -> ImportFailed:
    return ImportFailed(
        path,
        f"is not UTF-8 text: byte 0x{byte:02X} on line {line} cannot be read.",
        "The file looks like Windows-1252/Latin-1 (Excel's 'CSV' on Windows): "
        "use --encoding cp1252, or leave --encoding out to detect it.",
    )


def _mixed(path: Path, byte: int, line: int) -> ImportFailed:
    return ImportFailed(
        path,
        Message(
            "is UTF-8 text until byte 0x{byte:02X} on line {line}, which is not: the file "
            "mixes encodings or is damaged.",
            byte=byte,
            line=line,
        ),
        Message("Save it in one encoding (CSV UTF-8), or give the encoding with --encoding."),
    )


@dataclass(slots=True)
class _Source:
    """What DuckDB opens for a file, and in which encoding."""

    path: Path
    encoding: str  # the file's own
    opened: str  # what DuckDB opens
    duckdb_encoding: str
    copy: Utf8Copy | None = None

    @classmethod
    def of(cls, path: Path, encoding: str, context: ReadContext) -> _Source:
        if encoding in NATIVE_ENCODINGS:
            return cls(path, encoding, str(path), NATIVE_ENCODINGS[encoding])
        copy = Utf8Copy(path, encoding, nameless_only=context.pseudonymised)
        return cls(path, encoding, copy.path, "utf-8", copy=copy)

    def chunks(self) -> Iterator[bytes]:
        """Yield the file's text as UTF-8 bytes, for the lines pass."""
        if self.copy is not None:
            return self.copy.chunks()
        if self.encoding == "utf-16":
            return utf8_chunks(self.path, self.encoding)
        return byte_chunks(self.path, SCAN_BYTES)

    def text(self, raw: bytes) -> str:
        """Return bytes from `chunks` as text."""
        return raw.decode(SCANNED, errors="replace")

    def close(self) -> None:
        if self.copy is not None:
            self.copy.close()


class CsvReader:
    """Delimited text (CSV, TSV, semicolon files from Finnish Excel), plain or gzipped."""

    name: str = "csv"
    suffixes: tuple[str, ...] = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")

    def load(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path,
        options: ReadOptions,
        table: str,
        context: ReadContext | None = None,
    ) -> RawFile:
        """Make the file a view scanned by DuckDB's reader; malformed rows are kept aside."""
        context = context or ReadContext(FilePass(path, text=True))
        sample = sample_bytes(path)
        if not sample.strip():
            raise ImportFailed(path, Message("is empty."))
        encoding = detect_encoding(path, sample, options.encoding)
        source = _Source.of(path, encoding, context)
        try:
            scan = _Scan(con, path, source, options, table, context, sample)
            return scan.raw
        except BaseException:
            source.close()
            raise


def _sql_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return literal(value)


def _read_csv(
    opened: str, params: dict[str, str | int | bool], names: list[str], **dialect: str | int
) -> str:
    """Return `FROM read_csv(...)` reading `opened` in `dialect`, its columns `names` as text.

    Every option and name is a quoted literal (`opened` is one already).
    """
    given = {k: v for k, v in params.items() if k not in dialect}
    given |= {"auto_detect": False, **dialect}
    args = ", ".join(f"{k} := {_sql_value(v)}" for k, v in given.items())
    columns = ", ".join(f"{_sql_value(name)}: 'VARCHAR'" for name in names)
    return f"FROM read_csv({opened}, {args}, columns := {{{columns}}})"


_NEWLINES = {"\\n": b"\n", "\\r\\n": b"\n", "\\r": b"\r"}


@dataclass(frozen=True, slots=True)
class _Error:
    """A row DuckDB's reader rejected: its record number, the error, column and text."""

    unit: int
    kind: str
    column: str | None
    text: str | None

    @property
    def reason(self) -> str:
        return _REJECT_REASONS.get(self.kind, self.kind.lower())


@dataclass(slots=True)
class _Scan:
    """One CSV file made a view: its dialect, header, and how its one scan is finished."""

    con: duckdb.DuckDBPyConnection
    path: Path
    source: _Source
    options: ReadOptions
    table: str
    context: ReadContext
    sample: bytes
    dialect: Dialect = field(init=False, default=Dialect(b","))
    raw: RawFile = field(init=False)
    texts: dict[int, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        params: dict[str, str | int | bool] = {
            "all_varchar": True,
            "header": True,
            "store_rejects": True,
            "rejects_table": f"{self.table}_errors",
            "rejects_scan": f"{self.table}_scans",
            "encoding": self.source.duckdb_encoding,
            "null_padding": False,
            "max_line_size": 10_000_000,
            "comment": "",  # a line starting with '#' is a row, not a comment to drop
        }
        if self.options.delimiter:
            params["delim"] = self.options.delimiter
        # A view keeps no parameters, so the options are written as literals.
        opened = _sql_value(self.source.opened)
        try:
            # The dialect is detected once: the view reads with what was found, instead of
            # detecting it again every time it is used.
            found = self._sniff(opened, params)
            prompt = str(found[0]).strip().rstrip(";")
            self.dialect = self._dialect(found)
            header = self._header(self.dialect)
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {self.table} AS SELECT * {prompt}")
            columns = list(column_types(self.con, self.table))
            staged = occurrence_names(header, columns)
            if staged != columns:  # a name the header repeats: each says which one it is
                pairs = zip(columns, staged, strict=True)
                renamed = ", ".join(f"{quote(c)} AS {quote(n)}" for c, n in pairs)
                self.con.execute(
                    f"CREATE OR REPLACE TEMP VIEW {self.table} AS SELECT {renamed} {prompt}"
                )
                columns = staged
        except duckdb.Error as exc:
            raise ImportFailed(self.path, _explain_duckdb_error(exc)) from exc
        self.raw = RawFile(
            self.table,
            columns,
            "line",
            0,
            notes=[f"encoding {self.source.encoding}"],
            line=None,
            lazy=True,
            finish=self.finish,
            explain=_explain_duckdb_error,
            header=header,
            raw_text=lambda _con, lines: self.raw_texts(lines),
            rewrite_raw=self.rewrite,
            cleanup=[self.source.close],
            detected={
                "encoding": self.source.encoding,
                "delimiter": self.dialect.delimiter.decode(SCANNED, errors="replace"),
            },
        )

    def _sniff(self, opened: str, params: dict[str, str | int | bool]) -> tuple[object, ...]:
        """Return the dialect DuckDB's sniffer finds: (the read, delimiter, quote, escape, …).

        The read (`FROM read_csv(...)`) is written here from what the sniffer found, every
        value a quoted literal: the sniffer's own prompt pastes the file's name and its
        header's names into SQL as they are, so an apostrophe breaks it and a crafted
        name runs a statement of its own.

        A row that the sample cuts inside a quoted value (a small file cut short) makes
        the sniffer give up quoting. When the sample has values that start with a
        quote, the file is read as quoted all the same, so the cut shows.
        """
        args = ", ".join(f"{k} := {_sql_value(v)}" for k, v in params.items())
        columns = "Delimiter, Quote, Escape, NewLineDelimiter, SkipRows, Columns"
        found = query_one(self.con, f"SELECT {columns} FROM sniff_csv({opened}, {args})")
        if found is not None and str(found[1]) not in ('"', "", "(empty)"):
            # Exports quote with '"' (RFC 4180). Reading for rejects, the sniffer can take a
            # lone "'" in a value for the quote, and the file then seems to end inside one.
            args += ", quote := '\"'"
            found = query_one(self.con, f"SELECT {columns} FROM sniff_csv({opened}, {args})")
        if found is None:
            return (f"FROM read_csv({opened}, {args})", ",", '"', '"', "\\n", 0)
        delimiter, quote, escape, newline = (str(v) for v in found[:4])
        skip = int(str(found[4]))
        names = [str(column["name"]) for column in found[5]]
        starts = rb"(^|" + re.escape(delimiter.encode("utf-8")) + rb')"'
        if quote in ("", "(empty)") and re.search(starts, self.sample, re.MULTILINE):
            quoted = Dialect(delimiter.encode("utf-8"), b'"', b'"', skip=skip)
            header = self._header(quoted)
            if header:
                quote = escape = '"'
                names = occurrence_names(header, header)
        dialect = {"delim": delimiter, "quote": quote, "escape": escape}
        dialect = {k: "" if v == "(empty)" else v for k, v in dialect.items()}
        read = _read_csv(opened, params, names, **dialect, new_line=newline, skip=skip)
        return (read, delimiter, quote, escape, newline, skip)

    def _dialect(self, found: tuple[object, ...]) -> Dialect:
        encoding = SCANNED

        def char(value: object) -> bytes | None:
            text = str(value) if value is not None else ""
            return None if text in ("", "(empty)") else text.encode(encoding, errors="replace")

        delimiter = char(found[1]) or b","
        newline = _NEWLINES.get(str(found[4]), b"\n")
        return Dialect(delimiter, char(found[2]), char(found[3]), newline, int(str(found[5])))

    def _csv_format(self, dialect: Dialect | None = None) -> dict[str, object] | None:
        """Return Python csv options for a dialect, or None if csv cannot express it."""
        dialect = dialect or self.dialect
        encoding = SCANNED
        delimiter = dialect.delimiter.decode(encoding, errors="replace")
        quote = dialect.quote.decode(encoding) if dialect.quote else None
        escape = dialect.escape.decode(encoding) if dialect.escape else None
        if len(delimiter) != 1 or (quote is not None and len(quote) != 1):
            return None
        doubled = escape in (None, quote)
        return {
            "delimiter": delimiter,
            "quotechar": quote or '"',
            "quoting": csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
            "doublequote": doubled,
            "escapechar": None if doubled else escape,
            "strict": False,
        }

    def _header(self, dialect: Dialect) -> list[str] | None:
        """Return the names of the header as the file writes them (duplicates kept)."""
        fmt = self._csv_format(dialect)
        if fmt is None:
            return None
        text = self.sample.decode(self.source.encoding, errors="replace").lstrip("\ufeff")
        rows = (r for r in csv.reader(io.StringIO(text), **fmt) if r)  # type: ignore[arg-type]
        for _ in range(dialect.skip):
            next(rows, None)
        return next(rows, None)

    def rewrite(self, text: str, replace: Rewrite) -> str | None:
        """Return a raw row with each field passed through `replace` (by its column)."""
        fmt = self._csv_format()
        if fmt is None:
            return None
        fields = next(csv.reader(io.StringIO(text), **fmt), [])  # type: ignore[arg-type]
        header = self.raw.header
        aligned = header is not None and len(fields) == len(header)
        kept = [replace(header[i] if aligned and header else "", f) for i, f in enumerate(fields)]
        out = io.StringIO()
        csv.writer(out, lineterminator="", **fmt).writerow(kept)  # type: ignore[arg-type]
        return out.getvalue()

    def finish(
        self, con: duckdb.DuckDBPyConnection, scanned: int, failed: list[int]
    ) -> Breakpoints:
        """Check the read on the whole file; place its rows and rejects on their lines."""
        errors = [
            _Error(int(unit), str(kind), column, text)
            for unit, kind, column, text in con.execute(
                f"SELECT line, error_type, any_value(column_name), any_value(csv_line) "
                f"FROM {self.table}_errors "
                f"WHERE scan_id = (SELECT max(scan_id) FROM {self.table}_scans) "
                "GROUP BY line, error_type ORDER BY line"
            ).fetchall()
        ]
        file_pass = self.context.file_pass
        facts = file_pass.text() if file_pass is not None else None
        self._check_encoding(facts)
        units = sorted({e.unit for e in errors})
        self.raw.rows_read = scanned + len(units)
        regular = self._regular(facts, scanned + len(units))
        if not units and not failed and regular:
            return [(0, FIRST_LINE)]
        placement = place_records(
            self.source.chunks(), self.dialect, units=units, rows=failed, one_line_each=regular
        )
        self._check_complete(placement, errors)
        if placement.rows != scanned or any(u not in placement.by_unit for u in units):
            return self._unplaced(errors)
        self.raw.rejects = [
            StructuralReject(
                placement.by_unit[e.unit].line,
                e.reason,
                e.column,
                self._text(placement.by_unit[e.unit].raw),
            )
            for e in errors
        ]
        for reject in self.raw.rejects:
            if reject.raw is not None:
                self.texts[reject.line] = reject.raw
        for span in placement.by_row.values():
            text = self._text(span.raw)
            if text is not None:
                self.texts[span.line] = text
        return placement.breakpoints or [(0, FIRST_LINE)]

    def raw_texts(self, lines: list[int]) -> dict[int, str]:
        """Return the raw text of rows by line: the rows the read placed, else the file's line.

        A row rejected after the parse (a record table's key repeated, say) was not
        placed by the read: its text is the file's line of that number, so a row whose
        values span lines keeps its first line.
        """
        found = {n: self.texts[n] for n in lines if n in self.texts}
        wanted = sorted(set(lines) - set(found))
        if not wanted:
            return found
        number, rest = 1, b""
        for chunk in self.source.chunks():
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            for part in parts:
                if number in wanted:
                    found[number] = self.source.text(part.rstrip(b"\r"))
                number += 1
            if number > wanted[-1]:
                return found
        if rest and number in wanted:
            found[number] = self.source.text(rest.rstrip(b"\r"))
        return found

    def _text(self, raw: bytes | None) -> str | None:
        return None if raw is None else self.source.text(raw)

    def _regular(self, facts: TextFacts | None, records: int) -> bool:
        """Return whether every record is one line and no line is blank.

        A file has at least a line per record (the header's included) and per blank
        line: as many lines as records leaves no room for more.
        """
        if facts is None or self.source.encoding != "utf-8" or self.dialect.newline != b"\n":
            return False
        return not self.dialect.skip and facts.lines == FIRST_LINE - 1 + records

    def _check_encoding(self, facts: TextFacts | None) -> None:
        """Stop, or read again, when a byte anywhere in the file contradicts the encoding."""
        if facts is None:
            return
        encoding = self.source.encoding
        if encoding == "utf-8" and facts.not_utf8 is not None:
            bad = facts.not_utf8
            if self.options.encoding or self.sample.startswith(codecs.BOM_UTF8):
                raise _not_utf8(self.path, bad.byte, bad.line)
            if bad.after_non_ascii:
                raise _mixed(self.path, bad.byte, bad.line)
            raise ReadAgain(GUESSED)

    def _check_complete(self, placement: Placement, errors: list[_Error]) -> None:
        """Stop when the file ends in the middle of a row: it was cut short."""
        if placement.overlong_line:
            raise ImportFailed(
                self.path,
                Message(
                    "a quoted value that begins on line {line} does not end: a closing quote "
                    "is missing, or the file is damaged.",
                    line=placement.overlong_line,
                ),
            )
        if placement.open_quote_line:
            raise ImportFailed(
                self.path,
                Message(
                    "the file ends inside a quoted value of the row on line {line}: it is "
                    "cut short (truncated download or copy?).",
                    line=placement.open_quote_line,
                ),
                CUT_SHORT,
            )
        last = placement.by_unit.get(placement.last_unit)
        short = any(e.unit == placement.last_unit and e.kind == "MISSING COLUMNS" for e in errors)
        if last is not None and short and placement.unterminated:
            raise ImportFailed(
                self.path,
                Message(
                    "the last row (line {line}) stops before its last column and the file "
                    "does not end with a line break: it is cut short (truncated download or "
                    "copy?).",
                    line=last.line,
                ),
                CUT_SHORT,
            )

    def _unplaced(self, errors: list[_Error]) -> Breakpoints:
        """Number the rows as the reader counts them when the lines pass disagrees with it."""
        self.raw.notes.append("line numbers as the CSV reader counts rows (not exact)")
        self.raw.rejects = [StructuralReject(e.unit, e.reason, e.column, e.text) for e in errors]
        breakpoints = [(0, FIRST_LINE)]
        for i, unit in enumerate(sorted({r.line for r in self.raw.rejects})):
            breakpoints.append((unit - FIRST_LINE - i, FIRST_LINE + i + 1))
        return breakpoints


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
