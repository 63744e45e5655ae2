"""The benchmark registry: suites, tasks, their inputs and results, and shared helpers.

A suite is a named group of tasks; a task is a function that runs in a child process,
does its (untimed) imports and set-up, and returns the timed body. Suites live in
``benchmarks/suite_<name>.py`` files, which `run.py` imports; each registers itself
with `suite(...)` and its tasks with ``@task(...)``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate import output_paths, size_label

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
STAGES_ENV = "KARSTA_BENCH_STAGES"  # set by run.py --stages: time the import's stages


# --- Tasks and suites ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a task gets in its child process."""

    csv: Path
    parquet: Path
    events: int
    scratch: Path  # empty folder of this run only, removed afterwards
    shared: Path  # folder kept for one size, shared by its suites; a suite's setup may fill it


class Unavailable(Exception):
    """The task cannot run here (e.g. the code it measures does not exist yet)."""


#: A task prepares in the child (untimed) and returns the timed body, which returns
#: facts about the run: "rows" (rows processed, for rows/s) plus anything else.
Body = Callable[[], dict[str, Any]]
Prepare = Callable[[Inputs], Body]


@dataclass(frozen=True, slots=True)
class Task:
    """A named benchmark task."""

    suite: str
    name: str
    prepare: Prepare
    input_format: str
    reference: str | None = None  # task of the same suite this one is compared with
    description: str = ""


@dataclass(slots=True)
class Suite:
    """A group of tasks whose results are written to `<name>.md` and `<name>.json`."""

    name: str
    title: str
    tasks: dict[str, Task] = field(default_factory=dict)
    setup: Prepare | None = None  # run once per size, in a child, before the tasks
    check: Callable[[list[Result]], list[str]] | None = None  # target lines for the report


SUITES: dict[str, Suite] = {}


def suite(name: str, title: str) -> Suite:
    """Return the suite called `name`, registering it with `title` if new."""
    return SUITES.setdefault(name, Suite(name, title))


def task(
    suite_name: str,
    name: str,
    *,
    input_format: str,
    reference: str | None = None,
    description: str = "",
) -> Callable[[Prepare], Prepare]:
    """Register the decorated function as a task of `suite_name`."""

    def register(prepare: Prepare) -> Prepare:
        tasks = SUITES[suite_name].tasks
        if name in tasks:
            raise ValueError(f"task {suite_name}/{name} registered twice")
        tasks[name] = Task(suite_name, name, prepare, input_format, reference, description)
        return prepare

    return register


# --- Results ---------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    """A task at one size, summarised over its repeats."""

    suite: str
    size: str
    events: int
    task: str
    input_format: str
    status: str  # ok, unavailable, error
    seconds: float | None = None  # minimum over repeats
    all_seconds: list[float] = field(default_factory=list)
    process_seconds: list[float] = field(default_factory=list)
    peak_mb: float | None = None  # maximum over repeats
    rows: int | None = None
    rows_per_s: float | None = None
    reference: str | None = None
    ratio: float | None = None
    reason: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


# --- Shared helpers ----------------------------------------------------------------------

REFERENCE_MEMORY = "8GB"
"""DuckDB's memory limit in the reference tasks: its default (80 % of RAM) would let one
run take the shared machine's memory at 100M events; at 10M they use far less anyway."""


def reference_connection(path: Path, *, read_only: bool = False) -> Any:
    """Return a DuckDB connection to `path` for a reference task (`REFERENCE_MEMORY`)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=read_only)
    con.execute(f"SET memory_limit = '{REFERENCE_MEMORY}'")
    return con


def sql_string(text: str) -> str:
    """Return `text` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ensure_data(events: int, data_dir: Path, seed: int) -> tuple[Path, Path]:
    """Return the CSV and Parquet paths for `events`, generating them if missing."""
    csv, parquet = output_paths(data_dir, events)
    if not (csv.is_file() and parquet.is_file()):
        print(
            f"generating {size_label(events)} events (seed {seed}) in {data_dir} ...",
            flush=True,
            file=sys.stderr,
        )
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--events",
                str(events),
                "--seed",
                str(seed),
                "--out",
                str(data_dir),
            ],
            check=True,
        )
    return csv, parquet


SHARED_WORKSPACE = "events.karsta"
"""The workspace the `catalog` and `process` suites read: imported once per size."""


def import_once(workspace: str = SHARED_WORKSPACE) -> Prepare:
    """Return a suite setup that imports the Parquet log into `shared/<workspace>` (untimed).

    Suites of one size share the folder, so a workspace an earlier suite's setup
    imported is used as it is (at 100M events an import takes a quarter of an hour).
    """

    def prepare(inputs: Inputs) -> Body:
        import karsta
        from karsta.ingest import import_file, load_preset

        if (inputs.shared / workspace).is_file():
            return lambda: {"reused": True}

        def body() -> dict[str, Any]:
            with karsta.open(inputs.shared / workspace) as ws:
                report = import_file(inputs.parquet, workspace=ws, mapping=load_preset("event-log"))
            return {"rows": report.rows_loaded}

        return body

    return prepare


# --- Targets ---------------------------------------------------------------------------

PEAK_TARGET_MB = 4096
PEAK_TARGET_EVENTS = 10_000_000
"""Every suite's memory target: under 4 GB at 10M events."""


def ratio_verdict(ratio: float, target: float, reference: str) -> str:
    """Return e.g. '1.80× DuckDB (meets ≤ 2×)'."""
    verdict = "meets" if ratio <= target else "MISSES"
    return f"{ratio:.2f}× {reference} ({verdict} ≤ {target:g}×)"


def peak_verdict(result: Result) -> str | None:
    """Return the memory verdict of a result at the target size, else None."""
    if result.events < PEAK_TARGET_EVENTS or result.peak_mb is None:
        return None
    verdict = "meets" if result.peak_mb < PEAK_TARGET_MB else "MISSES"
    return f"peak {result.peak_mb:,.0f} MB ({verdict} < 4 GB)"


def karsta_verdicts(results: list[Result], *, target: float, reference: str) -> list[str]:
    """Return one line per Karsta task that ran: its ratio and memory verdicts."""
    lines = []
    for r in results:
        if not r.task.startswith("karsta") or r.status != "ok":
            continue
        parts = [] if r.ratio is None else [ratio_verdict(r.ratio, target, reference)]
        parts += [p for p in (peak_verdict(r),) if p]
        lines.append(f"{r.size} {r.task}: " + "; ".join(parts))
    return lines
