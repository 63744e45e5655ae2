"""The benchmark's scale report: linear growth, memory and PM4Py's extrapolated time."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from benchmarks.registry import SHARED_WORKSPACE, Inputs, Result, import_once
from benchmarks.scale import pm4py_estimate, scale_report

M = 1_000_000


def result(suite: str, task: str, events: int, seconds: float | None, **facts: float) -> Result:
    status = "ok" if seconds is not None else "error"
    label = f"{events // M}M"
    peak = facts.pop("peak_mb", 1000.0)
    reason = "" if seconds is not None else "out of memory: killed"
    return Result(suite, label, events, task, "csv", status, seconds=seconds, peak_mb=peak,
                  reason=reason, facts=dict(facts))  # fmt: skip


def test_pm4py_grows_linearly_unless_clearly_faster() -> None:
    # 100 s at 10M, 205 s at 20M: exponent log2(2.05) = 1.036, not above 1.1, so linear
    # from the largest size: 205 s × 100M / 20M = 1025 s.
    runs = [result("process", "pm4py", 10 * M, 100.0), result("process", "pm4py", 20 * M, 205.0)]
    estimate = pm4py_estimate(runs, 100 * M)
    assert estimate is not None
    assert estimate.seconds == pytest.approx(1025.0)
    assert estimate.basis == "linear from 20M (fitted exponent 1.04)"


def test_pm4py_superlinear_uses_the_fitted_exponent() -> None:
    # 100 s at 10M, 220 s at 20M, out of memory at 30M: exponent b = log2(2.2) = 1.1375;
    # at 100M: 220 s × (100/20)^b = 220 × 5^1.1375 ≈ 1372 s.
    runs = [
        result("process", "pm4py", 10 * M, 100.0),
        result("process", "pm4py", 20 * M, 220.0),
        result("process", "pm4py", 30 * M, None),
    ]
    estimate = pm4py_estimate(runs, 100 * M)
    assert estimate is not None
    b = math.log(2.2) / math.log(2)
    assert estimate.seconds == pytest.approx(220 * 5**b)
    assert estimate.seconds == pytest.approx(1372, abs=1)
    assert "fitted exponent 1.14 over 10M, 20M" in estimate.basis


def test_scale_report_verdicts() -> None:
    per_suite = {
        "import": [
            # 50 s at 10M, 550 s at 100M: per event 5.0 and 5.5 µs, 1.10× (meets ≤ 1.2×).
            result("import", "karsta-csv", 10 * M, 50.0, cpu_seconds=80.0, workspace_mb=700.0),
            result("import", "karsta-csv", 100 * M, 550.0, cpu_seconds=900.0, peak_mb=6000.0),
        ],
        "process": [
            # 4 s and 60 s: per event 0.4 and 0.6 µs, 1.50× (misses); 9000 MB (misses < 8 GB).
            result("process", "karsta-process", 10 * M, 4.0),
            result("process", "karsta-process", 100 * M, 60.0, peak_mb=9000.0),
            result("process", "pm4py", 10 * M, 100.0),
            result("process", "pm4py", 100 * M, None),
        ],
    }
    text, data = scale_report(per_suite)
    verdicts = data["verdicts"]
    assert verdicts["karsta-csv"]["time_per_event_growth"] == pytest.approx(1.1)
    assert verdicts["karsta-csv"]["cpu_per_event_growth"] == pytest.approx(900 / 800)
    assert verdicts["karsta-csv"]["linear"]
    assert verdicts["karsta-csv"]["memory"]
    assert verdicts["karsta-process"]["time_per_event_growth"] == pytest.approx(1.5)
    assert not verdicts["karsta-process"]["linear"]
    assert not verdicts["karsta-process"]["memory"]
    # PM4Py ran out of memory at 100M: 100 s at 10M, linearly 1000 s; 1000 / 60 = 16.7×.
    assert verdicts["pm4py"]["seconds"] == pytest.approx(1000.0)
    assert verdicts["pm4py"]["speedup"] == pytest.approx(1000 / 60)
    assert not verdicts["pm4py"]["met"]
    assert "PM4Py at 100M: error: out of memory: killed" in text
    assert "| 10M | import, CSV | 50.0 | 80.0 | – | 200,000 | 1,000 | 700 |" in text


def test_a_run_over_the_memory_cap_is_killed_and_says_so(tmp_path: Path) -> None:
    # A child holds about 30 MB as soon as Python has started: a cap of 1 MB stops it.
    from benchmarks.generate import generate
    from benchmarks.run import _child_args, load_suites, run_child

    load_suites()
    made = generate(1_000, seed=7, out_dir=tmp_path)
    inputs = Inputs(made.csv, made.parquet, made.events, tmp_path, tmp_path)
    run = run_child(
        _child_args("import", "duckdb-csv", inputs),
        tmp_path / "run.log",
        tmp_path / "run.json",
        timeout=60,
        rss_cap_mb=1,
    )
    assert run.outcome["status"] == "error"
    assert run.outcome["reason"].startswith("out of memory: killed after")
    assert "(cap 1 MB)" in run.outcome["reason"]


def test_a_size_imports_its_shared_workspace_once(tmp_path: Path) -> None:
    # The catalog and process suites read one workspace per size: a setup that finds it
    # (imported by the import suite's Parquet run or an earlier suite) does not import.
    (tmp_path / SHARED_WORKSPACE).write_bytes(b"already imported")
    missing = tmp_path / "no-such.parquet"  # an import would fail on it
    inputs = Inputs(missing, missing, 1, tmp_path, tmp_path)
    assert import_once()(inputs)() == {"reused": True}
    assert (tmp_path / SHARED_WORKSPACE).read_bytes() == b"already imported"


def test_kept_workspaces_live_in_a_folder_per_size(tmp_path: Path) -> None:
    from benchmarks.run import _shared_folder

    with _shared_folder(10_000_000, tmp_path / "kept", None) as folder:
        (Path(folder) / SHARED_WORKSPACE).write_bytes(b"imported")
    # The folder outlives the run, named by size; without the option it is temporary.
    assert (tmp_path / "kept" / "10M" / SHARED_WORKSPACE).read_bytes() == b"imported"
    with _shared_folder(10_000_000, None, tmp_path) as temporary:
        assert Path(temporary).parent == tmp_path
    assert not Path(temporary).exists()
