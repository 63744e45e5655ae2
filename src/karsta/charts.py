"""Vega-Lite specifications of the charts, built on the server from what the analyses return.

One builder per chart, shared by every view: the web app draws a spec with vega-embed,
the reports render the same spec to SVG or PNG, so a chart looks the same on screen
and on paper. A builder takes plain data and texts already in the reader's language;
numbers are drawn with the d3 format it is given (`karsta.formatting.d3_format`) and
the locale the renderer is given (`karsta.formatting.d3_locale`). This module knows no
view: it imports neither the web app nor the reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
ACCENT = "#1f5f8b"
TARGET_COLOUR = "#8a4b00"
MUTED = "#5f6b76"
FONT = "system-ui, sans-serif"

Points = Sequence[tuple[str, float | None]]
"""(label, value) pairs in the order they are drawn; None values are left out."""


def _config() -> dict[str, Any]:
    """Return the config every chart shares.

    A page names the chart in its own element and puts a table or text with the same
    figures beside it, so the marks stay out of the accessibility tree.
    """
    return {
        "font": FONT,
        "view": {"stroke": None},
        "mark": {"aria": False},
        "axis": {"aria": False},
    }


def _values(points: Points, label: str = "period") -> list[dict[str, Any]]:
    return [{label: p, "value": v} for p, v in points if v is not None]


def _target_rule(target: float | None, title: str) -> list[dict[str, Any]]:
    """Return the dashed rule of a target (no layer without one)."""
    if target is None:
        return []
    return [
        {
            "mark": {
                "type": "rule",
                "color": TARGET_COLOUR,
                "strokeDash": [6, 4],
                "tooltip": title,
            },
            "encoding": {"y": {"datum": target}},
        }
    ]


def trend_chart(
    points: Points,
    *,
    title: str,
    period_title: str,
    value_title: str,
    value_format: str,
    target: float | None = None,
    target_title: str = "",
) -> dict[str, Any]:
    """Return a line chart of a figure by period, with the target as a rule when there is one.

    `points` are (period label for people, value), oldest first; `value_format` is a
    d3 format (e.g. ',.1f').
    """
    line: dict[str, Any] = {
        "mark": {"type": "line", "point": {"filled": True, "size": 50}, "color": ACCENT},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": None,
                "title": period_title,
                "axis": {"labelAngle": 0, "labelOverlap": True},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "axis": {"format": value_format},
            },
            "tooltip": [
                {"field": "period", "type": "ordinal", "title": period_title},
                {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title,
                    "format": value_format,
                },
            ],
        },
    }
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "description": title,
        "width": "container",
        "height": 220,
        "data": {"values": _values(points)},
        "layer": [line, *_target_rule(target, target_title)],
        "config": _config(),
    }


def sparkline(
    points: Points,
    *,
    title: str,
    value_format: str,
    target: float | None = None,
) -> dict[str, Any]:
    """Return a small line of a figure by period, without axes: the shape of its trend.

    The latest point is marked; the target, when there is one, is a dashed rule.
    """
    values = _values(points)
    line: dict[str, Any] = {
        "mark": {"type": "line", "color": ACCENT, "strokeWidth": 2, "interpolate": "monotone"},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "sort": None, "axis": None},
            "y": {
                "field": "value",
                "type": "quantitative",
                "axis": None,
                "scale": {"zero": False},
            },
            "tooltip": [
                {"field": "period", "type": "ordinal"},
                {"field": "value", "type": "quantitative", "format": value_format},
            ],
        },
    }
    latest: dict[str, Any] = {
        "data": {"values": values[-1:]},
        "mark": {"type": "point", "filled": True, "color": ACCENT, "size": 36},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "sort": None, "axis": None},
            "y": {"field": "value", "type": "quantitative", "axis": None},
        },
    }
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": title,
        "width": "container",
        "height": 36,
        "padding": 2,
        "data": {"values": values},
        "layer": [line, latest, *_target_rule(target, "")],
        "config": _config(),
    }


def breakdown_chart(
    bars: Points,
    *,
    title: str,
    label_title: str,
    value_title: str,
    value_format: str,
    target: float | None = None,
    target_title: str = "",
) -> dict[str, Any]:
    """Return a horizontal bar chart of a figure by the values of one breakdown.

    `bars` are (value of the breakdown, figure) in the order they are drawn.
    """
    values = _values(bars, label="label")
    bar: dict[str, Any] = {
        "mark": {"type": "bar", "color": ACCENT},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": None, "title": label_title},
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "axis": {"format": value_format, "tickCount": 5},
            },
            "tooltip": [
                {"field": "label", "type": "nominal", "title": label_title},
                {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title,
                    "format": value_format,
                },
            ],
        },
    }
    rule = [
        {**layer, "encoding": {"x": {"datum": target}}}
        for layer in _target_rule(target, target_title)
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "description": title,
        "width": "container",
        "height": {"step": 32},
        "data": {"values": values},
        "layer": [bar, *rule],
        "config": _config(),
    }
