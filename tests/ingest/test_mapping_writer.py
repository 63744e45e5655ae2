"""Mapping files written from choices: accepted by the CLI's reader, importing the same rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from karsta.ingest import MappingDraft, MappingError, import_file, load_mapping_file, save_mapping
from karsta.ingest.mapping_writer import mapping_file_name
from karsta.workspace import Workspace

LOG = (
    "Tiketti;Tila;Aikaleima;Käsittelijä\n"
    "T1;Uusi;1.2.2024 8.05;Aino\n"
    "T1;Työn alla;1.2.2024 9.00;Aino\n"
    "T1;Odottaa asiakasta;1.2.2024 10.00;Aino\n"
    "T1;Ratkaistu;2.2.2024 9.10;Aino\n"
    "T2;Uusi;3.2.2024 10.00;Eero\n"
)
DRAFT = MappingDraft(
    name="Oma palvelupiste",
    columns={"ticket_id": "Tiketti", "activity": "Tila", "timestamp": "Aikaleima",
             "agent": "Käsittelijä"},
    read={"delimiter": ";", "timestamp_format": "%d.%m.%Y %H.%M", "encoding": ""},
    status_classes={"Uusi": "new", "Työn alla": "active", "Odottaa asiakasta": "waiting",
                    "Ratkaistu": "resolved", "Muu": ""},
    pause_statuses=["Odottaa asiakasta"],
)  # fmt: skip


def test_the_saved_file_is_read_by_the_cli_as_chosen(tmp_path: Path) -> None:
    path, mapping = save_mapping(DRAFT, tmp_path / "mappings")
    assert path == tmp_path / "mappings" / "oma-palvelupiste.yaml"
    assert load_mapping_file(path) == mapping
    assert mapping.name == "Oma palvelupiste"
    assert dict(mapping.columns) == dict(DRAFT.columns)
    assert mapping.read.delimiter == ";"
    assert mapping.read.encoding is None  # left to detection
    assert dict(mapping.status_classes) == {
        "Uusi": "new",
        "Työn alla": "active",
        "Odottaa asiakasta": "waiting",
        "Ratkaistu": "resolved",
    }
    assert mapping.pause_statuses == frozenset({"Odottaa asiakasta"})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# oma-palvelupiste.yaml — karsta import FILE --mapping")
    assert list(tmp_path.joinpath("mappings").iterdir()) == [path]  # no draft left


def test_the_cli_imports_the_same_rows_with_the_saved_file(tmp_path: Path) -> None:
    log = tmp_path / "loki.csv"
    log.write_text(LOG, encoding="utf-8")
    path, mapping = save_mapping(DRAFT, tmp_path)
    with karsta.open(tmp_path / "api.karsta") as ws:
        report = import_file(log, workspace=ws, mapping=mapping)
    result = CliRunner().invoke(
        app, ["import", str(log), "--mapping", str(path), "--workspace", str(tmp_path / "c.karsta")]
    )
    assert result.exit_code == 0, result.output
    rows = []
    for name in ("api.karsta", "c.karsta"):
        with Workspace.open(tmp_path / name, create=False, read_only=True) as ws:
            rows.append(
                ws.connection.execute(
                    "SELECT ticket_id, activity, timestamp, status_class, is_pause "
                    "FROM ticket_events ORDER BY ALL"
                ).fetchall()
            )
    assert rows[0] == rows[1]
    assert report.rows_loaded == 5
    # 1.2.2024 8.05 in Helsinki (UTC+2) is 06:05 UTC; the waiting status pauses.
    first = next(r for r in rows[0] if r[:2] == ("T1", "Uusi"))
    assert first[2].strftime("%Y-%m-%d %H:%M") == "2024-02-01 06:05"
    assert ("T1", "Odottaa asiakasta") in {(r[0], r[1]) for r in rows[0] if r[4]}


def test_a_draft_the_cli_would_refuse_is_not_written(tmp_path: Path) -> None:
    without_time = MappingDraft(name="puuttuu", columns={"ticket_id": "Tiketti"})
    with pytest.raises(MappingError, match=r"puuttuu\.yaml: the mapping must name source columns"):
        save_mapping(without_time, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_mapping_names_become_safe_file_names() -> None:
    assert mapping_file_name("Oma Palvelupiste: Ääni/Puhelin") == "oma-palvelupiste-aani-puhelin"
    assert mapping_file_name("../../etc/passwd") == "etc-passwd"
    assert mapping_file_name("???") == "mapping"
