"""The map picture: DOT text always; SVG and PNG wherever `dot` is installed (always in CI)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from karsta.i18n import set_language
from karsta.process import ProcessAnalysis
from karsta.process.render_graph import (
    BOTTLENECK_COLOUR,
    EDGE_COLOUR,
    KIND_COLOURS,
    dot_source,
    render,
)
from karsta.workspace import Workspace


def needs_dot() -> None:
    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("Graphviz's dot is missing in CI")
        pytest.skip("Graphviz's dot is not installed")


def test_dot_text_marks_bottlenecks_and_weights_arrows(hand_log: Workspace) -> None:
    text = dot_source(ProcessAnalysis(hand_log).map(bottlenecks=1), title='Map "by status"')
    assert text.startswith("digraph process {")
    assert text.rstrip().endswith("}")
    arrows = [line for line in text.splitlines() if " -> " in line]
    red = [line for line in arrows if BOTTLENECK_COLOUR in line]
    assert len(red) == 1
    assert '"n:Active" -> "n:Resolved"' in red[0]
    # What bottlenecks are ranked by: 2 h + 1 h + 3 h.
    assert "total 6.0\N{NO-BREAK SPACE}h" in red[0]
    assert 'label="Map \\"by status\\""' in text
    assert '"__start" -> "n:New"' in text
    assert '"n:Closed" -> "__end"' in text


def test_arrows_are_coloured_by_the_kind_of_stay_they_leave(hand_log: Workspace) -> None:
    # The classification `process waiting` uses: New queue, Active working, Awaiting
    # User Info waiting, Resolved after resolution; the legend names the colours shown.
    text = dot_source(ProcessAnalysis(hand_log).map(bottlenecks=0))
    colour = {
        line.split(" [")[0].strip(): line.split('color="')[1].split('"')[0]
        for line in text.splitlines()
        if " -> " in line and "__" not in line
    }
    assert colour['"n:New" -> "n:Active"'] == KIND_COLOURS["queue"]
    assert colour['"n:Active" -> "n:Resolved"'] == KIND_COLOURS["working"]
    assert colour['"n:Awaiting User Info" -> "n:Active"'] == KIND_COLOURS["waiting"]
    assert colour['"n:Resolved" -> "n:Closed"'] == KIND_COLOURS["after resolution"]
    legend = next(line for line in text.splitlines() if line.lstrip().startswith('"__legend"'))
    for words in ("queue", "working", "waiting", "after resolution", "most time in total"):
        assert words in legend


def _contrast_on_white(colour: str) -> float:
    """Return WCAG 2.1's contrast ratio of #rrggbb against white (its relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_labels_and_legend_read_on_white(hand_log: Workspace) -> None:
    # Arrow labels and legend lines are drawn in their arrow's colour on white: AA asks 4.5:1.
    for colour in (BOTTLENECK_COLOUR, EDGE_COLOUR, *KIND_COLOURS.values()):
        assert _contrast_on_white(colour) >= 4.5, colour
    legend = next(
        line
        for line in dot_source(ProcessAnalysis(hand_log).map()).splitlines()
        if "__legend" in line
    )
    assert "fillcolor=white" in legend  # not Graphviz's light grey of filled nodes


def test_labels_in_the_interface_language(hand_log: Workspace) -> None:
    process_map = ProcessAnalysis(hand_log).map(bottlenecks=1)
    assert "bottleneck" in dot_source(process_map)
    set_language("fi")
    text = dot_source(process_map)
    assert "pullonkaula" in text
    assert "tukipyyntöä" in text
    assert "mediaani" in text


def test_minimum_count_hides_nodes_without_arrows(hand_log: Workspace) -> None:
    text = dot_source(ProcessAnalysis(hand_log).map(min_count=2))
    assert "Awaiting User Info" not in text
    assert '"n:New" -> "n:Active"' in text


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_render_writes_the_picture(hand_log: Workspace, tmp_path: Path, suffix: str) -> None:
    needs_dot()
    path = render(ProcessAnalysis(hand_log).map(), tmp_path / f"map.{suffix}")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in data
    if suffix == "svg":
        assert b"Awaiting User Info" in data
        assert BOTTLENECK_COLOUR.encode() in data


def test_other_formats_are_refused(hand_log: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        render(ProcessAnalysis(hand_log).map(), tmp_path / "map.pdf")


def test_without_status_classes_the_picture_says_what_to_map(
    log_workspace: Callable[..., Workspace],
) -> None:
    ws = log_workspace(
        [("H", 0, "Insert ticket", None, "r1", None), ("H", 5, "Close ticket", None, "r1", None)]
    )
    text = dot_source(ProcessAnalysis(ws).map())
    legend = next(line for line in text.splitlines() if line.lstrip().startswith('"__legend"'))
    assert "cannot be computed: map status_classes" in legend
    assert BOTTLENECK_COLOUR not in text
    arrow = next(line for line in text.splitlines() if '"n:Insert ticket" -> ' in line)
    assert EDGE_COLOUR in arrow  # no kind: the plain colour
