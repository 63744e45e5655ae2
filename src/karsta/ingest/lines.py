"""The physical lines of the records of a delimited text file, found in one vectorised pass.

DuckDB's reader gives the rows of a file in order, but not the line each starts
on, and it numbers the rows it rejects by counting records and blank lines. A
quoted value may hold line breaks and blank lines may stand between records, so
neither is the line a user finds in an editor. This pass reads the file's bytes
once with NumPy, tells the line breaks that end a record from the ones inside a
quoted value, and gives, for the rows DuckDB read, where the line of each starts
(as breakpoints: from row k on, line = k + offset), and for the rows to be
rejected, their lines and their raw bytes as they are in the file.

Quotes follow DuckDB's reader: a quote opens a quoted value only at the start of
a field, inside a quoted value a doubled quote is a quote, and any other quote
closes it; elsewhere a quote is an ordinary character.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

MAX_RECORD_BYTES = 16 << 20  # longer than DuckDB's longest line: the quoting is broken
CR = 0x0D

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Dialect:
    """The bytes that shape records: delimiter, quote and escape (None if absent), line end."""

    delimiter: bytes
    quote: bytes | None = b'"'
    escape: bytes | None = b'"'
    newline: bytes = b"\n"
    skip: int = 0  # lines before the header that the reader skips


@dataclass(frozen=True, slots=True)
class Span:
    """Where one record is in the file: its first line, how many lines, and its bytes."""

    line: int
    lines: int
    raw: bytes | None  # without the line break that ends it; None if too long to keep


@dataclass(slots=True)
class Placement:
    """What the pass found: where the read rows start, and the records asked for."""

    breakpoints: list[tuple[int, int]] = field(default_factory=list)  # (row, line - row)
    by_unit: dict[int, Span] = field(default_factory=dict)  # reader's record number -> span
    by_row: dict[int, Span] = field(default_factory=dict)  # row read (from 0) -> span
    rows: int = 0  # records read as rows (those not asked for by unit number)
    last_unit: int = 0  # the reader's number of the last record
    open_quote_line: int = 0  # the file ends inside a quoted value of the record on this line
    unterminated: bool = False  # the last record has no line break after it
    overlong_line: int = 0  # a quoted value that never closes opens on this line


class _Scan:
    """The state of the pass between chunks: counts so far and the unfinished record."""

    def __init__(self, dialect: Dialect, units: Iterable[int], rows: Iterable[int]) -> None:
        self.dialect = dialect
        self.nl = dialect.newline[0]
        self.quote = dialect.quote[0] if dialect.quote else None
        self.escape = (
            dialect.escape[0] if dialect.escape and dialect.escape != dialect.quote else None
        )
        self.delim = dialect.delimiter[-1]  # the byte before a field's first
        self.wanted_units = np.array(sorted(set(units)), dtype=np.int64)
        self.wanted_rows = np.array(sorted(set(rows)), dtype=np.int64)
        self.tail = b""
        self.tail_line = 1  # line of the tail's first byte
        self.units = 0
        self.header = 0  # unit number of the header, once found
        self.rows = 0
        self.offset: int | None = None
        self.out = Placement()

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        buf = self.tail + chunk
        if not buf:
            return
        arr = np.frombuffer(buf, dtype=np.uint8)
        newlines = np.flatnonzero(arr == self.nl).astype(np.int64)
        inside_at, inside_end = self._inside(arr, newlines)
        ends = newlines[~inside_at]
        starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
        self._units(buf, arr, newlines, starts, ends)
        last = int(ends[-1]) + 1 if len(ends) else 0
        tail_line = self.tail_line + int(np.searchsorted(newlines, last))
        if final:
            rest = len(buf) - (1 if buf.endswith(b"\r") else 0)
            if rest > last:  # a last record without a line break after it
                last_record = np.array([last], np.int64), np.array([rest], np.int64)
                self._units(buf, arr, newlines, *last_record)
                self.out.unterminated = True
                if inside_end:
                    self.out.open_quote_line = tail_line
            self.tail = b""
            return
        self.tail, self.tail_line = buf[last:], tail_line
        if len(self.tail) > MAX_RECORD_BYTES:
            self.out.overlong_line = self.tail_line
            raise _Overlong

    def _inside(
        self, arr: npt.NDArray[np.uint8], newlines: Ints
    ) -> tuple[npt.NDArray[np.bool_], bool]:
        """Return, per line break, whether it is inside a quoted value; and at the end."""
        none = np.zeros(len(newlines), dtype=bool)
        if self.quote is None:
            return none, False
        quotes = np.flatnonzero(arr == self.quote).astype(np.int64)
        if self.escape is not None and len(quotes):
            escaped = (quotes > 0) & (arr[np.maximum(quotes - 1, 0)] == self.escape)
            quotes = quotes[~escaped]
        if not len(quotes):
            return none, False
        # Runs of adjacent quotes: an even run is escaped quotes (or an empty value) and
        # changes nothing; an odd run acts as one quote.
        first = np.concatenate(([True], np.diff(quotes) != 1))
        run_starts = np.flatnonzero(first)
        lengths = np.diff(np.concatenate((run_starts, [len(quotes)])))
        odd = lengths % 2 == 1
        begin = quotes[run_starts[odd]]
        end = quotes[run_starts[odd] + lengths[odd] - 1]
        if not len(begin):
            return none, False
        before = np.where(begin > 0, arr[np.maximum(begin - 1, 0)], self.nl)
        opens = (before == self.nl) | (before == self.delim)
        # At a field's start a quote opens (outside) or closes (inside): it swaps the
        # state. Elsewhere it closes a quoted value or is an ordinary character: after it
        # the state is outside whatever it was.
        swap = opens.astype(np.int64)
        index = np.arange(len(begin))
        last_reset = np.maximum.accumulate(np.where(opens, -1, index))
        swaps = np.cumsum(swap)
        since = swaps - np.where(last_reset >= 0, swaps[np.maximum(last_reset, 0)], 0)
        inside_after = since % 2 == 1
        which = np.searchsorted(end, newlines) - 1
        inside = np.where(which >= 0, inside_after[np.maximum(which, 0)], False)
        return inside, bool(inside_after[-1])

    def _units(
        self,
        buf: bytes,
        arr: npt.NDArray[np.uint8],
        newlines: Ints,
        starts: Ints,
        ends: Ints,
    ) -> None:
        """Number the records and blank lines between `starts` and `ends`; keep what is asked."""
        count = len(ends)
        if not count:
            return
        size = ends - starts
        blank = (size == 0) | ((size == 1) & (arr[np.minimum(starts, len(arr) - 1)] == CR))
        first_lines = self.tail_line + np.searchsorted(newlines, starts)
        spans = np.searchsorted(newlines, ends) - np.searchsorted(newlines, starts) + 1
        units = self.units + 1 + np.arange(count, dtype=np.int64)
        self.units += count
        self.out.last_unit = int(units[-1])
        data = ~blank
        if not self.header:
            candidates = np.flatnonzero(data & (units > self.dialect.skip))
            if not len(candidates):
                return
            self.header = int(units[candidates[0]])
        data &= units > self.header
        asked = np.isin(units, self.wanted_units) & data
        rows = data & ~asked
        places = self.rows + np.cumsum(rows) - 1
        self.rows += int(rows.sum())
        self.out.rows = self.rows
        self._breakpoints(places[rows], first_lines[rows])
        for i in np.flatnonzero(asked):
            self.out.by_unit[int(units[i])] = self._span(
                buf, starts, ends, first_lines, spans, int(i)
            )
        wanted = rows & np.isin(places, self.wanted_rows)
        for i in np.flatnonzero(wanted):
            self.out.by_row[int(places[i])] = self._span(
                buf, starts, ends, first_lines, spans, int(i)
            )

    def _breakpoints(self, places: Ints, lines: Ints) -> None:
        if not len(places):
            return
        offsets = lines - places
        change = np.concatenate(([offsets[0] != self.offset], offsets[1:] != offsets[:-1]))
        for i in np.flatnonzero(change):
            self.out.breakpoints.append((int(places[i]), int(offsets[i])))
        self.offset = int(offsets[-1])

    @staticmethod
    def _span(buf: bytes, starts: Ints, ends: Ints, lines: Ints, spans: Ints, i: int) -> Span:
        raw = buf[int(starts[i]) : int(ends[i])]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        return Span(int(lines[i]), int(spans[i]), raw)


class _Overlong(Exception):
    """A record grew past any record the reader accepts: the quoting is broken."""


def place_records(
    chunks: Iterable[bytes],
    dialect: Dialect,
    *,
    units: Iterable[int],
    rows: Iterable[int],
    one_line_each: bool = False,
) -> Placement:
    """Return where the rows of a delimited file start, and the spans of the records asked for.

    `units` are records by the reader's number (records and blank lines counted from 1,
    the header included) — the rows it rejected; `rows` are the rows it read, by their
    place (from 0) among those rows. With `one_line_each` the caller knows that every
    record is one line and no line is blank (so a record's number is its line): the
    pass then only cuts the lines asked for out of the file, without reading quotes.
    """
    if one_line_each:
        return _place_lines(chunks, dialect, sorted(set(units)), sorted(set(rows)))
    scan = _Scan(dialect, units, rows)
    try:
        for chunk in chunks:
            scan.feed(chunk)
        scan.feed(b"", final=True)
    except _Overlong:
        pass
    return scan.out


def _place_lines(
    chunks: Iterable[bytes], dialect: Dialect, units: list[int], rows: list[int]
) -> Placement:
    """Return the placement of a file whose records are one line each, none blank."""
    out = Placement()
    first = 2  # the header is line 1
    out.breakpoints = [(0, first)]
    for i, unit in enumerate(units):  # the rows after each rejected line move on by one
        out.breakpoints.append((unit - first - i, first + i + 1))
    offsets = dict(out.breakpoints)  # the last offset given for a place holds
    starts = sorted(offsets)
    lines_of_rows = {}
    for place in rows:
        start = starts[bisect.bisect_right(starts, place) - 1]
        lines_of_rows[place] = place + offsets[start]
    found = _cut_lines(chunks, dialect.newline, sorted({*units, *lines_of_rows.values()}), out)
    out.by_unit = {u: Span(u, 1, found.get(u)) for u in units}
    out.by_row = {p: Span(n, 1, found.get(n)) for p, n in lines_of_rows.items()}
    out.rows = out.last_unit - 1 - len(units)
    last = found.get(out.last_unit)
    if last is not None:  # cut after a line break inside a quoted value ends with it too
        scan = _Scan(dialect, (), ())
        arr = np.frombuffer(last, dtype=np.uint8)
        _inside_breaks, inside_end = scan._inside(arr, np.array([], dtype=np.int64))
        if inside_end:
            out.open_quote_line = out.last_unit
    return out


def _cut_lines(
    chunks: Iterable[bytes], newline: bytes, wanted: list[int], out: Placement
) -> dict[int, bytes]:
    """Return the bytes of the `wanted` lines (sorted); count the lines into `out`."""
    found: dict[int, bytes] = {}
    line = 1  # the line the tail starts
    tail = b""
    last = b""
    for chunk in chunks:
        if not chunk:
            continue
        last = chunk
        buf = tail + chunk
        breaks = buf.count(newline)
        here = wanted[bisect.bisect_left(wanted, line) : bisect.bisect_left(wanted, line + breaks)]
        if here:
            ends = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == newline[0])
            starts = np.concatenate(([0], ends[:-1] + 1))
            for n in here:
                k = n - line
                found[n] = buf[int(starts[k]) : int(ends[k])].removesuffix(b"\r")
        cut = buf.rfind(newline) + 1 if breaks else 0
        tail, line = buf[cut:], line + breaks
    out.unterminated = bool(last) and not last.endswith(newline)
    if tail.removesuffix(b"\r"):
        if line in set(wanted):
            found[line] = tail.removesuffix(b"\r")
        out.last_unit = line
    else:
        out.last_unit = line - 1
    return found
