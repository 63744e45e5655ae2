"""Vega-Lite specifications of the charts, built on the server from what the API returns.

The browser draws them with vega-embed; reports can render the same specs. Every
text in a spec arrives already translated, and numbers are formatted by the locale
vega-embed is given (`formatting.vega_format_locale`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
ACCENT = "#1f5f8b"
TARGET_COLOUR = "#8a4b00"


def trend_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    period_title: str,
    value_title: str,
    value_format: str,
    target: float | None = None,
    target_title: str = "",
) -> dict[str, Any]:
    """Return a line chart of a figure by period, with the target as a rule when there is one.

    `points` are (period label, value), oldest first; `value_format` is a d3 format
    (e.g. ',.1f').
    """
    values = [{"period": p, "value": v} for p, v in points if v is not None]
    line: dict[str, Any] = {
        "mark": {"type": "line", "point": {"filled": True, "size": 50}, "color": ACCENT},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "sort": None,
                "title": period_title,
                "axis": {"labelAngle": 0},
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
    layers: list[dict[str, Any]] = [line]
    if target is not None:
        layers.append(
            {
                "mark": {
                    "type": "rule",
                    "color": TARGET_COLOUR,
                    "strokeDash": [6, 4],
                    "tooltip": target_title,
                },
                "encoding": {"y": {"datum": target}},
            }
        )
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "description": title,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "layer": layers,
        # The figure's element names the chart and a table beside it holds the same figures,
        # so the marks stay out of the accessibility tree.
        "config": {
            "font": "system-ui, sans-serif",
            "view": {"stroke": None},
            "mark": {"aria": False},
            "axis": {"aria": False},
        },
    }
