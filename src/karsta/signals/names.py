"""What a series is called for people: its metric card's name, or the name of a derived one."""

from __future__ import annotations

from karsta.i18n import N_, _
from karsta.metrics.cards import Language
from karsta.metrics.labels import group_label
from karsta.metrics.registry import catalog
from karsta.signals.derived import EASY, ESCALATION_DELAY
from karsta.signals.series import TURNOVER

DERIVED_NAMES = {
    EASY: N_("Share of tickets in the easy categories"),
    ESCALATION_DELAY: N_("Time to escalation"),
    TURNOVER: N_("Staff turnover"),
}


def series_name(metric: str, group: dict[str, object], lang: Language) -> str:
    """Return 'S2 First contact resolution … (type: incident)' in the current language."""
    cards = catalog()
    if metric in cards:
        name = f"{metric} {cards[metric].card.name(lang)}"
    else:
        name = _(DERIVED_NAMES[metric]) if metric in DERIVED_NAMES else metric
    label = group_label(group)
    return f"{name} ({label})" if label else name
