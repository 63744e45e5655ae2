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
    record_sources = [] if mapping.records is None else mapping.records.sources()
    named = [
        *mapping.columns.values(),
        *record_sources,
        *(m.column for m in mapping.milestones),
        *(d.column for d in mapping.durations.values()),
    ]
    return tuple(dict.fromkeys(named))


def score_preset(name: str, header: Sequence[str]) -> PresetScore:
    """Return how well the built-in preset `name` fits `header`."""
    mapping = load_preset(name)
    names = set(header)
    wanted = _source_columns(mapping)
    if mapping.records is not None:
        required = mapping.records.required_sources()
    else:
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


WIZARD_COLUMNS = (
    "ticket_id",
    "activity",
    "timestamp",
    "agent",
    "group",
    "channel",
    "category",
    "subcategory",
    "priority",
    "ticket_type",
    "level",
    "caller_id",
    "resolution_code",
)
"""The canonical columns a mapping for an unknown event log picks, the required three first."""
REQUIRED_COLUMNS = ("ticket_id", "activity", "timestamp")
_NAME_WORDS = {
    "ticket_id": ("ticket", "tiketti", "case", "incident", "ärende", "number", "tunnus", "id"),
    "activity": ("status", "tila", "activity", "state", "aktiviteetti", "vaihe", "tillstånd"),
    "timestamp": ("timestamp", "aikaleima", "time", "aika", "updated", "date", "pvm", "tid"),
    "agent": ("agent", "käsittelijä", "assignee", "resource", "handler", "handläggare"),
    "group": ("group", "ryhmä", "team", "tiimi", "grupp", "jono", "queue"),
    "channel": ("channel", "kanava", "kanal", "via", "contact"),
    "category": ("category", "kategoria", "luokka", "kategori"),
    "subcategory": ("subcategory", "alaluokka", "underkategori"),
    "priority": ("priority", "prioriteetti", "kiireellisyys", "prioritet"),
    "ticket_type": ("type", "tyyppi", "typ"),
    "level": ("level", "taso", "tier", "nivå"),
    "caller_id": ("caller", "customer", "asiakas", "requester", "kund", "reporter"),
    "resolution_code": ("resolution", "ratkaisu", "close code", "lösning"),
}


def guess_columns(header: Sequence[str], timestamps: Sequence[str] = ()) -> dict[str, str]:
    """Return a first guess of the source column of each wizard column, by the header's names.

    A column whose name holds one of a canonical column's words (en, fi, sv) is
    guessed for it, whole words before parts of words; the time goes to a column
    the preview read as timestamps (`timestamps`) when one is named so, else the
    first of them. Each source column is guessed once; no guess is left out.
    """
    guesses: dict[str, str] = {}
    taken: set[str] = set()
    for canonical in WIZARD_COLUMNS:
        candidates = [c for c in header if c not in taken]
        if canonical == "timestamp" and timestamps:
            candidates = [c for c in candidates if c in timestamps] or candidates
        found = _by_words(candidates, _NAME_WORDS[canonical])
        if found is None and canonical == "timestamp" and timestamps:
            found = next((c for c in timestamps if c not in taken), None)
        if found is not None:
            guesses[canonical] = found
            taken.add(found)
    return guesses


def _by_words(candidates: Sequence[str], words: Sequence[str]) -> str | None:
    for word in words:  # the first word is the surest
        for column in candidates:
            if word in re.findall(r"\w+", column.casefold()):
                return column
    for word in words:
        for column in candidates:
            if len(word) > 3 and word in column.casefold():
                return column
    return None
