"""Support levels written as text ("L1", "Level 2", "2nd line", "Taso 1") read as numbers.

A mapping may fill the events' `level` from a column of the export. Whole numbers
are read as they are; the forms below are read where the number is unambiguous;
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

FORMS = (
    "a whole number (1, 2, 3)",
    "L1, Level 2, Tier 3, T1, Line 2, Taso 1, Linja 2, Nivå 3, Linje 1",
    "1st line, 2nd level, 3rd tier, 1. taso, 2. tason tuki, 1:a linjen, 2:a nivån",
    "first line, second level, ensimmäinen linja, toisen tason tuki, första linjen, andra nivån",
)
"""The forms read without a value map, for the documentation."""


def ordinal_pattern(names: tuple[str, ...]) -> str:
    """Return the pattern of a level written with one of the ordinal words `names`."""
    return "^(?:" + "|".join(names) + r")\s+" + _WORDS + _SUPPORT + "$"
