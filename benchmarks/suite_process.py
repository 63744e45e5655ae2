"""Suite "process": the process bundle (map with waits, variants, hand-offs) on a workspace.

Ways to the same outputs, timed side by side in one run:

- `duckdb-sql` (the reference): hand-written DuckDB SQL that sorts the event log once
  into a temporary table with the next event beside each event and derives the map,
  the variants and the hand-offs from it;
- `duckdb-sql-stored`: hand-written DuckDB SQL over the log the import sorted once
  (`ticket_transitions`, `ticket_variants`), nothing sorted at question time;
- `karsta-process`: `ProcessAnalysis(ws).map()`, `.variants()` and `.handoffs()`,
  which read that stored log;
- `karsta-process-sorting`: the same with `stored_log=False`, sorting the events;
- `pm4py`: PM4Py on the same events read from the Parquet file, computing the
  bundle's outputs wherever it has a function for them (see `pm4py_bundle`).

The workspace is imported once per size by the suite's setup (untimed); the import
derives the stored log, so its cost is in the import suite's figures.
"""

from __future__ import annotations

import warnings
from typing import Any

from benchmarks.registry import (
    SHARED_WORKSPACE,
    SUITES,
    Body,
    Inputs,
    Result,
    Unavailable,
    import_once,
    peak_verdict,
    ratio_verdict,
    reference_connection,
    suite,
    task,
)

suite("process", "Process bundle: map with waits, variants, hand-offs")

WORKSPACE = SHARED_WORKSPACE
MAX_GROUPS = 3
TOP_VARIANTS = 20


SUITES["process"].setup = import_once(WORKSPACE)

SORTED_ONCE = """
CREATE TEMP TABLE s AS
SELECT ticket_id, seq, "timestamp", activity,
       lead(activity) OVER w AS next_activity,
       lead("timestamp") OVER w AS next_timestamp,
       row_number() OVER w AS step
FROM ticket_events WHERE activity IS NOT NULL
WINDOW w AS (PARTITION BY ticket_id ORDER BY seq)
"""
MAP_EDGES = """
SELECT activity AS source, next_activity AS target, count(*) AS count,
       count(DISTINCT ticket_id) AS cases, avg(w) AS wait_mean_s,
       quantile_cont(w, 0.5) AS wait_median_s, quantile_cont(w, 0.9) AS wait_p90_s,
       sum(w) AS wait_total_s
FROM (SELECT *, epoch(next_timestamp) - epoch("timestamp") AS w FROM s
      WHERE next_activity IS NOT NULL)
GROUP BY ALL
"""
MAP_NODES = """
SELECT activity AS id, count(*) AS events, count(DISTINCT ticket_id) AS cases,
       count(*) FILTER (step = 1) AS starts, count(*) FILTER (next_activity IS NULL) AS ends
FROM s GROUP BY ALL
"""
VARIANTS = f"""
WITH per_ticket AS (
  SELECT ticket_id, string_agg(activity, chr(31) ORDER BY seq) AS variant,
         count(*) AS events, epoch(max("timestamp")) - epoch(min("timestamp")) AS throughput_s
  FROM s GROUP BY ticket_id),
counts AS (
  SELECT variant, max(events) AS events, count(*) AS cases,
         quantile_cont(throughput_s, 0.5) AS median_throughput_s,
         avg(throughput_s) AS mean_throughput_s
  FROM per_ticket GROUP BY variant)
SELECT *, cases / sum(cases) OVER () AS share, count(*) OVER () AS variants
FROM counts ORDER BY cases DESC, variant LIMIT {TOP_VARIANTS}
"""
GROUP_STEPS = """
CREATE TEMP TABLE g AS
SELECT ticket_id, seq, "timestamp", "group" AS node,
       lead("group") OVER w AS next_node, lead("timestamp") OVER w AS next_timestamp
FROM ticket_events WHERE "group" IS NOT NULL
WINDOW w AS (PARTITION BY ticket_id ORDER BY seq)
"""
HANDOFF_NETWORK = """
SELECT node AS source, next_node AS target, count(*) AS count,
       count(DISTINCT ticket_id) AS tickets, avg(w) AS gap_mean_s,
       quantile_cont(w, 0.5) AS gap_median_s, quantile_cont(w, 0.9) AS gap_p90_s,
       sum(w) AS gap_total_s
FROM (SELECT *, epoch(next_timestamp) - epoch("timestamp") AS w FROM g
      WHERE next_node <> node)
GROUP BY ALL
"""
HANDOFF_SUMMARY = f"""
WITH per_ticket AS (
  SELECT ticket_id, count(*) FILTER (next_node <> node) AS handoffs,
         count(DISTINCT node) AS nodes
  FROM g GROUP BY ticket_id),
runs AS (
  SELECT * FROM (SELECT *, lag(node) OVER w AS previous FROM g
                 WINDOW w AS (PARTITION BY ticket_id ORDER BY seq))
  WHERE previous IS NULL OR previous <> node),
returns AS (
  SELECT ticket_id, epoch(returned_at) - epoch(left_at) AS detour_s
  FROM (SELECT ticket_id, node, lead(node, 2) OVER w AS back,
               lead("timestamp") OVER w AS left_at, lead("timestamp", 2) OVER w AS returned_at
        FROM runs WINDOW w AS (PARTITION BY ticket_id ORDER BY seq))
  WHERE back = node),
levels AS (
  SELECT * FROM (SELECT ticket_id, seq, "timestamp", level, lag(level) OVER w AS previous
                 FROM ticket_events WHERE level IS NOT NULL
                 WINDOW w AS (PARTITION BY ticket_id ORDER BY seq))
  WHERE previous IS NULL OR previous <> level),
bounces AS (
  SELECT ticket_id, epoch(returned_at) - epoch(left_at) AS detour_s
  FROM (SELECT ticket_id, level, lead(level) OVER w AS up, lead(level, 2) OVER w AS back,
               lead("timestamp") OVER w AS left_at, lead("timestamp", 2) OVER w AS returned_at
        FROM levels WINDOW w AS (PARTITION BY ticket_id ORDER BY seq))
  WHERE up > level AND back = level)
SELECT (SELECT count(*) FROM per_ticket) AS tickets,
       (SELECT count(*) FILTER (handoffs > 0) FROM per_ticket) AS tickets_with_handoff,
       (SELECT sum(handoffs) FROM per_ticket) AS handoffs,
       (SELECT count(*) FILTER (nodes > {MAX_GROUPS}) FROM per_ticket) AS tickets_over_max,
       (SELECT count(*) FROM returns) AS ping_pong,
       (SELECT count(DISTINCT ticket_id) FROM returns) AS ping_pong_tickets,
       (SELECT sum(detour_s) FROM returns) AS ping_pong_detour_s,
       (SELECT count(*) FROM bounces) AS bounces
"""


def _sql_facts(
    rows: int,
    edges: list[Any],
    nodes: list[Any],
    variants: list[Any],
    network: list[Any],
    summary: Any,
) -> dict[str, Any]:
    """Return the counts a hand-written SQL bundle is compared with Karsta's by."""
    return {
        "rows": rows,
        "edges": len(edges),
        "nodes": len(nodes),
        "variants": int(variants[0][-1]) if variants else 0,
        "handoff_pairs": len(network),
        "handoffs": int(summary[2] or 0),
        "ping_pong": int(summary[4] or 0),
    }


@task(
    "process",
    "duckdb-sql",
    input_format="workspace",
    description="hand-written DuckDB SQL: sort once, derive map, variants and hand-offs",
)
def duckdb_sql(inputs: Inputs) -> Body:
    """The bundle's outputs from two sorted temporary tables (activities and groups)."""

    path = inputs.shared / WORKSPACE

    def body() -> dict[str, Any]:
        with reference_connection(path, read_only=True) as con:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(SORTED_ONCE)
            edges = con.execute(MAP_EDGES).fetchall()
            nodes = con.execute(MAP_NODES).fetchall()
            variants = con.execute(VARIANTS).fetchall()
            con.execute(GROUP_STEPS)
            network = con.execute(HANDOFF_NETWORK).fetchall()
            summary = con.execute(HANDOFF_SUMMARY).fetchall()[0]
            events = con.execute("SELECT count(*) FROM s").fetchall()[0][0]
        return _sql_facts(int(events), edges, nodes, variants, network, summary)

    return body


STORED_EDGES = """
SELECT activity AS source, next_activity AS target, count(*) AS count,
       count(DISTINCT ticket_id) AS cases, avg(w) AS wait_mean_s,
       quantile_cont(w, 0.5) AS wait_median_s, quantile_cont(w, 0.9) AS wait_p90_s,
       sum(w) AS wait_total_s
FROM (SELECT *, epoch(next_activity_at) - epoch("timestamp") AS w FROM ticket_transitions
      WHERE activity IS NOT NULL AND next_activity IS NOT NULL)
GROUP BY ALL
"""
STORED_NODES = """
SELECT activity AS id, count(*) AS events, count(DISTINCT ticket_id) AS cases,
       count(*) FILTER (next_activity IS NULL) AS ends
FROM ticket_transitions WHERE activity IS NOT NULL GROUP BY ALL
"""
STORED_STARTS = "SELECT split_part(variant, chr(31), 1), count(*) FROM ticket_variants GROUP BY 1"
STORED_VARIANTS = f"""
WITH counts AS (
  SELECT variant, max(events) AS events, count(*) AS cases,
         quantile_cont(epoch(ended_at) - epoch(started_at), 0.5) AS median_throughput_s,
         avg(epoch(ended_at) - epoch(started_at)) AS mean_throughput_s
  FROM ticket_variants GROUP BY variant)
SELECT *, cases / sum(cases) OVER () AS share, count(*) OVER () AS variants
FROM counts ORDER BY cases DESC, variant LIMIT {TOP_VARIANTS}
"""
STORED_MOVES = """
CREATE TEMP TABLE m AS
SELECT ticket_id, seq, "group" AS node, next_group AS next_node,
       epoch(next_group_at) - epoch("timestamp") AS w,
       lead(next_group) OVER o AS after_node,
       epoch(lead(next_group_at) OVER o) - epoch(next_group_at) AS detour_s
FROM ticket_transitions WHERE "group" IS NOT NULL AND next_group <> "group"
WINDOW o AS (PARTITION BY ticket_id ORDER BY seq)
"""
STORED_NETWORK = """
SELECT node AS source, next_node AS target, count(*) AS count,
       count(DISTINCT ticket_id) AS tickets, avg(w) AS gap_mean_s,
       quantile_cont(w, 0.5) AS gap_median_s, quantile_cont(w, 0.9) AS gap_p90_s,
       sum(w) AS gap_total_s
FROM m GROUP BY ALL
"""
STORED_SUMMARY = f"""
WITH per_ticket AS (
  SELECT ticket_id, count(*) FILTER (next_group <> "group") AS handoffs,
         count(DISTINCT "group") AS nodes
  FROM ticket_transitions WHERE "group" IS NOT NULL GROUP BY ticket_id),
bounces AS (
  SELECT * FROM (SELECT level, next_level, lead(next_level) OVER o AS back
                 FROM ticket_transitions WHERE level IS NOT NULL AND next_level <> level
                 WINDOW o AS (PARTITION BY ticket_id ORDER BY seq))
  WHERE next_level > level AND back = level)
SELECT (SELECT count(*) FROM per_ticket) AS tickets,
       (SELECT count(*) FILTER (handoffs > 0) FROM per_ticket) AS tickets_with_handoff,
       (SELECT sum(handoffs) FROM per_ticket) AS handoffs,
       (SELECT count(*) FILTER (nodes > {MAX_GROUPS}) FROM per_ticket) AS tickets_over_max,
       (SELECT count(*) FILTER (after_node = node) FROM m) AS ping_pong,
       (SELECT count(DISTINCT ticket_id) FILTER (after_node = node) FROM m) AS ping_pong_tickets,
       (SELECT sum(detour_s) FILTER (after_node = node) FROM m) AS ping_pong_detour_s,
       (SELECT count(*) FROM bounces) AS bounces
"""


@task(
    "process",
    "duckdb-sql-stored",
    input_format="workspace",
    reference="duckdb-sql",
    description="hand-written DuckDB SQL over the log sorted at import (ticket_transitions)",
)
def duckdb_sql_stored(inputs: Inputs) -> Body:
    """The bundle's outputs from the stored tables: only aggregations and a hand-off window."""

    path = inputs.shared / WORKSPACE

    def body() -> dict[str, Any]:
        with reference_connection(path, read_only=True) as con:
            con.execute("SET TimeZone = 'UTC'")
            edges = con.execute(STORED_EDGES).fetchall()
            nodes = con.execute(STORED_NODES).fetchall()
            con.execute(STORED_STARTS).fetchall()
            variants = con.execute(STORED_VARIANTS).fetchall()
            con.execute(STORED_MOVES)
            network = con.execute(STORED_NETWORK).fetchall()
            summary = con.execute(STORED_SUMMARY).fetchall()[0]
        rows = sum(int(n[1]) for n in nodes)
        return _sql_facts(rows, edges, nodes, variants, network, summary)

    return body


def _karsta_bundle(inputs: Inputs, *, stored_log: bool) -> Body:
    """ProcessAnalysis(ws).map(); .variants(top=20); .handoffs(by="group", max_nodes=3).

    The modules are imported before the clock starts, as PM4Py's are.
    """
    try:
        import ibis.backends.duckdb  # noqa: F401 (the engine's modules, loaded on first use)

        from karsta.process import ProcessAnalysis
        from karsta.workspace import Workspace
    except ImportError as exc:
        raise Unavailable(f"process analysis not available: {exc}") from exc
    path = inputs.shared / WORKSPACE

    def body() -> dict[str, Any]:
        with Workspace.open(path, read_only=True) as ws:
            analysis = ProcessAnalysis(ws, stored_log=stored_log)
            process_map = analysis.map()
            variants = analysis.variants(top=TOP_VARIANTS)
            handoffs = analysis.handoffs(by="group", max_nodes=MAX_GROUPS)
            events = sum(process_map.nodes["events"].to_pylist())
            stored = analysis.stored is not None
        return {
            "rows": events,
            "stored_log": stored,
            "edges": process_map.table.num_rows,
            "nodes": process_map.nodes.num_rows,
            "variants": variants.total_variants,
            "handoff_pairs": handoffs.table.num_rows,
            "handoffs": handoffs.summary["handoffs"],
            "ping_pong": handoffs.summary["ping_pong"],
        }

    return body


@task(
    "process",
    "karsta-process-sorting",
    input_format="workspace",
    reference="duckdb-sql",
    description="ProcessAnalysis(ws, stored_log=False): the same bundle, sorting the events",
)
def karsta_process_sorting(inputs: Inputs) -> Body:
    """The bundle without the stored log: every view sorts its part of the events."""
    return _karsta_bundle(inputs, stored_log=False)


@task(
    "process",
    "karsta-process",
    input_format="workspace",
    reference="duckdb-sql",
    description="ProcessAnalysis(ws): map(), variants(top=20), handoffs(by='group')",
)
def karsta_process(inputs: Inputs) -> Body:
    """ProcessAnalysis(ws).map(); .variants(top=20); .handoffs(by="group", max_nodes=3)."""
    return _karsta_bundle(inputs, stored_log=True)


PM4PY_CALLS = (
    "format_dataframe; get_dfg_graph (frequency and waits; once per case) over activities "
    "and over groups; get_event_attribute_values (events and cases per activity); "
    "start and end activities; pandas_numpy_variants with get_cases_description"
)


@task("process", "pm4py", input_format="parquet", reference="duckdb-sql", description=PM4PY_CALLS)
def pm4py_bundle(inputs: Inputs) -> Body:
    """PM4Py on the Parquet file read into pandas (the reading is not timed).

    The same outputs as the bundle wherever PM4Py has a function for them, each by
    the fastest call found: the map's arrow counts and waits (mean, median; PM4Py
    has no p90) and tickets per arrow, events and tickets per step, starts and
    ends; the variants with tickets and median throughput time (the median per
    variant is one pandas group-by over PM4Py's per-case variants and durations);
    the hand-off network's counts, gaps and tickets. Ping-pong, level bounces and
    tickets over the group limit have no PM4Py function and are not asked of it.
    """
    try:
        import pandas as pd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pm4py
            from pm4py.algo.discovery.dfg.adapters.pandas import df_statistics
            from pm4py.objects.log.util import pandas_numpy_variants
            from pm4py.statistics.traces.generic.pandas import case_statistics
    except ImportError as exc:
        raise Unavailable(f"pm4py not installed: {exc}") from exc
    frame = pd.read_parquet(inputs.parquet)

    def arrows(log: Any, key: str) -> tuple[dict[Any, int], dict[Any, Any], dict[Any, int]]:
        """Return an attribute's directly-follows counts, waits and tickets per arrow."""
        counts, waits = df_statistics.get_dfg_graph(
            log, activity_key=key, measure="both", perf_aggregation_key="all"
        )
        tickets = df_statistics.get_dfg_graph(log, activity_key=key, keep_once_per_case=True)
        return counts, waits, tickets

    def body() -> dict[str, Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            log = pm4py.format_dataframe(
                frame,
                case_id="case:concept:name",
                activity_key="concept:name",
                timestamp_key="time:timestamp",
            )
            edges, _, _ = arrows(log, "concept:name")
            events = pm4py.get_event_attribute_values(log, "concept:name")
            pm4py.get_event_attribute_values(log, "concept:name", count_once_per_case=True)
            pm4py.get_start_activities(log)
            pm4py.get_end_activities(log)
            _, case_variant = pandas_numpy_variants.apply(log)
            durations = case_statistics.get_cases_description(log)
            variant = pd.Series({case: chr(31).join(v) for case, v in case_variant.items()})
            duration = pd.Series({case: d["caseDuration"] for case, d in durations.items()})
            variants = duration.groupby(variant.reindex(duration.index)).agg(["count", "median"])
            groups = log[log["org:group"].notna()]
            group_edges, _, _ = arrows(groups, "org:group")
        handoffs = {k: v for k, v in group_edges.items() if k[0] != k[1]}
        return {
            "rows": int(sum(events.values())),
            "edges": len(edges),
            "nodes": len(events),
            "variants": len(variants),
            "handoff_pairs": len(handoffs),
            "handoffs": int(sum(handoffs.values())),
        }

    return body


TARGET_SQL_RATIO = 2.0
TARGET_PM4PY_SPEEDUP = 20.0


def _process_targets(results: list[Result]) -> list[str]:
    """Return one line per size on the targets: ≤ 2× the SQL, ≥ 20× PM4Py, < 4 GB at 10M."""
    lines = []
    for size in dict.fromkeys(r.size for r in results):
        at = {r.task: r for r in results if r.size == size}
        karsta = at.get("karsta-process")
        if karsta is None or karsta.status != "ok" or not karsta.seconds:
            continue
        parts = []
        if karsta.ratio is not None:
            parts.append(ratio_verdict(karsta.ratio, TARGET_SQL_RATIO, "the SQL"))
        pm4py = at.get("pm4py")
        if pm4py is not None and pm4py.status == "ok" and pm4py.seconds:
            speedup = pm4py.seconds / karsta.seconds
            ok = speedup >= TARGET_PM4PY_SPEEDUP
            parts.append(
                f"{speedup:.1f}× faster than PM4Py ({'meets' if ok else 'MISSES'} "
                f"≥ {TARGET_PM4PY_SPEEDUP:g}×)"
            )
        elif pm4py is not None:
            parts.append(f"PM4Py {pm4py.status}: {pm4py.reason}")
        parts += [p for p in (peak_verdict(karsta),) if p]
        stored_sql = at.get("duckdb-sql-stored")
        if stored_sql is not None and stored_sql.status == "ok" and stored_sql.seconds:
            parts.append(f"{karsta.seconds / stored_sql.seconds:.2f}× the SQL over the stored log")
        if not karsta.facts.get("stored_log"):
            parts.append("read NO stored log (sorted the events)")
        same = [k for k in ("edges", "variants", "handoff_pairs", "handoffs")
                if k in karsta.facts and at.get("duckdb-sql") is not None
                and karsta.facts[k] != at["duckdb-sql"].facts.get(k)]  # fmt: skip
        parts.append("same counts as the SQL" if not same else f"DIFFERS from SQL in {same}")
        lines.append(f"{size} karsta-process: " + "; ".join(parts))
    return lines


SUITES["process"].check = _process_targets
