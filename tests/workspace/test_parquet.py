"""The Parquet export read by DuckDB, and `open_source`, the one entry for --engine/--source."""

from __future__ import annotations

from pathlib import Path

import pytest

import karsta
from karsta.schema import CANONICAL_TABLES
from karsta.workspace import ENGINES, Workspace, WorkspaceError, open_source
from karsta.workspace.parquet import ParquetSource


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """Return a workspace file with two events of one ticket, exported to tmp_path/export."""
    path = tmp_path / "w.karsta"
    with karsta.open(path) as ws:
        for seq in (1, 2):
            ws.connection.execute(
                "INSERT INTO ticket_events (ticket_id, event_key, seq, timestamp, "
                "source_file, source_row, import_id) VALUES "
                "('T1', ?, ?, TIMESTAMPTZ '2024-03-04 10:00:00.5+00' + to_minutes(?), "
                "'f.csv', ?, 1)",
                [seq, seq, seq, seq + 1],
            )
        ws.export(tmp_path / "export")
    return tmp_path


def test_parquet_source_has_the_workspace_schema_and_rows(exported: Path) -> None:
    with karsta.open(exported / "w.karsta") as ws, ParquetSource(exported / "export") as pq:
        assert pq.label == str(exported / "export")
        for table in CANONICAL_TABLES:
            assert pq.table(table.name).schema() == ws.table(table.name).schema(), table.name
        events = ws.table("ticket_events").order_by("seq")
        assert pq.to_arrow(pq.table("ticket_events").order_by("seq")).equals(ws.to_arrow(events))


def test_open_source_picks_the_reader_from_the_path(exported: Path) -> None:
    assert ENGINES == ("duckdb", "spark")
    with open_source(exported / "w.karsta") as ws:
        assert isinstance(ws, Workspace)
    with open_source(exported / "export", engine="duckdb") as pq:
        assert isinstance(pq, ParquetSource)
        assert pq.to_arrow(pq.table("ticket_events")).num_rows == 2


def test_open_source_says_what_is_wrong(exported: Path) -> None:
    with pytest.raises(WorkspaceError, match="No workspace or export folder"):
        open_source(exported / "missing")
    with pytest.raises(WorkspaceError, match="Unknown engine 'polars'"):
        open_source(exported / "export", engine="polars")
    with pytest.raises(WorkspaceError, match=r"only DuckDB reads.*karsta export"):
        open_source(exported / "w.karsta", engine="spark")
    empty = exported / "empty"
    empty.mkdir()
    with pytest.raises(WorkspaceError, match="holds no Parquet files"):
        open_source(empty)


def test_a_missing_or_unknown_table_is_named(exported: Path) -> None:
    (exported / "export" / "visits.parquet").unlink()
    with ParquetSource(exported / "export") as pq:
        with pytest.raises(WorkspaceError, match=r"visits\.parquet is missing"):
            pq.table("visits")
        with pytest.raises(WorkspaceError, match="'rejects' is not a canonical table"):
            pq.table("rejects")


def test_an_export_lacking_a_column_is_refused(exported: Path) -> None:
    with karsta.open(exported / "w.karsta") as ws:
        ws.connection.execute(
            f"COPY (SELECT * EXCLUDE (cost) FROM ticket_events) "
            f"TO '{(exported / 'export' / 'ticket_events.parquet').as_posix()}' (FORMAT parquet)"
        )
    with (
        ParquetSource(exported / "export") as pq,
        pytest.raises(WorkspaceError, match="ticket_events lacks cost; export the workspace again"),
    ):
        pq.table("ticket_events")
