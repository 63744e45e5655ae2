"""Typed rows from raw export rows: each value parsed or the row rejected with its reason.

The parsing runs as SQL inside the import's DuckDB transaction, so a file of
millions of rows is parsed at the speed of the database's own reader. Value
formats (timestamp format, decimal comma) are detected from a sample of the
file's values unless the mapping or the user sets them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from karsta.ingest.mapping import SourceMapping
from karsta.ingest.readers import LINE, RawFile, column_types
from karsta.schema import TICKET_EVENTS
from karsta.workspace import query_int

SAMPLE_VALUES = 2000

# Tried in this order; the first that reads the most sample values wins, so
# day-first (Finnish, European) formats beat month-first ones on ambiguous dates.
TIMESTAMP_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H.%M.%S",
    "%d.%m.%Y %H.%M",
    "%d.%m.%Y klo %H.%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%d/%b/%y %I:%M %p",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
)
ISO = "iso"


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """How one canonical column is filled: from which source column, parsed how."""

    canonical: str
    source: str
    kind: str
    raw_type: str
    fmt: str | None = None
    personal: bool = False


def quote(name: str) -> str:
    """Return `name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """Return `value` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _kind(canonical: str) -> str:
    dtype = TICKET_EVENTS.column(canonical).dtype
    if dtype.startswith("timestamp"):
        return "timestamp"
    return {"int64": "integer", "float64": "number", "boolean": "boolean"}.get(dtype, "text")


def _clean(column: str, mapping: SourceMapping) -> str:
    """SQL for the trimmed text of a source column, NULL for the source's missing markers."""
    text = f"trim(CAST({quote(column)} AS VARCHAR))"
    markers = ", ".join(literal(m) for m in sorted(set(mapping.read.missing) | {""}))
    return f"CASE WHEN {text} IN ({markers}) THEN NULL ELSE {text} END"


def plan_columns(
    con: duckdb.DuckDBPyConnection, raw: RawFile, mapping: SourceMapping
) -> list[ColumnPlan]:
    """Return a plan per mapped canonical column present in the file, formats detected."""
    present = set(raw.columns)
    types = column_types(con, raw.table)
    plans = []
    for canonical, source in mapping.columns.items():
        if source not in present:
            continue
        kind = _kind(canonical)
        fmt = None
        if kind == "timestamp" and str(types[source]).upper() == "VARCHAR":
            fmt = mapping.read.timestamp_format or detect_timestamp_format(
                con, raw, source, mapping
            )
        elif kind == "number" and str(types[source]).upper() == "VARCHAR":
            fmt = mapping.read.decimal or detect_decimal(con, raw, source, mapping)
        plans.append(
            ColumnPlan(canonical, source, kind, types[source], fmt, canonical in mapping.personal)
        )
    return plans


def _sample_values(
    con: duckdb.DuckDBPyConnection, raw: RawFile, column: str, mapping: SourceMapping
) -> list[str]:
    clean = _clean(column, mapping)
    rows = con.execute(
        f"SELECT DISTINCT v FROM (SELECT {clean} AS v FROM {raw.table} LIMIT 200000) "
        f"WHERE v IS NOT NULL LIMIT {SAMPLE_VALUES}"
    ).fetchall()
    return [str(v) for (v,) in rows]


def detect_timestamp_format(
    con: duckdb.DuckDBPyConnection, raw: RawFile, column: str, mapping: SourceMapping
) -> str:
    """Return the timestamp format that reads the most sampled values (ISO 8601 first)."""
    values = _sample_values(con, raw, column, mapping)
    if not values:
        return ISO
    con.execute("CREATE OR REPLACE TEMP TABLE __karsta_sample (v VARCHAR)")
    con.executemany("INSERT INTO __karsta_sample VALUES (?)", [(v,) for v in values])
    best, best_count = ISO, _count_parsed(con, _timestamp_expr("v", ISO, "UTC"))
    if best_count < len(values):
        for fmt in TIMESTAMP_FORMATS:
            count = _count_parsed(con, _timestamp_expr("v", fmt, "UTC"))
            if count > best_count:
                best, best_count = fmt, count
            if count == len(values):
                break
    con.execute("DROP TABLE __karsta_sample")
    return best


def _count_parsed(con: duckdb.DuckDBPyConnection, expr: str) -> int:
    return query_int(con, f"SELECT count({expr}) FROM __karsta_sample")


def detect_decimal(
    con: duckdb.DuckDBPyConnection, raw: RawFile, column: str, mapping: SourceMapping
) -> str:
    """Return ',' when the sampled numbers are written with a decimal comma, else '.'."""
    values = _sample_values(con, raw, column, mapping)
    comma = sum(1 for v in values if re.fullmatch(r"-?[\d\s\u00a0.]*,\d+", v))
    point = sum(1 for v in values if re.fullmatch(r"-?[\d\s\u00a0,]*\.\d+", v))
    return "," if comma > point else "."


def _timestamp_expr(text: str, fmt: str | None, timezone: str) -> str:
    """SQL reading text as a UTC instant; naive times are local to `timezone`."""
    if fmt is None or fmt == ISO:
        # An explicit offset wins; otherwise the wall-clock time is read in the import's zone.
        # Some exports (Zendesk) write a space before the offset; the cast wants none.
        with_offset = (
            f"TRY_CAST(regexp_replace({text}, '\\s+([+-]\\d\\d:?\\d\\d)$', '\\1') AS TIMESTAMPTZ)"
        )
        naive = f"timezone({literal(timezone)}, TRY_CAST({text} AS TIMESTAMP))"
        return (
            f"CASE WHEN regexp_matches({text}, '(Z|[+-]\\d\\d:?\\d\\d)$') "
            f"THEN {with_offset} ELSE {naive} END"
        )
    return f"timezone({literal(timezone)}, try_strptime({text}, {literal(fmt)}))"


def _number_expr(text: str, decimal: str | None) -> str:
    """SQL reading text as a number; spaces and the thousands separator are dropped."""
    cleaned = f"regexp_replace({text}, '[\\s\\x{{00a0}}]', '', 'g')"
    if decimal == ",":
        cleaned = f"replace(replace({cleaned}, '.', ''), ',', '.')"
    return f"TRY_CAST({cleaned} AS DOUBLE)"


def parse_expr(plan: ColumnPlan, mapping: SourceMapping, text: str) -> str:
    """Return SQL giving the column's typed value from its cleaned `text`, NULL if unreadable."""
    source = quote(plan.source)
    raw_type = plan.raw_type
    typed_source = raw_type.upper() != "VARCHAR"
    if plan.kind == "timestamp":
        if raw_type.upper().startswith("TIMESTAMP WITH TIME ZONE"):
            return source
        if typed_source and raw_type.upper().startswith(("TIMESTAMP", "DATE")):
            return f"timezone({literal(mapping.timezone)}, CAST({source} AS TIMESTAMP))"
        return _timestamp_expr(text, plan.fmt, mapping.timezone)
    if plan.kind == "integer":
        number = _number_expr(text, plan.fmt)
        return f"CASE WHEN {number} = floor({number}) THEN CAST({number} AS BIGINT) END"
    if plan.kind == "number":
        return _number_expr(text, plan.fmt)
    values = mapping.values.get(plan.canonical)
    if values:
        cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in values.items())
        return f"CASE {text} {cases} ELSE {text} END"
    return text


def problem_text(plan: ColumnPlan) -> str:
    """Return why a value of this column was rejected."""
    if plan.kind == "timestamp":
        shown = "ISO 8601" if plan.fmt in (None, ISO) else plan.fmt
        return f"not a date and time in the format {shown}"
    if plan.kind == "integer":
        return "not a whole number"
    if plan.kind == "number":
        return f"not a number (decimal separator {plan.fmt or '.'!r})"
    return "not readable"


@dataclass(frozen=True, slots=True)
class ParsedRows:
    """The typed table of an import and how many raw rows failed."""

    table: str
    rejected_lines: int


def parse_rows(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    mapping: SourceMapping,
    plans: list[ColumnPlan],
    *,
    table: str,
    rejects_table: str,
) -> ParsedRows:
    """Create `table` of typed rows and append each value problem to `rejects_table`.

    `rejects_table` has columns (line, source_column, canonical, value, reason).
    """
    required = set(mapping.required)
    # One pass: each value is cleaned, parsed and checked once; the typed rows and the
    # rejects are both read from its result.
    cleaned, texts, parsed, failures = [], [], [], []
    for i, plan in enumerate(plans):
        text = quote(f"__text{i}")
        value = quote(plan.canonical)
        texts.append(text)
        cleaned.append(f"{_clean(plan.source, mapping)} AS {text}")
        if plan.raw_type.upper() != "VARCHAR":
            cleaned.append(quote(plan.source))
        parsed.append(f"{parse_expr(plan, mapping, text)} AS {value}")
        unreadable = f"({text} IS NOT NULL AND {value} IS NULL)"
        failures.append(
            f"({text} IS NULL OR {unreadable})" if plan.canonical in required else unreadable
        )
    everything = f"{table}__all"
    selected = ", ".join(
        [LINE, *texts, *parsed, f"({' OR '.join(failures) or 'false'}) AS __failed"]
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {everything} AS SELECT {selected} "
        f"FROM (SELECT {', '.join([LINE, *cleaned])} FROM {raw.table})"
    )
    columns = ", ".join([LINE, *(quote(p.canonical) for p in plans)])
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS "
        f"SELECT {columns} FROM {everything} WHERE NOT __failed"
    )
    for text, plan in zip(texts, plans, strict=True):
        value = quote(plan.canonical)
        missing = "'required value is missing'" if plan.canonical in required else "NULL"
        con.execute(
            f"INSERT INTO {rejects_table} SELECT {LINE}, {literal(plan.source)}, "
            f"{literal(plan.canonical)}, {text}, "
            f"CASE WHEN {text} IS NULL THEN {missing} ELSE {literal(problem_text(plan))} END "
            f"FROM {everything} WHERE __failed AND (({text} IS NULL AND {missing} IS NOT NULL) "
            f"OR ({text} IS NOT NULL AND {value} IS NULL))"
        )
    rejected = query_int(con, f"SELECT count(*) FROM {everything} WHERE __failed")
    return ParsedRows(table, rejected)
