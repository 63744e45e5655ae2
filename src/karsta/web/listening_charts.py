"""Vega-Lite specifications of the listening pages' charts, one builder per chart.

Built on the server from what `karsta.feedback` returns, every text already translated;
the pages draw them with vega-embed and list the same figures in a table beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from karsta.charts import ACCENT
from karsta.web.process_charts import chart_spec
from karsta.web.visit_charts import PALETTE


@dataclass(frozen=True)
class BandPoint:
    """One period's figure of one series, its 95 % interval and whether it has too few answers."""

    period: str
    series: str
    value: float | None
    low: float | None
    high: float | None
    too_few: bool


def _segments(points: Sequence[BandPoint]) -> list[dict[str, Any]]:
    """Return the points as chart rows; a line runs only through neighbouring enough-answer ones.

    Each series' run of consecutive periods with enough answers is one segment: a period
    with too few answers (or no figure) ends it, so no line or band crosses it.
    """
    periods = list(dict.fromkeys(p.period for p in points))
    rows = []
    for series in dict.fromkeys(p.series for p in points):
        own = {p.period: p for p in points if p.series == series}
        segment = 0
        for period in periods:
            point = own.get(period)
            if point is None or point.value is None or point.too_few:
                segment += 1
            if point is None or point.value is None:
                continue
            rows.append(
                {
                    "period": period,
                    "series": series,
                    "value": point.value,
                    "low": point.low,
                    "high": point.high,
                    "enough": not point.too_few,
                    "segment": f"{series}·{segment}",
                }
            )
    return rows


def score_bands(
    points: Sequence[BandPoint],
    *,
    title: str,
    period_title: str,
    value_title: str,
    value_format: str,
    too_few_title: str,
) -> dict[str, Any]:
    """Return a line per series through its figures with the 95 % interval as a band.

    A figure from too few answers is a hollow point, outside every line and band.
    """
    values = _segments(points)
    periods = list(dict.fromkeys(p.period for p in points))
    series = list(dict.fromkeys(p.series for p in points))
    x = {
        "field": "period",
        "type": "ordinal",
        "sort": periods,
        "title": period_title,
        "axis": {"labelAngle": -40, "labelOverlap": True},
    }
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "range": [ACCENT, *PALETTE[1:]]},
        "legend": {"orient": "top", "symbolOpacity": 1} if len(series) > 1 else None,
    }
    tooltip = [
        {"field": "period", "type": "ordinal", "title": period_title},
        {"field": "series", "type": "nominal", "title": " "},
        {"field": "value", "type": "quantitative", "title": value_title, "format": value_format},
        {"field": "low", "type": "quantitative", "title": "95 % –", "format": value_format},
        {"field": "high", "type": "quantitative", "title": "– 95 %", "format": value_format},
    ]
    enough = [{"filter": "datum.enough"}]
    y_title = {
        "title": value_title,
        "axis": {"format": value_format},
        "scale": {"zero": False},
    }
    return chart_spec(
        title,
        240,
        {
            "data": {"values": values},
            "encoding": {"x": x},
            "layer": [
                {
                    "transform": enough,
                    "mark": {"type": "area", "opacity": 0.18},
                    "encoding": {
                        "y": {"field": "low", "type": "quantitative", **y_title},
                        "y2": {"field": "high"},
                        "color": colour,
                        "detail": {"field": "segment"},
                    },
                },
                {
                    "transform": enough,
                    "mark": {"type": "line", "point": {"filled": True, "size": 50}},
                    "encoding": {
                        "y": {"field": "value", "type": "quantitative"},
                        "color": colour,
                        "detail": {"field": "segment"},
                        "tooltip": tooltip,
                    },
                },
                {
                    "transform": [{"filter": "!datum.enough"}],
                    "mark": {"type": "point", "filled": False, "size": 90, "strokeWidth": 2},
                    "encoding": {
                        "y": {"field": "value", "type": "quantitative"},
                        "color": colour,
                        "tooltip": [
                            *tooltip[:3],
                            {"datum": too_few_title, "type": "nominal", "title": " "},
                        ],
                    },
                },
            ],
        },
    )


def month_bars(
    points: Sequence[tuple[str, int]],
    *,
    title: str,
    count_title: str,
    months: Sequence[str] = (),
) -> dict[str, Any]:
    """Return a small bar per month (answers of one theme), oldest first.

    `months` are every month the axis shows, in order (default: those of `points`), so
    a month without answers is a gap, not a month left out of the axis.
    """
    values = [{"month": month, "count": count} for month, count in points]
    axis = list(months) or [m for m, _n in points]
    return chart_spec(
        title,
        60,
        {
            "data": {"values": values},
            "mark": {"type": "bar", "color": ACCENT},
            "encoding": {
                "x": {
                    "field": "month",
                    "type": "ordinal",
                    "sort": axis,
                    "scale": {"domain": axis},
                    "title": None,
                    "axis": {"labelAngle": -40, "labelOverlap": True, "labelFontSize": 9},
                },
                "y": {
                    "field": "count",
                    "type": "quantitative",
                    "title": None,
                    "axis": {"format": ",d", "tickCount": 2, "tickMinStep": 1},
                },
                "tooltip": [
                    {"field": "month", "type": "ordinal", "title": " "},
                    {"field": "count", "type": "quantitative", "title": count_title},
                ],
            },
        },
    )


def rate_bars(
    rows: Sequence[tuple[str, float | None, float | None, float | None]],
    *,
    title: str,
    band_title: str,
    value_title: str,
) -> dict[str, Any]:
    """Return a bar per (band, percent, low, high) with its 95 % interval; None is left out."""
    values = [
        {"band": band, "value": value, "low": low, "high": high}
        for band, value, low, high in rows
        if value is not None
    ]
    order = [band for band, *_rest in rows]
    x = {
        "field": "band",
        "type": "ordinal",
        "sort": order,
        "title": band_title,
        "axis": {"labelAngle": 0},
    }
    return chart_spec(
        title,
        220,
        {
            "data": {"values": values},
            "encoding": {"x": x},
            "layer": [
                {
                    "mark": {"type": "bar", "color": ACCENT, "opacity": 0.85},
                    "encoding": {
                        "y": {
                            "field": "value",
                            "type": "quantitative",
                            "title": value_title,
                            "axis": {"format": ",.0f"},
                        },
                        "tooltip": [
                            {"field": "band", "type": "ordinal", "title": band_title},
                            {
                                "field": "value",
                                "type": "quantitative",
                                "title": value_title,
                                "format": ",.1f",
                            },
                            {
                                "field": "low",
                                "type": "quantitative",
                                "title": "95 % –",
                                "format": ",.1f",
                            },
                            {
                                "field": "high",
                                "type": "quantitative",
                                "title": "– 95 %",
                                "format": ",.1f",
                            },
                        ],
                    },
                },
                {
                    "mark": {"type": "rule", "color": "#222", "strokeWidth": 1.5},
                    "encoding": {
                        "y": {"field": "low", "type": "quantitative"},
                        "y2": {"field": "high"},
                    },
                },
            ],
        },
    )
