"""Vega-Lite specifications of the channel pages' charts, one builder per chart.

Built on the server from what `karsta.channels` returns, every text already
translated; the pages draw them with vega-embed and list the same figures in a table
beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from karsta.charts import ACCENT, MUTED
from karsta.web.process_charts import chart_spec
from karsta.web.visit_charts import PALETTE, SECOND_COLOUR

WEEKDAY_COLOURS = [ACCENT, SECOND_COLOUR, "#2e7d32", "#6a1b9a", "#c2185b", MUTED, "#00838f"]


def _legend(series: list[str], colours: list[str] = PALETTE) -> dict[str, Any]:
    return {
        "field": "series",
        "type": "nominal",
        "title": None,
        "sort": series,
        "scale": {"domain": series, "range": colours[: len(series)] or colours},
        "legend": {"orient": "top", "labelLimit": 400},
    }


def percent_lines(
    rows: Sequence[tuple[str, str, float | None]],
    *,
    title: str,
    x_title: str,
    y_title: str,
) -> dict[str, Any]:
    """Return lines of (x label, series, percent) over ordinal x labels in the given order."""
    values = [{"x": x, "series": s, "value": v} for x, s, v in rows if v is not None]
    order = list(dict.fromkeys(x for x, _s, _v in rows))
    series = list(dict.fromkeys(s for _x, s, _v in rows))
    return chart_spec(
        title,
        240,
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {
                    "field": "x",
                    "type": "ordinal",
                    "sort": order,
                    "title": x_title,
                    "axis": {"labelAngle": -40},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": y_title,
                    "scale": {"domain": [0, 100]},
                    "axis": {"format": ",.0f"},
                },
                "color": _legend(series),
                "tooltip": [
                    {"field": "x", "type": "ordinal", "title": x_title},
                    {"field": "series", "type": "nominal", "title": " "},
                    {"field": "value", "type": "quantitative", "title": y_title, "format": ",.1f"},
                ],
            },
        },
    )


def count_bars(
    rows: Sequence[tuple[str, int]], *, title: str, x_title: str, y_title: str
) -> dict[str, Any]:
    """Return bars of (label, count) in the given order."""
    values = [{"x": label, "value": count} for label, count in rows]
    order = [label for label, _count in rows]
    return chart_spec(
        title,
        220,
        {
            "data": {"values": values},
            "mark": {"type": "bar", "color": ACCENT},
            "encoding": {
                "x": {
                    "field": "x",
                    "type": "ordinal",
                    "sort": order,
                    "title": x_title,
                    "axis": {"labelAngle": -40},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": y_title,
                    "axis": {"format": ",d", "tickMinStep": 1},
                },
                "tooltip": [
                    {"field": "x", "type": "ordinal", "title": x_title},
                    {"field": "value", "type": "quantitative", "title": y_title, "format": ",d"},
                ],
            },
        },
    )


def mix_bars(
    volumes: Sequence[tuple[str, str, int]],
    self_service: Sequence[tuple[str, float]],
    *,
    title: str,
    period_title: str,
    count_title: str,
    share_title: str,
    share_series: str,
) -> dict[str, Any]:
    """Return contacts per period stacked by channel, and the self-service share as a line."""
    periods = list(dict.fromkeys(p for p, _c, _n in volumes))
    channels = list(dict.fromkeys(c for _p, c, _n in volumes))
    colours = [*PALETTE, *WEEKDAY_COLOURS[2:]]
    x = {
        "field": "period",
        "type": "ordinal",
        "sort": periods,
        "title": period_title,
        "axis": {"labelAngle": 0},
    }
    bars = {
        "data": {"values": [{"period": p, "series": c, "n": n} for p, c, n in volumes]},
        "mark": {"type": "bar", "width": {"band": 0.6}},
        "encoding": {
            "x": x,
            "y": {
                "field": "n",
                "type": "quantitative",
                "stack": "zero",
                "title": count_title,
                "axis": {"format": ",d"},
            },
            "color": _legend(channels, colours),
            "tooltip": [
                {"field": "period", "type": "ordinal", "title": period_title},
                {"field": "series", "type": "nominal", "title": " "},
                {"field": "n", "type": "quantitative", "title": count_title, "format": ",d"},
            ],
        },
    }
    line = {
        "data": {"values": [{"period": p, "share": s} for p, s in self_service]},
        "mark": {"type": "line", "point": True, "color": MUTED, "strokeDash": [6, 3]},
        "encoding": {
            "x": x,
            "y": {
                "field": "share",
                "type": "quantitative",
                "title": share_title,
                "scale": {"domain": [0, 100]},
                "axis": {"orient": "right", "format": ",.0f"},
            },
            "tooltip": [
                {"field": "period", "type": "ordinal", "title": period_title},
                {"field": "share", "type": "quantitative", "title": share_series, "format": ",.1f"},
            ],
        },
    }
    return chart_spec(
        title, 240, {"layer": [bars, line], "resolve": {"scale": {"y": "independent"}}}
    )


def weekday_lines(
    rows: Sequence[tuple[str, str, float]],
    *,
    title: str,
    x_title: str,
    y_title: str,
) -> dict[str, Any]:
    """Return a stepped line per weekday of (weekday, time of day, agents)."""
    values = [{"series": day, "x": clock, "value": v} for day, clock, v in rows]
    days = list(dict.fromkeys(day for day, _clock, _v in rows))
    clocks = sorted({clock for _day, clock, _v in rows})
    return chart_spec(
        title,
        260,
        {
            "data": {"values": values},
            "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 1.5},
            "encoding": {
                "x": {
                    "field": "x",
                    "type": "ordinal",
                    "sort": clocks,
                    "title": x_title,
                    "axis": {"labelAngle": -60, "labelOverlap": "greedy"},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": y_title,
                    "axis": {"format": ",d", "tickMinStep": 1},
                },
                "color": _legend(days, WEEKDAY_COLOURS),
                "tooltip": [
                    {"field": "series", "type": "nominal", "title": " "},
                    {"field": "x", "type": "ordinal", "title": x_title},
                    {"field": "value", "type": "quantitative", "title": y_title, "format": ",d"},
                ],
            },
        },
    )


def predicted_against_observed(
    rows: Sequence[tuple[str, float, float, float]],
    *,
    title: str,
    predicted_title: str,
    observed_title: str,
    interval_title: str,
    offered_title: str,
) -> dict[str, Any]:
    """Return a dot per (interval, predicted %, observed %, offered) and the line where equal."""
    values = [{"interval": i, "predicted": p, "observed": o, "offered": n} for i, p, o, n in rows]
    axis = {"type": "quantitative", "scale": {"domain": [0, 100]}, "axis": {"format": ",.0f"}}
    dots = {
        "data": {"values": values},
        "mark": {"type": "circle", "opacity": 0.5, "color": ACCENT},
        "encoding": {
            "x": {"field": "predicted", "title": predicted_title, **axis},
            "y": {"field": "observed", "title": observed_title, **axis},
            "size": {
                "field": "offered",
                "type": "quantitative",
                "title": offered_title,
                "legend": {"orient": "top"},
            },
            "tooltip": [
                {"field": "interval", "type": "nominal", "title": interval_title},
                {"field": "predicted", "type": "quantitative", "title": predicted_title,
                 "format": ",.1f"},
                {"field": "observed", "type": "quantitative", "title": observed_title,
                 "format": ",.1f"},
                {"field": "offered", "type": "quantitative", "title": offered_title,
                 "format": ",.1f"},
            ],
        },
    }  # fmt: skip
    equal = {
        "data": {"values": [{"predicted": 0, "observed": 0}, {"predicted": 100, "observed": 100}]},
        "mark": {"type": "line", "color": SECOND_COLOUR, "strokeDash": [6, 4]},
        "encoding": {
            "x": {"field": "predicted", **axis},
            "y": {"field": "observed", **axis},
        },
    }
    return chart_spec(title, 300, {"layer": [equal, dots]})
