"""Suite "import": read an event log into DuckDB (the reference) or a Karsta workspace."""

from __future__ import annotations

import inspect
import os
import time
from pathlib import Path
from typing import Any

from benchmarks.registry import (
    STAGES_ENV,
    SUITES,
    Body,
    Inputs,
    Result,
    Unavailable,
    peak_verdict,
    ratio_verdict,
    sql_string,
    suite,
    task,
)

suite("import", "Import of a service-desk event log")


def _duckdb_reader(inputs: Inputs, function: str, path: Path) -> Body:
    import duckdb

    database = inputs.scratch / "reference.duckdb"
    options = ", all_varchar=true" if function == "read_csv" else ""

    def body() -> dict[str, Any]:
        with duckdb.connect(str(database)) as con:
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
        outcome: dict[str, Any] = {"rows": int(facts.get("rows_loaded", 0)), "report": facts}
        if stages:
            outcome["stages"] = stages
        return outcome

    return body


@task(
    "import",
    "karsta-csv",
    input_format="csv",
    reference="duckdb-csv",
    description="karsta import of the CSV into a new workspace (preset event-log)",
)
def karsta_csv(inputs: Inputs) -> Body:
    """import_file(csv, workspace=karsta.Workspace.open(new), mapping=load_preset("event-log"))."""
    return _karsta_import(inputs, inputs.csv)


@task(
    "import",
    "karsta-parquet",
    input_format="parquet",
    reference="duckdb-parquet",
    description="karsta import of the Parquet file into a new workspace (preset event-log)",
)
def karsta_parquet(inputs: Inputs) -> Body:
    """import_file(parquet, workspace=karsta.Workspace.open(new), mapping=event-log preset)."""
    return _karsta_import(inputs, inputs.parquet)


TARGET_RATIO = 2.0


def _import_targets(results: list[Result]) -> list[str]:
    """Return one line per Karsta result on the targets: ≤ 2× DuckDB, < 4 GB at 10M."""
    lines = []
    for r in results:
        if not r.task.startswith("karsta") or r.status != "ok":
            continue
        parts = [] if r.ratio is None else [ratio_verdict(r.ratio, TARGET_RATIO, "DuckDB")]
        parts += [p for p in (peak_verdict(r),) if p]
        if r.rows is not None and r.rows != r.events:
            parts.append(f"loaded {r.rows:,} of {r.events:,} rows")
        stages = r.facts.get("stages") or {}
        if stages:
            parts.append("stages " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
        lines.append(f"{r.size} {r.task}: " + "; ".join(parts))
    return lines


SUITES["import"].check = _import_targets
