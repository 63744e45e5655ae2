"""The shared statistics against numpy: exact quantiles and means on random unit tables."""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from karsta.metrics.measure import Mean, Quantile

KEYS = ["period", "dim_group"]
BACKEND = ibis.duckdb.connect()
SCHEMA = pa.schema(
    {"period": pa.string(), "dim_group": pa.string(), "included": pa.bool_(), "v": pa.float64()}
)

values = st.one_of(
    # Few distinct values: many ties.
    st.lists(st.sampled_from([0.0, 1.0, 2.5, 7.0]), min_size=1, max_size=12),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False), min_size=1, max_size=40),
)


def unit_table(groups: dict[str, list[float]], noise: list[float]) -> Any:
    """Return units: each group's values included, plus excluded and empty units per group."""
    rows = []
    for group, numbers in groups.items():
        rows += [{"dim_group": group, "included": True, "v": x} for x in numbers]
        # Excluded units and included units without a value must not move the ranks.
        rows += [{"dim_group": group, "included": False, "v": x} for x in noise]
        rows.append({"dim_group": group, "included": True, "v": None})
    table = pa.Table.from_pylist(
        [{"period": "", **row} for row in rows],
        schema=SCHEMA,
    )
    return ibis.memtable(table)


def figures(statistic: Any, units: Any) -> dict[str, dict[str, Any]]:
    """Return the statistic's result rows by group."""
    rows = BACKEND.to_pyarrow(statistic.aggregate(units, KEYS)).to_pylist()
    return {row["dim_group"]: row for row in rows}


@settings(max_examples=20, deadline=None)
@given(
    groups=st.dictionaries(st.sampled_from("abc"), values, min_size=1, max_size=3),
    noise=st.lists(st.floats(-1e9, 1e9, allow_nan=False), max_size=3),
)
@example(groups={"a": [5.0]}, noise=[-1.0])  # n = 1
@example(groups={"a": [5.0, 1.0]}, noise=[])  # n = 2
@example(groups={"a": [2.0, 2.0, 2.0, 1.0, 3.0, 3.0]}, noise=[100.0])  # ties
def test_quantiles_and_mean_equal_numpy(groups: dict[str, list[float]], noise: list[float]) -> None:
    units = unit_table(groups, noise)
    median = figures(Quantile("v", 0.5, name="median"), units)
    p90 = figures(Quantile("v", 0.9, name="p90"), units)
    mean = figures(Mean("v"), units)
    for group, numbers in groups.items():
        data = np.array(numbers)
        excluded = len(noise) + 1  # the excluded units and the empty one
        assert median[group]["value"] == pytest.approx(np.percentile(data, 50), rel=1e-12)
        assert p90[group]["value"] == pytest.approx(np.percentile(data, 90), rel=1e-12, abs=1e-9)
        assert (median[group]["n"], median[group]["excluded"]) == (len(numbers), excluded)
        assert median[group]["numerator"] is None
        assert mean[group]["value"] == pytest.approx(np.mean(data), rel=1e-9, abs=1e-6)
        assert (mean[group]["n"], mean[group]["excluded"]) == (len(numbers), excluded)


def test_quantile_scale_and_hand_values() -> None:
    # Seconds shown as hours: 3600, 7200, 21600, 86400 s = 1, 2, 6, 24 h.
    units = unit_table({"a": [3600.0, 86400.0, 7200.0, 21600.0]}, [])
    median = figures(Quantile("v", 0.5, name="median", scale=3600), units)["a"]
    p90 = figures(Quantile("v", 0.9, name="p90", scale=3600), units)["a"]
    assert median["value"] == 4.0  # rank 1.5: 2 + 0.5 * (6 - 2)
    assert p90["value"] == pytest.approx(18.6)  # rank 2.7: 6 + 0.7 * (24 - 6)


def test_quantile_of_a_group_with_no_values() -> None:
    units = unit_table({"a": []}, [1.0])
    row = figures(Quantile("v", 0.5), units)["a"]
    assert (row["value"], row["n"], row["excluded"]) == (None, 0, 2)
