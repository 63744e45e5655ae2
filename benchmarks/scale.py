"""The scale report: Karsta's import, metric catalog and process bundle at each size, with targets.

Built by `run.py` from the results of the suites it ran (`import`, `catalog`,
`process`), when it ran more than one size. For every size: seconds, CPU seconds,
the load average before the run, events per second, peak memory and (for the
import) the workspace's size on disk. The verdicts, at the largest size against
the smallest of at least 10M events:

- linear: time per event no more than 1.2× that at the smaller size;
- memory: peak under 8 GB;
- the process bundle at least 20× faster than PM4Py's time extrapolated to the
  largest size: from the largest size PM4Py completed, linearly, or by the fitted
  exponent of its times when they grow clearly faster than linearly (above 1.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from benchmarks.generate import size_label
from benchmarks.registry import Result

LINEAR_TARGET = 1.2
PEAK_TARGET_MB = 8192
PM4PY_TARGET = 20.0
SUPERLINEAR = 1.1  # a fitted exponent above this is taken as PM4Py's growth
SMALLEST = 10_000_000  # sizes below are dominated by fixed costs: not compared

ROWS = (
    ("import", "karsta-csv", "import, CSV"),
    ("import", "karsta-parquet", "import, Parquet"),
    ("catalog", "karsta-catalog-month", "metric catalog by month"),
    ("catalog", "karsta-catalog-month-service-hours", "metric catalog, service hours"),
    ("process", "karsta-process", "process bundle"),
)


@dataclass(frozen=True, slots=True)
class Pm4pyEstimate:
    """PM4Py's time extrapolated to a size, and how."""

    events: int
    seconds: float
    basis: str


def pm4py_estimate(results: list[Result], events: int) -> Pm4pyEstimate | None:
    """Return PM4Py's time at `events`, from the sizes it completed (None if none)."""
    done = sorted(
        (r.events, r.seconds)
        for r in results
        if r.task == "pm4py" and r.status == "ok" and r.seconds is not None
    )
    if not done:
        return None
    largest, seconds = done[-1]
    if largest >= events:
        return Pm4pyEstimate(events, seconds, f"measured at {size_label(largest)}")
    exponent = _fitted_exponent(done)
    if exponent is not None and exponent > SUPERLINEAR:
        estimate = seconds * (events / largest) ** exponent
        sizes = ", ".join(size_label(n) for n, _ in done)
        basis = f"fitted exponent {exponent:.2f} over {sizes}, from {size_label(largest)}"
        return Pm4pyEstimate(events, estimate, basis)
    basis = f"linear from {size_label(largest)}"
    if exponent is not None:
        basis += f" (fitted exponent {exponent:.2f})"
    return Pm4pyEstimate(events, seconds * events / largest, basis)


def _fitted_exponent(points: list[tuple[int, float]]) -> float | None:
    """Return b of seconds = a · events^b fitted by least squares on logs (None if < 2 sizes)."""
    if len({n for n, _ in points}) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(s) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def _cells(r: Result) -> list[str]:
    if r.status != "ok" or r.seconds is None:
        return ["error" if r.status == "error" else r.status, *["–"] * 6]
    cpu = r.facts.get("cpu_seconds")
    load = r.facts.get("load_before")
    size_mb = r.facts.get("workspace_mb")
    return [
        f"{r.seconds:,.1f}",
        "–" if cpu is None else f"{cpu:,.1f}",
        "–" if load is None else f"{load:.2f}",
        f"{r.events / r.seconds:,.0f}",
        "–" if r.peak_mb is None else f"{r.peak_mb:,.0f}",
        "–" if size_mb is None else f"{size_mb:,.0f}",
    ]


def scale_report(per_suite: dict[str, list[Result]]) -> tuple[str, dict[str, Any]]:
    """Return the scale report as Markdown and its verdicts as JSON-ready data."""
    found = {(r.suite, r.task, r.events): r for rs in per_suite.values() for r in rs}
    sizes = sorted({n for (_s, _t, n) in found if n >= SMALLEST})
    lines = [
        "| events | what | seconds | CPU s | load before | events/s | peak MB | workspace MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for events in sizes:
        for suite_name, task_name, label in ROWS:
            r = found.get((suite_name, task_name, events))
            if r is not None:
                lines.append(f"| {size_label(events)} | {label} | " + " | ".join(_cells(r)) + " |")
    notes: list[str] = []
    verdicts: dict[str, Any] = {}
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        for suite_name, task_name, label in ROWS:
            a, b = (
                found.get((suite_name, task_name, small)),
                found.get((suite_name, task_name, large)),
            )
            if a is None or b is None:
                continue
            if not (a.seconds and b.seconds and a.status == b.status == "ok"):
                notes.append(f"{label}: not compared ({a.status} / {b.status}: {b.reason})")
                continue
            growth = (b.seconds / b.events) / (a.seconds / a.events)
            cpu_a, cpu_b = a.facts.get("cpu_seconds"), b.facts.get("cpu_seconds")
            cpu_growth = (cpu_b / b.events) / (cpu_a / a.events) if cpu_a and cpu_b else None
            linear = growth <= LINEAR_TARGET
            memory = b.peak_mb is not None and b.peak_mb < PEAK_TARGET_MB
            verdicts[task_name] = {"time_per_event_growth": growth, "linear": linear,
                                   "cpu_per_event_growth": cpu_growth,
                                   "peak_mb": b.peak_mb, "memory": memory}  # fmt: skip
            cpu_text = "" if cpu_growth is None else f" (CPU {cpu_growth:.2f}×)"
            notes.append(
                f"{label}: time per event at {size_label(large)} is {growth:.2f}× that at "
                f"{size_label(small)}{cpu_text} ({'meets' if linear else 'MISSES'} ≤ "
                f"{LINEAR_TARGET:g}×); peak {b.peak_mb or 0:,.0f} MB "
                f"({'meets' if memory else 'MISSES'} < 8 GB)"
            )
        notes += _pm4py_notes(per_suite.get("process", []), found, large, verdicts)
    text = "\n".join([*lines, "", *(f"- {n}" for n in notes)]) + "\n"
    return text, {"sizes": sizes, "verdicts": verdicts}


def _pm4py_notes(
    process: list[Result],
    found: dict[tuple[str, str, int], Result],
    large: int,
    verdicts: dict[str, Any],
) -> list[str]:
    """Return the notes on PM4Py: where it failed, its estimate, and the process target."""
    notes = []
    for r in sorted(process, key=lambda r: r.events):
        if r.task == "pm4py" and r.status != "ok":
            notes.append(f"PM4Py at {r.size}: {r.status}: {r.reason}")
    bundle = found.get(("process", "karsta-process", large))
    estimate = pm4py_estimate(process, large)
    if estimate is None or bundle is None or not bundle.seconds:
        return notes
    speedup = estimate.seconds / bundle.seconds
    met = speedup >= PM4PY_TARGET
    verdicts["pm4py"] = {"seconds": estimate.seconds, "basis": estimate.basis,
                         "speedup": speedup, "met": met}  # fmt: skip
    notes.append(
        f"PM4Py at {size_label(large)}: {estimate.seconds:,.0f} s ({estimate.basis}); the "
        f"process bundle is {speedup:.1f}× faster ({'meets' if met else 'MISSES'} "
        f"≥ {PM4PY_TARGET:g}×)"
    )
    return notes
