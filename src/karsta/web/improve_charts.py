"""The control chart of a change's effect, as a Vega-Lite spec built on the server."""

from __future__ import annotations

from typing import Any

from karsta.charts import ACCENT, TARGET_COLOUR, VEGA_LITE_SCHEMA

OUTSIDE_COLOUR = "#a3261b"
LIMIT_COLOUR = "#4f5965"


def control_chart_spec(
    points: list[dict[str, Any]],
    *,
    title: str,
    period_title: str,
    value_title: str,
    value_format: str,
    phase_names: dict[str, str],
    limit_title: str,
    centre_title: str,
) -> dict[str, Any]:
    """Return a control chart: the figure by period, each phase's centre line and limits.

    `points` are the chart's points as `ControlChart.to_dict()` gives them (period,
    phase, value, centre, lower, upper, within); a point outside its limits is drawn in
    red. The phases' lines break at the change, so the limits recomputed after it show.
    """
    values = [
        {
            "period": p["period"],
            "phase": phase_names.get(p["phase"], p["phase"]),
            "value": p["value"],
            "centre": p["centre"],
            "lower": p["lower"],
            "upper": p["upper"],
            "outside": p["within"] is False,
        }
        for p in points
    ]
    x = {
        "field": "period",
        "type": "ordinal",
        "sort": None,
        "title": period_title,
        "axis": {"labelAngle": -45},
    }
    y_title = {"title": value_title, "axis": {"format": value_format}}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "color": ACCENT},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative", **y_title},
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 45},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "color": {
                    "field": "outside",
                    "type": "nominal",
                    "scale": {"domain": [False, True], "range": [ACCENT, OUTSIDE_COLOUR]},
                    "legend": None,
                },
                "tooltip": [
                    {"field": "period", "title": period_title},
                    {"field": "phase", "title": " "},
                    {"field": "value", "title": value_title, "format": value_format},
                    {"field": "lower", "title": limit_title, "format": value_format},
                    {"field": "upper", "title": limit_title, "format": value_format},
                ],
            },
        },
    ]
    for field, dash, colour, name in (
        ("centre", [6, 3], TARGET_COLOUR, centre_title),
        ("lower", [2, 3], LIMIT_COLOUR, limit_title),
        ("upper", [2, 3], LIMIT_COLOUR, limit_title),
    ):
        layers.append(
            {
                "mark": {
                    "type": "line",
                    "strokeDash": dash,
                    "color": colour,
                    "interpolate": "step-after",
                    "tooltip": name,
                },
                "encoding": {
                    "x": x,
                    "y": {"field": field, "type": "quantitative"},
                    "detail": {"field": "phase"},
                },
            }
        )
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "description": title,
        "width": "container",
        "height": 240,
        "data": {"values": values},
        "layer": layers,
        "config": {
            "font": "system-ui, sans-serif",
            "view": {"stroke": None},
            "mark": {"aria": False},
            "axis": {"aria": False},
        },
    }
