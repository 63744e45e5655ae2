"""The metric reference, generated from the cards (docs/metrics.<lang>.md and `karsta cards`)."""

from __future__ import annotations

from karsta.metrics.cards import CODE_LABELS, LABELS, TEXT_FIELDS, Language, MetricCard
from karsta.metrics.registry import catalog

TITLES: dict[Language, str] = {
    "en": "Metric catalog",
    "fi": "Mittariluettelo",
    "sv": "Mätetalskatalog",
}
INTRO: dict[Language, str] = {
    "en": "Every figure Karsta prints carries the card it was computed with. "
    "Generated from the cards in `src/karsta/metrics/catalog/`; do not edit by hand.",
    "fi": "Jokaisen Karstan luvun mukana kulkee mittarikortti, jonka mukaan se on laskettu. "
    "Tuotettu korteista hakemistossa `src/karsta/metrics/catalog/`; älä muokkaa käsin.",
    "sv": "Varje siffra Karsta visar bär kortet den beräknades enligt. "
    "Genererad från korten i `src/karsta/metrics/catalog/`; redigera inte för hand.",
}
STATUS: dict[Language, tuple[str, str]] = {
    "en": ("Computed from", "Card only until Karsta imports"),
    "fi": ("Lasketaan tauluista", "Vain kortti, kunnes Karsta tuo tiedot"),
    "sv": ("Beräknas från", "Endast kort tills Karsta importerar"),
}


def card_markdown(card: MetricCard, lang: Language, *, computed: bool) -> str:
    """Return one card as a Markdown section."""
    lines = [f"## {card.id} {card.name(lang)}", ""]
    codes = (
        f"**{LABELS['group'][lang]}:** {CODE_LABELS[card.group][lang]} · "
        f"**{LABELS['perspective'][lang]}:** {CODE_LABELS[card.perspective][lang]} · "
        f"`{card.slug}` · {card.card_version}"
    )
    lines += [codes, ""]
    status = STATUS[lang][0 if computed else 1]
    lines += [f"*{status}: {', '.join(card.requires)}.*", ""]
    if card.defined_here:
        lines += [f"*{LABELS['defined_here'][lang]}*", ""]
    for name in TEXT_FIELDS[1:]:
        lines += [f"**{LABELS[name][lang]}.** {card.field(name, lang)}", ""]
    return "\n".join(lines)


def catalog_markdown(lang: Language) -> str:
    """Return the whole catalog as one Markdown page in `lang`."""
    parts = [f"# {TITLES[lang]}", "", INTRO[lang], ""]
    for definition in catalog().values():
        parts.append(card_markdown(definition.card, lang, computed=definition.function is not None))
    return "\n".join(parts).rstrip() + "\n"
