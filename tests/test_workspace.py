"""The workspace: canonical tables through Ibis, transactions, export."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

import karsta
from karsta.ingest import import_file, load_preset
from karsta.schema import CANONICAL_TABLES
from karsta.workspace import Workspace, WorkspaceError, workspace_for_import


def test_new_workspace_has_every_canonical_table_with_its_schema(tmp_path: Path) -> None:
    with karsta.open(tmp_path / "w.karsta") as ws:
        for table in CANONICAL_TABLES:
            schema = ws.table(table.name).schema()
            assert list(schema.names) == list(table.column_names)
            for column in table.columns:
                assert schema[column.name].is_timestamp() == column.dtype.startswith("timestamp")


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    def store_then_fail(ws: Workspace) -> None:
        with ws.transaction():
            ws.set_setting("x", "1")
            raise RuntimeError("stop")

    with karsta.open(tmp_path / "w.karsta") as ws:
        with pytest.raises(RuntimeError):
            store_then_fail(ws)
        assert ws.setting("x") is None


def test_opening_a_missing_workspace_without_create_fails(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="No workspace"):
        Workspace.open(tmp_path / "missing.karsta", create=False)


@pytest.mark.parametrize(
    "folder",
    ["O'Brien", "a'; DROP TABLE tickets; --", "x' (FORMAT csv); COPY tickets TO 'stolen.csv"],
)
def test_export_takes_any_folder_name_as_a_name(tmp_path: Path, folder: str) -> None:
    log = tmp_path / "log.csv"
    log.write_text("case:concept:name,concept:name,time:timestamp\nT1,New,2024-01-08 09:00\n")
    with karsta.open(tmp_path / "w.karsta") as ws:
        import_file(log, workspace=ws, mapping=load_preset("event-log"))
        out = tmp_path / folder / "export"
        written = ws.export(out)
        assert ws.count("tickets") == 1  # no statement but the export ran
    assert {p.name for p in written} == {f"{t.name}.parquet" for t in CANONICAL_TABLES}
    assert all(p.parent == out and p.exists() for p in written)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert not list(tmp_path.rglob("stolen.csv"))
    assert pq.read_table(out / "tickets.parquet").column("ticket_id").to_pylist() == ["T1"]


def test_workspace_for_import_removes_a_new_workspace_when_the_import_fails(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.karsta"

    def failing_import() -> None:
        with workspace_for_import(path) as ws:
            ws.connection.execute("CREATE TABLE scratch AS SELECT 1 AS x")
            assert path.exists()
            raise RuntimeError("the import failed")

    with pytest.raises(RuntimeError):
        failing_import()
    assert list(tmp_path.iterdir()) == []  # neither the file nor its .wal


def test_workspace_for_import_keeps_a_workspace_that_was_there(tmp_path: Path) -> None:
    path = tmp_path / "old.karsta"
    with karsta.open(path) as ws:
        ws.set_setting("kept", "yes")
    with pytest.raises(RuntimeError), workspace_for_import(path):
        raise RuntimeError("the import failed")
    with karsta.open(path) as ws:
        assert ws.setting("kept") == "yes"


def test_an_earlier_workspace_read_only_reads_newer_columns_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "old.karsta"
    with karsta.open(path) as ws:
        ws.connection.execute("INSERT INTO visits (visit_id, kind) VALUES ('v1', 'appointment')")
        # As an earlier version made it: without a column added since.
        ws.connection.execute("ALTER TABLE visits DROP COLUMN scheduled_day_only")
    with Workspace.open(path, read_only=True) as ws:
        visits = ws.table("visits")
        assert visits.schema()["scheduled_day_only"].is_boolean()
        assert ws.to_arrow(visits.select("visit_id", "scheduled_day_only")).to_pylist() == [
            {"visit_id": "v1", "scheduled_day_only": None}
        ]
    with Workspace.open(path) as ws:  # a writer adds the column for good
        assert "scheduled_day_only" in ws.connection.table("visits").columns
