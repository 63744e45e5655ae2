"""Rejected rows: the encoding checked on the whole file, a limit on rejects, raw text kept,
physical lines, and no value of a personal column in any message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from karsta.ingest import ImportFailed, import_file, load_preset
from karsta.ingest.errors import TooManyRejects
from karsta.ingest.mapping import SourceMapping
from karsta.ingest.rejected import RejectLimit, RejectLimitError
from karsta.privacy import pseudonym
from karsta.workspace import Workspace

MAPPING = load_preset("event-log")
HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
MIB = 1 << 20


def rejects(ws: Workspace) -> list[tuple[Any, ...]]:
    return ws.connection.execute(
        "SELECT line, source_column, reason, raw FROM rejects ORDER BY line, source_column"
    ).fetchall()


def counts(ws: Workspace) -> tuple[int, int, int]:
    return ws.count("ticket_events"), ws.count("rejects"), ws.count("imports")


# --- the encoding, checked on the whole file ------------------------------------------------


def late_latin1(path: Path, rows: int = 40_000) -> Path:
    """Write a Windows-1252 log whose first non-ASCII byte comes after the first MiB.

    The last quarter of the rows (from row 30 000, about 1.3 MB in) name an agent
    'Jääskeläinen <n>'; every row before is ASCII.
    """
    lines = [HEADER]
    for i in range(rows):
        agent = f"Jääskeläinen {i}" if i >= rows * 3 // 4 else f"Agent {i}"
        lines.append(f"T{i},New,2024-02-01 08:00:00,{agent},SD")
    data = ("\n".join(lines) + "\n").encode("cp1252")
    assert data.index("ä".encode("cp1252")) > MIB
    path.write_bytes(data)
    return path


def test_late_non_ascii_byte_reads_the_file_again_as_cp1252(
    tmp_path: Path, workspace: Workspace
) -> None:
    # The scenario: a Latin-1 file whose first "ä" comes after 1 MiB was read as UTF-8
    # and a quarter of its rows were rejected with rc 0. The whole file decides.
    path = late_latin1(tmp_path / "late.csv")
    report = import_file(path, workspace=workspace, mapping=MAPPING)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (40_000, 40_000, 0)
    assert "encoding cp1252" in report.notes
    agents = workspace.connection.execute(
        "SELECT agent FROM ticket_events WHERE ticket_id IN ('T29999', 'T30000', 'T39999') "
        "ORDER BY source_row"
    ).fetchall()
    assert agents == [("Agent 29999",), ("Jääskeläinen 30000",), ("Jääskeläinen 39999",)]


def test_late_non_utf8_byte_under_a_declared_utf8_names_its_line(
    tmp_path: Path, workspace: Workspace
) -> None:
    path = late_latin1(tmp_path / "late.csv")
    with pytest.raises(ImportFailed) as caught:
        import_file(path, workspace=workspace, mapping=MAPPING.with_read(encoding="utf-8"))
    # Row 30 000 is on line 30 002 (the header is line 1); "ä" is byte 0xE4 in cp1252.
    assert "is not UTF-8 text: byte 0xE4 on line 30002" in str(caught.value)
    assert counts(workspace) == (0, 0, 0)


def test_utf8_file_with_a_late_foreign_byte_is_refused(
    tmp_path: Path, workspace: Workspace
) -> None:
    # UTF-8 "ö" on line 2, and a Windows-1252 "ä" (0xE4) after the first MiB: neither
    # reading is right, so nothing is imported.
    rows = [HEADER, "T0,New,2024-02-01 08:00:00,Töölö,SD"]
    rows += [f"T{i},New,2024-02-01 08:00:00,Agent {i},SD" for i in range(1, 30_000)]
    data = ("\n".join(rows) + "\n").encode("utf-8") + b"T9,New,2024-02-01 08:00:00,\xe4,SD\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFailed, match="byte 0xE4 on line 30002, which is not"):
        import_file(path, workspace=workspace, mapping=MAPPING)
    assert counts(workspace) == (0, 0, 0)


# --- the limit on rejects -------------------------------------------------------------------


def log_with_bad_dates(path: Path, rows: int, bad: list[int]) -> Path:
    lines = [HEADER]
    for i in range(rows):
        when = "31.2.2024" if i in bad else "2024-02-01 08:00:00"
        lines.append(f"T{i},New,{when},Agent {i},SD")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rejects_over_the_default_limit_import_nothing(
    tmp_path: Path, workspace: Workspace
) -> None:
    # 3 of 200 rows (1.5 %) are rejected: more than the default 1 % (2 rows).
    path = log_with_bad_dates(tmp_path / "log.csv", 200, [10, 20, 30])
    with pytest.raises(TooManyRejects) as caught:
        import_file(path, workspace=workspace, mapping=MAPPING)
    error = caught.value
    assert (error.rejected, error.read, error.limit) == (3, 200, "1%")
    assert [(e.line, e.column, e.value) for e in error.examples] == [
        (12, "time:timestamp", "31.2.2024"),  # row 10 is on line 12
        (22, "time:timestamp", "31.2.2024"),
        (32, "time:timestamp", "31.2.2024"),
    ]
    assert "3 of 200 rows were rejected, more than the limit of 1%" in str(error)
    assert "line 12, time:timestamp: not a date and time" in str(error)
    assert counts(workspace) == (0, 0, 0)


@pytest.mark.parametrize(
    ("limit", "imported"), [("2%", True), ("1.5%", True), (3, True), (2, False)]
)
def test_the_limit_is_a_share_or_a_number_of_rows(
    tmp_path: Path, workspace: Workspace, limit: str | int, imported: bool
) -> None:
    path = log_with_bad_dates(tmp_path / "log.csv", 200, [10, 20, 30])
    if imported:
        report = import_file(path, workspace=workspace, mapping=MAPPING, max_rejects=limit)
        assert (report.rows_loaded, report.rows_rejected) == (197, 3)
    else:
        with pytest.raises(TooManyRejects, match="more than the limit of 2 rows"):
            import_file(path, workspace=workspace, mapping=MAPPING, max_rejects=limit)


def test_limits_are_read_as_written() -> None:
    assert RejectLimit.parse("1%").allows(2, 200)
    assert not RejectLimit.parse("1%").allows(3, 200)
    assert RejectLimit.parse("0,5 %").allows(1, 200)
    assert not RejectLimit.parse("0.5%").allows(2, 200)
    assert RejectLimit.parse("250") == RejectLimit(rows=250)
    assert RejectLimit.parse("0").allows(0, 10)
    assert not RejectLimit.parse(0).allows(1, 10)
    for wrong in ("x", "-1", "101%", "1.5"):
        with pytest.raises(RejectLimitError, match="--max-rejects"):
            RejectLimit.parse(wrong)


def test_the_failure_never_shows_a_personal_value(tmp_path: Path, workspace: Workspace) -> None:
    # The time is declared personal here: its bad values stay out of the message.
    path = tmp_path / "log.csv"
    path.write_text(
        "case,activity,time\nT1,New,Virtanen 010101-123X\nT2,New,2024-02-01 08:00:00\n",
        encoding="utf-8",
    )
    mapping = SourceMapping(
        name="desk",
        title="desk",
        layout="events",
        columns={"ticket_id": "case", "activity": "activity", "timestamp": "time"},
        personal=frozenset({"timestamp"}),
    )
    with pytest.raises(TooManyRejects) as caught:
        import_file(path, workspace=workspace, mapping=mapping)
    assert [(e.line, e.column, e.value) for e in caught.value.examples] == [(2, "time", None)]
    assert "Virtanen" not in str(caught.value)


# --- raw text and physical lines ----------------------------------------------------------

# A value that spans lines, blank lines between rows, and bad rows after them. By hand:
# line 1 header; 2-4 T1 with a three-line group value; 5 blank; 6 T2 with a bad date;
# 7-8 blank; 9 T3 with too many fields; 10-11 T4 with a two-line value and a bad date;
# 12 T5, good.
SPANNING = (
    f"{HEADER}\n"
    'T1,New,2024-02-01 08:00:00,A,"Service\ndesk\nHelsinki"\n'
    "\n"
    "T2,New,tomorrow,B,SD\n"
    "\n"
    "\n"
    "T3,New,2024-02-01 09:00:00,C,SD,extra\n"
    'T4,New,someday,D,"two\nlines"\n'
    "T5,New,2024-02-01 10:00:00,E,SD\n"
)


def test_rejects_and_rows_are_on_their_physical_lines(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "spanning.csv"
    path.write_text(SPANNING, encoding="utf-8")
    report = import_file(path, workspace=workspace, mapping=MAPPING, max_rejects="100%")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    found = workspace.connection.execute(
        "SELECT ticket_id, source_row FROM ticket_events ORDER BY source_row"
    ).fetchall()
    assert found == [("T1", 2), ("T5", 12)]
    assert rejects(workspace) == [
        (6, "time:timestamp", "not a date and time in the format ISO 8601", "T2,New,tomorrow,B,SD"),
        (
            9,
            None,
            "the row has more columns than the header",
            "T3,New,2024-02-01 09:00:00,C,SD,extra",
        ),
        (
            10,
            "time:timestamp",
            "not a date and time in the format ISO 8601",
            'T4,New,someday,D,"two\nlines"',
        ),
    ]


def test_raw_text_of_a_windows_file(tmp_path: Path, workspace: Workspace) -> None:
    # CRLF line ends and Windows-1252: the raw text is the row's text, without its line end.
    path = tmp_path / "excel.csv"
    path.write_bytes(
        f"{HEADER}\r\nT1,Työn alla,eilen,Jörö,SD\r\nT2,Uusi,2024-02-01 08:00:00,Åke,SD\r\n".encode(
            "cp1252"
        )
    )
    import_file(path, workspace=workspace, mapping=MAPPING, max_rejects="100%")
    assert [r[3] for r in rejects(workspace)] == ["T1,Työn alla,eilen,Jörö,SD"]


def test_raw_text_under_pseudonymisation(tmp_path: Path, workspace: Workspace) -> None:
    # The agent (org:resource) is personal: its field is pseudonymised in the raw text
    # as in the loaded rows; a row whose fields cannot be matched to the header's
    # columns has every field pseudonymised.
    path = tmp_path / "log.csv"
    path.write_text(
        f"{HEADER}\n"
        "T1,New,eilen,Salainen Agentti,SD\n"
        "T2,New,2024-02-01 08:00:00,Toinen Agentti,SD,extra\n"
        "T3,New,2024-02-01 08:00:00,Salainen Agentti,SD\n",
        encoding="utf-8",
    )
    key = b"k" * 32
    import_file(path, workspace=workspace, mapping=MAPPING, pseudonym_key=key, max_rejects="100%")
    raws = [r[3] for r in rejects(workspace)]
    p = lambda value: pseudonym(key, value)  # noqa: E731 - a short name for the expectation
    assert raws == [
        f"T1,New,eilen,{p('Salainen Agentti')},SD",
        ",".join(
            p(v) for v in ["T2", "New", "2024-02-01 08:00:00", "Toinen Agentti", "SD", "extra"]
        ),
    ]
    agents = workspace.connection.execute("SELECT agent FROM ticket_events").fetchall()
    assert agents == [(p("Salainen Agentti"),)]  # the same pseudonym as in the raw text
    dump = repr(workspace.connection.execute("SELECT * FROM rejects").fetchall())
    assert "Agentti" not in dump


def test_raw_text_of_a_sheet_a_json_line_and_a_parquet_row(
    tmp_path: Path, workspace: Workspace
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["case:concept:name", "concept:name", "time:timestamp"])
    sheet.append(["T1", "New", "eilen"])
    xlsx = tmp_path / "log.xlsx"
    book.save(xlsx)
    jsonl = tmp_path / "log.jsonl"
    jsonl.write_text(
        '{"case:concept:name": "T2", "concept:name": "New", "time:timestamp": "huomenna"}\n'
        '{"case:concept:name": "T3", \n',
        encoding="utf-8",
    )
    parquet = tmp_path / "log.parquet"
    pq.write_table(
        pa.table({"case:concept:name": ["T4"], "concept:name": ["New"], "time:timestamp": ["x"]}),
        parquet,
    )
    for path in (xlsx, jsonl, parquet):
        import_file(path, workspace=workspace, mapping=MAPPING, max_rejects="100%")
    raws = workspace.connection.execute(
        "SELECT source_file, line, raw FROM rejects ORDER BY source_file, line"
    ).fetchall()
    assert [(Path(f).name, line) for f, line, _ in raws] == [
        ("log.jsonl", 1),
        ("log.jsonl", 2),
        ("log.parquet", 1),
        ("log.xlsx", 2),
    ]
    assert json.loads(raws[0][2])["time:timestamp"] == "huomenna"
    assert raws[1][2] == '{"case:concept:name": "T3", '
    assert json.loads(raws[2][2]) == {
        "case:concept:name": "T4",
        "concept:name": "New",
        "time:timestamp": "x",
    }
    assert json.loads(raws[3][2]) == {
        "case:concept:name": "T1",
        "concept:name": "New",
        "time:timestamp": "eilen",
    }
