"""Support levels written as text ("L1", "Level 2", "2nd line", "Taso 1") read as numbers.

A mapping may fill the events' `level` from a column of the export. Whole numbers
are read as they are; the forms these patterns describe are read where the number
is unambiguous (L1, Tier 3, Taso 1, 2nd line, 1. taso, 2:a linjen, first line);
anything else (a team name such as "Service desk") needs the mapping's value map,
`values: level: {Service desk: 1}`, which is applied first. A value that is none
of these is left empty and counted in the import's accounting.
"""

from __future__ import annotations

LEVEL_WORDS = (
    "level", "line", "tier",
    "taso", "tason", "linja", "linjan",
    "nivå", "nivån", "linje", "linjen",
)  # fmt: skip
"""Words for a support level in en, fi and sv (as written after an ordinal)."""

PREFIXES = ("l", "lvl", "level", "t", "tier", "line", "taso", "linja", "nivå", "linje")
"""Words or letters written before the level's number: L1, Level 2, Tier 3, Taso 1, Nivå 2."""

ORDINAL_WORDS = {
    1: ("first", "ensimmäinen", "ensimmäisen", "första"),
    2: ("second", "toinen", "toisen", "andra"),
    3: ("third", "kolmas", "kolmannen", "tredje"),
}
"""Ordinal words before a level word: first line, toisen tason tuki, tredje linjen."""

_SUPPORT = r"(?:\s+(?:support|tuki))?"
_WORDS = "(?:" + "|".join(LEVEL_WORDS) + ")"
NUMBER = r"^(\d+)(?:\.0+)?$"
PREFIXED = r"^(?:" + "|".join(PREFIXES) + r")\s*[-.:#]?\s*(\d+)$"
ORDINAL = r"^(\d+)\s*(?:st|nd|rd|th|\.|:a|:e|-)?\s*" + _WORDS + _SUPPORT + "$"
"""1st line, 2nd level, 1. taso, 2. tason tuki, 1-linja, 1:a linjen, 2 nivån."""


def ordinal_pattern(names: tuple[str, ...]) -> str:
    """Return the pattern of a level written with one of the ordinal words `names`."""
    return "^(?:" + "|".join(names) + r")\s+" + _WORDS + _SUPPORT + "$"
