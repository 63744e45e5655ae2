"""The workspace: where the canonical tables live, read through Ibis.

By default a workspace is one DuckDB file. Analyses get Ibis table expressions
from it and never see the engine, so the same code runs on the Parquet export
with another Ibis backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import duckdb
import ibis.expr.types as ir
import pyarrow as pa

from karsta.i18n import Message
from karsta.schema import CANONICAL_TABLES, Column, Table
from karsta.workspace.source import Closing, TableSource

MEMORY_ENV = "KARSTA_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "3GB"

BOOKKEEPING_DDL = (
    """CREATE TABLE IF NOT EXISTS imports (
        import_id BIGINT PRIMARY KEY, source_file VARCHAR NOT NULL, file_sha256 VARCHAR,
        mapping VARCHAR NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,
        rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT,
        events_new BIGINT, events_present BIGINT, tickets_created BIGINT,
        tickets_updated BIGINT, pseudonymised BOOLEAN, notes VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS rejects (
        import_id BIGINT NOT NULL, source_file VARCHAR NOT NULL, file_sha256 VARCHAR,
        row_label VARCHAR NOT NULL, line BIGINT NOT NULL, source_column VARCHAR,
        canonical_column VARCHAR, value VARCHAR, reason VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR)""",
)


def query_one(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> tuple[Any, ...] | None:
    """Return the first row of a query, reading the result to its end."""
    rows = connection.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def query_int(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    """Return the single whole number a query gives (0 when it gives none)."""
    row = query_one(connection, sql)
    return int(row[0]) if row and row[0] is not None else 0


def duckdb_type(dtype: str) -> str:
    """Return the DuckDB type of a canonical column type."""
    if dtype.startswith("timestamp"):
        return "TIMESTAMPTZ"
    return {
        "int64": "BIGINT",
        "float64": "DOUBLE",
        "boolean": "BOOLEAN",
        "date": "DATE",
    }.get(dtype, "VARCHAR")


def _column_ddl(column: Column) -> str:
    null = " NOT NULL" if column.required else ""
    return f'"{column.name}" {duckdb_type(column.dtype)}{null}'


def _table_ddl(tbl: Table) -> str:
    return f"CREATE TABLE IF NOT EXISTS {tbl.name} ({', '.join(map(_column_ddl, tbl.columns))})"


class WorkspaceError(Exception):
    """The workspace cannot be opened or used; the message says why."""


def configure(connection: duckdb.DuckDBPyConnection) -> None:
    """Set what every DuckDB connection of Karsta runs with: UTC and the memory limit."""
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute(f"SET memory_limit = '{os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_LIMIT)}'")


class Workspace(Closing):
    """A Karsta workspace: canonical tables plus import bookkeeping, in one DuckDB file."""

    def __init__(self, path: Path, connection: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.connection = connection
        self._backend: Any = None

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, read_only: bool = False) -> Workspace:
        """Open (and with `create`, create) the workspace at `path`."""
        path = Path(path)
        if not path.exists() and not create:
            raise WorkspaceError(
                Message(
                    "No workspace at {path}. Create one with: "
                    "karsta import FILE --workspace {path}",
                    path=str(path),
                )
            )
        try:
            connection = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise WorkspaceError(
                Message("Cannot open workspace {path}: {error}", path=str(path), error=str(exc))
            ) from exc
        configure(connection)
        workspace = cls(path, connection)
        if not read_only:
            workspace._create_tables()
        return workspace

    def _create_tables(self) -> None:
        for tbl in CANONICAL_TABLES:
            self.connection.execute(_table_ddl(tbl))
        for ddl in BOOKKEEPING_DDL:
            self.connection.execute(ddl)

    @property
    def backend(self) -> Any:
        """Return the Ibis backend bound to this workspace's connection."""
        if self._backend is None:
            from karsta.workspace.duckdb_backend import duckdb_backend

            self._backend = duckdb_backend(self.connection)
        return self._backend

    @property
    def label(self) -> str:
        """Return the workspace path, as results name their source."""
        return str(self.path)

    def table(self, name: str) -> ir.Table:
        """Return a canonical or bookkeeping table as an Ibis expression."""
        return self.backend.table(name)

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run an Ibis expression on this workspace and return the rows."""
        return self.backend.to_pyarrow(expr)

    def sql(self, expr: ir.Expr) -> str:
        """Return the SQL this workspace's engine runs for an Ibis expression."""
        return str(self.backend.compile(expr))

    def insert(self, table: str, expr: ir.Table) -> None:
        """Append the rows of an Ibis expression to a table, matching columns by name."""
        self.connection.execute(f"INSERT INTO {table} BY NAME {self.sql(expr)}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction: all of it is stored, or none of it."""
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def setting(self, key: str) -> str | None:
        """Return a workspace setting, or None."""
        row = query_one(self.connection, "SELECT value FROM settings WHERE key = ?", [key])
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        """Store a workspace setting."""
        self.connection.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, value])

    def count(self, table: str) -> int:
        """Return the number of rows in a table."""
        return query_int(self.connection, f"SELECT count(*) FROM {table}")

    def export(self, folder: Path, *, fmt: str = "parquet") -> list[Path]:
        """Write every canonical table to `folder` as `<table>.parquet`; return the files."""
        if fmt != "parquet":
            raise WorkspaceError(
                Message("Unknown export format '{format}'; known: parquet.", format=fmt)
            )
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for tbl in CANONICAL_TABLES:
            target = folder / f"{tbl.name}.parquet"
            self.connection.execute(
                f"COPY {tbl.name} TO '{target.as_posix()}' (FORMAT parquet, COMPRESSION zstd)"
            )
            written.append(target)
        return written

    def close(self) -> None:
        """Close the workspace."""
        self.connection.close()


__all__ = [
    "ENGINES",
    "OpenSource",
    "TableSource",
    "Workspace",
    "WorkspaceError",
    "open_source",
    "open_workspace",
    "query_int",
    "query_one",
]


def open_workspace(path: str | Path, *, create: bool = True) -> Workspace:
    """Open the workspace at `path` (see `Workspace.open`)."""
    return Workspace.open(path, create=create)


ENGINES = ("duckdb", "spark")
"""The engines `open_source` can run analyses on."""


class OpenSource(TableSource, Protocol):
    """A table source that holds an engine open until closed."""

    def close(self) -> None:
        """Release the source's engine resources."""
        ...

    def __enter__(self) -> OpenSource: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def open_source(path: str | Path, engine: str = "duckdb") -> OpenSource:
    """Open canonical tables for analysis: a workspace file, or an export folder on `engine`.

    A workspace file is read by DuckDB; a folder written by `karsta export
    --format parquet` is read by DuckDB or, with engine "spark", by PySpark in
    local mode. Use it in a `with` block, or close it when done.
    """
    path = Path(path)
    if engine not in ENGINES:
        raise WorkspaceError(
            Message(
                "Unknown engine '{engine}'; known: {known}.",
                engine=engine,
                known=", ".join(ENGINES),
            )
        )
    if path.is_dir():
        if engine == "spark":
            from karsta.workspace.spark import SparkSource

            return SparkSource(path)
        from karsta.workspace.parquet import ParquetSource

        return ParquetSource(path)
    if not path.exists():
        raise WorkspaceError(Message("No workspace or export folder at {path}.", path=str(path)))
    if engine != "duckdb":
        raise WorkspaceError(
            Message(
                "{path} is a workspace file, which only DuckDB reads. For {engine}, export it "
                "first (karsta export --workspace {path} --out FOLDER --format parquet) and "
                "pass the folder.",
                path=str(path),
                engine=engine,
            )
        )
    return Workspace.open(path, create=False)
