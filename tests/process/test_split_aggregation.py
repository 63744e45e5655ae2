"""Aggregations run apart and joined in Arrow equal the one joined expression."""

from __future__ import annotations

import ibis
import pyarrow as pa

from karsta.process.split_aggregation import SplitAggregation, joined_in_order


def test_joined_in_order_keeps_the_first_tables_rows_and_order() -> None:
    first = pa.table({"k": ["c", "a", "b"], "n": [3, 1, 2]})
    other = pa.table({"k": ["a", "c", "z"], "m": [10.0, 30.0, 99.0]})
    joined = joined_in_order(first, other, ["k"])
    # c and a are matched; b has no partner (null); z is not in the first table.
    assert joined.to_pylist() == [
        {"k": "c", "n": 3, "m": 30.0},
        {"k": "a", "n": 1, "m": 10.0},
        {"k": "b", "n": 2, "m": None},
    ]


def test_running_the_parts_apart_equals_the_joined_expression() -> None:
    rows = pa.table(
        {
            "ticket": ["t1", "t1", "t2", "t3", "t3", "t3"],
            "step": ["A", "A", "A", "B", "B", "C"],
            "wait": [1.0, 3.0, 5.0, 2.0, 4.0, 7.0],
        }
    )
    con = ibis.duckdb.connect()
    table = ibis.memtable(rows)
    grouped = table.group_by("step")
    counts = grouped.aggregate(count=table.count(), tickets=table.ticket.nunique())
    counts = counts.filter(counts["count"] >= 2)
    waits = grouped.aggregate(median=table.wait.median())
    split = SplitAggregation((counts, waits), ("step",), (ibis.desc("count"), "step"))
    apart = split.run(con.to_pyarrow).to_pylist()
    together = con.to_pyarrow(split.expr()).to_pylist()
    # A: 3 rows of 2 tickets, waits 1, 3, 5 (median 3); B: 2 rows, 1 ticket, median 3;
    # C has 1 row and is left out by the count filter.
    assert apart == [
        {"step": "A", "count": 3, "tickets": 2, "median": 3.0},
        {"step": "B", "count": 2, "tickets": 1, "median": 3.0},
    ]
    assert together == apart
