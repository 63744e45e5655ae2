"""The waste checklist of a workshop: the method's three families and the classic Lean wastes.

Each item has a stable key (`family:item`, English, used in JSON and the database)
and its English text, translated where it is shown ("Mitkä meillä relevantteja?").
Where the event log shows a waste, `FINDING_ITEMS` says which finding is its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from karsta.i18n import N_


@dataclass(frozen=True)
class WasteFamily:
    """A family of wastes and its items: key → English text."""

    key: str
    name: str
    items: dict[str, str]


FAMILIES: tuple[WasteFamily, ...] = (
    WasteFamily(
        "information",
        N_("information waste"),
        {
            "incompatible-systems": N_("incompatible information systems"),
            "data-never-used": N_("data entered but never used"),
            "re-entering-data": N_("re-entering data"),
            "manual-checking": N_("manual checking of electronically entered data"),
            "converting-formats": N_("converting file formats"),
            "missing-data": N_("missing data, data not available, or nobody knows it exists"),
            "wrong-data": N_("losing data or using the wrong data"),
            "inconsistent-sources": N_("inconsistencies between data sources"),
        },
    ),
    WasteFamily(
        "customer-process",
        N_("customer-process waste"),
        {
            "errors": N_("errors"),
            "rework": N_("rework"),
            "temporary-fixes": N_("temporary fixes"),
            "inspection": N_("inspection and re-inspection"),
            "approvals": N_("approval practices"),
            "non-uniform-process": N_("non-uniform process"),
            "work-in-progress": N_("lots of work in progress"),
            "over-processing": N_("over-production and over-processing"),
            "waiting": N_("waiting"),
        },
    ),
    WasteFamily(
        "organisation",
        N_("organisation waste"),
        {
            "unclear-roles": N_(
                "unclear job descriptions, roles, authorisations and responsibilities"
            ),
            "interruptions": N_("interruptions to work"),
            "multitasking": N_("multitasking"),
            "competence-gaps": N_("insufficient competence for the tasks"),
            "unused-potential": N_("staff potential not fully used"),
            "hierarchy": N_("hierarchy and structure of the organisation"),
            "wrong-things": N_("doing the wrong things"),
        },
    ),
    WasteFamily(
        "lean",
        N_("classic Lean waste"),
        {
            "waiting": N_("waiting"),
            "over-production": N_("over-production"),
            "over-processing": N_("over-processing"),
            "defects": N_("defects"),
            "motion": N_("motion"),
            "transport": N_("transport"),
            "inventory": N_("inventory"),
            "unused-talent": N_("unused talent"),
        },
    ),
)

WASTES: dict[str, tuple[WasteFamily, str]] = {
    f"{family.key}:{item}": (family, text)
    for family in FAMILIES
    for item, text in family.items.items()
}
"""Every item of the checklist by key: its family and English text."""

FINDING_ITEMS: dict[str, tuple[str, ...]] = {
    "handoffs:hand-offs": ("organisation:unclear-roles", "lean:transport"),
    "handoffs:ping-pong": ("organisation:unclear-roles", "lean:transport"),
    "handoffs:escalations-returned": ("organisation:unclear-roles", "lean:transport"),
    "rework:repeats": ("customer-process:rework", "lean:defects"),
    "rework:reopens": ("customer-process:errors", "lean:defects"),
    "categories:corrected": ("information:re-entering-data", "lean:over-processing"),
}
"""Which checklist items a waste finding of the log is evidence for (waiting: any status)."""


def waste_text(key: str) -> tuple[str, str]:
    """Return (family name, item text) of a checklist key, English; raise KeyError naming it."""
    family, text = WASTES[key]
    return family.name, text


def items_for_finding(finding_id: str) -> tuple[str, ...]:
    """Return the checklist items a finding of the log is evidence for."""
    if finding_id.startswith("waiting:"):
        return ("customer-process:waiting", "lean:waiting")
    if finding_id.startswith("bottleneck:"):
        return ("customer-process:work-in-progress", "lean:inventory")
    return FINDING_ITEMS.get(finding_id, ())
