"""Guard rails for engine-neutral Ibis expressions: what DuckDB and Spark agree on, and what not.

Each test proves one rule of the list in `karsta.workspace.spark`. A rule that says
"differs" is proven by showing the difference and then the form that agrees; when a
new Ibis or engine version removes the difference the test fails, and the rule can go.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from ibis import _

from karsta.workspace import TableSource
from tests.parity import (
    Build,
    assert_same_results,
    differences,
    run_everywhere,
    servicenow_workspace,
    spark_source,
)

pytestmark = pytest.mark.spark


def both(build: Build) -> tuple[pa.Table, pa.Table]:
    """Run `build` on the DuckDB workspace and on Spark; return (duckdb, spark) rows."""
    results = run_everywhere(build, {"duckdb": servicenow_workspace(), "spark": spark_source()})
    return results["duckdb"], results["spark"]


def values(table: pa.Table, column: str) -> list[Any]:
    return list(table.column(column).to_pylist())


def memtable(data: dict[str, list[Any]]) -> ir.Table:
    """Return an in-memory table built through Arrow (a dict would go through pandas)."""
    return ibis.memtable(pa.table(data))


def small() -> ir.Table:
    """Six rows with a null in every column but x."""
    return memtable(
        {
            "k": ["a", "a", "b", "b", "c", None],
            "x": [1, 2, 3, 4, 5, 6],
            "f": [0.5, 1.5, None, 2.0, -2.5, 2.5],
            "s": ["a", "B", "ä", "Z", "z", None],
        }
    )


def moments() -> ir.Table:
    """Pairs of UTC instants, one pair a microsecond apart across a minute boundary."""
    return memtable(
        {
            "i": [1, 2, 3],
            "a": [
                datetime(2016, 3, 1, 10, 59, 30, 500000, tzinfo=UTC),
                datetime(2016, 3, 1, 10, 0, tzinfo=UTC),
                datetime(2016, 3, 1, 10, 0, 59, 999999, tzinfo=UTC),
            ],
            "b": [
                datetime(2016, 3, 1, 11, 0, 10, tzinfo=UTC),
                datetime(2016, 3, 2, 9, 0, tzinfo=UTC),
                datetime(2016, 3, 1, 10, 1, tzinfo=UTC),
            ],
        }
    )


# --- aggregates ----------------------------------------------------------------------------


def test_median_and_quantile_are_exact_and_interpolated_on_both() -> None:
    even = assert_same_results(
        lambda s: memtable({"x": [1, 2, 3, 10]}).aggregate(
            m=_.x.median(), q25=_.x.quantile(0.25), q90=_.x.quantile(0.9)
        )
    )
    # Linear interpolation between ranks (numpy's default): no approximation.
    assert even.to_pylist() == [{"m": 2.5, "q25": 1.75, "q90": pytest.approx(7.9)}]
    assert_same_results(
        lambda s: (
            s.table("tickets")
            .group_by("priority")
            .aggregate(
                m=_.event_count.median(),
                p90=_.pause_seconds.quantile(0.9),
                p90_reopened=_.event_count.quantile(0.9, where=_.reopen_count > 0),
            )
        ),
        min_rows=4,
    )


def test_quantile_of_timestamps_works_on_duckdb_only() -> None:
    def build(s: TableSource) -> ir.Table:
        return s.table("tickets").aggregate(m=_.opened_at.quantile(0.5))

    assert servicenow_workspace().to_arrow(build(servicenow_workspace())).num_rows == 1
    with pytest.raises(Exception, match="DATATYPE_MISMATCH"):
        spark_source().to_arrow(build(spark_source()))


def test_approximate_aggregates_differ() -> None:
    duck, spark = both(lambda s: s.table("ticket_events").aggregate(n=_.agent.approx_nunique()))
    assert differences(duck, spark)


def test_nunique_is_exact() -> None:
    result = assert_same_results(
        lambda s: s.table("ticket_events").aggregate(
            agents=_.agent.nunique(),
            groups=_.group.nunique(),
            paused_agents=_.agent.nunique(where=_.is_pause),
        )
    )
    events = servicenow_workspace().to_arrow(servicenow_workspace().table("ticket_events"))
    agents = {a for a in events.column("agent").to_pylist() if a is not None}
    assert result.column("agents").to_pylist() == [len(agents)]


def test_integer_float_and_boolean_aggregates_agree() -> None:
    assert_same_results(
        lambda s: s.table("tickets").aggregate(
            n=_.count(),
            reopened=_.count(where=_.reopen_count > 0),
            share=(_.reopen_count > 0).mean(),
            total=_.reassignment_count.sum(),
            mean=_.reassignment_count.mean(),
            sd=_.reassignment_count.std(),
            var=_.event_count.var(how="pop"),
            pause=_.pause_seconds.sum(),
        )
    )
    assert_same_results(
        lambda s: s.table("ticket_events").aggregate(
            paused=_.is_pause.sum(), share=_.is_pause.mean(), known=_.is_pause.count()
        )
    )


def test_aggregates_of_nothing_are_null_and_counts_zero() -> None:
    result = assert_same_results(
        lambda s: small().filter(_.x > 100).aggregate(m=_.f.mean(), n=_.count(), t=_.x.sum())
    )
    assert result.to_pylist() == [{"m": None, "n": 0, "t": None}]


def test_argmax_with_ties_differs_unless_the_key_is_unique() -> None:
    duck, spark = both(lambda s: small().aggregate(k=_.k.argmin(_.x // 10)))
    assert differences(duck, spark)
    assert_same_results(lambda s: small().aggregate(k=_.k.argmin(_.x), f=_.f.argmax(_.x)))


def test_mode_and_ordered_first_do_not_compile_for_spark() -> None:
    with pytest.raises(Exception, match="Mode"):
        spark_source().to_arrow(small().aggregate(m=_.k.mode()))
    with pytest.raises(Exception, match="order_by"):
        spark_source().to_arrow(small().aggregate(v=_.x.first(order_by=ibis.desc("x"))))


# --- joins and windows -----------------------------------------------------------------------


def test_memtables_join_source_tables() -> None:
    targets = {"priority": ["1 - Critical", "2 - High"], "target_hours": [4.0, 8.0]}

    def build(s: TableSource) -> ir.Table:
        joined = s.table("tickets").join(memtable(targets), "priority")
        return joined.group_by("priority").aggregate(n=_.count(), target=_.target_hours.max())

    assert_same_results(build, min_rows=2)
    stamp = datetime(2016, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    result = assert_same_results(lambda s: memtable({"t": [stamp]}))
    assert result.column("t").to_pylist() == [stamp]


def test_inequality_joins_agree_inner_and_left() -> None:
    at = [datetime(2016, 3, 15, tzinfo=UTC), datetime(2016, 4, 1, tzinfo=UTC)]

    def build(s: TableSource) -> ir.Table:
        t = s.table("tickets").select("ticket_id", "priority", "opened_at", "resolved_at")
        m = memtable({"moment": at})
        still_open = (t.opened_at <= m.moment) & (
            (t.resolved_at > m.moment) | t.resolved_at.isnull()
        )
        inner = t.join(m, still_open).group_by("moment", "priority").aggregate(n=_.count())
        left = m.left_join(t, [m.moment >= t.opened_at, m.moment < t.resolved_at])
        counted = left.group_by("moment").aggregate(n=_.ticket_id.count())
        return inner.union(counted.mutate(priority=ibis.literal("all")).select(inner.columns))

    assert_same_results(build, min_rows=8)


def test_asof_join_is_not_supported_on_spark_use_a_range_join() -> None:
    moment = datetime(2016, 3, 3, 9, tzinfo=UTC)
    at = {"ticket_id": ["INC0000045", "INC0000130"], "at": [moment, moment]}

    def asof(s: TableSource) -> ir.Table:
        e = s.table("ticket_events")
        m = memtable(at)
        return m.asof_join(e, on=m.at >= e.timestamp, predicates="ticket_id")

    with pytest.raises(Exception, match="ASOF"):
        spark_source().to_arrow(asof(spark_source()))

    def last_event_before(s: TableSource) -> ir.Table:
        e = s.table("ticket_events").select("ticket_id", "seq", "timestamp", "activity")
        m = memtable(at)
        j = m.join(e, [m.ticket_id == e.ticket_id, e.timestamp <= m.at])
        j = j.mutate(last=_.seq.max().over(group_by=["ticket_id", "at"]))
        return j.filter(_.seq == _.last).select("ticket_id", "at", "seq", "activity")

    result = assert_same_results(last_event_before, min_rows=2)
    assert values(result, "activity") == ["Resolved", "Resolved"]


def events_window(s: TableSource) -> tuple[ir.Table, Any]:
    """Return the events of the first two thousand tickets and the window over each ticket."""
    events = s.table("ticket_events").filter(_.ticket_id < "INC0002000")
    return events, ibis.window(group_by="ticket_id", order_by="seq")


def test_window_functions_over_ticket_and_seq_agree() -> None:
    def build(s: TableSource) -> ir.Table:
        e, w = events_window(s)
        return e.select(
            "ticket_id",
            "seq",
            n=ibis.row_number().over(w),
            previous=e.activity.lag().over(w),
            gap=(e.timestamp.epoch_seconds() - e.timestamp.lag().over(w).epoch_seconds()),
            following=e.timestamp.lead().over(w),
            paused_so_far=e.is_pause.cast("int64").sum().over(w),
        )

    result = assert_same_results(build, min_rows=5000)
    first = result.filter(pc.equal(result.column("seq"), 1))
    assert set(first.column("n").to_pylist()) == {0}  # row_number counts from 0 on both


def test_first_value_over_a_window_differs_on_nulls_join_the_first_row() -> None:
    def first_value(s: TableSource) -> ir.Table:
        e, w = events_window(s)
        return e.select("ticket_id", "seq", first_group=e.group.first().over(w))

    duck, spark = both(first_value)
    # DuckDB keeps a leading null; Spark's FIRST skips nulls.
    assert differences(duck, spark)

    def joined(s: TableSource) -> ir.Table:
        e, _w = events_window(s)
        first = e.filter(e.seq == 1).select("ticket_id", first_group="group")
        return e.select("ticket_id", "seq").join(first, "ticket_id")

    assert_same_results(joined, min_rows=5000)


def test_rank_with_ties_agrees() -> None:
    result = assert_same_results(
        lambda s: memtable({"x": [1, 1, 2]}).mutate(
            r=ibis.rank().over(order_by="x"), d=ibis.dense_rank().over(order_by="x")
        )
    )
    assert sorted(values(result, "r")) == [0, 0, 2]


# --- time -------------------------------------------------------------------------------------


def test_truncate_and_date_parts_agree() -> None:
    def build(s: TableSource) -> ir.Table:
        t = s.table("tickets")
        return t.group_by(
            month=t.opened_at.truncate("M"),
            week=t.opened_at.truncate("W"),
            weekday=t.opened_at.day_of_week.index(),
            day_name=t.opened_at.day_of_week.full_name(),
            hour=t.opened_at.hour(),
            date=t.opened_at.date(),
            iso_week=t.opened_at.week_of_year(),
            quarter=t.opened_at.quarter(),
            hour_start=t.opened_at.truncate("h"),
        ).aggregate(n=_.count())

    result = assert_same_results(build, min_rows=1000)
    monday = datetime(2016, 2, 29).date()
    week = result.filter(pc.equal(result.column("date"), monday)).column("week")
    assert set(week.to_pylist()) == {datetime(2016, 2, 29)}  # weeks start on Monday


def test_timestamp_literals_and_interval_arithmetic_agree() -> None:
    def build(s: TableSource) -> ir.Table:
        t = s.table("tickets")
        return t.aggregate(
            naive=_.count(where=t.opened_at >= ibis.timestamp("2016-03-01 00:00:00")),
            utc=_.count(where=t.opened_at >= ibis.timestamp("2016-03-01 00:00:00+00:00")),
            python=_.count(where=t.opened_at >= datetime(2016, 3, 1, tzinfo=UTC)),
            week=_.count(where=t.resolved_at <= t.opened_at + ibis.interval(days=7)),
            day=_.count(where=t.resolved_at <= t.opened_at + ibis.interval(hours=24)),
        )

    result = assert_same_results(build)
    row = result.to_pylist()[0]
    assert row["naive"] == row["utc"] == row["python"]


def test_delta_differs_above_microseconds() -> None:
    def build(s: TableSource) -> ir.Table:
        return moments().select(
            "i",
            hours=_.b.delta(_.a, unit="hour"),
            minutes=_.b.delta(_.a, unit="minute"),
            seconds=_.b.delta(_.a, unit="second"),
        )

    duck, spark = both(build)
    # DuckDB counts unit boundaries crossed, Spark whole units elapsed.
    assert values(duck, "minutes") == [1, 1380, 1]
    assert values(spark, "minutes") == [0, 1380, 0]
    result = assert_same_results(
        lambda s: moments().select(
            "i", seconds=_.b.delta(_.a, unit="microsecond").cast("float64") / 1e6
        )
    )
    assert values(result, "seconds") == [39.5, 82800.0, 1e-6]


def test_epoch_seconds_differ_below_a_second() -> None:
    def build(s: TableSource) -> ir.Table:
        return moments().select("i", d=(_.b.epoch_seconds() - _.a.epoch_seconds()).cast("float64"))

    duck, spark = both(build)
    assert values(spark, "d") == [40.0, 82800.0, 1.0]  # whole seconds, floored
    assert values(duck, "d")[0] == 39.5  # DuckDB keeps the fraction


def test_durations_on_the_real_log_agree() -> None:
    def build(s: TableSource) -> ir.Table:
        t = s.table("tickets").filter(_.resolved_at.notnull())
        hours = t.resolved_at.delta(t.opened_at, unit="microsecond").cast("float64") / 3.6e9
        whole = t.resolved_at.epoch_seconds() - t.opened_at.epoch_seconds()
        return t.group_by("priority").aggregate(
            mean=hours.mean(), median=hours.median(), p90=hours.quantile(0.9), seconds=whole.sum()
        )

    assert_same_results(build, min_rows=4)


def test_intervals_are_not_results() -> None:
    with pytest.raises(Exception, match="interval"):
        servicenow_workspace().to_arrow(moments().select(d=_.b - _.a))


# --- arithmetic -------------------------------------------------------------------------------


def test_division_floor_division_and_modulo_agree() -> None:
    result = assert_same_results(
        lambda s: small().select(
            "x", d=_.x / 2, fd=_.x // 2, nfd=(-_.x) // 2, m=_.x % 3, nm=(-_.x) % 3
        )
    )
    assert values(result, "nfd") == [-1, -1, -2, -2, -3, -3]  # floor, not truncation
    assert values(result, "nm") == [-1, -2, 0, -1, -2, 0]  # sign of the dividend


def test_division_by_zero_differs_unless_the_divisor_is_guarded() -> None:
    duck = servicenow_workspace().to_arrow(small().select(d=_.x / (_.x - 1)))
    assert float("inf") in values(duck, "d")
    with pytest.raises(Exception, match="DIVIDE_BY_ZERO"):
        spark_source().to_arrow(small().select(d=_.x / (_.x - 1)))
    guarded = assert_same_results(lambda s: small().select(d=_.x / (_.x - 1).nullif(0)))
    assert None in values(guarded, "d")


def test_float_to_integer_cast_differs_use_floor_ceil_or_round() -> None:
    duck, spark = both(lambda s: small().select("x", i=_.f.cast("int64")))
    assert values(duck, "i")[1] == 2  # DuckDB rounds 1.5
    assert values(spark, "i")[1] == 1  # Spark truncates it
    result = assert_same_results(
        lambda s: small().select("x", lo=_.f.floor(), hi=_.f.ceil(), r=_.f.round())
    )
    assert values(result, "r") == [1, 2, None, 2, -3, 3]  # half away from zero


def test_rounding_to_digits_differs() -> None:
    duck, spark = both(lambda s: memtable({"v": [1.005]}).select(r=_.v.round(2)))
    assert (values(duck, "r"), values(spark, "r")) == ([1.0], [1.01])


def test_floating_functions_differ_in_the_last_bits() -> None:
    duck, spark = both(lambda s: small().select("x", l=_.x.log10()))
    assert differences(duck, spark, rel=0.0, abs_tol=0.0)
    assert not differences(duck, spark)


# --- ordering and strings ---------------------------------------------------------------------


def test_nulls_sort_last_both_ways() -> None:
    def ordered(s: TableSource) -> ir.Table:
        return small().select(
            "f",
            up=ibis.row_number().over(order_by="f"),
            down=ibis.row_number().over(order_by=ibis.desc("f")),
            first=ibis.row_number().over(order_by=ibis.asc("f", nulls_first=True)),
        )

    result = assert_same_results(ordered)
    null_row = next(r for r in result.to_pylist() if r["f"] is None)
    assert (null_row["up"], null_row["down"], null_row["first"]) == (5, 5, 0)


def test_strings_sort_by_code_point() -> None:
    result = assert_same_results(
        lambda s: (
            small()
            .select("s", n=ibis.row_number().over(order_by="s"), lo=_.s.lower(), up=_.s.upper())
            .mutate(smallest=_.s.min().over(), largest=_.s.max().over())
        )
    )
    by_rank = sorted(result.to_pylist(), key=lambda r: r["n"])
    assert [r["s"] for r in by_rank] == ["B", "Z", "a", "z", "ä", None]
    assert "Ä" in values(result, "up")


def test_string_functions_agree() -> None:
    assert_same_results(
        lambda s: small().select(
            c=_.s + "-x",
            n=_.s.length(),
            has=_.s.contains("a"),
            re=_.s.re_search("^[a-z]$"),
            case=ibis.cases((_.x < 3, "low"), (_.x < 5, "mid"), else_="high"),
            filled=_.f.fill_null(0),
        )
    )
