"""The process map as a picture: Graphviz DOT text, rendered to SVG or PNG by `dot`.

Arrows are as thick as they are frequent and carry the count, the median wait and the
time in total (what bottlenecks are ranked by). Their colour is the kind of the stay
they leave (queue, working, waiting, after resolution: the classification of
`process waiting`); bottleneck arrows are red. A legend says which is which.
Rendering needs the `dot` program (Debian: graphviz).
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

from karsta.formatting import whole
from karsta.i18n import N_, Message, _, localized
from karsta.process.dfg import ProcessMap
from karsta.process.results import duration_text, records

FORMATS = ("svg", "png")
BOTTLENECK_COLOUR = "#c62828"
EDGE_COLOUR = "#546e7a"
KIND_COLOURS = {
    "queue": "#6a1b9a",
    "working": EDGE_COLOUR,
    "waiting": "#ef6c00",
    "after resolution": "#9e9e9e",
}
"""Arrow colours by the kind of stay they leave; other arrows (group maps, mixed) are grey-blue."""
LEGEND = {
    "queue": N_("queue (not yet taken up)"),
    "working": N_("working (or no status class)"),
    "waiting": N_("waiting (customer, vendor, pause)"),
    "after resolution": N_("after resolution"),
}


class GraphvizMissing(RuntimeError):
    """The `dot` program is not installed."""


def _quoted(text: str) -> str:
    """Return text as a DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_source(process_map: ProcessMap, *, title: str | None = None) -> str:
    """Return the map as Graphviz DOT text.

    With a minimum edge count, start and end arrows below it are left out too, and so
    are the nodes no arrow reaches.
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
    for node in nodes:
        shade = 95 - int(45 * node["events"] / busiest)
        counts = _("{events} events · {tickets} tickets").format(
            events=whole(node["events"]), tickets=whole(node["cases"])
        )
        label = f"{node['id']}\n{counts}"
        lines.append(
            f"  {_quoted('n:' + node['id'])} [label={_quoted(label)}, "
            f'fillcolor="gray{shade}", fontcolor="{"white" if shade < 60 else "black"}"];'
        )
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
        colour = BOTTLENECK_COLOUR if edge["bottleneck"] else kind_colour
        median = _("median {time}").format(time=duration_text(edge["wait_median_s"]))
        total = _("total {time}").format(time=duration_text(edge["wait_total_s"]))
        label = f"{whole(edge['count'])}\n{median} · {total}"
        if edge["bottleneck"]:
            width += 1
            label += "\n" + _("bottleneck")
        lines.append(
            f"  {_quoted('n:' + edge['source'])} -> {_quoted('n:' + edge['target'])} "
            f'[label={_quoted(label)}, penwidth={width:.2f}, color="{colour}", '
            f'fontcolor="{colour}"];'
        )
    lines.append(_legend(process_map, {e.get("kind") for e in edges}))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(process_map: ProcessMap, kinds: set[str | None]) -> str:
    """Return the DOT node that explains the arrow colours shown and what bottlenecks are."""
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
        f'<tr><td align="left">{html.escape(localized(n.text))}</td></tr>'
        for n in process_map.not_computed
    ]
    return (
        '  "__legend" [shape=plaintext, fontsize=9, '
        f'label=<<table border="0" cellborder="0" cellspacing="0">{"".join(rows)}</table>>];'
    )


def render(process_map: ProcessMap, path: Path, *, title: str | None = None) -> Path:
    """Write the map to `path` as SVG or PNG (by its suffix) and return the path."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(Message("cannot draw a map as {name}: use .svg or .png", name=path.name))
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing(
            Message(
                "drawing the map needs Graphviz's dot program "
                "(Debian and Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz)"
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [dot, f"-T{fmt}", "-o", str(path)],
        input=dot_source(process_map, title=title).encode("utf-8"),
        check=True,
        capture_output=True,
    )
    return path
