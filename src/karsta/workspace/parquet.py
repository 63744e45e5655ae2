"""The canonical tables of a Parquet export, read in place by an in-memory DuckDB.

The export (`karsta export --format parquet`) is one `<table>.parquet` per
canonical table. `ParquetSource` reads it with DuckDB, the same engine as a
workspace, so it is the cheap way to check an export or compare engines on it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.schema as sch
import ibis.expr.types as ir
import pyarrow as pa

from karsta.i18n import Message
from karsta.schema import CANONICAL_TABLES
from karsta.workspace import WorkspaceError, configure
from karsta.workspace.duckdb_backend import duckdb_backend
from karsta.workspace.source import Closing


def export_folder(folder: str | Path) -> Path:
    """Return `folder` as a Path after checking it holds a Parquet export."""
    path = Path(folder)
    if not path.is_dir():
        raise WorkspaceError(Message("No export folder at {path}.", path=str(path)))
    if not any(path.glob("*.parquet")):
        raise WorkspaceError(
            Message(
                "{path} holds no Parquet files; write them with: "
                "karsta export --workspace WORKSPACE --out {path}",
                path=str(path),
            )
        )
    return path


def export_file(folder: Path, name: str) -> Path:
    """Return the Parquet file of canonical table `name` in an export folder."""
    if name not in {t.name for t in CANONICAL_TABLES}:
        known = ", ".join(t.name for t in CANONICAL_TABLES)
        raise WorkspaceError(
            Message("'{name}' is not a canonical table; known: {known}.", name=name, known=known)
        )
    path = folder / f"{name}.parquet"
    if not path.exists():
        raise WorkspaceError(
            Message("{path} is missing; export the workspace again.", path=str(path))
        )
    return path


def canonical_schema(name: str) -> sch.Schema:
    """Return the schema a workspace gives table `name`: timestamps in UTC to the microsecond."""
    spec = next(t for t in CANONICAL_TABLES if t.name == name)
    return ibis.schema(
        {
            column: dtype.copy(scale=6) if isinstance(dtype, dt.Timestamp) else dtype
            for column, dtype in spec.ibis_schema().items()
        }
    )


def conform(raw: ir.Table, name: str, label: str) -> ir.Table:
    """Return `raw` with exactly the canonical columns of `name`, in order, with their types."""
    schema = canonical_schema(name)
    missing = [c for c in schema.names if c not in raw.columns]
    if missing:
        raise WorkspaceError(
            Message(
                "{label}: {name} lacks {columns}; export the workspace again "
                "with this version of Karsta.",
                label=label,
                name=name,
                columns=", ".join(missing),
            )
        )
    return raw.select(*(raw[c].cast(dtype).name(c) for c, dtype in schema.items()))


class ParquetSource(Closing):
    """Canonical tables of a Parquet export folder, run on an in-memory DuckDB."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = export_folder(folder)
        self.connection = duckdb.connect(":memory:")
        configure(self.connection)
        self._backend = duckdb_backend(self.connection)
        self._tables: dict[str, ir.Table] = {}

    @property
    def label(self) -> str:
        """Return the export folder, as results name their source."""
        return str(self.folder)

    def table(self, name: str) -> ir.Table:
        """Return a canonical table as an Ibis expression with the workspace's types."""
        if name not in self._tables:
            path = export_file(self.folder, name)
            raw = self._backend.read_parquet(path, table_name=name)
            self._tables[name] = conform(raw, name, self.label)
        return self._tables[name]

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run an expression on DuckDB and return the rows."""
        result: pa.Table = self._backend.to_pyarrow(expr)
        return result

    def close(self) -> None:
        """Close the in-memory database."""
        self.connection.close()
