"""The preview of an export before its import, and the check that a file holds its format."""

from __future__ import annotations

import gzip
from pathlib import Path

import openpyxl
import pytest

from karsta.ingest import ImportFailed, column_values, import_file, load_preset, preview_file
from karsta.ingest.mapping import ReadOptions
from karsta.ingest.signature import content_kind
from karsta.workspace import Workspace

HELPDESK = Path(__file__).resolve().parents[2].parent / "shared/data/helpdesk-italy"
FINNISH_CSV = (
    "Tiketti;Tila;Aikaleima;Kustannus\r\n"
    "T1;Uusi;1.2.2024 8.05;12,50\r\n"
    "T1;Ratkaistu;2.2.2024 9.10;3,25\r\n"
    "T2;Uusi;3.2.2024 10.00;\r\n"
    "T2;Odottaa asiakasta;3.2.2024 11.30;1 200,00\r\n"
)


def test_a_finnish_excel_csv_shows_its_columns_rows_and_formats(tmp_path: Path) -> None:
    path = tmp_path / "tiketit.csv"
    path.write_bytes(FINNISH_CSV.encode("cp1252"))
    preview = preview_file(path)
    assert preview.format == "csv"
    assert preview.header == ("Tiketti", "Tila", "Aikaleima", "Kustannus")
    assert preview.delimiter == ";"
    assert preview.encoding == "utf-8"  # plain ASCII: read as UTF-8
    assert preview.rows[0] == ("T1", "Uusi", "1.2.2024 8.05", "12,50")
    assert len(preview.rows) == 4
    kinds = {c.name: (c.kind, c.timestamp_format, c.decimal) for c in preview.columns}
    assert kinds["Tiketti"] == ("text", None, None)
    assert kinds["Aikaleima"] == ("timestamp", "%d.%m.%Y %H.%M", None)
    assert kinds["Kustannus"] == ("number", None, ",")
    assert preview.timestamp_format == "%d.%m.%Y %H.%M"
    assert preview.decimal == ","


def test_windows_1252_text_is_detected_and_shown_as_text(tmp_path: Path) -> None:
    path = tmp_path / "tiketit.csv"
    text = FINNISH_CSV.replace("Uusi", "Käsittelyssä")
    path.write_bytes(text.encode("cp1252"))
    preview = preview_file(path)
    assert preview.encoding == "cp1252"
    assert preview.rows[0][1] == "Käsittelyssä"


def test_given_read_options_win_over_detection(tmp_path: Path) -> None:
    path = tmp_path / "tiketit.csv"
    path.write_text(FINNISH_CSV, encoding="utf-8")
    preview = preview_file(path, read=ReadOptions(decimal=".", timestamp_format="%d.%m.%Y"))
    assert (preview.decimal, preview.timestamp_format) == (".", "%d.%m.%Y")


def test_the_status_values_of_the_whole_file_with_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "tiketit.csv"
    path.write_text(FINNISH_CSV, encoding="utf-8")
    # Uusi twice, Ratkaistu and Odottaa asiakasta once each (ties by name).
    assert column_values(path, "Tila") == [
        ("Uusi", 2),
        ("Odottaa asiakasta", 1),
        ("Ratkaistu", 1),
    ]
    with pytest.raises(KeyError):
        column_values(path, "Ei ole")


def test_the_real_helpdesk_log_previews_as_its_import_reads_it() -> None:
    log = HELPDESK / "helpdesk_named_disco.csv"
    preview = preview_file(log)
    header = log.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert list(preview.header) == header
    assert preview.delimiter == ","
    timestamp = next(c for c in preview.columns if c.name == "time:timestamp")
    assert (timestamp.kind, timestamp.timestamp_format) == ("timestamp", "iso")
    # The activities of the whole file, counted independently with plain Python.
    lines = log.read_text(encoding="utf-8").splitlines()[1:]
    counted: dict[str, int] = {}
    for line in lines:
        activity = line.split(",")[0]
        counted[activity] = counted.get(activity, 0) + 1
    assert dict(column_values(log, "concept:name")) == counted


def test_a_workbook_previews_its_first_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tiketti", "Tila", "Aika"])
    sheet.append(["T1", "Uusi", "2024-02-01 08:00"])
    path = tmp_path / "tiketit.xlsx"
    book.save(path)
    preview = preview_file(path)
    assert (preview.format, preview.row_label) == ("xlsx", "row")
    assert preview.rows == (("T1", "Uusi", "2024-02-01 08:00"),)
    assert preview.delimiter is None


@pytest.mark.parametrize(
    ("name", "content", "holds"),
    [
        ("tiketit.csv", b"PK\x03\x04\x14\x00 a workbook", "a ZIP archive"),
        ("tiketit.xlsx", b"Tiketti;Tila\nT1;Uusi\n", "text"),
        ("tiketit.parquet", b"Tiketti,Tila\nT1,Uusi\n", "text"),
        ("tiketit.csv.gz", b"Tiketti,Tila\nT1,Uusi\n", "text"),
        ("tiketit.jsonl", b"%PDF-1.7 a report", "a PDF document"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(
    tmp_path: Path, name: str, content: bytes, holds: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match="is named as a .* file, but it holds " + holds):
        preview_file(path)


def test_the_import_refuses_a_misnamed_file_too(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "log.xlsx"
    path.write_text("case:concept:name,concept:name,time:timestamp\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="holds text"):
        import_file(path, workspace=workspace, mapping=load_preset("event-log"))
    assert workspace.count("imports") == 0


def test_files_holding_their_format_pass(tmp_path: Path) -> None:
    gz = tmp_path / "log.csv.gz"
    gz.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    assert preview_file(gz).rows == (("1", "2"),)
    assert content_kind(b"PAR1....") == "parquet"
    assert content_kind(b"a,b\n") == "text"
