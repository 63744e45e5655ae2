"""Canonical ticket events from typed rows, for event logs and for one-row-per-ticket exports."""

from __future__ import annotations

import duckdb

from karsta.ingest.mapping import SourceMapping
from karsta.ingest.parse import literal, quote
from karsta.ingest.readers import LINE
from karsta.schema import TICKET_EVENTS

# The columns that make an event's identity; occurrences of identical events are numbered.
IDENTITY = ("ticket_id", "timestamp", "source_sequence", "activity", "agent", "group")
_IDENTITY_SQL = ", ".join(quote(c) for c in IDENTITY)


def event_key(occurrence: str) -> str:
    """Return SQL for an event's key: its identity and occurrence hashed to a 63-bit integer.

    `occurrence` (SQL) numbers identical events of a ticket from 1. The hash is
    DuckDB's; `karsta.ingest.event_keys` re-keys stored events when it changes.
    """
    return f"CAST(hash({_IDENTITY_SQL}, CAST({occurrence} AS BIGINT)) >> 1 AS BIGINT)"


# Numbers identical events (same identity, the ticket included) in file order.
OCCURRENCE = f"row_number() OVER (PARTITION BY {_IDENTITY_SQL} ORDER BY source_row)"


def _case(column: str, mapping: dict[str, str], default: str = "NULL") -> str:
    if not mapping:
        return default
    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE {default} END"


SOURCE_LEVEL = "__source_level"
"""The level the export's own level column gives, before the group map fills the gaps."""


def _level_case(mapping: SourceMapping, present: set[str]) -> str:
    """Return SQL for an event's level: the mapped level column, else the group's level."""
    by_group = "CAST(NULL AS BIGINT)"
    if mapping.group_levels:
        whens = " ".join(
            f"WHEN {literal(g)} THEN {int(n)}" for g, n in mapping.group_levels.items()
        )
        by_group = f"CASE {quote('group')} {whens} END"
    if "level" in present:
        return f"coalesce({SOURCE_LEVEL}, {by_group})"
    return by_group


def _rows(typed: str, present: set[str], mapping: SourceMapping) -> str:
    """SQL selecting every event column from the typed rows (NULL where not mapped)."""
    parts = []
    for column in TICKET_EVENTS.columns:
        name = column.name
        if name in ("event_key", "seq", "status_class", "is_pause", "source_file", "import_id"):
            continue
        if name == "level":
            if name in present:
                parts.append(f"{quote(name)} AS {SOURCE_LEVEL}")
        elif name == "source_row":
            parts.append(f"{LINE} AS source_row")
        elif name == "ticket_type" and name not in present and mapping.ticket_type:
            parts.append(f"{literal(mapping.ticket_type)} AS ticket_type")
        elif name in mapping.durations and name in present:
            parts.append(f"{_after(mapping, name, present)} AS {quote(name)}")
        elif name in present:
            parts.append(quote(name))
        else:
            parts.append(f"CAST(NULL AS {_sql_type(column.dtype)}) AS {quote(name)}")
    return ", ".join(parts)


def _after(mapping: SourceMapping, name: str, present: set[str]) -> str:
    """SQL for a time the export gives as a duration after another time (NULL if either is)."""
    duration = mapping.durations[name]
    if duration.after not in present:
        return "CAST(NULL AS TIMESTAMPTZ)"
    micros = f"CAST(round({quote(name)} * {duration.seconds * 1e6!r}) AS BIGINT)"
    return f"{quote(duration.after)} + to_microseconds({micros})"


def empty_columns(present: set[str], mapping: SourceMapping) -> frozenset[str]:
    """Return the event columns that `event_rows` leaves empty (NULL) on every row."""
    empty = {
        c.name
        for c in TICKET_EVENTS.columns
        if c.name not in present and c.name not in _DERIVED and not c.required
    }
    if mapping.ticket_type:
        empty.discard("ticket_type")
    if mapping.layout == "tickets":
        empty.discard("activity")  # the milestones name it
    if not mapping.status_classes:
        empty.add("status_class")
    if not mapping.group_levels and "level" not in present:
        empty.add("level")
    return frozenset(empty)


# Event columns derived from others by the mapping's maps.
_DERIVED = ("status_class", "is_pause", "level")


def _sql_type(dtype: str) -> str:
    if dtype.startswith("timestamp"):
        return "TIMESTAMPTZ"
    return {"int64": "BIGINT", "float64": "DOUBLE", "boolean": "BOOLEAN"}.get(dtype, "VARCHAR")


def event_rows(
    typed: str,
    present: set[str],
    mapping: SourceMapping,
    *,
    source_file: str,
    import_id: int,
) -> str:
    """Return SQL selecting canonical event rows (no `seq`, no `event_key`) from typed rows."""
    base = _rows(typed, present, mapping)
    if mapping.layout == "tickets":
        selects = _milestone_selects(typed, base, present, mapping)
        source = " UNION ALL ".join(selects)
    else:
        source = f"SELECT {base} FROM {typed}"
    status_class = _case("activity", dict(mapping.status_classes))
    # Typed as in ticket_events even when a mapping leaves them empty (a NULL literal).
    star = f"* EXCLUDE ({SOURCE_LEVEL})" if "level" in present else "*"
    return f"""SELECT {star}, CAST({status_class} AS VARCHAR) AS status_class,
               coalesce(activity IN ({_in_list(mapping.pause_statuses)}), false) AS is_pause,
               CAST({_level_case(mapping, present)} AS BIGINT) AS level,
               {literal(source_file)} AS source_file,
               CAST({int(import_id)} AS BIGINT) AS import_id
        FROM ({source})"""


def stage_events(con: duckdb.DuckDBPyConnection, rows: str, *, table: str) -> None:
    """Create `table` with the event rows of `rows` (SQL) and their event keys (no `seq`)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS "
        f"SELECT *, {event_key(OCCURRENCE)} AS event_key FROM ({rows})"
    )


def _in_list(values: frozenset[str]) -> str:
    return ", ".join(literal(v) for v in sorted(values)) if values else "NULL"


def _milestone_selects(
    typed: str, base: str, present: set[str], mapping: SourceMapping
) -> list[str]:
    """One SELECT per milestone timestamp, plus the current status where no milestone covers it."""
    selects = []
    covered = []
    for milestone in mapping.milestones:
        if milestone.column not in present:
            continue
        selects.append(
            f"SELECT * REPLACE ({quote(milestone.column)} AS timestamp, "
            f"{literal(milestone.activity)} AS activity) FROM (SELECT {base} FROM {typed}) "
            f"WHERE {quote(milestone.column)} IS NOT NULL"
        )
        covered.append((milestone.status_class, milestone.column))
    if "activity" in present and "timestamp" in present:
        status_class = _case("activity", dict(mapping.status_classes))
        skip = " OR ".join(
            f"({status_class} = {literal(cls)} AND {quote(col)} IS NOT NULL)"
            for cls, col in covered
        )
        where = "timestamp IS NOT NULL" + (f" AND NOT ({skip})" if skip else "")
        selects.append(f"SELECT * FROM (SELECT {base} FROM {typed}) WHERE {where}")
    return selects
