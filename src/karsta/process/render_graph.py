"""The process map as a picture: Graphviz DOT text, rendered to SVG or PNG by `dot`.

Arrows are as thick as they are frequent and carry the count, the median wait and the
time in total (what bottlenecks are ranked by), or only the count or only the waits.
Their colour is the kind of the stay they leave (queue, working, waiting, after
resolution: the classification of `process waiting`); bottleneck arrows are red.
Steps and stages can be coloured by their customer value (value-adding, necessary,
waste), and a node can link somewhere (the web app opens a stage into its steps). A
legend says which is which. Rendering needs the `dot` program (Debian: graphviz).
"""

from __future__ import annotations

import html
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from karsta.formatting import whole
from karsta.i18n import N_, Message, _, localized
from karsta.process.dfg import ProcessMap
from karsta.process.results import duration_text, records
from karsta.process.stages import stage_label

Arrows = Literal["all", "frequency", "waiting"]
"""What an arrow's label says: count and waits, the count only, or the waits only."""
Colouring = Literal["kind", "value"]
"""What a node's colour says: how busy it is (grey), or its customer value."""

FORMATS = ("svg", "png")
BOTTLENECK_COLOUR = "#c62828"
EDGE_COLOUR = "#546e7a"
KIND_COLOURS = {
    "queue": "#6a1b9a",
    "working": EDGE_COLOUR,
    "waiting": "#b45309",
    "after resolution": "#757575",
}
"""Arrow colours by the kind of stay they leave; other arrows (group maps, mixed) are grey-blue.

Each is also the colour of its arrows' labels and legend line: dark enough to read on white
(contrast at least 4.5:1, WCAG 2.1 AA)."""
LEGEND = {
    "queue": N_("queue (not yet taken up)"),
    "working": N_("working (or no status class)"),
    "waiting": N_("waiting (customer, vendor, pause)"),
    "after resolution": N_("after resolution"),
}
VALUE_COLOURS = {"value-adding": "#a5d6a7", "necessary": "#cfd8dc", "waste": "#ffab91"}
"""Node fills by customer value (dark text on each)."""
VALUE_LEGEND = {
    "value-adding": N_("value-adding for the customer"),
    "necessary": N_("necessary, adds no value"),
    "waste": N_("waste for the customer"),
}


class GraphvizMissing(RuntimeError):
    """The `dot` program is not installed."""


def _quoted(text: str) -> str:
    """Return text as a DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _arrow_label(edge: dict[str, Any], arrows: Arrows) -> str:
    """Return an arrow's label: the count and/or the waits, and 'bottleneck' where it is one."""
    parts = []
    if arrows != "waiting":
        parts.append(whole(edge["count"]))
    if arrows != "frequency":
        median = _("median {time}").format(time=duration_text(edge["wait_median_s"]))
        total = _("total {time}").format(time=duration_text(edge["wait_total_s"]))
        parts.append(f"{median} · {total}")
    if edge["bottleneck"]:
        parts.append(_("bottleneck"))
    return "\n".join(parts)


def dot_source(
    process_map: ProcessMap,
    *,
    title: str | None = None,
    arrows: Arrows = "all",
    colour: Colouring = "kind",
    link: Callable[[str], str | None] | None = None,
    legend: bool = True,
) -> str:
    """Return the map as Graphviz DOT text (`legend=False`: without the legend).

    With a minimum edge count, start and end arrows below it are left out too, and so
    are the nodes no arrow reaches. `colour="value"` fills steps and stages by their
    customer value; `link(node)` gives a node's address (None: no link). Stages are
    named in the reader's language where Karsta proposed them; on a map with an open
    stage, the other stages are drawn dashed.
    """
    edges = records(process_map.table)
    data = process_map.to_dict()
    data["starts"] = [s for s in data["starts"] if s["cases"] >= process_map.min_count]
    data["ends"] = [e for e in data["ends"] if e["cases"] >= process_map.min_count]
    shown = {e[k] for e in edges for k in ("source", "target")}
    shown |= {t["id"] for t in data["starts"] + data["ends"]}
    nodes = [n for n in records(process_map.nodes) if n["id"] in shown]
    top = max((e["count"] for e in edges), default=1)
    busiest = max((n["events"] for n in nodes), default=1)
    stages = set(process_map.stage_nodes)
    lines = [
        "digraph process {",
        '  graph [rankdir=TB, fontname="Helvetica", labelloc=t'
        + (f", label={_quoted(title)}" if title else "")
        + "];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "__start" [label="", shape=circle, width=0.25, style=filled, fillcolor="#2e7d32"];',
        '  "__end" [label="", shape=doublecircle, width=0.2, style=filled, fillcolor="#37474f"];',
    ]
    values_shown: set[str] = set()
    for node in nodes:
        shade = 95 - int(45 * node["events"] / busiest)
        fill, font = f"gray{shade}", "white" if shade < 60 else "black"
        value = process_map.customer_value.get(node["id"]) if colour == "value" else None
        if value in VALUE_COLOURS:
            fill, font = VALUE_COLOURS[value], "black"
            values_shown.add(value)
        counts = _("{events} events · {tickets} tickets").format(
            events=whole(node["events"]), tickets=whole(node["cases"])
        )
        name = stage_label(node["id"]) if node["id"] in stages else node["id"]
        label = f"{name}\n{counts}"
        attributes = f'label={_quoted(label)}, fillcolor="{fill}", fontcolor="{font}"'
        if process_map.open_stage is not None and node["id"] in stages:
            attributes += ', style="rounded,filled,dashed"'
        address = link(node["id"]) if link is not None else None
        if address:
            attributes += f", URL={_quoted(address)}, target=_top, tooltip={_quoted(name)}"
        lines.append(f"  {_quoted('n:' + node['id'])} [{attributes}];")
    for start in data["starts"]:
        lines.append(
            f'  "__start" -> {_quoted("n:" + start["id"])} '
            f'[label={_quoted(whole(start["cases"]))}, style=dashed, color="#2e7d32"];'
        )
    for end in data["ends"]:
        lines.append(
            f'  {_quoted("n:" + end["id"])} -> "__end" '
            f'[label={_quoted(whole(end["cases"]))}, style=dashed, color="#37474f"];'
        )
    for edge in edges:
        width = 1 + 5 * edge["count"] / top
        kind_colour = KIND_COLOURS.get(edge.get("kind") or "", EDGE_COLOUR)
        colour_of = BOTTLENECK_COLOUR if edge["bottleneck"] else kind_colour
        if edge["bottleneck"]:
            width += 1
        lines.append(
            f"  {_quoted('n:' + edge['source'])} -> {_quoted('n:' + edge['target'])} "
            f"[label={_quoted(_arrow_label(edge, arrows))}, penwidth={width:.2f}, "
            f'color="{colour_of}", fontcolor="{colour_of}"];'
        )
    if legend:
        lines.append(_legend(process_map, {e.get("kind") for e in edges}, values_shown))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(process_map: ProcessMap, kinds: set[str | None], values: set[str]) -> str:
    """Return the DOT node that explains the colours shown and what bottlenecks are."""
    lines = []
    if not process_map.not_computed:
        bottleneck = _("bottleneck: most time in total, of queue and working stays")
        lines.append((BOTTLENECK_COLOUR, bottleneck))
    lines += [(KIND_COLOURS[k], _(LEGEND[k])) for k in KIND_COLOURS if k in kinds]
    rows = [
        f'<tr><td align="left"><font color="{colour}">━━ {html.escape(text)}</font></td></tr>'
        for colour, text in lines
    ]
    rows += [
        f'<tr><td align="left" bgcolor="{VALUE_COLOURS[v]}">{html.escape(_(VALUE_LEGEND[v]))}'
        "</td></tr>"
        for v in VALUE_COLOURS
        if v in values
    ]
    rows += [
        f'<tr><td align="left">{html.escape(localized(n.text))}</td></tr>'
        for n in process_map.not_computed
    ]
    return (
        '  "__legend" [shape=plaintext, style=filled, fillcolor=white, fontsize=9, '
        f'label=<<table border="0" cellborder="0" cellspacing="0">{"".join(rows)}</table>>];'
    )


def _dot_program() -> str:
    """Return the path of Graphviz's `dot`; raise GraphvizMissing saying how to install it."""
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing(
            Message(
                "drawing the map needs Graphviz's dot program "
                "(Debian and Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz)"
            )
        )
    return dot


def svg_text(dot: str) -> str:
    """Return DOT text drawn as SVG by Graphviz (raise GraphvizMissing without `dot`)."""
    drawn = subprocess.run(
        [_dot_program(), "-Tsvg"], input=dot.encode("utf-8"), check=True, capture_output=True
    )
    return drawn.stdout.decode("utf-8")


def render(process_map: ProcessMap, path: Path, *, title: str | None = None) -> Path:
    """Write the map to `path` as SVG or PNG (by its suffix) and return the path."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(Message("cannot draw a map as {name}: use .svg or .png", name=path.name))
    dot = _dot_program()
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [dot, f"-T{fmt}", "-o", str(path)],
        input=dot_source(process_map, title=title).encode("utf-8"),
        check=True,
        capture_output=True,
    )
    return path
