"""The events of an import's new tickets split into batches of whole tickets.

A first import of tickets numbers, inserts and derives its events one batch at a
time, so the sorts and aggregations behind them hold one batch, not the whole
file: their memory and temporary files stay bounded however long the log is, and
their cost grows with the number of events instead of faster. A ticket's events
all fall in one batch (the batch is a hash of the ticket id), so everything
derived per ticket (its numbering, facts, pauses, transitions and variant) is the
same as from one batch.

A file of more than one batch is split in one pass: its events are written, by
batch, as Parquet files in a private folder (removed when the import ends, or
swept at the next start if the process was killed), and each batch reads its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from karsta.ingest.sqltext import literal, quote
from karsta.ingest.streams import private_folder

BATCH_EVENTS = 4_000_000
"""Events per batch: the sorts of one batch stay within the workspace's memory limit."""

BATCH_COLUMN = "__karsta_batch"


def batch_count(events: int, batch_events: int = BATCH_EVENTS) -> int:
    """Return how many batches `events` events need (at least one)."""
    return max(1, -(-events // max(1, batch_events)))


def batch_of(count: int) -> str:
    """Return SQL for the batch of an event's ticket among `count` batches."""
    return f"CAST(hash(ticket_id) % {int(count)} AS BIGINT)"


@dataclass(frozen=True, slots=True)
class Batches:
    """Where each batch's events are: the whole events (one batch) or its own Parquet files."""

    events: str  # the table or view the batches were split from
    count: int
    folder: Path | None = None
    constants: tuple[str, ...] = ()  # SQL adding the columns left out of the files

    def source(self, batch: int) -> str:
        """Return SQL (a SELECT) for the events of batch `batch` (from 0)."""
        return self._select(self.folder / f"{BATCH_COLUMN}={int(batch)}" if self.folder else None)

    def everything(self) -> str:
        """Return SQL (a SELECT) for the events of every batch."""
        return self._select(self.folder / f"{BATCH_COLUMN}=*" if self.folder else None)

    def _select(self, where: Path | None) -> str:
        if where is None:
            return f"SELECT * FROM {self.events}"
        files = literal(str(where / "*.parquet"))
        added = "".join(f", {c}" for c in self.constants)
        return f"SELECT *{added} FROM read_parquet({files}, hive_partitioning = false)"


@contextmanager
def split_events(
    con: duckdb.DuckDBPyConnection,
    events: str,
    rows: int,
    *,
    constant: Mapping[str, str],
    batch_events: int = BATCH_EVENTS,
) -> Iterator[Batches]:
    """Split the events of `events` (a table or view of `rows` rows) into batches.

    `constant` gives the columns that hold one value on every event (SQL, typed as
    the column of `events`): they are not written, and added back when a batch is read.
    Yield where each batch is; the files written for them are removed on leaving.
    """
    count = batch_count(rows, batch_events)
    if count == 1:
        yield Batches(events, 1)
        return
    types = dict(
        con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {events})").fetchall()
    )
    kept = ", ".join(quote(c) for c in types if c not in constant)
    added = tuple(f"CAST({v} AS {types[c]}) AS {quote(c)}" for c, v in constant.items())
    folder = private_folder()
    try:
        con.execute(
            f"COPY (SELECT {kept}, {batch_of(count)} AS {quote(BATCH_COLUMN)} FROM {events}) "
            f"TO {literal(str(folder))} (FORMAT parquet, PARTITION_BY ({quote(BATCH_COLUMN)}), "
            "WRITE_PARTITION_COLUMNS false, OVERWRITE_OR_IGNORE true)"
        )
        # A batch without events has no folder: give it an empty file to read.
        for batch in range(count):
            place = folder / f"{BATCH_COLUMN}={batch}"
            if not place.is_dir():
                place.mkdir()
                empty = literal(str(place / "empty.parquet"))
                con.execute(
                    f"COPY (SELECT {kept} FROM {events} LIMIT 0) TO {empty} (FORMAT parquet)"
                )
        yield Batches(events, count, folder, added)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
