"""Typed rows from raw export rows: each value parsed or the row rejected with its reason.

The parsing runs as SQL inside the import's DuckDB transaction, so a file of
millions of rows is parsed at the speed of the database's own reader. Value
formats (timestamp format, decimal comma) are detected from a sample of the
file's values unless the mapping or the user sets them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from karsta.ingest import levels
from karsta.ingest.mapping import SourceMapping
from karsta.ingest.redaction import KINDS, Redactions, merged, redacted
from karsta.ingest.sqltext import literal as literal  # also imported from here
from karsta.ingest.sqltext import quote as quote
from karsta.ingest.staging import LINE, Breakpoints, RawFile, column_types, finish_scan
from karsta.schema import TICKET_EVENTS
from karsta.workspace import query_int, query_one

SAMPLE_VALUES = 2000
SAMPLE_ROWS = 200_000

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
DURATION = "duration"
"""The kind of a column read as a duration (a number) that a canonical time is computed from."""


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """How one canonical column is filled: from which source column, parsed how."""

    canonical: str
    source: str
    kind: str
    raw_type: str
    fmt: str | None = None
    personal: bool = False
    offsets: bool = False  # ISO timestamps: the sampled values carry their own UTC offset
    redact: bool = False  # free text: identity codes, e-mail addresses and phones replaced
    dates: str | None = None  # the column holding this column's date cells (a sheet's)
    label: str | None = None  # the canonical column named in rejects, when `canonical` is not
    missing: tuple[str, ...] = ()  # values that mean empty in this column only

    @property
    def shown(self) -> str:
        """Return the canonical column this plan's values go to, as rejects name it."""
        return self.label or self.canonical


def _kind(canonical: str) -> str:
    if canonical == "level":
        return "level"
    dtype = TICKET_EVENTS.column(canonical).dtype
    if dtype.startswith("timestamp"):
        return "timestamp"
    return {"int64": "integer", "float64": "number", "boolean": "boolean"}.get(dtype, "text")


def _clean(
    column: str, mapping: SourceMapping, raw_type: str = "VARCHAR", extra: tuple[str, ...] = ()
) -> str:
    """SQL for the trimmed text of a source column, NULL for the source's missing markers.

    `extra` adds markers that mean empty in this column only.
    """
    value = quote(column)
    if raw_type.upper() != "VARCHAR":
        value = f"CAST({value} AS VARCHAR)"
    markers = sorted(set(mapping.read.missing) | {""} | set(extra))
    trimmed = f"trim({value})"
    listed = ", ".join(map(literal, markers))
    general = f"CASE WHEN {trimmed} IN ({listed}) THEN NULL ELSE {trimmed} END"
    # trim() strips the Unicode space separators; the only ASCII one is ' '. Most values
    # are ASCII and neither start nor end with a space: they skip the trim, which copies
    # every value. (strlen counts bytes, length characters: equal only for ASCII.)
    plain = f"{value} >= '!' AND NOT ends_with({value}, ' ') AND strlen({value}) = length({value})"
    kept = [m for m in markers if m]
    as_is = f"CASE WHEN {value} IN ({', '.join(map(literal, kept))}) THEN NULL ELSE {value} END"
    return f"CASE WHEN {plain} THEN {as_is if kept else value} ELSE {general} END"


def plan_columns(
    con: duckdb.DuckDBPyConnection, raw: RawFile, mapping: SourceMapping
) -> list[ColumnPlan]:
    """Return a plan per mapped canonical column present in the file, formats detected."""
    present = set(raw.columns)
    types = column_types(con, raw.table)
    kinds = {c: _kind(c) for c in mapping.columns} | dict.fromkeys(mapping.durations, DURATION)
    sources = {**mapping.columns, **{c: d.column for c, d in mapping.durations.items()}}
    mapped = [(c, s) for c, s in sources.items() if s in present]
    text = {s for _, s in mapped if str(types[s]).upper() == "VARCHAR"}
    # Timestamps are sampled even with a given format: ISO ones for their offsets.
    detect = [
        s
        for c, s in mapped
        if s in text
        and (
            (kinds[c] == "timestamp" and mapping.read.timestamp_format in (None, ISO))
            or (kinds[c] in ("number", DURATION) and not mapping.read.decimal)
        )
    ]
    sample = f"{raw.table}__sample"
    if detect:
        # The first rows of the file, read once for every detection.
        # Date cells are dates whatever their text: they do not count towards a format.
        columns = ", ".join(
            f"CASE WHEN {quote(raw.cell_dates[s])} IS NULL THEN {quote(s)} END AS {quote(s)}"
            if s in raw.cell_dates
            else quote(s)
            for s in dict.fromkeys(detect)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {sample} AS "
            f"SELECT {columns} FROM {raw.table} LIMIT {SAMPLE_ROWS}"
        )
    plans = []
    for canonical, source in mapped:
        kind = kinds[canonical]
        fmt, offsets = None, False
        if kind == "timestamp" and source in text:
            values = _sample_values(con, sample, source, mapping) if source in detect else []
            fmt = mapping.read.timestamp_format or detect_timestamp_format(con, values)
            offsets = fmt == ISO and _mostly_offsets(values)
        elif kind in ("number", DURATION) and source in text:
            values = _sample_values(con, sample, source, mapping) if source in detect else []
            fmt = mapping.read.decimal or detect_decimal(values)
        plans.append(
            ColumnPlan(
                canonical,
                source,
                kind,
                types[source],
                fmt,
                canonical in mapping.personal,
                offsets,
                dates=raw.cell_dates.get(source) if kind == "timestamp" else None,
            )
        )
    if detect:
        con.execute(f"DROP TABLE {sample}")
    return plans


def _sample_values(
    con: duckdb.DuckDBPyConnection, sample: str, column: str, mapping: SourceMapping
) -> list[str]:
    clean = _clean(column, mapping)
    rows = con.execute(
        f"SELECT DISTINCT v FROM (SELECT {clean} AS v FROM {sample}) "
        f"WHERE v IS NOT NULL LIMIT {SAMPLE_VALUES}"
    ).fetchall()
    return [str(v) for (v,) in rows]


def _mostly_offsets(values: list[str]) -> bool:
    """Return whether most sampled timestamps end in a UTC offset written after the time."""
    plain = re.compile(PLAIN_OFFSET)  # only picks the cheaper expression; both read alike
    return sum(1 for v in values if plain.search(v)) > len(values) / 2


def detect_timestamp_format(con: duckdb.DuckDBPyConnection, values: list[str]) -> str:
    """Return the timestamp format that reads the most sampled values (ISO 8601 first)."""
    return timestamp_format_fit(con, values)[0]


def timestamp_format_fit(con: duckdb.DuckDBPyConnection, values: list[str]) -> tuple[str, int]:
    """Return the timestamp format that reads the most of `values`, and how many it reads."""
    if not values:
        return ISO, 0
    con.execute(
        "CREATE OR REPLACE TEMP TABLE __karsta_sample AS SELECT unnest($values::VARCHAR[]) AS v",
        {"values": values},
    )
    best, best_count = ISO, _count_parsed(con, _timestamp_expr("v", ISO, "UTC"))
    if best_count < len(values):
        for fmt in TIMESTAMP_FORMATS:
            count = _count_parsed(con, _timestamp_expr("v", fmt, "UTC"))
            if count > best_count:
                best, best_count = fmt, count
            if count == len(values):
                break
    con.execute("DROP TABLE __karsta_sample")
    return best, best_count


def _count_parsed(con: duckdb.DuckDBPyConnection, expr: str) -> int:
    return query_int(con, f"SELECT count({expr}) FROM __karsta_sample")


def detect_decimal(values: list[str]) -> str:
    """Return ',' when the sampled numbers are written with a decimal comma, else '.'."""
    comma = sum(1 for v in values if re.fullmatch(r"-?[\d\s\u00a0.]*,\d+", v))
    point = sum(1 for v in values if re.fullmatch(r"-?[\d\s\u00a0,]*\.\d+", v))
    return "," if comma > point else "."


OFFSET = "(Z|[+-]\\d\\d:?\\d\\d)$"
# An offset written straight after the time: the cast reads the text as it is.
PLAIN_OFFSET = "(Z|\\S[+-]\\d\\d:?\\d\\d)$"


def _timestamp_expr(text: str, fmt: str | None, timezone: str, *, offsets: bool = False) -> str:
    """SQL reading text as a UTC instant; naive times are local to `timezone`.

    With `offsets` (the sampled values carry their own offset) the common case costs
    one check and one cast; every other value takes the general route, so the result
    is the same either way.
    """
    if fmt is None or fmt == ISO:
        # An explicit offset wins; otherwise the wall-clock time is read in the import's zone.
        # Some exports (Zendesk) write a space before the offset; the cast wants none.
        with_offset = (
            f"TRY_CAST(regexp_replace({text}, '\\s+([+-]\\d\\d:?\\d\\d)$', '\\1') AS TIMESTAMPTZ)"
        )
        naive = f"timezone({literal(timezone)}, TRY_CAST({text} AS TIMESTAMP))"
        general = (
            f"CASE WHEN regexp_matches({text}, '{OFFSET}') THEN {with_offset} ELSE {naive} END"
        )
        if not offsets:
            return general
        return (
            f"CASE WHEN regexp_matches({text}, '{PLAIN_OFFSET}') "
            f"THEN TRY_CAST({text} AS TIMESTAMPTZ) ELSE {general} END"
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
        parsed = _timestamp_expr(text, plan.fmt, mapping.timezone, offsets=plan.offsets)
        if plan.dates:  # a date cell is a date, whatever the text format
            cell = f"timezone({literal(mapping.timezone)}, {quote(plan.dates)})"
            return f"CASE WHEN {quote(plan.dates)} IS NOT NULL THEN {cell} ELSE {parsed} END"
        return parsed
    if plan.kind == "integer":
        number = _number_expr(text, plan.fmt)
        return f"CASE WHEN {number} = floor({number}) THEN CAST({number} AS BIGINT) END"
    if plan.kind in ("number", DURATION):
        return _number_expr(text, plan.fmt)
    if plan.kind == "clock":  # seconds after midnight of a time of day (H:MM:SS)
        return f"CAST(extract('epoch' FROM TRY_CAST({text} AS TIME)) AS DOUBLE)"
    if plan.kind == "date":
        if plan.fmt in (None, ISO):
            return f"TRY_CAST(left({text}, 10) AS DATE)"
        return f"CAST(try_strptime({text}, {literal(plan.fmt)}) AS DATE)"
    values = mapping.values.get(plan.shown)
    if values:
        cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in values.items())
        text = f"(CASE {text} {cases} ELSE {text} END)"
    if plan.kind == "boolean":
        return f"TRY_CAST({text} AS BOOLEAN)"
    if plan.kind == "level":
        return level_expr(text)
    return text


def level_expr(text: str) -> str:
    """Return SQL reading a support level from `text` (SQL), NULL where it is not one."""
    value = f"lower(trim({text}))"
    numbered = ", ".join(
        f"NULLIF(regexp_extract({value}, {literal(pattern)}, 1), '')"
        for pattern in (levels.NUMBER, levels.PREFIXED, levels.ORDINAL)
    )
    words = " ".join(
        f"WHEN regexp_matches({value}, {literal(levels.ordinal_pattern(names))}) THEN {level}"
        for level, names in levels.ORDINAL_WORDS.items()
    )
    return (
        f"coalesce(TRY_CAST(coalesce({numbered}) AS BIGINT), "
        f"CASE {words} ELSE CAST(NULL AS BIGINT) END)"
    )


def problem_text(plan: ColumnPlan) -> str:
    """Return why a value of this column could not be read."""
    if plan.kind == "timestamp":
        shown = "ISO 8601" if plan.fmt in (None, ISO) else plan.fmt
        return f"not a date and time in the format {shown}"
    if plan.kind == "integer":
        return "not a whole number"
    if plan.kind in ("number", DURATION):
        return f"not a number (decimal separator {plan.fmt or '.'!r})"
    if plan.kind == "level":
        return "not a support level (name its number under values: level)"
    if plan.kind == "clock":
        return "not a time of day (H:MM:SS)"
    if plan.kind == "date":
        shown = "ISO 8601" if plan.fmt in (None, ISO) else plan.fmt
        return f"not a date in the format {shown}"
    if plan.kind == "boolean":
        return "not true or false (name its meaning under values)"
    return "not readable"


@dataclass(frozen=True, slots=True)
class ParsedRows:
    """The typed rows of an import: where they are and how many raw rows failed.

    `table` is a view of the readable rows (`__line` and the canonical columns);
    `rows` holds every row with its values (updated in place by pseudonymisation).
    `redactions` counts, per source column of the readable rows, what was redacted.
    """

    table: str
    rows: str
    rejected_lines: int
    redactions: list[Redactions] = field(default_factory=list)


def parse_rows(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    mapping: SourceMapping,
    plans: list[ColumnPlan],
    *,
    table: str,
    rejects_table: str,
    scratch: str | None = None,
    required: set[str] | None = None,
) -> ParsedRows:
    """Parse every raw row once into typed rows and append each value problem to `rejects_table`.

    A row missing a required value, or whose required value cannot be read, is
    rejected. An optional value that cannot be read is left empty and the row is
    loaded. Either way the problem goes to `rejects_table` (line, source_column,
    canonical, value, reason, row_loaded). A lazy file is read here, in the same pass.
    The parsed rows are kept in the database `scratch` (a compressed one, for large
    files) or else in a temporary table. `required` names the plans (by `canonical`)
    whose value a row must have: by default the mapping's required columns.
    """
    required = set(mapping.required) if required is None else required
    cleaned, parsed, kept, failures = [], [], [], []
    texts: dict[str, str] = {}  # canonical column -> its text, kept where it did not parse
    for i, plan in enumerate(plans):
        text = quote(f"__text{i}")
        value = quote(plan.canonical)
        cleaned.append(f"{_clean(plan.source, mapping, plan.raw_type, plan.missing)} AS {text}")
        if plan.raw_type.upper() != "VARCHAR" and quote(plan.source) not in cleaned:
            cleaned.append(quote(plan.source))
        if plan.dates and quote(plan.dates) not in cleaned:
            cleaned.append(quote(plan.dates))
        parsed.append(f"{parse_expr(plan, mapping, text)} AS {value}")
        kept.append(value)
        if plan.kind != "text":  # text always reads; it can only be missing
            parsed.append(text)
            texts[plan.canonical] = text
            # Only the text of a value that did not parse is kept, for its reject.
            kept.append(f"CASE WHEN {value} IS NULL THEN {text} END AS {text}")
        if plan.canonical in required:
            failures.append(f"{value} IS NULL")
    line = [] if raw.line is None else [f"{raw.line} AS {LINE}"]
    everything = f"{scratch}.{table}__all" if scratch else f"{table}__all"
    create = "CREATE OR REPLACE TABLE" if scratch else "CREATE OR REPLACE TEMP TABLE"
    failed = " OR ".join(f for f in failures if f != "false") or "false"
    rows = (
        f"SELECT {', '.join([*([LINE] if line else []), *kept])}, ({failed}) AS __failed "
        f"FROM (SELECT {', '.join([*([LINE] if line else []), *parsed])} "
        f"FROM (SELECT {', '.join([*line, *cleaned])} FROM {raw.table}))"
    )
    redacting = [(i, p) for i, p in enumerate(plans) if p.redact and p.kind == "text"]
    con.execute(f"{create} {everything} AS {_redacting(rows, redacting)}")
    line_sql = LINE
    if raw.lazy:
        scanned = query_int(con, f"SELECT count(*) FROM {everything}")
        places: list[int] = []
        if raw.line is None:  # rows numbered by their place in the scan
            found = con.execute(f"SELECT rowid FROM {everything} WHERE __failed ORDER BY 1")
            places = [int(p) for (p,) in found.fetchall()]
        breakpoints = finish_scan(con, raw, scanned, places)
        if raw.line is None:
            line_sql = _number_rows(con, everything, breakpoints, create)
    columns = ", ".join([f"{line_sql} AS {LINE}", *(quote(p.canonical) for p in plans)])
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS "
        f"SELECT {columns} FROM {everything} WHERE NOT __failed"
    )
    for plan in plans:
        value = quote(plan.canonical)
        text = texts.get(plan.canonical, "NULL")
        if plan.canonical in required:
            where = f"__failed AND ({text} IS NOT NULL OR {value} IS NULL)"
        elif plan.kind != "text":
            where = f"{text} IS NOT NULL"
        else:
            continue
        con.execute(
            f"INSERT INTO {rejects_table} "
            "(line, source_column, canonical, value, reason, row_loaded) "
            f"SELECT {line_sql}, {literal(plan.source)}, "
            f"{literal(plan.shown)}, {text}, "
            f"CASE WHEN {text} IS NULL THEN 'required value is missing' "
            f"ELSE {literal(problem_text(plan))} END, NOT __failed "
            f"FROM {everything} WHERE {where}"
        )
    rejected = query_int(con, f"SELECT count(*) FROM {everything} WHERE __failed")
    return ParsedRows(table, everything, rejected, _redactions(con, everything, redacting))


def _redacting(rows: str, plans: list[tuple[int, ColumnPlan]]) -> str:
    """Return `rows` (SQL) with the free text of `plans` redacted before it is stored.

    Each redacted column gets a companion `__redacted<i>`: NULL, or the count of
    each kind replaced in that value.
    """
    if not plans:
        return rows
    found = ", ".join(f"{redacted(quote(p.canonical))} AS __found{i}" for i, p in plans)
    values = ", ".join(
        f"coalesce(__found{i}.text, {quote(p.canonical)}) AS {quote(p.canonical)}" for i, p in plans
    )
    counts = ", ".join(
        f"CASE WHEN __found{i}.text IS DISTINCT FROM {quote(p.canonical)} "
        f"THEN __found{i} END AS __redacted{i}"
        for i, p in plans
    )
    hidden = ", ".join(f"__found{i}" for i, _p in plans)
    return (
        f"SELECT * EXCLUDE ({hidden}) REPLACE ({values}), {counts} "
        f"FROM (SELECT *, {found} FROM ({rows}))"
    )


def _redactions(
    con: duckdb.DuckDBPyConnection, table: str, plans: list[tuple[int, ColumnPlan]]
) -> list[Redactions]:
    """Return what was redacted in the readable rows of `table`, per source column."""
    if not plans:
        return []
    sums = ", ".join(f"coalesce(sum(__redacted{i}.{kind}), 0)" for i, _p in plans for kind in KINDS)
    row = query_one(con, f"SELECT {sums} FROM {table} WHERE NOT __failed") or ()
    counts = [int(v) for v in row]
    parts = [
        Redactions(p.source, *counts[n * len(KINDS) : (n + 1) * len(KINDS)])
        for n, (_i, p) in enumerate(plans)
    ]
    return merged(parts)


def _number_rows(
    con: duckdb.DuckDBPyConnection, table: str, breakpoints: Breakpoints, create: str
) -> str:
    """Return SQL for the line of each row of `table`, numbered by its place in the scan.

    `breakpoints` say from which place on a row's line is its place plus which offset
    (the rows after rejected ones, blank lines and values that span lines move on).
    When one offset holds for every row the line is computed; otherwise the rows get a
    `__line` column, in a table made again with `create` (SQL: where it is kept).
    """
    offsets: dict[int, int] = {}
    for place, offset in breakpoints:  # the last offset given for a place holds
        offsets[place] = offset
    offsets = dict(sorted(offsets.items()))
    if len(offsets) <= 1:
        return f"(rowid + {int(offsets.get(0, 1))})"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE __karsta_offsets AS "
        "SELECT unnest($places::BIGINT[]) AS place, unnest($offsets::BIGINT[]) AS offset",
        {"places": list(offsets), "offsets": list(offsets.values())},
    )
    con.execute(
        f"""{create} {table}__lined AS
        SELECT t.* EXCLUDE (__place), t.__place + coalesce(o.offset, 0) AS {LINE}
        FROM (SELECT rowid AS __place, * FROM {table}) t
        ASOF LEFT JOIN __karsta_offsets o ON t.__place >= o.place
        ORDER BY t.__place"""
    )
    con.execute(f"DROP TABLE {table}; DROP TABLE __karsta_offsets")
    con.execute(f"ALTER TABLE {table}__lined RENAME TO {table.split('.')[-1]}")
    return LINE
