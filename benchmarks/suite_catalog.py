"""Suite "catalog": every metric of the catalog on an imported workspace.

The reference is the floor of any analysis of the event log: DuckDB scanning
the workspace's event table and sorting it by ticket and time. The workspace is
imported once per size by the suite's setup (untimed).
"""

from __future__ import annotations

from typing import Any

from benchmarks.registry import (
    SHARED_WORKSPACE,
    SUITES,
    Body,
    Inputs,
    Result,
    Unavailable,
    import_once,
    karsta_verdicts,
    reference_connection,
    suite,
    task,
)

suite("catalog", "Full metric catalog on an imported workspace")

WORKSPACE = SHARED_WORKSPACE
SERVICE_HOURS = "mon-fri 08:00-16:00"


SUITES["catalog"].setup = import_once(WORKSPACE)


@task(
    "catalog",
    "duckdb-scan-sort",
    input_format="workspace",
    description="DuckDB: every column of ticket_events sorted by ticket and time (the floor)",
)
def duckdb_scan_sort(inputs: Inputs) -> Body:
    """CREATE TEMP TABLE s AS SELECT * FROM ticket_events ORDER BY ticket_id, timestamp."""

    path = inputs.shared / WORKSPACE

    def body() -> dict[str, Any]:
        with reference_connection(path, read_only=True) as con:
            con.execute(
                "CREATE TEMP TABLE s AS SELECT * FROM ticket_events ORDER BY ticket_id, timestamp"
            )
            rows = con.execute("SELECT count(*) FROM s").fetchall()[0][0]
        return {"rows": int(rows)}

    return body


def _catalog(inputs: Inputs, **options: Any) -> Body:
    try:
        from karsta.calendar import ServiceCalendar
        from karsta.metrics.compute import compute_metrics
        from karsta.metrics.options import MetricOptions
        from karsta.workspace import Workspace
    except ImportError as exc:
        raise Unavailable(f"metric catalog not available: {exc}") from exc
    if options.pop("service_hours", False):
        options["service_calendar"] = ServiceCalendar.parse(SERVICE_HOURS)
    path = inputs.shared / WORKSPACE

    def body() -> dict[str, Any]:
        with Workspace.open(path, read_only=True) as ws:
            events = ws.count("ticket_events")
            results = compute_metrics(ws, MetricOptions(**options))
            figures = sum(len(r.rows) for r in results)
            computed = sum(1 for r in results if r.no_data is None)
        return {"rows": events, "figures": figures, "metrics_computed": computed}

    return body


@task(
    "catalog",
    "karsta-catalog-month",
    input_format="workspace",
    reference="duckdb-scan-sort",
    description="every metric by month, calendar time",
)
def karsta_catalog_month(inputs: Inputs) -> Body:
    """compute_metrics(ws, MetricOptions(period="month"))."""
    return _catalog(inputs, period="month")


@task(
    "catalog",
    "karsta-catalog-month-service-hours",
    input_format="workspace",
    reference="duckdb-scan-sort",
    description=f"every metric by month, durations in service hours ({SERVICE_HOURS}, FI)",
)
def karsta_catalog_service_hours(inputs: Inputs) -> Body:
    """compute_metrics(ws, MetricOptions(period="month", service_calendar=...))."""
    return _catalog(inputs, period="month", service_hours=True)


TARGET_RATIO = 3.0


def _catalog_targets(results: list[Result]) -> list[str]:
    """Return one line per Karsta result on the targets: ≤ 3× scan + sort, < 4 GB at 10M."""
    return karsta_verdicts(results, target=TARGET_RATIO, reference="scan + sort")


SUITES["catalog"].check = _catalog_targets
