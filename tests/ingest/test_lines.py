"""The lines pass: where each record of a CSV file starts, with quotes as DuckDB reads them."""

from __future__ import annotations

import pytest

from karsta.ingest.lines import Dialect, place_records

COMMA = Dialect(b",")


def starts(data: bytes, dialect: Dialect = COMMA, chunk: int = 3) -> dict[int, int]:
    """Return {row place: first line} for every row of `data`, read in small chunks."""
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    found = place_records(pieces, dialect, units=(), rows=range(100))
    return {place: span.line for place, span in found.by_row.items()}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # A quote inside an unquoted value is a character: no value spans lines.
        (b'a,b\n1,ab"c\n2,x\n', {0: 2, 1: 3}),
        (b'a,b\n1,abc"\n2,x\n', {0: 2, 1: 3}),
        # A quoted value holds a line break, a blank line and doubled quotes.
        (b'a,b\n1,"x\n\n""y"""\n2,z\n', {0: 2, 1: 5}),
        # An empty quoted value and a quoted quote change nothing.
        (b'a,b\n1,""\n2,""""\n3,z\n', {0: 2, 1: 3, 2: 4}),
        # Blank lines between rows are no rows; CRLF line ends.
        (b"a,b\r\n\r\n1,x\r\n\r\n\r\n2,y\r\n", {0: 3, 1: 6}),
        # Inside a quoted value a lone quote closes it, here at the start of a line.
        (b'a,b\n1,"x\n"\n2,y\n', {0: 2, 1: 4}),
    ],
)
def test_rows_start_on_their_lines(data: bytes, expected: dict[int, int]) -> None:
    assert starts(data) == expected


def test_backslash_escaped_quotes() -> None:
    dialect = Dialect(b";", b'"', b"\\")
    assert starts(b'a;b\n1;"x\\"\ny"\n2;z\n', dialect) == {0: 2, 1: 4}


def test_rejected_records_by_the_readers_number() -> None:
    # DuckDB numbers the records and blank lines: header 1, row 2, blank 3, "3,w" 4.
    data = b'a,b\n1,"x\ny"\n\n3,w,extra\n4,v\n'
    found = place_records([data], COMMA, units=[4], rows=[0, 1])
    assert found.by_unit[4].line == 5
    assert found.by_unit[4].raw == b"3,w,extra"
    assert {p: s.line for p, s in found.by_row.items()} == {0: 2, 1: 6}
    assert found.breakpoints == [(0, 2), (1, 5)]


def test_a_file_that_ends_inside_a_quoted_value() -> None:
    found = place_records([b'a,b\n1,x\n2,"cut\nshort'], COMMA, units=[3], rows=[])
    assert found.open_quote_line == 3
    assert found.by_unit[3].lines == 2


def test_one_line_each_cuts_the_lines_without_reading_quotes() -> None:
    data = b'a,b\n1,x\n2,"y"\n3,z,extra\n4,w'
    full = place_records([data], COMMA, units=[4], rows=[0, 2])
    quick = place_records([data], COMMA, units=[4], rows=[0, 2], one_line_each=True)
    for found in (full, quick):
        assert {p: (s.line, s.raw) for p, s in found.by_row.items()} == {
            0: (2, b"1,x"),
            2: (5, b"4,w"),
        }
        assert found.by_unit[4].raw == b"3,z,extra"
        assert (found.last_unit, found.unterminated, found.rows) == (5, True, 3)


def test_one_line_each_finds_a_quote_left_open_by_the_last_line() -> None:
    # The last line opens a quoted value and the file ends after its line break.
    data = b'a,b\n1,x\n2,"cut\n'
    for quick in (False, True):
        found = place_records([data], COMMA, units=[3], rows=[], one_line_each=quick)
        assert found.open_quote_line == 3, quick
