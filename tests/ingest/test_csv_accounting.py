"""Generated CSV files: every row read is loaded or rejected, and a rejected row keeps its text.

Hypothesis writes files with random delimiters (named in the mapping or left to
detection), quoting, encodings (always detected), line ends, blank lines, values
that span lines and bad cells, and knows which rows it made
bad and on which physical lines each row begins. The import must account for
every row (read = loaded + rejected), reject exactly the bad ones on their
lines, and keep each rejected row's raw text as it is in the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import karsta
from karsta.ingest import ImportFailed, import_file
from karsta.ingest.mapping import SourceMapping

HEADER = ["Tiketti", "Tila", "Aika", "Käsittelijä", "Muistiinpano"]
MAPPING = SourceMapping(
    name="generated",
    title="generated CSV",
    layout="events",
    columns={
        "ticket_id": "Tiketti",
        "activity": "Tila",
        "timestamp": "Aika",
        "agent": "Käsittelijä",
        "category": "Muistiinpano",
    },
)
# Text every encoding below can write: Finnish letters, and € and – that Windows-1252
# keeps in the bytes 0x80-0x9F.
LETTERS = "abcxyzäöåÄÖÅé€– ,;|\t'\""
TEXT = st.text(LETTERS, min_size=0, max_size=12)
KINDS = ("good", "bad date", "no ticket", "extra field", "missing field")


@dataclass(frozen=True)
class Row:
    fields: list[str]
    kind: str
    blank_before: int  # blank lines written before it


@st.composite
def rows(draw: st.DrawFn) -> Row:
    kind = draw(st.sampled_from(KINDS)) if draw(st.booleans()) else "good"
    note = draw(TEXT)
    if draw(st.booleans()):
        note = f"{note}\n{draw(TEXT)}"  # a value that spans lines
    fields = [
        "" if kind == "no ticket" else f"T{draw(st.integers(1, 5))}",
        draw(st.sampled_from(["Uusi", "Työn alla", "Ratkaistu"])),
        "eilen" if kind == "bad date" else f"2024-02-0{draw(st.integers(1, 9))} 08:00:00",
        draw(TEXT),
        note,
    ]
    if kind == "extra field":
        fields.append("ylimääräinen")
    if kind == "missing field":
        fields = fields[:-1]
    return Row(fields, kind, draw(st.integers(0, 2)) if draw(st.booleans()) else 0)


@dataclass(frozen=True)
class Written:
    path: Path
    encoding: str
    delimiter: str
    expected: list[tuple[int, str, bool]]  # per row: first line, raw text, rejected


def write(
    tmp: Path,
    data: list[Row],
    delimiter: str,
    quoting: int,
    encoding: str,
    end: str,
    final_break: bool = True,
) -> Written:
    """Write the rows; return where each begins and the text it is written as."""

    def record(fields: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=end).writerow(fields)
        return out.getvalue().removesuffix(end)

    parts = [record(HEADER)]
    line = 2  # the header is line 1
    expected = []
    for row in data:
        parts.extend([""] * row.blank_before)
        line += row.blank_before
        text = record(row.fields)
        expected.append((line, text, row.kind != "good"))
        parts.append(text)
        line += text.count("\n") + 1
    path = tmp / f"generated-{len(list(tmp.iterdir()))}.csv"
    path.write_bytes((end.join(parts) + (end if final_break else "")).encode(encoding))
    return Written(path, encoding, delimiter, expected)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.lists(rows(), min_size=3, max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    end=st.sampled_from(["\n", "\r\n"]),
    final_break=st.booleans(),
    delimiter_given=st.booleans(),
)
def test_rows_read_are_loaded_or_rejected_with_their_raw_text(
    tmp_path: Path,
    data: list[Row],
    delimiter: str,
    quoting: int,
    encoding: str,
    end: str,
    final_break: bool,
    delimiter_given: bool,
) -> None:
    written = write(tmp_path, data, delimiter, quoting, encoding, end, final_break)
    # The delimiter is named in the mapping, or left to detection as a new user leaves it.
    mapping = MAPPING.with_read(delimiter=delimiter) if delimiter_given else MAPPING
    with karsta.open(tmp_path / f"{written.path.stem}.karsta") as ws:
        if data[-1].kind == "missing field" and not final_break:
            # A file whose last row stops short without a line break was cut: it stops.
            with pytest.raises(ImportFailed, match="cut short"):
                import_file(written.path, workspace=ws, mapping=mapping, max_rejects="100%")
            assert ws.count("ticket_events") == ws.count("rejects") == 0
            return
        report = import_file(written.path, workspace=ws, mapping=mapping, max_rejects="100%")
        kept = ws.connection.execute("SELECT DISTINCT line, raw FROM rejects").fetchall()
        loaded = ws.connection.execute("SELECT source_row FROM ticket_events").fetchall()
    bad = [(line, text) for line, text, rejected in written.expected if rejected]
    good = sorted(line for line, _text, rejected in written.expected if not rejected)
    assert report.rows_read == len(written.expected)
    assert report.rows_loaded + report.rows_rejected == report.rows_read
    assert report.rows_rejected == len(bad)
    assert sorted(kept) == sorted(bad)  # each on its first line, its text as in the file
    assert sorted(r for (r,) in loaded) == good
