"""The channel pages' chart builders: the figures they are given, in order, nothing added."""

from __future__ import annotations

from karsta.web.channel_charts import (
    count_bars,
    mix_bars,
    percent_lines,
    predicted_against_observed,
    weekday_lines,
)


def test_lines_leave_out_what_has_no_value_and_keep_the_order() -> None:
    rows = [("0–10 s", "a", 5.0), ("0–10 s", "b", None), ("10–20 s", "a", 7.5)]
    spec = percent_lines(rows, title="T", x_title="x", y_title="%")
    assert spec["data"]["values"] == [
        {"x": "0–10 s", "series": "a", "value": 5.0},
        {"x": "10–20 s", "series": "a", "value": 7.5},
    ]
    assert spec["encoding"]["x"]["sort"] == ["0–10 s", "10–20 s"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["a", "b"]


def test_bars_mix_and_weekdays_draw_the_rows_given() -> None:
    bars = count_bars([("b", 2), ("a", 1)], title="T", x_title="x", y_title="n")
    assert bars["encoding"]["x"]["sort"] == ["b", "a"]
    mix = mix_bars(
        [("2024-03", "phone", 4), ("2024-03", "portal", 1), ("2024-04", "portal", 1)],
        [("2024-03", 20.0), ("2024-04", 100.0)],
        title="T",
        period_title="p",
        count_title="n",
        share_title="%",
        share_series="s",
    )
    counts, share = mix["layer"]
    assert [v["n"] for v in counts["data"]["values"]] == [4, 1, 1]
    assert share["data"]["values"] == [
        {"period": "2024-03", "share": 20.0},
        {"period": "2024-04", "share": 100.0},
    ]
    assert mix["resolve"] == {"scale": {"y": "independent"}}
    days = weekday_lines(
        [("ma", "10:00", 3.0), ("ma", "09:30", 2.0), ("ti", "09:30", 1.0)],
        title="T",
        x_title="t",
        y_title="n",
    )
    assert days["encoding"]["x"]["sort"] == ["09:30", "10:00"]
    assert days["encoding"]["color"]["sort"] == ["ma", "ti"]


def test_predicted_against_observed_has_the_line_where_they_are_equal() -> None:
    spec = predicted_against_observed(
        [("2024-03-04 10:00", 80.0, 50.0, 12.0)],
        title="T",
        predicted_title="p",
        observed_title="o",
        interval_title="i",
        offered_title="n",
    )
    equal, dots = spec["layer"]
    assert equal["data"]["values"] == [
        {"predicted": 0, "observed": 0},
        {"predicted": 100, "observed": 100},
    ]
    assert dots["data"]["values"] == [
        {"interval": "2024-03-04 10:00", "predicted": 80.0, "observed": 50.0, "offered": 12.0}
    ]
