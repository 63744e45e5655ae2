"""The listening pages' chart specifications: no line or band through too few answers."""

from __future__ import annotations

from karsta.web.listening_charts import BandPoint, month_bars, rate_bars, score_bands


def _band(
    period: str, value: float | None, too_few: bool = False, series: str = "NPS"
) -> BandPoint:
    low = None if value is None else value - 5
    high = None if value is None else value + 5
    return BandPoint(period, series, value, low, high, too_few)


def _spec(points: list[BandPoint]) -> dict:  # type: ignore[type-arg]
    return score_bands(
        points,
        title="NPS",
        period_title="period",
        value_title="NPS",
        value_format=",.1f",
        too_few_title="too few answers",
    )


def test_a_figure_from_too_few_answers_breaks_the_line_and_the_band() -> None:
    # Jan, Feb enough; Mar too few; Apr, May enough: two runs, March a point of its own.
    spec = _spec(
        [_band("01", 25), _band("02", 10), _band("03", 0, too_few=True), _band("04", 40),
         _band("05", 25)]
    )  # fmt: skip
    rows = {r["period"]: r for r in spec["data"]["values"]}
    assert [rows[p]["enough"] for p in ("01", "02", "03", "04", "05")] == [
        True, True, False, True, True
    ]  # fmt: skip
    assert rows["01"]["segment"] == rows["02"]["segment"]
    assert rows["04"]["segment"] == rows["05"]["segment"]
    assert rows["02"]["segment"] != rows["04"]["segment"]
    band, line, hollow = spec["layer"]
    # The band and the line draw only enough-answer figures, one path per segment.
    assert band["transform"] == line["transform"] == [{"filter": "datum.enough"}]
    assert band["encoding"]["detail"] == line["encoding"]["detail"] == {"field": "segment"}
    assert hollow["transform"] == [{"filter": "!datum.enough"}]
    assert hollow["mark"]["filled"] is False


def test_a_period_without_a_figure_also_breaks_the_line() -> None:
    spec = _spec([_band("01", 25), _band("02", None), _band("03", 30)])
    rows = spec["data"]["values"]
    assert [r["period"] for r in rows] == ["01", "03"]  # no figure, no point
    assert rows[0]["segment"] != rows[1]["segment"]


def test_each_series_has_its_own_segments() -> None:
    spec = _spec(
        [_band("01", 3, series="workload"), _band("02", 4, series="workload"),
         _band("01", 2, series="team", too_few=True), _band("02", 3, series="team")]
    )  # fmt: skip
    segments = {(r["series"], r["period"]): r["segment"] for r in spec["data"]["values"]}
    assert segments[("workload", "01")] == segments[("workload", "02")]
    assert segments[("team", "02")] != segments[("workload", "02")]
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["workload", "team"]


def test_rates_without_a_figure_are_left_out_and_months_kept_in_order() -> None:
    rates = rate_bars(
        [("first", 80.0, 70.0, 88.0), ("0–7", None, None, None), ("7–30", 50.0, 40.0, 60.0)],
        title="t",
        band_title="days",
        value_title="%",
    )
    assert [v["band"] for v in rates["data"]["values"]] == ["first", "7–30"]
    assert rates["encoding"]["x"]["sort"] == ["first", "0–7", "7–30"]
    months = month_bars([("tammi 2024", 5), ("helmi 2024", 4)], title="t", count_title="n")
    assert months["data"]["values"] == [
        {"month": "tammi 2024", "count": 5},
        {"month": "helmi 2024", "count": 4},
    ]
    assert months["encoding"]["x"]["sort"] == ["tammi 2024", "helmi 2024"]


def test_a_month_without_answers_of_a_theme_is_a_gap_on_the_axis() -> None:
    months = month_bars(
        [("tammi", 5), ("maalis", 2)],
        title="t",
        count_title="n",
        months=["tammi", "helmi", "maalis"],
    )
    assert months["encoding"]["x"]["scale"]["domain"] == ["tammi", "helmi", "maalis"]
    assert [v["month"] for v in months["data"]["values"]] == ["tammi", "maalis"]
