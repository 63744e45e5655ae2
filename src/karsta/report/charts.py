"""The reports' charts: Vega-Lite specs, the web app's own builders, drawn as SVG on the server.

A figure's trend is the web app's trend chart (`karsta.charts.trend_chart`) with
the same titles and number formats; the waste chart is built here, in the same
style, for any view to share. `svg()` draws a spec with vl-convert in the
language's number format, so a chart looks the same on paper as on screen.
"""

from __future__ import annotations

import re
from typing import Any

from karsta.charts import trend_chart
from karsta.formatting import d3_format, d3_locale, period
from karsta.i18n import N_, Language, gettext, localized
from karsta.metrics.labels import is_average, statistic_label
from karsta.metrics.scorecard import ScorecardRow
from karsta.process.waste import Finding

REPORT_FONT = "Inter, 'DejaVu Sans', 'Liberation Sans', sans-serif"
CHART_WIDTH = 250
"""Width of a trend chart's plot in px: two charts side by side on an A4 page."""
STAFF_COLOUR = "#1f5f8b"
CUSTOMER_COLOUR = "#b35c00"
UNIT_TITLES = {
    "percent": N_("%"),
    "hours": N_("hours"),
    "service_hours": N_("service hours"),
    "days": N_("days"),
    "count": N_("tickets"),
    "euros": N_("euros"),
    "ratio": N_("tickets per agent"),
}


def figure_unit(row: ScorecardRow) -> str:
    """Return the unit of a scorecard row's statistic."""
    return row.unit


def figure_title(row: ScorecardRow, lang: Language) -> str:
    """Return a figure's name for people: the metric, its statistic and its group."""
    name = f"{row.result.definition.card.name(lang)}: {statistic_label(row.statistic).localized()}"
    if row.group:
        name += " (" + ", ".join(str(v) for v in row.group.values()) + ")"
    return name


def trend_spec(
    row: ScorecardRow, points: list[tuple[str, float | None]], lang: Language
) -> dict[str, Any]:
    """Return the Vega-Lite spec of a figure's trend by month (titles in `lang`)."""
    unit = figure_unit(row)
    spec = trend_chart(
        [(period(p, short=True, lang=lang), v) for p, v in points],
        title=figure_title(row, lang),
        period_title=gettext("month"),
        value_title=gettext(UNIT_TITLES.get(unit, unit)),
        value_format=d3_format(unit, average=is_average(row.statistic)),
        target=None if row.target is None else row.target.value,
        target_title=gettext("target"),
    )
    # The report names the chart in the figure's caption, where a long name can wrap.
    spec.pop("title", None)
    return {**spec, "width": CHART_WIDTH, "height": 130}


def waste_spec(findings: list[Finding], lang: Language) -> dict[str, Any]:
    """Return bar charts of findings' hours a year: staff time, then customer time.

    Each kind has its own scale (customers' waiting is often a hundred times the staff
    time); the bars are in the order given (most hours first), titles translated.
    """
    charts = []
    for kind, colour in (("staff time", STAFF_COLOUR), ("customer time", CUSTOMER_COLOUR)):
        values = [
            {"finding": str(localized(f.title)), "hours": f.hours_per_year, "order": i}
            for i, f in enumerate(findings)
            if f.hours_kind == kind
        ]
        if not values:
            continue
        charts.append(
            {
                "title": {"text": gettext(kind), "anchor": "start", "fontSize": 11},
                "width": 230,
                "data": {"values": values},
                "mark": {"type": "bar", "color": colour, "height": {"band": 0.7}},
                "encoding": {
                    "y": {
                        "field": "finding",
                        "type": "nominal",
                        "sort": {"field": "order"},
                        "title": None,
                        "axis": {"labelLimit": 300},
                    },
                    "x": {
                        "field": "hours",
                        "type": "quantitative",
                        "title": gettext("hours a year"),
                        "axis": {"format": ",.0f", "tickCount": 3},
                    },
                },
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": gettext("Waste a year, largest findings"),
        "vconcat": charts,
        "config": {"view": {"stroke": None}, "mark": {"aria": False}, "axis": {"aria": False}},
    }


def format_locale(lang: Language) -> dict[str, object]:
    """Return the d3 number format of `lang` (the one vega-embed gets on the web pages)."""
    return d3_locale(lang)


def svg(spec: dict[str, Any], lang: Language, *, name: str) -> str:
    """Return the chart drawn as SVG, numbers in `lang`'s format, ready to inline in HTML.

    `name` prefixes the drawing's element ids, so that several charts can share a page.
    """
    import vl_convert  # loaded only when a report draws a chart

    drawn = {**spec, "config": {**spec.get("config", {}), "font": REPORT_FONT}}
    text: str = vl_convert.vegalite_to_svg(drawn, format_locale=format_locale(lang))
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    for found in ids:
        text = text.replace(f'id="{found}"', f'id="{name}-{found}"')
        text = text.replace(f"url(#{found})", f"url(#{name}-{found})")
        text = text.replace(f'href="#{found}"', f'href="#{name}-{found}"')
    # The drawing is named by the figure around it and described by the table beside it.
    return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
