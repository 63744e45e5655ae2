"""The readers, one group per format: small files written here, read through the whole import.

Every failed import must leave the workspace as it was; every message must name the
file, the line and the column, and never a value of a personal column.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from karsta.ingest import ImportFailed, ImportReport, MissingColumns, import_file, load_preset
from karsta.ingest.mapping import SourceMapping
from karsta.workspace import Workspace

TABLES = ("tickets", "ticket_events", "ticket_pauses", "rejects", "imports")
ANY_SHARE = "100%"  # these tests are about the rejects, not about their limit

# A Finnish service desk's own export: Finnish column names, personal caller and agent.
FINNISH = SourceMapping(
    name="finnish",
    title="test mapping",
    layout="events",
    columns={
        "ticket_id": "Tiketti",
        "timestamp": "Aika",
        "activity": "Tila",
        "agent": "Käsittelijä",
        "cost": "Hinta",
        "caller_id": "Asiakas",
    },
    status_classes={"Uusi": "new", "Työn alla": "active", "Ratkaistu": "resolved"},
)
HEADER = "Tiketti;Aika;Tila;Käsittelijä;Hinta;Asiakas"
ROWS = [
    "T1;5.3.2024 9.05;Uusi;Anna;12,50;c1",
    "T1;5.3.2024 14.30;Ratkaistu;Anna;1 234,75;c1",
    "T2;6.3.2024 8.00;Uusi;Ben;0,5;c2",
]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def write(path: Path, lines: list[str], encoding: str = "utf-8", *, end: str = "\n") -> Path:
    path.write_bytes(("\n".join(lines) + end).encode(encoding))
    return path


def counts(ws: Workspace) -> dict[str, int]:
    return {name: ws.count(name) for name in TABLES}


def events(ws: Workspace) -> list[tuple[Any, ...]]:
    return ws.connection.execute(
        "SELECT ticket_id, timestamp, activity, agent, cost, caller_id, source_row "
        "FROM ticket_events ORDER BY source_row"
    ).fetchall()


def rejects(ws: Workspace) -> list[tuple[Any, ...]]:
    return ws.connection.execute(
        "SELECT source_file, row_label, line, source_column, canonical_column, value, reason "
        "FROM rejects ORDER BY line, source_column"
    ).fetchall()


def balanced(report: ImportReport, read: int, loaded: int) -> None:
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (
        read,
        loaded,
        read - loaded,
    )
    assert report.balanced


def fails_unchanged(
    ws: Workspace, path: Path, mapping: SourceMapping, error: type[ImportFailed] = ImportFailed
) -> ImportFailed:
    """Import `path` after a good import; return the error and check nothing changed."""
    good = write(path.with_name("good.csv"), [HEADER, *ROWS])
    import_file(good, workspace=ws, mapping=FINNISH)
    before = counts(ws)
    with pytest.raises(error) as caught:
        import_file(path, workspace=ws, mapping=mapping)
    assert counts(ws) == before
    assert str(path) in str(caught.value)
    return caught.value


# --- CSV --------------------------------------------------------------------------------------


def test_finnish_excel_csv(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path / "tiketit.csv", [HEADER, *ROWS])
    report = import_file(path, workspace=workspace, mapping=FINNISH)
    balanced(report, 3, 3)
    assert "Aika: timestamps as %d.%m.%Y %H.%M" in report.notes
    assert "Hinta: decimal comma" in report.notes
    assert events(workspace) == [
        ("T1", utc("2024-03-05 07:05"), "Uusi", "Anna", 12.5, "c1", 2),
        ("T1", utc("2024-03-05 12:30"), "Ratkaistu", "Anna", 1234.75, "c1", 3),
        ("T2", utc("2024-03-06 06:00"), "Uusi", "Ben", 0.5, "c2", 4),
    ]


def test_utf8_bom(tmp_path: Path, workspace: Workspace) -> None:
    path = write(
        tmp_path / "bom.csv",
        ["\ufeff" + HEADER.replace(";", ","), "T1,5.3.2024 9.05,Työn alla,Jörö,1,c1"],
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = import_file(path, workspace=workspace, mapping=FINNISH)
    balanced(report, 1, 1)
    assert "encoding utf-8" in report.notes
    assert events(workspace)[0][2:4] == ("Työn alla", "Jörö")  # the header's first column found


def test_windows_1252_is_detected(tmp_path: Path, workspace: Workspace) -> None:
    lines = [HEADER, "T1;5.3.2024 9.05;Työn alla;Jörö Äkäslompolo;12,50 €;c1"]
    path = write(tmp_path / "excel.csv", lines, "cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    report = import_file(
        path, workspace=workspace, mapping=FINNISH.with_read(decimal=","), max_rejects=ANY_SHARE
    )
    assert "encoding cp1252" in report.notes
    # "12,50 €" is not a number: the optional cost is left empty and the row is loaded.
    balanced(report, 1, 1)
    reason = "not a number (decimal separator ',')"
    assert [(g.column, g.reason, g.rows) for g in report.empty_groups] == [("Hinta", reason, 1)]
    assert report.values_left_empty == 1
    row = workspace.connection.execute(
        "SELECT line, source_column, value, reason, row_loaded FROM rejects"
    ).fetchone()
    assert row == (2, "Hinta", "12,50 €", reason, True)
    assert events(workspace)[0][2:5] == ("Työn alla", "Jörö Äkäslompolo", None)


def test_windows_1252_text_values(tmp_path: Path, workspace: Workspace) -> None:
    lines = [HEADER, "T1;5.3.2024 9.05;Työn alla;Jörö Äkäslompolo;12,50;€-asiakas"]
    path = write(tmp_path / "excel.csv", lines, "cp1252")
    report = import_file(path, workspace=workspace, mapping=FINNISH)
    balanced(report, 1, 1)
    assert events(workspace)[0][2:6] == ("Työn alla", "Jörö Äkäslompolo", 12.5, "€-asiakas")


def test_declared_utf8_on_windows_1252_names_the_line(tmp_path: Path, workspace: Workspace) -> None:
    header = HEADER.replace("ä", "a")
    path = write(
        tmp_path / "excel.csv", [header, *ROWS[:2], "T3;7.3.2024 9.00;Pää;A;1;c"], "cp1252"
    )
    error = fails_unchanged(workspace, path, FINNISH.with_read(encoding="utf-8"))
    assert "is not UTF-8 text" in str(error)
    assert "line 4" in str(error)
    assert "--encoding cp1252" in str(error)


def test_declared_encoding_that_cannot_decode_names_the_line(
    tmp_path: Path, workspace: Workspace
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(f"{HEADER}\n{ROWS[0]}\n".encode("cp1252") + b"T9;5.3.2024 9.05;x\x81y;A;1;c\n")
    error = fails_unchanged(workspace, path, FINNISH.with_read(encoding="cp1252"))
    assert "is not cp1252 text: byte 0x81 on line 3" in str(error)


def test_wrong_delimiter_is_suggested(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path / "semicolons.csv", [HEADER, *ROWS])
    error = fails_unchanged(workspace, path, FINNISH.with_read(delimiter=","), MissingColumns)
    assert "is the delimiter ';'?" in str(error)
    assert "--delimiter ';'" in str(error)


def test_missing_required_column_is_named(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path / "renamed.csv", [HEADER.replace("Aika", "Aikaleima"), *ROWS])
    error = fails_unchanged(workspace, path, FINNISH, MissingColumns)
    assert "required column 'Aika' not found" in str(error)
    assert "'Aikaleima'" in str(error)  # what the file has instead


def test_bad_dates_are_rejected_with_file_line_column_value(
    tmp_path: Path, workspace: Workspace
) -> None:
    lines = [
        HEADER,
        *ROWS,
        "T3;31.2.2024 9.00;Uusi;Anna;1;c3",
        "T4;eilen;Uusi;Anna;1;c4",
        "T5;;Uusi;A;1;c",
    ]
    path = write(tmp_path / "dates.csv", lines)
    report = import_file(path, workspace=workspace, mapping=FINNISH, max_rejects=ANY_SHARE)
    balanced(report, 6, 3)
    assert workspace.count("ticket_events") == 3
    fmt = "not a date and time in the format %d.%m.%Y %H.%M"
    assert rejects(workspace) == [
        (str(path), "line", 5, "Aika", "timestamp", "31.2.2024 9.00", fmt),
        (str(path), "line", 6, "Aika", "timestamp", "eilen", fmt),
        (str(path), "line", 7, "Aika", "timestamp", None, "required value is missing"),
    ]
    groups = {(g.column, g.reason): (g.rows, g.first_line) for g in report.reject_groups}
    assert groups == {("Aika", fmt): (2, 5), ("Aika", "required value is missing"): (1, 7)}


def test_truncated_csv_stops_the_import(tmp_path: Path, workspace: Workspace) -> None:
    # The last row is cut mid-record and the file ends without a line break: however
    # many rejects the import allows, a cut file is not imported in part.
    path = write(tmp_path / "cut.csv", [HEADER, *ROWS, "T3;6.3.2024 10.00;Uu"], end="")
    with pytest.raises(ImportFailed, match=r"the last row \(line 5\) .* cut short") as caught:
        import_file(path, workspace=workspace, mapping=FINNISH, max_rejects=ANY_SHARE)
    assert str(path) in str(caught.value)
    assert counts(workspace) == dict.fromkeys(TABLES, 0)


def test_a_lone_apostrophe_is_not_a_quote(tmp_path: Path, workspace: Workspace) -> None:
    # Found by the accounting property test: reading for rejects, DuckDB's sniffer took
    # the lone "'" of line 7 for the quote character, and the file then seemed to end
    # inside a quoted value.
    good = "T1,Uusi,2024-02-01 08:00:00,,"
    rows = [*[good] * 5, "T1,Uusi,2024-02-01 08:00:00,',", f"{good},ylimääräinen"]
    rows.append('T1,Uusi,eilen,,","')
    path = write(
        tmp_path / "apostrophe.csv", ["Tiketti,Tila,Aika,Käsittelijä,Hinta", *rows], end=""
    )
    mapping = SourceMapping(
        name="notes",
        title="notes",
        layout="events",
        columns={
            "ticket_id": "Tiketti",
            "activity": "Tila",
            "timestamp": "Aika",
            "agent": "Käsittelijä",
        },
    )
    report = import_file(path, workspace=workspace, mapping=mapping, max_rejects="100%")
    balanced(report, 8, 6)  # line 8 has a field too many, line 9 no readable time
    assert [e[3] for e in events(workspace)][-1] == "'"


def test_truncated_csv_inside_a_quoted_value_stops_the_import(
    tmp_path: Path, workspace: Workspace
) -> None:
    # Cut inside a quoted value that spans lines: the file ends with the quote open,
    # even though it ends with a line break (the status of a row is quoted).
    quoted = [r.replace(";Uusi;", ';"Uusi";').replace(";Ratkaistu;", ';"Ratkaistu";') for r in ROWS]
    rows = [HEADER, *quoted, 'T3;6.3.2024 10.00;"Työn alla', "jatkuu"]
    path = write(tmp_path / "cut.csv", rows)
    error = fails_unchanged(workspace, path, FINNISH)
    assert "ends inside a quoted value of the row on line 5" in str(error)


def test_cut_just_after_a_line_break_inside_a_quoted_value_stops_the_import(
    tmp_path: Path, workspace: Workspace
) -> None:
    # Cut right after the first line of a value that spans lines: every record so far
    # is one line and the file ends with a line break, yet the quote is still open.
    rows = [HEADER, *ROWS, 'T3;6.3.2024 10.00;"Työn alla']
    path = write(tmp_path / "cut.csv", rows)
    error = fails_unchanged(workspace, path, FINNISH)
    assert "ends inside a quoted value of the row on line 5" in str(error)


def test_short_last_row_with_a_line_break_is_a_reject(tmp_path: Path, workspace: Workspace) -> None:
    # A complete file whose last row is short: an ordinary reject, not a cut file.
    path = write(tmp_path / "short.csv", [HEADER, *ROWS, "T3;6.3.2024 10.00;Uusi"])
    report = import_file(path, workspace=workspace, mapping=FINNISH, max_rejects=ANY_SHARE)
    balanced(report, 4, 3)
    ((line, reason),) = workspace.connection.execute("SELECT line, reason FROM rejects").fetchall()
    assert (line, reason) == (5, "the row has fewer columns than the header")


def test_short_row_in_the_middle_is_not_called_truncated(
    tmp_path: Path, workspace: Workspace
) -> None:
    path = write(tmp_path / "short.csv", [HEADER, ROWS[0], "T3;6.3.2024 10.00;Uusi", *ROWS[1:]])
    report = import_file(path, workspace=workspace, mapping=FINNISH, max_rejects=ANY_SHARE)
    balanced(report, 4, 3)
    ((line, reason),) = workspace.connection.execute("SELECT line, reason FROM rejects").fetchall()
    assert (line, reason) == (3, "the row has fewer columns than the header")
    assert [e[6] for e in events(workspace)] == [2, 4, 5]  # lines after the bad one still right


def test_truncated_gzip_fails_clearly(tmp_path: Path, workspace: Workspace) -> None:
    data = gzip.compress(("\n".join([HEADER, *ROWS * 20]) + "\n").encode())
    path = tmp_path / "export.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    error = fails_unchanged(workspace, path, FINNISH)
    assert "ends too early or is damaged (truncated download?)" in str(error)


def test_truncated_gzip_in_windows_1252_fails_clearly(tmp_path: Path, workspace: Workspace) -> None:
    data = gzip.compress(("\n".join([HEADER, *ROWS * 20]) + "\n").encode("cp1252"))
    path = tmp_path / "export.csv.gz"
    path.write_bytes(data[:-12])  # the end of the stream is missing
    error = fails_unchanged(workspace, path, FINNISH.with_read(encoding="cp1252"))
    assert "truncated download?" in str(error)


def test_gzip_csv(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(("\n".join([HEADER, *ROWS]) + "\n").encode()))
    report = import_file(path, workspace=workspace, mapping=FINNISH)
    balanced(report, 3, 3)


def test_rows_with_too_many_columns_are_rejected(tmp_path: Path, workspace: Workspace) -> None:
    lines = [HEADER, ROWS[0], "T9;6.3.2024 10.00;Uusi;Anna;1;c;ylimääräinen", *ROWS[1:]]
    report = import_file(
        write(tmp_path / "wide.csv", lines),
        workspace=workspace,
        mapping=FINNISH,
        max_rejects=ANY_SHARE,
    )
    balanced(report, 4, 3)
    assert workspace.connection.execute("SELECT line, reason FROM rejects").fetchall() == [
        (3, "the row has more columns than the header")
    ]
    assert [e[6] for e in events(workspace)] == [2, 4, 5]


def test_empty_file(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    error = fails_unchanged(workspace, path, FINNISH)
    assert "is empty" in str(error)


def test_header_only_file_loads_nothing(tmp_path: Path, workspace: Workspace) -> None:
    report = import_file(write(tmp_path / "h.csv", [HEADER]), workspace=workspace, mapping=FINNISH)
    balanced(report, 0, 0)
    assert workspace.count("ticket_events") == 0


def test_unknown_file_type(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "export.pdf"
    path.write_bytes(b"%PDF-1.4")
    error = fails_unchanged(workspace, path, FINNISH)
    assert "Known formats: csv, parquet, xlsx, jsonl, xes" in str(error)


# --- personal data in messages ------------------------------------------------------------------

SECRET_CALLER = "Matti Virtanen 010101-123X"
SECRET_AGENT = "Salainen Käsittelijä"


def personal_rows() -> list[str]:
    return [
        HEADER,
        *ROWS,
        f"T7;eilen;Uusi;{SECRET_AGENT};1;{SECRET_CALLER}",  # bad date
        f"T8;7.3.2024 9.00;Uusi;{SECRET_AGENT};1;{SECRET_CALLER};x",  # too many columns
        f"T9;7.3.2024 9.00;Uusi;{SECRET_AGENT};kymmenen;{SECRET_CALLER}",  # bad number, kept
    ]


def all_text(ws: Workspace, report: ImportReport) -> str:
    """Return every message the user sees: the report and the stored rejects and notes."""
    stored = ws.connection.execute(
        "SELECT string_agg(concat_ws('|', line, source_column, canonical_column, value, reason), "
        "'\n') FROM rejects"
    ).fetchone()
    notes = ws.connection.execute("SELECT string_agg(notes, '\n') FROM imports").fetchone()
    return "\n".join([repr(report), str(stored), str(notes)])


def test_messages_never_show_personal_values(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path / "personal.csv", personal_rows())
    report = import_file(path, workspace=workspace, mapping=FINNISH, max_rejects=ANY_SHARE)
    balanced(report, 6, 4)
    text = all_text(workspace, report)
    assert "eilen" in text
    assert "kymmenen" in text
    for secret in ("Virtanen", "010101", "Salainen"):
        assert secret not in text


def test_pseudonymised_import_stores_no_personal_value(
    tmp_path: Path, workspace: Workspace
) -> None:
    path = write(tmp_path / "personal.csv", personal_rows())
    report = import_file(
        path, workspace=workspace, mapping=FINNISH, pseudonym_key=b"k" * 32, max_rejects=ANY_SHARE
    )
    balanced(report, 6, 4)
    dump = "\n".join(
        repr(workspace.connection.execute(f"SELECT * FROM {name}").fetchall()) for name in TABLES
    )
    for secret in ("Virtanen", "010101", "Salainen", "Anna", "'c1'"):
        assert secret not in dump + all_text(workspace, report)
    agents = workspace.connection.execute("SELECT DISTINCT agent FROM ticket_events").fetchall()
    assert all(str(a).startswith("p:") for (a,) in agents)


def test_failure_messages_never_show_personal_values(tmp_path: Path, workspace: Workspace) -> None:
    rows = [HEADER.replace("ä", "a"), f"T1;5.3.2024 9.05;Uusi;A;1;{SECRET_CALLER} Ääninen"]
    path = write(tmp_path / "personal.csv", rows, "cp1252")
    error = fails_unchanged(workspace, path, FINNISH.with_read(encoding="utf-8"))
    assert "line 2" in str(error)
    assert "Virtanen" not in str(error)
    assert "Ääninen" not in str(error)


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_rows_are_numbered_as_in_excel(tmp_path: Path, workspace: Workspace) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tiketit"
    sheet.append(["Tiketti", "Aika", "Tila", "Käsittelijä", "Hinta", "Asiakas"])
    sheet.append(["T1", datetime(2024, 3, 5, 9, 5), "Uusi", "Anna", 12.5, "c1"])
    sheet.append(["T1", datetime(2024, 7, 5, 14, 30), "Ratkaistu", "Anna", 3, "c1"])
    sheet.append([None] * 6)  # a blank row, as people leave them
    sheet.append(["T2", "eilen", "Uusi", "Ben", 1, "c2"])
    sheet.append([4711, datetime(2024, 3, 6, 8, 0), "Uusi", "Ben", None, None])
    path = tmp_path / "tiketit.xlsx"
    book.save(path)
    report = import_file(path, workspace=workspace, mapping=FINNISH, max_rejects=ANY_SHARE)
    assert report.row_label == "row"
    balanced(report, 4, 3)
    assert events(workspace) == [
        ("T1", utc("2024-03-05 07:05"), "Uusi", "Anna", 12.5, "c1", 2),
        ("T1", utc("2024-07-05 11:30"), "Ratkaistu", "Anna", 3.0, "c1", 3),  # summer: UTC+3
        ("4711", utc("2024-03-06 06:00"), "Uusi", "Ben", None, None, 6),
    ]
    assert rejects(workspace) == [
        (
            str(path),
            "row",
            5,
            "Aika",
            "timestamp",
            "eilen",
            "not a date and time in the format ISO 8601",
        )
    ]


def test_xlsx_named_sheet(tmp_path: Path, workspace: Workspace) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Muuta"])
    sheet = book.create_sheet("Tiketit")
    sheet.append(["Tiketti", "Aika"])
    sheet.append(["T1", datetime(2024, 3, 5, 9, 5)])
    path = tmp_path / "two.xlsx"
    book.save(path)
    report = import_file(path, workspace=workspace, mapping=FINNISH.with_read(sheet="Tiketit"))
    balanced(report, 1, 1)
    error = fails_unchanged(workspace, path, FINNISH.with_read(sheet="Puuttuu"))
    assert "has no sheet 'Puuttuu'" in str(error)


def test_damaged_xlsx_fails_clearly(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    error = fails_unchanged(workspace, path, FINNISH)
    assert "cannot be read as an Excel workbook" in str(error)


# --- JSON lines ---------------------------------------------------------------------------------


def test_json_lines_with_a_malformed_line(tmp_path: Path, workspace: Workspace) -> None:
    records = [
        {"Tiketti": "T1", "Aika": "2024-03-05T09:05:00", "Tila": "Uusi", "Hinta": 12.5},
        {"Tiketti": "T1", "Aika": "2024-03-05T14:30:00+02:00", "Tila": "Ratkaistu"},
    ]
    lines = [json.dumps(records[0]), json.dumps(records[1]), '{"Tiketti": "T2", "Aika": ', ""]
    lines += ['["not", "an", "object"]', json.dumps({"Tiketti": 3, "Aika": "2024-03-06T08:00:00"})]
    path = write(tmp_path / "events.jsonl", lines)
    report = import_file(path, workspace=workspace, mapping=FINNISH, max_rejects=ANY_SHARE)
    balanced(report, 5, 3)
    assert [(e[0], e[1], e[6]) for e in events(workspace)] == [
        ("T1", utc("2024-03-05 07:05"), 1),
        ("T1", utc("2024-03-05 12:30"), 2),
        ("3", utc("2024-03-06 06:00"), 6),
    ]
    found = workspace.connection.execute(
        "SELECT line, reason FROM rejects ORDER BY line"
    ).fetchall()
    assert [line for line, _ in found] == [3, 5]
    assert found[0][1].startswith("not valid JSON")
    assert found[1][1] == "the line is not a JSON object"


# --- XES ------------------------------------------------------------------------------------------

XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <string key="concept:name" value="helpdesk"/>
  <trace>
    <string key="concept:name" value="Case 1"/>
    <string key="channel" value="phone"/>
    <event>
      <string key="concept:name" value="Insert ticket"/>
      <date key="time:timestamp" value="2024-03-05T09:05:00.000+02:00"/>
      <string key="org:resource" value="Value 1"/>
    </event>
    <event>
      <string key="concept:name" value="Closed"/>
      <date key="time:timestamp" value="2024-03-05T14:30:00.000+02:00"/>
      <string key="org:resource" value="Value 2"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="Case 2"/>
    <event>
      <string key="concept:name" value="Insert ticket"/>
      <date key="time:timestamp" value="2024-03-06T08:00:00"/>
      <string key="org:resource" value="Value 1"/>
    </event>
  </trace>
</log>
"""


def test_xes_with_the_event_log_preset(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "helpdesk.xes"
    path.write_text(XES, encoding="utf-8")
    report = import_file(path, workspace=workspace, mapping=load_preset("event-log"))
    assert report.row_label == "event"
    balanced(report, 3, 3)
    found = workspace.connection.execute(
        "SELECT ticket_id, timestamp, activity, agent, channel, source_row FROM ticket_events "
        "ORDER BY source_row"
    ).fetchall()
    assert found == [
        ("Case 1", utc("2024-03-05 07:05"), "Insert ticket", "Value 1", "phone", 1),
        ("Case 1", utc("2024-03-05 12:30"), "Closed", "Value 2", "phone", 2),
        ("Case 2", utc("2024-03-06 06:00"), "Insert ticket", "Value 1", None, 3),
    ]


def test_gzipped_xes(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "helpdesk.xes.gz"
    path.write_bytes(gzip.compress(XES.encode()))
    report = import_file(path, workspace=workspace, mapping=load_preset("event-log"))
    balanced(report, 3, 3)


def test_broken_xes_fails_clearly(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "broken.xes"
    path.write_text(XES[: len(XES) // 2], encoding="utf-8")
    error = fails_unchanged(workspace, path, load_preset("event-log"))
    assert "is not a valid XES (XML) file" in str(error)


# --- names from the file and its path are names, never SQL -----------------------------------

EVENT_LOG_HEADER = "case:concept:name,concept:name,time:timestamp,org:resource"


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize(
    ("folder", "name"),
    [("O'Brien", "it's.csv"), ("a'; DROP TABLE tickets; --", "x' (FORMAT csv); --.csv")],
)
def test_any_file_name_is_read_as_a_name(
    tmp_path: Path, workspace: Workspace, folder: str, name: str, compressed: bool
) -> None:
    rows = [EVENT_LOG_HEADER, "T1,New,2024-02-01 08:00:00,A", "T1,Resolved,2024-02-01 09:00:00,A"]
    (tmp_path / folder).mkdir()
    path = write(tmp_path / folder / name, rows)
    if compressed:
        path = path.with_name(f"{name}.gz")
        path.write_bytes(gzip.compress(write(tmp_path / "plain.csv", rows).read_bytes()))
    report = import_file(path, workspace=workspace, mapping=load_preset("event-log"))
    balanced(report, 2, 2)
    assert workspace.count("tickets") == 1


def test_a_header_name_with_an_apostrophe(tmp_path: Path, workspace: Workspace) -> None:
    rows = [
        f"{EVENT_LOG_HEADER},Customer's note",
        "T1,New,2024-02-01 08:00:00,A,first",
        "T1,Resolved,2024-02-01 09:00:00,A,second",
    ]
    path = write(tmp_path / "notes.csv", rows)
    columns = dict(load_preset("event-log").columns, category="Customer's note")
    report = import_file(
        path, workspace=workspace, mapping=SourceMapping("n", "t", "events", columns)
    )
    balanced(report, 2, 2)
    categories = workspace.connection.execute("SELECT category FROM ticket_events ORDER BY seq")
    assert categories.fetchall() == [("first",), ("second",)]


def test_a_header_name_never_runs_as_sql(tmp_path: Path, workspace: Workspace) -> None:
    # Pasted into SQL, this name ends the reader's call and runs a second statement that
    # writes a file.
    stolen = tmp_path / "stolen.csv"
    crafted = f"x': 'VARCHAR'}}); COPY (SELECT 42 AS a) TO '{stolen}'; SELECT {{'a"
    rows = [f"{EVENT_LOG_HEADER},{crafted}", "T1,New,2024-02-01 08:00:00,A,1"]
    path = write(tmp_path / "crafted.csv", rows)
    report = import_file(path, workspace=workspace, mapping=load_preset("event-log"))
    balanced(report, 1, 1)
    assert not stolen.exists()
    assert workspace.count("ticket_events") == 1


def test_json_and_sheet_names_with_quotes_are_names(tmp_path: Path, workspace: Workspace) -> None:
    # A key or a column title holding a double quote, and one written to end the
    # statement that creates the staging table.
    stolen = tmp_path / "stolen.csv"
    names = ['Customer "VIP"', f"x\" VARCHAR); COPY (SELECT 1) TO '{stolen}'; --"]
    event = {"case:concept:name": "T1", "concept:name": "New", "time:timestamp": "2024-02-01"}
    lines = tmp_path / "events.jsonl"
    lines.write_text(json.dumps(event | dict.fromkeys(names, "x")) + "\n", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append([*event, *names])
    book.active.append(["T2", "New", "2024-02-02", "y", "y"])
    sheet = tmp_path / "events.xlsx"
    book.save(sheet)
    for path in (lines, sheet):
        report = import_file(path, workspace=workspace, mapping=load_preset("event-log"))
        balanced(report, 1, 1)
    assert workspace.count("tickets") == 2
    assert not stolen.exists()


# --- Parquet --------------------------------------------------------------------------------------


def test_parquet_typed_columns(tmp_path: Path, workspace: Workspace) -> None:
    table = pa.table(
        {
            "Tiketti": pa.array(["T1", "T1", "T2"]),
            # naive timestamps are Helsinki wall-clock times
            "Aika": pa.array(
                [datetime(2024, 3, 5, 9, 5), datetime(2024, 7, 5, 14, 30), None],
                pa.timestamp("us"),
            ),
            "Avattu": pa.array(
                [datetime(2024, 3, 5, 7, 0, tzinfo=UTC)] * 3, pa.timestamp("ms", tz="UTC")
            ),
            "Tila": pa.array(["Uusi", "Ratkaistu", "Uusi"]),
            "Hinta": pa.array([12.5, None, 1.0]),
            "Avaukset": pa.array([0, 1, 0], pa.int32()),
        }
    )
    path = tmp_path / "events.parquet"
    pq.write_table(table, path)
    mapping = SourceMapping(
        name="parquet",
        title="test",
        layout="events",
        columns={
            "ticket_id": "Tiketti",
            "timestamp": "Aika",
            "source_opened_at": "Avattu",
            "activity": "Tila",
            "cost": "Hinta",
            "source_reopen_count": "Avaukset",
        },
    )
    report = import_file(path, workspace=workspace, mapping=mapping, max_rejects=ANY_SHARE)
    assert report.row_label == "row"
    balanced(report, 3, 2)
    found = workspace.connection.execute(
        "SELECT ticket_id, timestamp, source_opened_at, activity, cost, source_reopen_count, "
        "source_row FROM ticket_events ORDER BY source_row"
    ).fetchall()
    assert found == [
        ("T1", utc("2024-03-05 07:05"), utc("2024-03-05 07:00"), "Uusi", 12.5, 0, 1),
        ("T1", utc("2024-07-05 11:30"), utc("2024-03-05 07:00"), "Ratkaistu", None, 1, 2),
    ]
    assert rejects(workspace) == [
        (str(path), "row", 3, "Aika", "timestamp", None, "required value is missing")
    ]


def test_damaged_parquet_fails_clearly(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    error = fails_unchanged(workspace, path, FINNISH)
    assert "cannot be read as Parquet" in str(error)


def test_xlsx_date_cells_are_dates_whatever_the_text_format(
    tmp_path: Path, workspace: Workspace
) -> None:
    # The servicenow preset reads text as d/m/yyyy HH:MM. A sheet saved from that export
    # holds real date cells: they are dates, while a text cell still follows the format.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["number", "sys_updated_at", "sys_mod_count", "incident_state", "opened_at"])
    sheet.append(["INC1", datetime(2016, 2, 29, 1, 23), 0, "New", datetime(2016, 2, 29, 1, 16)])
    sheet.append(["INC1", "29/2/2016 08:53", 1, "Resolved", datetime(2016, 2, 29, 1, 16)])
    sheet.append(["INC2", date(2016, 3, 1), 0, "New", "1/3/2016 00:00"])
    sheet.append(["INC2", "2016-03-01 09:00", 1, "Active", None])  # text not in the format
    path = tmp_path / "incidents.xlsx"
    book.save(path)
    report = import_file(
        path, workspace=workspace, mapping=load_preset("servicenow"), max_rejects=ANY_SHARE
    )
    balanced(report, 4, 3)
    found = workspace.connection.execute(
        "SELECT ticket_id, timestamp, source_opened_at FROM ticket_events ORDER BY source_row"
    ).fetchall()
    # Helsinki wall-clock times, UTC+2 in winter.
    assert found == [
        ("INC1", utc("2016-02-28 23:23"), utc("2016-02-28 23:16")),
        ("INC1", utc("2016-02-29 06:53"), utc("2016-02-28 23:16")),
        ("INC2", utc("2016-02-29 22:00"), utc("2016-02-29 22:00")),
    ]
    assert rejects(workspace) == [
        (
            str(path),
            "row",
            5,
            "sys_updated_at",
            "timestamp",
            "2016-03-01 09:00",
            "not a date and time in the format %d/%m/%Y %H:%M",
        )
    ]


# --- a header that names a column twice ----------------------------------------------------

TWICE = "Tiketti;Aika;Tila;Käsittelijä;Hinta;Asiakas;Tila"


def test_a_read_column_named_twice_stops_the_import(tmp_path: Path, workspace: Workspace) -> None:
    # "Tila" is column 3 and column 7: which one holds the status cannot be told.
    path = write(tmp_path / "twice.csv", [TWICE, *(f"{r};Valmis" for r in ROWS)])
    error = fails_unchanged(workspace, path, FINNISH)
    assert "'Tila' is column 3, 7" in str(error)
    assert "'Tila[1]'" in str(error)


def test_the_mapping_names_which_of_two_columns(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path / "twice.csv", [TWICE, *(f"{r};Valmis" for r in ROWS)])
    second = dict(FINNISH.columns, activity="Tila[2]")
    mapping = SourceMapping("second", "test", "events", second)
    report = import_file(path, workspace=workspace, mapping=mapping)
    balanced(report, 3, 3)
    activities = workspace.connection.execute("SELECT DISTINCT activity FROM ticket_events")
    assert activities.fetchall() == [("Valmis",)]


def test_a_column_named_twice_only_matters_when_read(tmp_path: Path, workspace: Workspace) -> None:
    # Differing in case is the same name to the reader; an unread column may repeat.
    header = "Tiketti;Aika;Tila;Käsittelijä;Hinta;Asiakas;MUISTIO;muistio"
    path = write(tmp_path / "notes.csv", [header, *(f"{r};a;b" for r in ROWS)])
    report = import_file(path, workspace=workspace, mapping=FINNISH)
    balanced(report, 3, 3)


def test_xlsx_column_named_twice(tmp_path: Path, workspace: Workspace) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Tiketti", "Aika", "Tila", "Tila"])
    book.active.append(["T1", datetime(2024, 3, 5, 9, 5), "Uusi", "Valmis"])
    path = tmp_path / "twice.xlsx"
    book.save(path)
    with pytest.raises(ImportFailed, match="'Tila' is column 3, 4"):
        import_file(path, workspace=workspace, mapping=FINNISH)
    mapping = SourceMapping("first", "test", "events", dict(FINNISH.columns, activity="Tila[1]"))
    import_file(path, workspace=workspace, mapping=mapping)
    activities = workspace.connection.execute("SELECT activity FROM ticket_events")
    assert activities.fetchall() == [("Uusi",)]
