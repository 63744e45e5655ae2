"""Rows of a record table (contacts, visits, surveys, staffing) from the typed rows of an import.

`record_plans` says how each source column is parsed (the import's common parse
does it); `stage_records` builds the canonical rows from the typed rows, rejects
the rows that lack a required value, hold a value the table does not allow or
repeat a key of an earlier line, and counts every assumption the mapping made
(a time kept on its written day though earlier than the time it follows, a
replaced year, a date read without its time of day).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from karsta.ingest.mapping import SourceMapping
from karsta.ingest.parse import (
    ISO,
    SAMPLE_ROWS,
    SAMPLE_VALUES,
    ColumnPlan,
    _clean,
    detect_decimal,
    detect_timestamp_format,
)
from karsta.ingest.record_mapping import (
    ALLOWED_VALUES,
    BOOKKEEPING,
    SURVEY_QUESTION_COLUMNS,
    Case,
    Clock,
    Condition,
    Fill,
    RecordRules,
)
from karsta.ingest.sqltext import literal, quote
from karsta.ingest.staging import LINE, RawFile, column_types
from karsta.workspace import duckdb_type

DAY_ONLY = "_day_only"
"""A column `<name>_day_only` says whether `<name>_at` was read as a bare date (`date_only`)."""


@dataclass(frozen=True, slots=True)
class Assumption:
    """Something the mapping assumed about some rows' values: counted, reported, stored."""

    column: str
    text: str
    rows: int


def _kind(dtype: str) -> str:
    if dtype.startswith("timestamp"):
        return "timestamp"
    return {
        "int64": "integer",
        "float64": "number",
        "boolean": "boolean",
        "date": "date",
    }.get(dtype, "text")


def _rules(mapping: SourceMapping) -> RecordRules:
    if mapping.records is None:
        raise ValueError("not a record mapping")
    return mapping.records


def _typed(canonical: str, source: str) -> str:
    return f"{canonical}|{source}"


def _clock_name(source: str) -> str:
    return f"clock|{source}"


def _wanted(mapping: SourceMapping) -> dict[str, tuple[str, str, str]]:
    """Return typed name -> (source, kind, canonical shown) for every value the rules read."""
    rules = _rules(mapping)
    target = rules.target
    clock = rules.clock
    wanted: dict[str, tuple[str, str, str]] = {}

    def add_fill(canonical: str, fill: Fill) -> None:
        for source in fill.sources:
            if clock is not None and clock.time(source) is not None and not fill.join:
                wanted.setdefault(_clock_name(source), (source, "clock", canonical))
                continue
            if fill.join:
                kind = "text"
            elif canonical in rules.date_only:
                kind = "date"
            else:
                kind = _kind(target.column(canonical).dtype)
            wanted.setdefault(_typed(canonical, source), (source, kind, canonical))

    for canonical, fill in rules.fills.items():
        add_fill(canonical, fill)
    for case in rules.cases:
        for canonical, fill in case.fills.items():
            add_fill(canonical, fill)
        for source, _test, _operand in case.when:
            wanted.setdefault(f"when|{source}", (source, "text", source))
    if clock is not None:
        wanted[f"date|{clock.date}"] = (clock.date, "date", clock.date)
        for time in clock.times:
            wanted.setdefault(_clock_name(time.column), (time.column, "clock", time.column))
    for question in rules.questions:
        kind = "text" if question.free_text else "number"
        shown = "free_text" if question.free_text else "score"
        wanted[f"question|{question.column}"] = (question.column, kind, shown)
    return wanted


def required_plans(mapping: SourceMapping) -> set[str]:
    """Return the typed names a row must have a value for (the key's sources, the date)."""
    rules = _rules(mapping)
    needed = set()
    for name in rules.target.key:
        fill = rules.fills.get(name)
        if fill is not None and (fill.join or len(fill.sources) == 1):
            needed |= {_typed(name, s) for s in fill.sources}
    if rules.clock is not None:
        needed.add(f"date|{rules.clock.date}")
    return needed


def record_plans(
    con: duckdb.DuckDBPyConnection, raw: RawFile, mapping: SourceMapping
) -> list[ColumnPlan]:
    """Return a parse plan per value the record rules read from a column in the file."""
    rules = _rules(mapping)
    present = set(raw.columns)
    types = column_types(con, raw.table)
    wanted = {n: w for n, w in _wanted(mapping).items() if w[0] in present}
    text = {s for s, _k, _c in wanted.values() if str(types[s]).upper() == "VARCHAR"}
    detect = sorted(
        {s for s, k, _c in wanted.values() if s in text and k in ("timestamp", "date", "number")}
    )
    formats: dict[str, str | None] = {}
    if detect:
        sample = f"{raw.table}__sample"
        columns = ", ".join(quote(s) for s in detect)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {sample} AS "
            f"SELECT {columns} FROM {raw.table} LIMIT {SAMPLE_ROWS}"
        )
        for source in detect:
            clean = _clean(source, mapping)
            values = [
                str(v)
                for (v,) in con.execute(
                    f"SELECT DISTINCT v FROM (SELECT {clean} AS v FROM {sample}) "
                    f"WHERE v IS NOT NULL LIMIT {SAMPLE_VALUES}"
                ).fetchall()
            ]
            kinds = {k for s, k, _c in wanted.values() if s == source}
            if kinds & {"timestamp", "date"}:
                formats[source] = mapping.read.timestamp_format or detect_timestamp_format(
                    con, values
                )
            else:
                formats[source] = mapping.read.decimal or detect_decimal(values)
        con.execute(f"DROP TABLE {sample}")
    clock = rules.clock
    plans = []
    for name, (source, kind, shown) in wanted.items():
        fmt = formats.get(source) if kind in ("timestamp", "date", "number") else None
        if kind == "date" and fmt not in (None, ISO) and "%H" in str(fmt):
            fmt = str(fmt).split(" ")[0]  # the date part of a date-and-time format
        missing = rules.unknown.get(shown, ())
        if kind == "clock" and clock is not None:
            missing = (*missing, *clock.did_not_happen)
        plans.append(
            ColumnPlan(
                canonical=name,
                source=source,
                kind=kind,
                raw_type=types[source],
                fmt=fmt,
                personal=kind == "text" and shown in mapping.personal,
                dates=raw.cell_dates.get(source) if kind == "timestamp" else None,
                label=shown,
                missing=tuple(missing),
            )
        )
    return plans


def _absent(dtype: str) -> str:
    return f"CAST(NULL AS {duckdb_type(dtype)})"


@dataclass(slots=True)
class _Sql:
    """The SQL pieces of one mapping's rows, over typed rows with the columns `typed`."""

    mapping: SourceMapping
    typed: set[str]

    @property
    def rules(self) -> RecordRules:
        return _rules(self.mapping)

    def value(self, canonical: str, source: str) -> str | None:
        """SQL for one source's value of a canonical column, None when not in the file."""
        clock = self.rules.clock
        if clock is not None and clock.time(source) is not None:
            name = _clock_name(source)
            return quote(f"at|{source}") if name in self.typed else None
        name = _typed(canonical, source)
        if name not in self.typed:
            return None
        if canonical in self.rules.date_only:
            return f"timezone({literal(self.mapping.timezone)}, CAST({quote(name)} AS TIMESTAMP))"
        return quote(name)

    def fill(self, canonical: str, fill: Fill) -> str | None:
        """SQL for a canonical column filled from source columns (None: none in the file)."""
        if fill.join:
            parts = [self.value(canonical, s) for s in fill.sources]
            if any(p is None for p in parts):
                return None
            texts = [f"CAST({p} AS VARCHAR)" for p in parts]
            nulls = " OR ".join(f"{p} IS NULL" for p in parts)
            return f"CASE WHEN {nulls} THEN NULL ELSE concat_ws('/', {', '.join(texts)}) END"
        found = [v for v in (self.value(canonical, s) for s in fill.sources) if v is not None]
        if not found:
            return None
        return found[0] if len(found) == 1 else f"coalesce({', '.join(found)})"

    def condition(self, condition: Condition) -> str:
        source, test, operand = condition
        name = f"when|{source}"
        if name not in self.typed:
            return "false"
        value = quote(name)
        if test == "empty":
            return f"({value} IS NULL)" if operand else f"({value} IS NOT NULL)"
        if test in ("above", "below"):
            sign = ">" if test == "above" else "<"
            return f"coalesce(TRY_CAST({value} AS DOUBLE) {sign} {float(operand)!r}, false)"  # type: ignore[arg-type]
        values = ", ".join(literal(v) for v in operand)  # type: ignore[union-attr]
        return f"coalesce({value} IN ({values}), false)"

    def column(self, canonical: str, dtype: str) -> str:
        """SQL for a canonical column: the first case that gives it, else its fill or constant."""
        rules = self.rules
        base: str | None = None
        dated = canonical.removesuffix(DAY_ONLY) + "_at"
        if canonical.endswith(DAY_ONLY) and dated in rules.date_only and dated in rules.fills:
            # The flag beside a date-only column: set wherever that column has a day.
            day = self.fill(dated, rules.fills[dated])
            return "NULL" if day is None else f"({day} IS NOT NULL)"
        if canonical in rules.fills:
            base = self.fill(canonical, rules.fills[canonical])
        if canonical in rules.constants:
            constant = _constant(rules.constants[canonical])
            base = constant if base is None else f"coalesce({base}, {constant})"
        base_sql = _absent(dtype) if base is None else f"CAST({base} AS {duckdb_type(dtype)})"
        if not any(_case_value(self, case, canonical) is not None for case in rules.cases):
            return base_sql
        whens = []
        for case in rules.cases:  # the first case that holds gives every column
            given = _case_value(self, case, canonical)
            value = base_sql if given is None else f"CAST({given} AS {duckdb_type(dtype)})"
            cond = " AND ".join(self.condition(c) for c in case.when) or "true"
            whens.append(f"WHEN {cond} THEN {value}")
        return f"CASE {' '.join(whens)} ELSE {base_sql} END"


def _constant(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return repr(value)
    return literal(str(value))


def _case_value(sql: _Sql, case: Case, canonical: str) -> str | None:
    if canonical in case.set:
        return _constant(case.set[canonical])
    if canonical in case.fills:
        return sql.fill(canonical, case.fills[canonical]) or "NULL"
    return None


def _clock_steps(clock: Clock, mapping: SourceMapping, typed: set[str], source: str) -> str:
    """Return SQL adding each clock time's day, timestamp and flags to `source` (SQL rows)."""
    date = quote(f"date|{clock.date}")
    rows = source
    if clock.year is not None:
        changed = f"{date} IS NOT NULL AND year({date}) <> {int(clock.year)}"
        fixed = (
            f"TRY_CAST(printf('%04d-%02d-%02d', {int(clock.year)}, month({date}), "
            f"day({date})) AS DATE)"
        )
        rows = (
            f"SELECT * REPLACE ({fixed} AS {date}), ({changed}) AS {quote('year|' + clock.date)} "
            f"FROM ({rows})"
        )
    window = clock.rollover_hours * 3600
    for time in clock.times:
        seconds = quote(_clock_name(time.column))
        if _clock_name(time.column) not in typed:
            rows = (
                f"SELECT *, CAST(NULL AS DOUBLE) AS {seconds}, 0 AS {quote('day|' + time.column)}"
                f", false AS {quote('early|' + time.column)} FROM ({rows})"
            )
            continue
        followed = [f for f in time.follows if _clock_name(f) in typed]
        if followed:
            base_s = f"coalesce({', '.join(quote(_clock_name(f)) for f in followed)})"
            base_d = (
                "CASE "
                + " ".join(
                    f"WHEN {quote(_clock_name(f))} IS NOT NULL THEN {quote('day|' + f)}"
                    for f in followed
                )
                + " ELSE 0 END"
            )
            day = f"{base_d} + CASE WHEN {seconds} < {base_s} - {window!r} THEN 1 ELSE 0 END"
            early = f"coalesce({seconds} < {base_s} AND {seconds} >= {base_s} - {window!r}, false)"
        else:
            day, early = "0", "false"
        at = (
            f"CASE WHEN {seconds} IS NOT NULL THEN timezone({literal(mapping.timezone)}, "
            f"CAST({date} AS TIMESTAMP) + to_days(CAST({quote('day|' + time.column)} AS INTEGER))"
            f" + to_microseconds(CAST(round({seconds} * 1000000) AS BIGINT))) END"
        )
        rows = (
            f"SELECT *, {at} AS {quote('at|' + time.column)} FROM ("
            f"SELECT *, CAST({day} AS BIGINT) AS {quote('day|' + time.column)}, "
            f"{early} AS {quote('early|' + time.column)} FROM ({rows}))"
        )
    return rows


def record_rows(typed_table: str, typed: set[str], mapping: SourceMapping) -> str:
    """Return SQL for the canonical rows of the typed rows, with the flags of assumptions."""
    rules = _rules(mapping)
    rows = f"SELECT * FROM {typed_table}"
    flags: list[str] = []
    if rules.clock is not None:
        rows = _clock_steps(rules.clock, mapping, typed, rows)
        if rules.clock.year is not None:
            flags.append(quote("year|" + rules.clock.date))
        flags += [
            quote("early|" + t.column)
            for t in rules.clock.times
            if t.follows and _clock_name(t.column) in typed
        ]
    sql = _Sql(mapping, typed)
    target = rules.target
    columns = [c for c in target.columns if c.name not in BOOKKEEPING]
    if not rules.questions:
        parts = [f"{sql.column(c.name, c.dtype)} AS {quote(c.name)}" for c in columns]
        return f"SELECT {LINE} AS source_row, {', '.join([*parts, *flags])} FROM ({rows})"
    selects = []
    for question in rules.questions:
        answer = quote(f"question|{question.column}")
        if f"question|{question.column}" not in typed:
            continue
        given = {
            "question": literal(question.question),
            "instrument": literal(question.instrument),
            "scale_min": "NULL" if question.scale_min is None else repr(question.scale_min),
            "scale_max": "NULL" if question.scale_max is None else repr(question.scale_max),
            "score": "NULL" if question.free_text else answer,
            "free_text": answer if question.free_text else "NULL",
        }
        parts = [
            f"CAST({given[c.name]} AS {duckdb_type(c.dtype)}) AS {quote(c.name)}"
            if c.name in SURVEY_QUESTION_COLUMNS
            else f"{sql.column(c.name, c.dtype)} AS {quote(c.name)}"
            for c in columns
        ]
        selects.append(
            f"SELECT {LINE} AS source_row, {', '.join([*parts, *flags])} FROM ({rows}) "
            f"WHERE {answer} IS NOT NULL"
        )
    if not selects:
        parts = [f"{_absent(c.dtype)} AS {quote(c.name)}" for c in columns]
        return f"SELECT {LINE} AS source_row, {', '.join(parts)} FROM ({rows}) WHERE false"
    return " UNION ALL ".join(selects)


def stage_records(
    con: duckdb.DuckDBPyConnection,
    typed_table: str,
    plans: list[ColumnPlan],
    mapping: SourceMapping,
    *,
    staged: str,
    rejects: str,
    import_id: int,
) -> tuple[int, list[Assumption]]:
    """Create `staged` with the rows to load; reject the bad ones into `rejects`.

    Return the number of lines rejected here and the assumptions counted on the rows kept.
    """
    rules = _rules(mapping)
    typed = {p.canonical for p in plans}
    work = f"{staged}__all"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {work} AS {record_rows(typed_table, typed, mapping)}"
    )
    sources = _first_sources(rules)
    for column in mapping.required:
        con.execute(
            f"INSERT INTO {rejects} (line, source_column, canonical, value, reason, row_loaded) "
            f"SELECT DISTINCT source_row, {_text(sources.get(column))}, {literal(column)}, "
            f"NULL, 'required value is missing', false FROM {work} WHERE {quote(column)} IS NULL"
        )
    for (table, column), allowed in ALLOWED_VALUES.items():
        if table != rules.table:
            continue
        listed = ", ".join(literal(v) for v in allowed)
        con.execute(
            f"INSERT INTO {rejects} (line, source_column, canonical, value, reason, row_loaded) "
            f"SELECT DISTINCT source_row, {_text(sources.get(column))}, {literal(column)}, "
            f"{quote(column)}, {literal('not one of ' + ', '.join(allowed))}, false "
            f"FROM {work} WHERE {quote(column)} IS NOT NULL AND {quote(column)} NOT IN ({listed})"
        )
    key = ", ".join(quote(k) for k in rules.target.key)
    con.execute(
        f"""INSERT INTO {rejects} (line, source_column, canonical, value, reason, row_loaded)
        SELECT DISTINCT source_row, NULL, {literal(", ".join(rules.target.key))}, NULL,
               'the same key as line ' || first_line, false
        FROM (SELECT source_row, min(source_row) OVER (PARTITION BY {key}) AS first_line
              FROM {work} WHERE source_row NOT IN (SELECT line FROM {rejects} WHERE NOT row_loaded))
        WHERE source_row > first_line"""
    )
    bad = f"(SELECT line FROM {rejects} WHERE NOT row_loaded)"
    names = [c.name for c in rules.target.columns if c.name not in BOOKKEEPING]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {staged} AS "
        f"SELECT {', '.join(quote(n) for n in names)}, "
        f"CAST({int(import_id)} AS BIGINT) AS import_id, source_row "
        f"FROM {work} WHERE source_row NOT IN {bad}"
    )
    assumptions = _assumptions(con, work, bad, rules)
    rejected = int(
        (
            con.execute(
                f"SELECT count(DISTINCT line) FROM {rejects} WHERE NOT row_loaded "
                f"AND line IN (SELECT source_row FROM {work})"
            ).fetchone()
            or (0,)
        )[0]
    )
    con.execute(f"DROP TABLE {work}")
    return rejected, assumptions


def _text(value: str | None) -> str:
    return "NULL" if value is None else literal(value)


def _first_sources(rules: RecordRules) -> dict[str, str]:
    sources = {c: f.sources[0] for c, f in rules.fills.items()}
    for case in rules.cases:
        for c, f in case.fills.items():
            sources.setdefault(c, f.sources[0])
    return sources


def _assumptions(
    con: duckdb.DuckDBPyConnection, work: str, bad: str, rules: RecordRules
) -> list[Assumption]:
    """Count, over the lines kept, what the mapping assumed."""
    found: list[tuple[str, str, str]] = []
    clock = rules.clock
    columns = {
        str(c)
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
            [work.split(".")[-1]],
        ).fetchall()
    }
    if clock is not None:
        if clock.year is not None and f"year|{clock.date}" in columns:
            found.append(
                (clock.date, quote(f"year|{clock.date}"), f"the year read as {clock.year}")
            )
        for time in clock.times:
            if f"early|{time.column}" in columns and time.follows:
                found.append(
                    (
                        time.column,
                        quote(f"early|{time.column}"),
                        f"earlier than {' or '.join(time.follows)} by less than "
                        f"{clock.rollover_hours:g} h: kept on the written day (a clock "
                        "mismatch, not a stay across midnight)",
                    )
                )
    for column in sorted(rules.date_only):
        found.append(
            (column, f"{quote(column)} IS NOT NULL", "a date without a time of day, read as 00:00")
        )
    if not found:
        return []
    counts = ", ".join(
        f"count(DISTINCT CASE WHEN {flag} THEN source_row END)" for _c, flag, _t in found
    )
    row = con.execute(f"SELECT {counts} FROM {work} WHERE source_row NOT IN {bad}").fetchone()
    values = list(row) if row else [0] * len(found)
    return [
        Assumption(column, text, int(n))
        for (column, _flag, text), n in zip(found, values, strict=True)
        if n
    ]
