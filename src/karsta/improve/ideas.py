"""The ideas backlog on its impact × effort grid; an idea from a finding keeps its figures."""

from __future__ import annotations

from collections.abc import Sequence

from karsta.i18n import N_
from karsta.improve.findings import finding_figures
from karsta.improve.models import Idea
from karsta.process.waste import WasteFindings

LEVELS: dict[int, str] = {1: N_("low"), 2: N_("medium"), 3: N_("high")}
"""Impact and effort, each low, medium or high."""
QUADRANTS: dict[tuple[int, int], str] = {
    (3, 1): N_("quick win"),
    (3, 2): N_("do next"),
    (3, 3): N_("big project"),
    (2, 1): N_("quick win"),
}
"""Names of the grid's cells worth a name, by (impact, effort)."""


def idea_from_finding(waste: WasteFindings, finding_id: str, title: str) -> Idea:
    """Return a new idea on a waste finding, its hours, euros and tickets a year kept.

    The impact is high when the finding counts in the totals (its hours are waste
    the headline adds up), else medium; the team moves it on the grid as it sees fit.
    """
    figures = finding_figures(waste, finding_id)
    counted = next(f for f in waste.findings if f.id == finding_id).in_totals
    return Idea(
        title=title,
        source=f"finding:{finding_id}",
        figures={k: (str(v) if isinstance(v, str) else v) for k, v in figures.items()},
        impact=3 if counted else 2,
        effort=2,
        status="open",
    )


def grid(ideas: Sequence[Idea]) -> dict[tuple[int, int], list[Idea]]:
    """Return the open and chosen ideas by (impact, effort), high impact first in each cell."""
    cells: dict[tuple[int, int], list[Idea]] = {
        (impact, effort): [] for impact in (3, 2, 1) for effort in (1, 2, 3)
    }
    for idea in ideas:
        if idea.status in ("open", "chosen"):
            cells[(idea.impact, idea.effort)].append(idea)
    return cells
