"""Visits written literally into a workspace's `visits` table for the visit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from karsta.schema import VISITS
from karsta.workspace import Workspace

_TYPES = {"string": pa.string(), "boolean": pa.bool_(), "int64": pa.int64()}


def utc(text: str) -> datetime:
    """Return an ISO date-time ('2016-09-05 10:00') read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def visits_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Return rows as an Arrow table with every column of the visits table (missing: empty)."""
    columns = {}
    for column in VISITS.columns:
        kind = (
            pa.timestamp("us", tz="UTC")
            if column.dtype.startswith("timestamp")
            else _TYPES[column.dtype]
        )
        columns[column.name] = pa.array([row.get(column.name) for row in rows], kind)
    return pa.table(columns)


def insert_visits(ws: Workspace, rows: list[dict[str, Any]] | pa.Table) -> None:
    """Append visits to the workspace's visits table."""
    table = rows if isinstance(rows, pa.Table) else visits_table(rows)
    ws.connection.register("new_visits", table)
    try:
        ws.connection.execute("INSERT INTO visits BY NAME SELECT * FROM new_visits")
    finally:
        ws.connection.unregister("new_visits")
