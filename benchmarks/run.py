"""Run Karsta's benchmarks, each task in a fresh subprocess, and write the results.

    python benchmarks/run.py --sizes 100k,1M --repeat 3 --out benchmarks/results

For every size the runner makes sure the event log exists (generating it with
`generate.py` if not), then runs every task of every selected suite `--repeat`
times, each run in a new Python process. A task's time is the wall time of its
work measured inside the child (interpreter start-up and module imports excluded);
the figure reported is the minimum over the repeats. Peak memory is the child's
peak resident set size (`ru_maxrss` from `os.wait4` for that one child, so it
includes the interpreter and imported libraries), the maximum over the repeats.

Tasks live in a small registry (`registry.py`): a suite is a named group of tasks; a
task is a function that runs in the child, does its (untimed) imports and set-up,
and returns the timed body. Every ``suite_*.py`` file in this folder is imported, so
adding a suite means adding one such file; see README.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import DEFAULT_SEED, parse_count, size_label
from benchmarks.registry import (
    HERE,
    ROOT,
    STAGES_ENV,
    SUITES,
    Inputs,
    Result,
    Suite,
    Unavailable,
    ensure_data,
)
from benchmarks.scale import scale_report

CHILD = "_child"
LARGE = 50_000_000  # from this size on a task runs once unless --repeat says otherwise


def load_suites() -> dict[str, Suite]:
    """Return the registry after importing every ``suite_*.py`` module in this folder."""
    for path in sorted(HERE.glob("suite_*.py")):
        importlib.import_module(f"benchmarks.{path.stem}")
    return SUITES


# --- The child ---------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """Return the CPU time this process used so far, all its threads together."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_main(argv: list[str]) -> int:
    """Run one task (or a suite's setup) and write its outcome as JSON to --result."""
    parser = argparse.ArgumentParser(prog=f"run.py {CHILD}")
    parser.add_argument("suite")
    parser.add_argument("task")  # a task name, or ":setup"
    for option in ("--csv", "--parquet", "--scratch", "--shared", "--result"):
        parser.add_argument(option, type=Path, required=True)
    parser.add_argument("--events", type=int, required=True)
    args = parser.parse_args(argv)
    inputs = Inputs(args.csv, args.parquet, args.events, args.scratch, args.shared)
    bench = SUITES[args.suite]
    outcome: dict[str, Any]
    try:
        prepare = bench.setup if args.task == ":setup" else bench.tasks[args.task].prepare
        if prepare is None:
            raise Unavailable(f"suite {args.suite} has no setup")
        body = prepare(inputs)
        load = os.getloadavg()[0]  # other work on the machine slows the run
        cpu = _cpu_seconds()
        start = time.perf_counter()
        facts = body()
        seconds = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
        outcome = {
            "status": "ok",
            "seconds": seconds,
            "cpu_seconds": cpu,
            "load_before": load,
            **facts,
        }
    except Unavailable as exc:
        outcome = {"status": "unavailable", "reason": str(exc)}
    except Exception as exc:
        traceback.print_exc()
        outcome = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
    args.result.write_text(json.dumps(outcome, default=str), encoding="utf-8")
    return 0


# --- The parent ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """One child process: its outcome, wall time as seen by the parent, and peak RSS."""

    outcome: dict[str, Any]
    process_seconds: float
    peak_mb: float


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT / "src"), str(ROOT)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _rss_mb(pid: int) -> float:
    """Return a process's resident set size now, in MB (0 if it cannot be read)."""
    try:
        with Path(f"/proc/{pid}/status").open() as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def run_child(
    args: list[str], log: Path, result: Path, timeout: float, rss_cap_mb: float | None = None
) -> Run:
    """Run `run.py _child ARGS` and return its outcome and the child's own peak RSS.

    A child whose resident memory passes `rss_cap_mb` is killed: the machine has no
    swap, and a tool running out of memory must not take other work down with it.
    """
    command = [sys.executable, str(HERE / "run.py"), CHILD, *args, "--result", str(result)]
    start = time.perf_counter()
    over_cap = 0.0
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=_child_env())
        deadline = start + timeout
        checked = start
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if rss_cap_mb and now - checked >= 0.1:
                checked = now
                rss = _rss_mb(proc.pid)
                if rss > rss_cap_mb:
                    over_cap = rss
            if now > deadline or over_cap:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    peak_mb = usage.ru_maxrss / 1024  # Linux reports KiB
    if over_cap:
        reason = (
            f"out of memory: killed after {elapsed:,.0f} s at {over_cap:,.0f} MB resident "
            f"(cap {rss_cap_mb:,.0f} MB)"
        )
        outcome = {"status": "error", "reason": reason}
    elif result.is_file():
        outcome = json.loads(result.read_text(encoding="utf-8"))
    else:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        why = "timed out" if elapsed >= timeout else f"exit code {proc.returncode}"
        outcome = {"status": "error", "reason": f"child {why}: {' | '.join(tail)}"}
    return Run(outcome, elapsed, peak_mb)


def _child_args(bench: str, name: str, inputs: Inputs) -> list[str]:
    return [
        bench,
        name,
        "--csv", str(inputs.csv),
        "--parquet", str(inputs.parquet),
        "--events", str(inputs.events),
        "--scratch", str(inputs.scratch),
        "--shared", str(inputs.shared),
    ]  # fmt: skip


def run_suite(
    bench: Suite,
    events: int,
    csv: Path,
    parquet: Path,
    *,
    repeat: int,
    scratch_root: Path,
    timeout: float,
    only: set[str] | None = None,
    rss_cap_mb: float | None = None,
    shared: Path | None = None,
) -> list[Result]:
    """Run every task of `bench` on one size; return one result per task.

    `shared` is the folder the suite's setup fills and its tasks read (by default one
    of this suite alone); the suites of one size share it, so they import once.
    """
    size = size_label(events)
    results: list[Result] = []
    chosen = [spec for name, spec in bench.tasks.items() if not only or name in only]
    with tempfile.TemporaryDirectory(prefix=f"{bench.name}-{size}-", dir=scratch_root) as tmp:
        work = Path(tmp)
        if shared is None:
            shared = work / "shared"
            shared.mkdir()
        setup_error = ""
        # The setup prepares a workspace; tasks that read the files alone do not wait for it.
        if bench.setup is not None and any(t.input_format == "workspace" for t in chosen):
            inputs = Inputs(csv, parquet, events, shared, shared)
            run = run_child(
                _child_args(bench.name, ":setup", inputs),
                work / "setup.log",
                work / "setup.json",
                timeout,
                rss_cap_mb,
            )
            if run.outcome["status"] != "ok":
                setup_error = f"setup: {run.outcome.get('reason', '')}"
        for name, spec in bench.tasks.items():
            if only and name not in only:
                continue
            result = Result(
                bench.name, size, events, name, spec.input_format, "ok", reference=spec.reference
            )
            results.append(result)
            if setup_error:
                result.status, result.reason = "error", setup_error
                continue
            for attempt in range(repeat):
                scratch = work / f"{name}-{attempt}"
                scratch.mkdir()
                inputs = Inputs(csv, parquet, events, scratch, shared)
                print(
                    f"  {size} {name} run {attempt + 1}/{repeat} ...",
                    end="",
                    flush=True,
                    file=sys.stderr,
                )
                run = run_child(
                    _child_args(bench.name, name, inputs),
                    scratch.with_suffix(".log"),
                    scratch.with_suffix(".json"),
                    timeout,
                    rss_cap_mb,
                )
                shutil.rmtree(scratch, ignore_errors=True)
                status = run.outcome["status"]
                if status != "ok":
                    print(f" {status}: {run.outcome.get('reason', '')}", file=sys.stderr)
                    result.status, result.reason = status, str(run.outcome.get("reason", ""))
                    break
                seconds = float(run.outcome["seconds"])
                print(f" {seconds:.2f} s, {run.peak_mb:,.0f} MB", file=sys.stderr)
                result.all_seconds.append(seconds)
                result.process_seconds.append(run.process_seconds)
                result.peak_mb = max(result.peak_mb or 0.0, run.peak_mb)
                result.rows = int(run.outcome.get("rows", 0))
                if seconds <= min(result.all_seconds):  # keep the facts of the fastest run
                    result.facts = {
                        k: v
                        for k, v in run.outcome.items()
                        if k not in ("status", "seconds", "rows")
                    }
            if result.status == "ok" and result.all_seconds:
                result.seconds = min(result.all_seconds)
                result.rows_per_s = events / result.seconds if result.seconds > 0 else None
    by_name = {r.task: r for r in results}
    for r in results:
        ref = by_name.get(r.reference or "")
        if r.seconds is not None and ref is not None and ref.seconds:
            r.ratio = r.seconds / ref.seconds
        elif r.seconds is not None and r.reference is None:
            r.ratio = 1.0
    return results


def markdown_table(results: Iterable[Result]) -> str:
    """Return the results as a Markdown table."""
    lines = [
        "| size | events | task | seconds | CPU s | load | rows/s | vs reference | peak MB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.status == "ok" and r.seconds is not None:
            rate = f"{r.rows_per_s:,.0f}" if r.rows_per_s else "–"
            ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "–"
            peak = f"{r.peak_mb:,.0f}" if r.peak_mb is not None else "–"
            cpu, load = r.facts.get("cpu_seconds"), r.facts.get("load_before")
            cpu_text = f"{cpu:.2f}" if cpu is not None else "–"
            load_text = f"{load:.2f}" if load is not None else "–"
            cells = [f"{r.seconds:.2f}", cpu_text, load_text, rate, ratio, peak]
        else:
            failed = "not available" if r.status == "unavailable" else "error"
            cells = [failed, "–", "–", "–", "–", "–"]
        lines.append(f"| {r.size} | {r.events:,} | {r.task} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """Return facts about the machine and library versions."""
    try:
        with Path("/proc/meminfo").open() as handle:
            mem_kib = int(handle.readline().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kib = 0
    versions = {}
    for package in ("duckdb", "pyarrow", "numpy", "ibis-framework"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kib / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        **versions,
    }


def write_report(bench: Suite, results: list[Result], out: Path, meta: dict[str, Any]) -> str:
    """Write `<suite>.md` and `<suite>.json` to `out`; return the Markdown."""
    out.mkdir(parents=True, exist_ok=True)
    table = markdown_table(results)
    info = (
        f"{meta['cpus']} CPUs, {meta['memory_gib']} GiB, Python {meta['python']}, "
        f"DuckDB {meta['duckdb']}, pyarrow {meta['pyarrow']}; {meta['date']}; "
        f"minimum of {meta['repeat']} runs, peak RSS is the maximum; load is the one-minute "
        "load average before the run shown."
    )
    parts = [f"# {bench.title}", "", info, "", table]
    notes = [f"{r.size} {r.task}: {r.reason}" for r in results if r.reason]
    if bench.check is not None:
        notes = bench.check(results) + notes
    if notes:
        parts += ["", *(f"- {line}" for line in notes)]
    text = "\n".join(parts) + "\n"
    (out / f"{bench.name}.md").write_text(text, encoding="utf-8")
    payload = {"suite": bench.name, "machine": meta, "results": [asdict(r) for r in results]}
    (out / f"{bench.name}.json").write_text(
        json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8"
    )
    return text


@contextmanager
def _shared_folder(events: int, keep: Path | None, scratch: Path | None) -> Iterator[str]:
    """Yield the folder a size's suites share: kept under `keep`, else a temporary one."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix=f"shared-{events}-", dir=scratch) as tmp:
            yield tmp
        return
    folder = keep / size_label(events)
    folder.mkdir(parents=True, exist_ok=True)
    yield str(folder)


def main(argv: list[str] | None = None) -> int:
    """Command line of the runner."""
    argv = sys.argv[1:] if argv is None else argv
    load_suites()
    if argv[:1] == [CHILD]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M", help="event counts, e.g. 100k,1M,10M")
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help=f"runs per task, the minimum kept (default 3; 1 from {size_label(LARGE)} events)",
    )
    parser.add_argument(
        "--pm4py-sizes",
        default="",
        help="more sizes at which only PM4Py runs, for its extrapolation (e.g. 20M,30M,40M)",
    )
    parser.add_argument(
        "--rss-cap",
        type=float,
        default=20480,
        help="MB of resident memory at which a run is killed (out of memory); 0: none",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results", help="results folder")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="event log folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed for new data")
    parser.add_argument("--suites", default=",".join(SUITES), help="suites to run")
    parser.add_argument("--tasks", default="", help="only these tasks (comma-separated)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    parser.add_argument("--scratch", type=Path, default=None, help="folder for scratch files")
    parser.add_argument(
        "--keep-workspaces",
        type=Path,
        default=None,
        help="folder that keeps each size's imported workspace (in <folder>/<size>) for "
        "later runs, which reuse it instead of importing again",
    )
    parser.add_argument(
        "--stages", action="store_true", help="also time the stages of karsta's import"
    )
    args = parser.parse_args(argv)

    sizes = [parse_count(s) for s in args.sizes.split(",") if s.strip()]
    names = [s.strip() for s in args.suites.split(",") if s.strip()]
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        parser.error(f"unknown suites {unknown}; known: {sorted(SUITES)}")
    only = {t.strip() for t in args.tasks.split(",") if t.strip()} or None
    if args.scratch is not None:
        args.scratch.mkdir(parents=True, exist_ok=True)
    if args.stages:
        os.environ[STAGES_ENV] = "1"
    repeat = args.repeat or 3
    meta = {**machine(), "repeat": repeat, "seed": args.seed, "stages": args.stages}
    cap = args.rss_cap or None

    per_suite: dict[str, list[Result]] = {name: [] for name in names}
    runs = [(events, names, only) for events in sizes]
    if "process" in names:
        extra = [parse_count(s) for s in args.pm4py_sizes.split(",") if s.strip()]
        runs += [(events, ["process"], {"pm4py"}) for events in extra if events not in sizes]
    texts: list[str] = []
    for events, suite_names, tasks in sorted(runs, key=lambda run: run[0]):
        csv, parquet = ensure_data(events, args.data, args.seed)
        times = args.repeat or (1 if events >= LARGE else 3)
        with _shared_folder(events, args.keep_workspaces, args.scratch) as tmp:
            for name in suite_names:
                print(f"{SUITES[name].title}: {size_label(events)}", file=sys.stderr)
                per_suite[name] += run_suite(
                    SUITES[name], events, csv, parquet, repeat=times, scratch_root=args.scratch,
                    timeout=args.timeout, only=tasks, rss_cap_mb=cap, shared=Path(tmp),
                )  # fmt: skip
        # Written after every size, so a long run that is stopped keeps what it finished.
        texts = [write_report(SUITES[name], per_suite[name], args.out, meta) for name in names]
        if len(sizes) > 1:
            texts.append(write_scale(per_suite, args.out, meta))
    print("\n".join(texts))
    return 0


def write_scale(per_suite: dict[str, list[Result]], out: Path, meta: dict[str, Any]) -> str:
    """Write `scale.md` and `scale.json` (see `scale.py`); return the Markdown."""
    table, verdicts = scale_report(per_suite)
    info = (
        f"{meta['cpus']} CPUs, {meta['memory_gib']} GiB, DuckDB {meta['duckdb']}; {meta['date']}; "
        "the fastest run of each size; peak MB is the run's peak resident memory."
    )
    text = f"# Scale: import, metric catalog and process bundle by size\n\n{info}\n\n{table}"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.md").write_text(text, encoding="utf-8")
    payload = {"machine": meta, **verdicts}
    (out / "scale.json").write_text(json.dumps(payload, indent=2, default=str) + "\n", "utf-8")
    return text


if __name__ == "__main__":
    sys.exit(main())
