"""Vega-Lite specifications of the visits pages' charts, one builder per chart.

Built on the server from what `karsta.visits` returns, every text already translated;
the pages draw them with vega-embed and list the same figures in a table beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from karsta.charts import ACCENT
from karsta.web.process_charts import chart_spec

SECOND_COLOUR = "#b34700"
PALETTE = [ACCENT, SECOND_COLOUR, "#5f6b76"]


def histogram_bars(
    rows: Sequence[tuple[str, str, int]],
    *,
    title: str,
    bin_title: str,
    count_title: str,
    series_title: str,
) -> dict[str, Any]:
    """Return bars of (bin label, series, visits), the bins in the given order, stacked."""
    values = [
        {"bin": label, "series": series, "visits": visits, "rank": i}
        for i, (label, series, visits) in enumerate(rows)
    ]
    order = list(dict.fromkeys(label for label, _series, _visits in rows))
    return chart_spec(
        title,
        240,
        {
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {
                    "field": "bin",
                    "type": "ordinal",
                    "sort": order,
                    "title": bin_title,
                    "axis": {"labelAngle": -40},
                },
                "y": {
                    "field": "visits",
                    "type": "quantitative",
                    "stack": "zero",
                    "title": count_title,
                    "axis": {"format": ",d", "tickMinStep": 1},
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"range": PALETTE},
                    "legend": {"orient": "top"},
                },
                "tooltip": [
                    {"field": "bin", "type": "ordinal", "title": bin_title},
                    {"field": "series", "type": "nominal", "title": series_title},
                    {"field": "visits", "type": "quantitative", "title": count_title},
                ],
            },
        },
    )


def grouped_rates(
    rows: Sequence[tuple[str, str, float | None]],
    *,
    title: str,
    group_title: str,
    value_title: str,
    series_title: str,
) -> dict[str, Any]:
    """Return bars of (group, series, percent) side by side in each group; None is left out."""
    values = [
        {"group": group, "series": series, "value": value}
        for group, series, value in rows
        if value is not None
    ]
    order = list(dict.fromkeys(group for group, _series, _value in rows))
    series_order = list(dict.fromkeys(series for _group, series, _value in rows))
    return chart_spec(
        title,
        240,
        {
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {
                    "field": "group",
                    "type": "nominal",
                    "sort": order,
                    "title": group_title,
                    "axis": {"labelAngle": 0},
                },
                "xOffset": {"field": "series", "type": "nominal", "sort": series_order},
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title,
                    "axis": {"format": ",.0f"},
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": series_order,
                    "scale": {"domain": series_order, "range": PALETTE},
                    "legend": {"orient": "top"},
                },
                "tooltip": [
                    {"field": "group", "type": "nominal", "title": group_title},
                    {"field": "series", "type": "nominal", "title": series_title},
                    {
                        "field": "value",
                        "type": "quantitative",
                        "title": value_title,
                        "format": ",.1f",
                    },
                ],
            },
        },
    )


def interval_dots(
    rows: Sequence[tuple[str, str, float, float | None, float | None]],
    *,
    title: str,
    value_title: str,
    series_title: str,
    value_format: str,
) -> dict[str, Any]:
    """Return a dot per (figure, side, value, low, high) with its interval as a line."""
    values = [
        {"figure": figure, "side": side, "value": value, "low": low, "high": high}
        for figure, side, value, low, high in rows
    ]
    order = list(dict.fromkeys(figure for figure, *_rest in rows))
    sides = list(dict.fromkeys(side for _figure, side, *_rest in rows))
    y = {"field": "figure", "type": "nominal", "sort": order, "title": None}
    y_offset = {"field": "side", "type": "nominal", "sort": sides}
    colour = {
        "field": "side",
        "type": "nominal",
        "title": None,
        "scale": {"domain": sides, "range": PALETTE},
        "legend": {"orient": "top"},
    }
    tooltip = [
        {"field": "figure", "type": "nominal", "title": " "},
        {"field": "side", "type": "nominal", "title": series_title},
        {"field": "value", "type": "quantitative", "title": value_title, "format": value_format},
        {"field": "low", "type": "quantitative", "title": "95 % –", "format": value_format},
        {"field": "high", "type": "quantitative", "title": "– 95 %", "format": value_format},
    ]
    return chart_spec(
        title,
        max(80, 44 * len(order)),
        {
            "data": {"values": values},
            "encoding": {"y": y, "yOffset": y_offset, "color": colour, "tooltip": tooltip},
            "layer": [
                {
                    "mark": {"type": "rule", "strokeWidth": 2},
                    "encoding": {
                        "x": {"field": "low", "type": "quantitative", "title": value_title},
                        "x2": {"field": "high"},
                    },
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 70},
                    "encoding": {
                        "x": {
                            "field": "value",
                            "type": "quantitative",
                            "axis": {"format": ",~f"},
                        }
                    },
                },
            ],
        },
    )
