"""The visit measures and drivers give the same figures on DuckDB and on Spark.

The hand-built office day and a small generated log are exported to Parquet, read by
Spark (local mode), and every figure is compared with the DuckDB workspace's.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from karsta.visits import VisitOptions, measure_visits
from karsta.visits.distribution import duration_histogram
from karsta.visits.drivers import no_show_drivers
from karsta.visits.generate import GeneratorSettings, add_generated_visits, generate_office_log
from karsta.workspace import Workspace
from tests.parity import require_spark
from tests.visits.conftest import insert_visits
from tests.visits.office import OFFICE_DAY

pytestmark = pytest.mark.spark


def same(left: Any, right: Any, path: str = "") -> list[str]:
    """Return where two JSON-like values differ (floats within 1e-9 relative)."""
    if isinstance(left, dict) and isinstance(right, dict):
        keys = set(left) | set(right)
        return [d for k in sorted(keys) for d in same(left.get(k), right.get(k), f"{path}.{k}")]
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return [f"{path}: {len(left)} vs {len(right)} items"]
        return [
            d
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for d in same(a, b, f"{path}[{i}]")
        ]
    if isinstance(left, float) and isinstance(right, float | int):
        return (
            []
            if math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
            else [f"{path}: {left} vs {right}"]
        )
    return [] if left == right else [f"{path}: {left!r} vs {right!r}"]  # fmt: skip


def test_measures_and_drivers_on_spark(workspace: Workspace, tmp_path: Path) -> None:
    require_spark()
    from karsta.workspace.spark import SparkSource

    insert_visits(workspace, OFFICE_DAY)
    add_generated_visits(workspace, generate_office_log(GeneratorSettings(days=3)))
    folder = tmp_path / "export"
    workspace.export(folder)
    options = VisitOptions(matter_channels={"card": "web", "change of address": "web"})
    spark = SparkSource(folder)
    try:
        expected = measure_visits(workspace, options=options).to_dict()
        found = measure_visits(spark, options=options).to_dict()
        for result in (expected, found):
            result.pop("source")
        assert not same(expected, found)
        drivers = no_show_drivers(workspace).to_dict()
        drivers_spark = no_show_drivers(spark).to_dict()
        drivers.pop("source")
        drivers_spark.pop("source")
        assert not same(drivers, drivers_spark)
        for measure in ("waiting_time", "lead_time"):
            spread = duration_histogram(workspace, measure).to_dict()
            assert not same(spread, duration_histogram(spark, measure).to_dict())
    finally:
        spark.close()
