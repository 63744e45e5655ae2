"""The parity helper itself: it must see every real difference and forgive only float noise."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

import karsta
from karsta.workspace import TableSource
from karsta.workspace.parquet import ParquetSource
from tests.parity import assert_same_results, differences, unavailable


def table(**columns: list[object]) -> pa.Table:
    return pa.table(columns)


def test_equal_results_in_another_order_with_float_noise_agree() -> None:
    a = table(k=["x", "y", None], v=[0.1 + 0.2, 1e-20, float("nan")])
    b = table(k=[None, "y", "x"], v=[float("nan"), 0.0, 0.3])
    assert differences(a, b) == []


def test_every_kind_of_difference_is_reported() -> None:
    base = table(k=["x", "y"], n=[1, 2], v=[1.0, 2.0])
    assert differences(base, table(k=["x", "z"], n=[1, 2], v=[1.0, 2.0]))
    assert differences(base, table(k=["x", "y"], n=[1, 3], v=[1.0, 2.0]))
    assert differences(base, table(k=["x", "y"], n=[1, 2], v=[1.0, 2.000001]))
    assert differences(base, table(k=["x"], n=[1], v=[1.0]))
    assert differences(base, table(k=["x", "y"], m=[1, 2], v=[1.0, 2.0]))
    assert differences(base, table(k=["x", "y"], n=[1.0, 2.0], v=[1.0, 2.0]))


def test_timestamps_must_match_to_the_microsecond() -> None:
    moment = datetime(2016, 3, 1, 12, tzinfo=UTC)
    later = datetime(2016, 3, 1, 12, 0, 0, 1, tzinfo=UTC)
    assert differences(table(t=[moment]), table(t=[later]))
    assert not differences(table(t=[moment]), table(t=[moment]))


def test_the_report_names_the_engines_and_the_row() -> None:
    found = differences(table(k=["x"], v=[1.0]), table(k=["x"], v=[2.0]), names=("duckdb", "spark"))
    assert found == ["sorted row 0 {'k': 'x'}: v: duckdb 1.0, spark 2.0"]


def test_assert_same_results_compares_given_sources(tmp_path: Path) -> None:
    with karsta.open(tmp_path / "w.karsta") as ws:
        ws.export(tmp_path / "export")
        with ParquetSource(tmp_path / "export") as pq:
            sources: dict[str, TableSource] = {"duckdb": ws, "duckdb-parquet": pq}
            one = ibis.memtable(pa.table({"n": [1]}))
            assert assert_same_results(lambda s: one, sources=sources).num_rows == 1
            with pytest.raises(AssertionError, match="only 0 rows on every engine"):
                assert_same_results(lambda s: s.table("tickets"), sources=sources)
            with pytest.raises(AssertionError, match="engines disagree"):
                assert_same_results(
                    lambda s: ibis.memtable(pa.table({"label": [s.label]})), sources=sources
                )


def test_missing_engines_skip_on_a_developer_machine_and_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        unavailable("no Java")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no Java"):
        unavailable("no Java")
