"""Suite "import": read an event log into DuckDB (the reference) or a Karsta workspace."""

from __future__ import annotations

import inspect
import os
import time
from pathlib import Path
from typing import Any

from benchmarks.registry import (
    SHARED_WORKSPACE,
    STAGES_ENV,
    SUITES,
    Body,
    Inputs,
    Result,
    Unavailable,
    peak_verdict,
    ratio_verdict,
    reference_connection,
    sql_string,
    suite,
    task,
)

suite("import", "Import of a service-desk event log")


def _duckdb_reader(inputs: Inputs, function: str, path: Path) -> Body:

    database = inputs.scratch / "reference.duckdb"
    options = ", all_varchar=true" if function == "read_csv" else ""

    def body() -> dict[str, Any]:
        with reference_connection(database) as con:
            con.execute(
                f"CREATE TABLE t AS SELECT * FROM {function}({sql_string(str(path))}{options})"
            )
            row = con.execute("SELECT count(*) FROM t").fetchone()
        return {"rows": int(row[0]) if row else 0}

    return body


@task(
    "import",
    "duckdb-csv",
    input_format="csv",
    description="DuckDB's own CSV reader into a table of a new database file (reference)",
)
def duckdb_csv(inputs: Inputs) -> Body:
    """CREATE TABLE t AS SELECT * FROM read_csv(file, all_varchar=true)."""
    return _duckdb_reader(inputs, "read_csv", inputs.csv)


@task(
    "import",
    "duckdb-parquet",
    input_format="parquet",
    description="DuckDB's own Parquet reader into a table of a new database file (reference)",
)
def duckdb_parquet(inputs: Inputs) -> Body:
    """CREATE TABLE t AS SELECT * FROM read_parquet(file)."""
    return _duckdb_reader(inputs, "read_parquet", inputs.parquet)


# The plain-SQL reference does the work any import into Karsta's tables must do, and no
# more: read the file with its timestamps typed, number the events within their tickets
# (by time, then file row), write the events with an identity key, and aggregate one row
# of facts per ticket. It keeps no rejects, no source row accounting, no transitions or
# variants: what it leaves out is Karsta's to pay for within the target.
_SQL_EVENTS = """
CREATE TABLE events AS
WITH raw AS (
    SELECT *, row_number() OVER () AS source_row FROM {reader}
)
SELECT
    "case:concept:name" AS ticket_id,
    row_number() OVER (
        PARTITION BY "case:concept:name" ORDER BY ts, source_row
    ) AS seq,
    hash("case:concept:name", ts, "concept:name", "org:resource", "org:group") AS event_key,
    ts AS "timestamp",
    "concept:name" AS activity,
    "org:resource" AS agent,
    "org:group" AS "group",
    "case:channel" AS channel,
    "case:priority" AS priority,
    "case:category" AS category,
    "case:type" AS ticket_type,
    source_row
FROM (SELECT *, CAST("time:timestamp" AS TIMESTAMPTZ) AS ts FROM raw)
"""
_SQL_TICKETS = """
CREATE TABLE tickets AS
SELECT
    ticket_id,
    min("timestamp") AS opened_at,
    arg_max(activity, seq) AS status,
    arg_max(ticket_type, seq) AS ticket_type,
    arg_max(channel, seq) AS channel,
    arg_max(priority, seq) AS priority,
    arg_min(category, seq) AS category_intake,
    arg_max(category, seq) AS category_close,
    arg_min("group", seq) AS intake_group,
    count(DISTINCT "group") AS group_count,
    count(DISTINCT agent) AS agent_count,
    count(*) AS event_count
FROM events
GROUP BY ticket_id
"""


def _sql_import(inputs: Inputs, reader: str) -> Body:

    database = inputs.scratch / "reference.duckdb"

    def body() -> dict[str, Any]:
        with reference_connection(database) as con:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(_SQL_EVENTS.format(reader=reader))
            con.execute(_SQL_TICKETS)
            row = con.execute("SELECT count(*) FROM events").fetchone()
        return {"rows": int(row[0]) if row else 0}

    return body


@task(
    "import",
    "sql-csv",
    input_format="csv",
    description="plain DuckDB SQL doing an import's work: typed read, numbering, keys, facts",
)
def sql_csv(inputs: Inputs) -> Body:
    """Events typed, numbered and keyed, and ticket facts, from read_csv (reference)."""
    return _sql_import(inputs, f"read_csv({sql_string(str(inputs.csv))}, all_varchar=true)")


@task(
    "import",
    "sql-parquet",
    input_format="parquet",
    description="plain DuckDB SQL doing an import's work, from read_parquet (reference)",
)
def sql_parquet(inputs: Inputs) -> Body:
    """Events typed, numbered and keyed, and ticket facts, from read_parquet (reference)."""
    return _sql_import(inputs, f"read_parquet({sql_string(str(inputs.parquet))})")


REPORT_FIELDS = (
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "events_created",
    "events_new",
    "events_present",
    "tickets_created",
    "tickets_updated",
)


def _karsta_import(inputs: Inputs, path: Path) -> Body:
    try:
        import karsta
        from karsta.ingest import import_file, load_preset
    except ImportError as exc:
        raise Unavailable(f"karsta import API not available: {exc}") from exc
    mapping = load_preset("event-log")
    workspace_path = inputs.scratch / "bench.karsta"
    stages: dict[str, float] = {}
    extra: dict[str, Any] = {}
    if os.environ.get(STAGES_ENV) and "progress" in inspect.signature(import_file).parameters:
        started: dict[str, float] = {}

        def progress(stage: str, fraction: float | None) -> None:
            if fraction == 0.0:
                started[stage] = time.perf_counter()
            elif fraction == 1.0 and stage in started:
                stages[stage] = time.perf_counter() - started[stage]

        extra["progress"] = progress

    def body() -> dict[str, Any]:
        workspace = karsta.Workspace.open(workspace_path)
        try:
            report = import_file(path, workspace=workspace, mapping=mapping, **extra)
        finally:
            workspace.close()
        facts = {k: getattr(report, k) for k in REPORT_FIELDS if hasattr(report, k)}
        outcome: dict[str, Any] = {
            "rows": int(facts.get("rows_loaded", 0)),
            "report": facts,
            "workspace_mb": workspace_path.stat().st_size / 2**20,
        }
        if stages:
            outcome["stages"] = stages
        # The first Parquet import of a size is the workspace the later suites read (a
        # rename, instantly): at 100M events importing it again costs a quarter of an hour.
        shared = inputs.shared / SHARED_WORKSPACE
        if path == inputs.parquet and not shared.exists():
            workspace_path.replace(shared)
        return outcome

    return body


@task(
    "import",
    "karsta-csv",
    input_format="csv",
    reference="sql-csv",
    description="karsta import of the CSV into a new workspace (preset event-log)",
)
def karsta_csv(inputs: Inputs) -> Body:
    """import_file(csv, workspace=karsta.Workspace.open(new), mapping=load_preset("event-log"))."""
    return _karsta_import(inputs, inputs.csv)


@task(
    "import",
    "karsta-parquet",
    input_format="parquet",
    reference="sql-parquet",
    description="karsta import of the Parquet file into a new workspace (preset event-log)",
)
def karsta_parquet(inputs: Inputs) -> Body:
    """import_file(parquet, workspace=karsta.Workspace.open(new), mapping=event-log preset)."""
    return _karsta_import(inputs, inputs.parquet)


TARGET_RATIO = 1.5


def _import_targets(results: list[Result]) -> list[str]:
    """Return one line per Karsta result on the targets: ≤ 1.5× the plain SQL, < 4 GB at 10M."""
    lines = []
    for r in results:
        if not r.task.startswith("karsta") or r.status != "ok":
            continue
        parts = [] if r.ratio is None else [ratio_verdict(r.ratio, TARGET_RATIO, "the plain SQL")]
        parts += [p for p in (peak_verdict(r),) if p]
        if r.rows is not None and r.rows != r.events:
            parts.append(f"loaded {r.rows:,} of {r.events:,} rows")
        stages = r.facts.get("stages") or {}
        if stages:
            parts.append("stages " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
        lines.append(f"{r.size} {r.task}: " + "; ".join(parts))
    return lines


SUITES["import"].check = _import_targets
