"""Vega-Lite specifications of the process pages' charts, one builder per chart.

Built on the server from what `karsta.process` returns, with every text already
translated; the pages draw them with vega-embed and list the same figures in a table,
and reports can render the same specs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from karsta.charts import ACCENT, VEGA_LITE_SCHEMA

WAITING_COLOUR = "#b34700"
WORKING_COLOUR = "#1f5f8b"
CONFIG = {
    "font": "system-ui, sans-serif",
    "view": {"stroke": None},
    # The figure's element names the chart and a table beside it holds the same figures.
    "mark": {"aria": False},
    "axis": {"aria": False, "labelLimit": 320},
    "legend": {"aria": False},
}


def chart_spec(title: str, height: int, body: dict[str, Any]) -> dict[str, Any]:
    """Return a Vega-Lite spec: the app's title, width, config and `body`."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "description": title,
        "width": "container",
        "height": height,
        "config": CONFIG,
        **body,
    }


def ranked_bars(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    label_title: str,
    value_title: str,
    value_format: str,
) -> dict[str, Any]:
    """Return horizontal bars of (label, value), in the given order (e.g. variants by share)."""
    values = [{"label": label, "value": value, "rank": i} for i, (label, value) in enumerate(rows)]
    return chart_spec(
        title,
        max(60, 26 * len(values)),
        {
            "data": {"values": values},
            "mark": {"type": "bar", "color": ACCENT},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": {"field": "rank"},
                    "title": None,  # long labels: the chart title says what they are
                },
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title,
                    "axis": {"format": value_format},
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
        },
    )


def waiting_working_bars(
    rows: Sequence[tuple[str, float, float]],
    *,
    title: str,
    label_title: str,
    hours_title: str,
    waiting_title: str,
    working_title: str,
) -> dict[str, Any]:
    """Return stacked bars of (label, waiting hours, working hours): where the time goes."""
    values = []
    for rank, (label, waiting, working) in enumerate(rows):
        values.append({"label": label, "kind": waiting_title, "hours": waiting, "rank": rank})
        values.append({"label": label, "kind": working_title, "hours": working, "rank": rank})
    return chart_spec(
        title,
        max(60, 26 * len(rows)),
        {
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": {"field": "rank"},
                    "title": None,  # long labels: the chart title says what they are
                },
                "x": {
                    "field": "hours",
                    "type": "quantitative",
                    "stack": "zero",
                    "title": hours_title,
                    "axis": {"format": ",.1~f"},  # 0,2 h steps on a short axis, not 0 0 0 1
                },
                "color": {
                    "field": "kind",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": [waiting_title, working_title],
                        "range": [WAITING_COLOUR, WORKING_COLOUR],
                    },
                    "legend": {"orient": "top"},
                },
                "tooltip": [
                    {"field": "label", "type": "nominal", "title": label_title},
                    {"field": "kind", "type": "nominal", "title": " "},
                    {
                        "field": "hours",
                        "type": "quantitative",
                        "title": hours_title,
                        "format": ",.1f",
                    },
                ],
            },
        },
    )
