"""The workspace: where the canonical tables live, read through Ibis.

By default a workspace is one DuckDB file. Analyses get Ibis table expressions
from it and never see the engine, so the same code runs on the Parquet export
with another Ibis backend.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from karsta.i18n import Message
from karsta.schema import CANONICAL_TABLES, Column, Table
from karsta.workspace.server_note import server_url
from karsta.workspace.source import Closing, TableSource

MEMORY_ENV = "KARSTA_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "3GB"

BOOKKEEPING_DDL = (
    """CREATE TABLE IF NOT EXISTS imports (
        import_id BIGINT PRIMARY KEY, source_file VARCHAR NOT NULL, file_sha256 VARCHAR,
        mapping VARCHAR NOT NULL, started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,
        rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT,
        events_new BIGINT, events_present BIGINT, tickets_created BIGINT,
        tickets_updated BIGINT, pseudonymised BOOLEAN, notes VARCHAR, options VARCHAR,
        replaced_by BIGINT)""",
    """CREATE TABLE IF NOT EXISTS rejects (
        import_id BIGINT NOT NULL, source_file VARCHAR NOT NULL, file_sha256 VARCHAR,
        row_label VARCHAR NOT NULL, line BIGINT NOT NULL, source_column VARCHAR,
        canonical_column VARCHAR, value VARCHAR, reason VARCHAR NOT NULL,
        row_loaded BOOLEAN, raw VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS redactions (
        import_id BIGINT NOT NULL, source_column VARCHAR NOT NULL,
        hetu BIGINT NOT NULL, email BIGINT NOT NULL, phone BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS inferred_status_classes (
        import_id BIGINT NOT NULL, activity VARCHAR NOT NULL, status_class VARCHAR NOT NULL)""",
    # Columns added since the first workspaces; those get them on their next import.
    "ALTER TABLE rejects ADD COLUMN IF NOT EXISTS row_loaded BOOLEAN DEFAULT false",
    "ALTER TABLE imports ADD COLUMN IF NOT EXISTS options VARCHAR",
    "ALTER TABLE imports ADD COLUMN IF NOT EXISTS replaced_by BIGINT",
    "ALTER TABLE rejects ADD COLUMN IF NOT EXISTS raw VARCHAR",
    "ALTER TABLE redactions ADD COLUMN IF NOT EXISTS name BIGINT DEFAULT 0",
    "ALTER TABLE imports ADD COLUMN IF NOT EXISTS canonical_table VARCHAR",
    "ALTER TABLE imports ADD COLUMN IF NOT EXISTS records_new BIGINT",
    "ALTER TABLE imports ADD COLUMN IF NOT EXISTS records_present BIGINT",
    "ALTER TABLE imports ADD COLUMN IF NOT EXISTS records_updated BIGINT",
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


SAME_PROGRAM = "different configuration"


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Return a connection to the workspace file, read-only if asked.

    A program that already has the file open to change it reads it through that
    same database (DuckDB keeps one per file and program), not read-only.
    """
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.ConnectionException as exc:
        if not read_only or SAME_PROGRAM not in str(exc):
            raise
        return duckdb.connect(str(path))


def _open_error(path: Path, exc: duckdb.Error, *, read_only: bool) -> WorkspaceError:
    """Return the error for a workspace that cannot be opened, saying why and what to do.

    DuckDB lets one process change a workspace file, or any number read it, never
    both: a command that finds it held by another says so instead of DuckDB's error.
    """
    text = str(exc)
    if "lock" not in text.lower() and SAME_PROGRAM not in text:
        return WorkspaceError(
            Message(
                "Cannot open workspace {path}: {error}", path=str(path), error=text.splitlines()[0]
            )
        )
    pid = re.search(r"\(PID (\d+)\)", text)
    holder = Message("process {pid}", pid=pid.group(1)) if pid else Message("this program")
    url = server_url(path, int(pid.group(1))) if pid else None
    if url is not None and not read_only:
        return WorkspaceError(
            Message(
                "The workspace {path} is held by the web app (karsta serve, {holder}) at "
                "{url}: while it runs, imports go through it. Upload the file on its Data "
                "page ({url}data/upload), or stop the server and import again.",
                path=str(path),
                holder=holder,
                url=url,
            )
        )
    if read_only:
        return WorkspaceError(
            Message(
                "The workspace {path} is being changed by another command ({holder}), an "
                "import for example, and cannot be read meanwhile. Wait until it has finished "
                "and try again.",
                path=str(path),
                holder=holder,
            )
        )
    return WorkspaceError(
        Message(
            "The workspace {path} is open in another command ({holder}): one that reads it "
            "(metrics, summary, the process views) or another import. A change needs the "
            "workspace to itself: wait until the other commands have finished and try again.",
            path=str(path),
            holder=holder,
        )
    )


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
        if not path.exists() and (read_only or not create):
            raise WorkspaceError(
                Message(
                    "No workspace at {path}. Create one with: "
                    "karsta import FILE --workspace {path}",
                    path=str(path),
                )
            )
        try:
            connection = _connect(path, read_only=read_only)
        except duckdb.Error as exc:
            raise _open_error(path, exc, read_only=read_only) from exc
        configure(connection)
        workspace = cls(path, connection)
        if not read_only:
            workspace._create_tables()
        return workspace

    def _create_tables(self) -> None:
        for tbl in CANONICAL_TABLES:
            self.connection.execute(_table_ddl(tbl))
        self._add_new_columns()
        for ddl in BOOKKEEPING_DDL:
            self.connection.execute(ddl)

    def _add_new_columns(self) -> None:
        """Add the canonical columns a workspace made by an earlier version lacks (empty)."""
        present = set(
            self.connection.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'main'"
            ).fetchall()
        )
        for tbl in CANONICAL_TABLES:
            for column in tbl.columns:
                if (tbl.name, column.name) not in present:
                    self.connection.execute(
                        f'ALTER TABLE {tbl.name} ADD COLUMN "{column.name}" '
                        f"{duckdb_type(column.dtype)}"
                    )

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
        """Return a canonical or bookkeeping table as an Ibis expression.

        A workspace made by an earlier version and opened read-only (the web app, a
        second reader) lacks the canonical columns added since: they read as empty.
        """
        expr = self.backend.table(name)
        spec = next((t for t in CANONICAL_TABLES if t.name == name), None)
        if spec is None:
            return expr
        missing = {c.name: ibis.null(c.dtype) for c in spec.columns if c.name not in expr.columns}
        return expr.mutate(**missing) if missing else expr

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

    def has_table(self, name: str) -> bool:
        """Return whether the workspace file has table `name` (older files lack newer ones)."""
        found = query_one(
            self.connection,
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema = 'main' "
            "AND table_name = ?",
            [name],
        )
        return found is not None

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
            # The path is a value, never SQL text: any folder name is safe.
            self.connection.table(tbl.name).write_parquet(str(target), compression="zstd")
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
    "workspace_for_import",
]


def open_workspace(path: str | Path, *, create: bool = True) -> Workspace:
    """Open the workspace at `path` (see `Workspace.open`)."""
    return Workspace.open(path, create=create)


@contextmanager
def workspace_for_import(path: str | Path) -> Iterator[Workspace]:
    """Open the workspace at `path` for an import, creating it; close it at the end.

    A workspace the import created is removed again if the block fails: a failed
    first import leaves no workspace file (nor its write-ahead log) behind.
    """
    path = Path(path)
    created = not path.exists()
    workspace = Workspace.open(path)
    try:
        yield workspace
    except BaseException:
        workspace.close()
        if created:
            for leftover in (path, Path(f"{path}.wal")):
                leftover.unlink(missing_ok=True)
            shutil.rmtree(Path(f"{path}.tmp"), ignore_errors=True)
        raise
    workspace.close()


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
    return Workspace.open(path, create=False, read_only=True)
