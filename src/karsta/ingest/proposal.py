"""Which built-in mapping fits an export: each preset scored by the columns its header has.

A preset names the source columns it reads (`columns`, and the timestamp columns of
`milestones` and `durations`). The more of them an export's header holds, the more
likely the export comes from that system; a preset whose required columns (ticket id
and time) are missing cannot read the file at all and is never proposed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from karsta.ingest.mapping import SourceMapping, load_preset, preset_names

_OCCURRENCE = re.compile(r"^(?P<name>.*)\[(?P<n>\d+)\]$")


@dataclass(frozen=True, slots=True)
class PresetScore:
    """How well one preset fits a header: the columns found and the required ones missing."""

    preset: str
    title: str
    found: tuple[str, ...]
    """The source columns the preset reads that the header has."""
    wanted: tuple[str, ...]
    """Every source column the preset reads."""
    missing_required: tuple[str, ...]
    """Source columns of the required canonical columns (ticket id, time) not in the header."""

    @property
    def score(self) -> int:
        """Return how many of the preset's columns the header has."""
        return len(self.found)

    @property
    def usable(self) -> bool:
        """Return whether the preset can read the file: every required column is there."""
        return not self.missing_required

    @property
    def share(self) -> float:
        """Return the part of the preset's columns the header has (0–1)."""
        return len(self.found) / len(self.wanted) if self.wanted else 0.0


@dataclass(frozen=True, slots=True)
class MappingProposal:
    """Every preset scored against a header, best first; `best` is the one to propose."""

    header: tuple[str, ...]
    scores: tuple[PresetScore, ...]

    @property
    def best(self) -> PresetScore | None:
        """Return the usable preset with the most columns found, or None if none can read it."""
        return next((s for s in self.scores if s.usable and s.score), None)


def _has(header: set[str], column: str) -> bool:
    """Return whether the header has `column` ('Name[2]': the second column so named)."""
    if column in header:
        return True
    numbered = _OCCURRENCE.match(column)
    return numbered is not None and numbered["name"] in header


def _source_columns(mapping: SourceMapping) -> tuple[str, ...]:
    """Return every source column a mapping reads, in order, each once."""
    named = [
        *mapping.columns.values(),
        *(m.column for m in mapping.milestones),
        *(d.column for d in mapping.durations.values()),
    ]
    return tuple(dict.fromkeys(named))


def score_preset(name: str, header: Sequence[str]) -> PresetScore:
    """Return how well the built-in preset `name` fits `header`."""
    mapping = load_preset(name)
    names = set(header)
    wanted = _source_columns(mapping)
    required = [mapping.columns[c] for c in mapping.required if c in mapping.columns]
    return PresetScore(
        preset=name,
        title=mapping.title,
        found=tuple(c for c in wanted if _has(names, c)),
        wanted=wanted,
        missing_required=tuple(c for c in required if not _has(names, c)),
    )


def propose_mapping(header: Sequence[str]) -> MappingProposal:
    """Return every preset scored by how many of its columns `header` has, best first.

    Names are compared as written, as the import looks for them. Presets that
    can read the file (their required columns are there) come first, then by columns
    found, then by the part of their columns found.
    """
    scores = [score_preset(name, header) for name in preset_names()]
    scores.sort(key=lambda s: (not s.usable, -s.score, -s.share, s.preset))
    return MappingProposal(tuple(header), tuple(scores))
