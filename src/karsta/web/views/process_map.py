"""The process map page: the map drawn by Graphviz as inline SVG, with pan and zoom and filters.

The map is `ProcessAnalysis.map()` of the visitor's tickets; the page draws it
(`render_graph`), lists its arrows and steps as tables (the text alternative), and
its JSON twin gives the same nodes and edges. A map by stage links every stage to
its steps (the same map with that stage opened).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, PrivateAttr

from karsta.formatting import duration
from karsta.i18n import N_, gettext
from karsta.process import ProcessMap
from karsta.process.render_graph import GraphvizMissing, dot_source, svg_text
from karsta.process.stages import NO_STAGE, stage_label
from karsta.web.pages import page
from karsta.web.rendering import TEMPLATES
from karsta.web.requests import Viewer, Visitor
from karsta.web.views.process_common import (
    ATTRIBUTE_FILTERS,
    AppliedFilters,
    Filters,
    NotComputedInfo,
    ProcessQuery,
    ScopeInfo,
    applied,
    computed,
    not_computed,
    scope_info,
    variant_of,
    workspace_exists,
)

MAX_MIN_COUNT = 1_000_000_000
"""The largest minimum arrow count asked (beyond any log; larger numbers are refused)."""

router = APIRouter(tags=["process"])

By = Literal["status", "stage", "group", "level", "agent"]
Arrows = Literal["frequency", "waiting", "all"]
Colour = Literal["kind", "value"]
BY_NAMES = {
    "status": N_("status"),
    "stage": N_("stage"),
    "group": N_("group"),
    "level": N_("level"),
    "agent": N_("agent"),
}
KIND_NAMES = {
    "queue": N_("queue"),
    "working": N_("working"),
    "waiting": N_("waiting"),
    "after resolution": N_("after resolution"),
    "mixed": N_("mixed"),
}
VALUE_NAMES = {
    "value-adding": N_("value-adding"),
    "necessary": N_("necessary"),
    "waste": N_("waste"),
}
MAX_DRAWN_NODES = 60
MAX_DRAWN_EDGES = 300
"""Larger maps are listed but not drawn: Graphviz would take long and the picture be unreadable."""
VARIANT_CHOICES = 20


class MapNode(BaseModel):
    """A step (or stage, group, level, agent) of the map."""

    id: str
    events: int
    cases: int
    value: str | None
    """value-adding, necessary or waste (maps by status or stage)."""
    stage: bool
    """Whether the node is a stage (on a map by stage)."""


class MapEdge(BaseModel):
    """An arrow: how often the target followed the source, and the wait between them."""

    source: str
    target: str
    count: int
    cases: int
    kind: str | None
    after_resolution: bool
    bottleneck: bool
    wait_mean_s: float | None
    wait_median_s: float | None
    wait_p90_s: float | None
    wait_total_s: float | None
    service_wait_median_s: float | None = None
    service_wait_total_s: float | None = None


class MapEnd(BaseModel):
    """Tickets starting (or ending) at a node."""

    id: str
    cases: int


class Choice(BaseModel):
    """A value a filter can choose, with its tickets."""

    value: str
    tickets: int


class FilterChoices(BaseModel):
    """What the filters can choose from, among the tickets the visitor may see."""

    attributes: dict[str, list[Choice]]
    variants: list[Choice]
    """The most common variants, 'A → B → C'."""


class ProcessMapPage(BaseModel):
    """The process map of the filtered tickets, and what its filters can choose."""

    has_data: bool
    scope: ScopeInfo
    filters: AppliedFilters
    by: str
    open_stage: str | None
    min_count: int
    collapse_repeats: bool
    arrows: str
    colour: str
    service_hours: str | None
    nodes: list[MapNode]
    edges: list[MapEdge]
    starts: list[MapEnd]
    ends: list[MapEnd]
    bottlenecks_ranked_by: str
    stages: list[str]
    """The stages, in order (a stage can be opened into its steps)."""
    drawn: bool
    """Whether the page draws the map (small enough to read); the tables always list it."""
    not_computed: list[NotComputedInfo]
    choices: FilterChoices
    _map: ProcessMap | None = PrivateAttr(default=None)


def filter_choices(visitor: Visitor) -> FilterChoices:
    """Return the values each filter offers, from the tickets the visitor may see."""

    def compute(analysis: Any) -> FilterChoices:
        columns = tuple(ATTRIBUTE_FILTERS.values())
        found = analysis.ticket_values(columns)
        variants = analysis.variants(top=VARIANT_CHOICES).to_dict()["variants"]
        return FilterChoices(
            attributes={
                name: [Choice(**c) for c in found[column]]
                for name, column in ATTRIBUTE_FILTERS.items()
            },
            variants=[
                Choice(value=" → ".join(v["activities"]), tickets=v["cases"]) for v in variants
            ],
        )

    return computed(visitor, "process-choices", None, compute)


def _empty(visitor: Visitor, query: ProcessQuery, **options: Any) -> ProcessMapPage:
    return ProcessMapPage(
        has_data=False,
        scope=scope_info(visitor),
        filters=applied(query),
        service_hours=None,
        nodes=[],
        edges=[],
        starts=[],
        ends=[],
        bottlenecks_ranked_by="wait_total_s",
        stages=[],
        drawn=False,
        not_computed=[],
        choices=FilterChoices(attributes={}, variants=[]),
        **options,
    )


@page(
    router,
    "/process/map",
    template="process/map.html",
    fragment="process/_map.html",
    model=ProcessMapPage,
    summary="Process map",
)
def process_map(
    visitor: Viewer,
    query: Filters,
    by: Annotated[By, Query(description="What the steps are.")] = "status",
    stage: Annotated[
        str | None, Query(description="On a map by stage: the stage to open into its steps.")
    ] = None,
    min_count: Annotated[
        int, Query(ge=1, le=MAX_MIN_COUNT, description="Hide arrows seen fewer times.")
    ] = 1,
    collapse: Annotated[
        bool | None,
        Query(description="Merge repeated consecutive steps (default: on a map by stage)."),
    ] = None,
    arrows: Annotated[Arrows, Query(description="What the arrows are labelled with.")] = (
        "frequency"
    ),
    colour: Annotated[Colour, Query(description="Colour the steps by customer value.")] = "kind",
) -> ProcessMapPage:
    """Return the process map of the visitor's filtered tickets, with its filter choices."""
    open_stage = stage or None
    collapse = by == "stage" if collapse is None else collapse
    options: dict[str, Any] = {
        "by": by,
        "open_stage": open_stage if by == "stage" else None,
        "min_count": min_count,
        "collapse_repeats": collapse,
        "arrows": arrows,
        "colour": colour,
    }
    if not workspace_exists(visitor):
        return _empty(visitor, query, **options)
    question = ("process-map", by, options["open_stage"], min_count, collapse)

    def compute(analysis: Any) -> tuple[ProcessMap, list[str]]:
        names = list(analysis.stages.names())
        if options["open_stage"] is not None and options["open_stage"] not in names:
            return analysis.map(by=by, min_count=min_count, collapse_repeats=collapse), names
        return (
            analysis.map(
                by=by,
                min_count=min_count,
                collapse_repeats=collapse,
                open_stage=options["open_stage"],
            ),
            names,
        )

    found, names = computed(visitor, question, query, compute)
    if options["open_stage"] is not None and options["open_stage"] not in names:
        raise HTTPException(status_code=404)
    data = found.to_dict()
    values, stage_nodes = data["customer_value"], set(data["stage_nodes"])
    nodes = [
        MapNode(**n, value=values.get(n["id"]), stage=n["id"] in stage_nodes) for n in data["nodes"]
    ]
    built = ProcessMapPage(
        has_data=bool(nodes),
        scope=scope_info(visitor),
        filters=applied(query),
        service_hours=data["service_hours"],
        nodes=nodes,
        edges=[MapEdge(**e) for e in data["edges"]],
        starts=[MapEnd(**s) for s in data["starts"]],
        ends=[MapEnd(**e) for e in data["ends"]],
        bottlenecks_ranked_by=data["bottlenecks_ranked_by"],
        stages=names,
        drawn=0 < len(nodes) <= MAX_DRAWN_NODES and len(data["edges"]) <= MAX_DRAWN_EDGES,
        not_computed=not_computed(data["not_computed"]),
        choices=filter_choices(visitor),
        **options,
    )
    built._map = found
    return built


def map_link(data: ProcessMapPage, **changes: Any) -> str:
    """Return the address of this map with some of its options changed (filters kept)."""
    params: dict[str, Any] = {
        "by": data.by,
        "stage": data.open_stage,
        "min_count": data.min_count,
        "collapse": "true" if data.collapse_repeats else "false",
        "arrows": data.arrows,
        "colour": data.colour,
    }
    filters = data.filters
    params |= {
        "opened_from": filters.opened_from.isoformat() if filters.opened_from else None,
        "opened_before": filters.opened_before.isoformat() if filters.opened_before else None,
        **filters.attributes,
        "variant": filters.variant,
    }
    params |= changes
    kept = {k: v for k, v in params.items() if v not in (None, "", False)}
    defaults = {"by": "status", "min_count": 1, "arrows": "frequency", "colour": "kind"}
    defaults["collapse"] = "true" if kept.get("by") == "stage" else "false"
    kept = {k: v for k, v in kept.items() if defaults.get(k) != v}
    return "/process/map" + ("?" + urlencode(kept) if kept else "")


_SVG_CACHE: OrderedDict[str, str] = OrderedDict()
_SVG_LOCK = threading.Lock()
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.DOTALL)


def _drawn(dot: str) -> str:
    """Return the SVG of DOT text, drawn once and kept (the latest 64 drawings)."""
    key = hashlib.sha256(dot.encode("utf-8")).hexdigest()
    with _SVG_LOCK:
        if key in _SVG_CACHE:
            _SVG_CACHE.move_to_end(key)
            return _SVG_CACHE[key]
    svg = svg_text(dot)
    with _SVG_LOCK:
        _SVG_CACHE[key] = svg
        while len(_SVG_CACHE) > 64:
            _SVG_CACHE.popitem(last=False)
    return svg


def inline_svg(
    found: ProcessMap,
    label: str,
    *,
    arrows: Arrows | Literal["all"],
    colour: Colour,
    link: Callable[[str], str | None] | None = None,
    legend: bool = True,
) -> str:
    """Return a map drawn as an inline SVG element named `label` ('' without Graphviz)."""
    dot = dot_source(found, arrows=arrows, colour=colour, link=link, legend=legend)
    try:
        svg = _drawn(dot)
    except GraphvizMissing:
        return ""
    svg = svg[svg.index("<svg") :]
    opening = (
        '<svg class="process-svg" xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" role="group" '
        f'aria-label="{_attribute(label)}" '
    )
    view_box = re.search(r'viewBox="[^"]*"', svg)
    opening += (view_box.group(0) if view_box else "") + ">"
    return _SVG_TAG.sub(lambda _match: opening, svg, count=1)


def map_svg(data: ProcessMapPage, label: str) -> str:
    """Return the page's map as an inline SVG element named `label` ('' when not drawn)."""
    found = data._map
    if found is None or not data.drawn:
        return ""

    def link(node: str) -> str | None:
        if data.by != "stage" or node == NO_STAGE or node not in found.stage_nodes:
            return None
        return map_link(data, stage=node)

    return inline_svg(found, label, arrows=data.arrows, colour=data.colour, link=link)  # type: ignore[arg-type]


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def node_name(data: ProcessMapPage, node: str) -> str:
    """Return a node's name for reading (Karsta's own stage names translated)."""
    if node in {n.id for n in data.nodes if n.stage}:
        return stage_label(node)
    return node


TEMPLATES.globals.update(
    map_svg=map_svg,
    map_link=map_link,
    node_name=node_name,
    duration=duration,
    by_names=BY_NAMES,
    kind_names=KIND_NAMES,
    value_names=VALUE_NAMES,
    variant_of=variant_of,
    gettext=gettext,
)
