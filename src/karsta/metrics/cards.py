"""Metric cards: the exact definition every figure is computed with, in fi, sv and en.

A card is the HDI Nordic guide's metric template ("mittaritaulukko"). Each
metric's card is a YAML file beside its function in `karsta/metrics/catalog/`;
the CLI's `cards`, the reference docs and the reports are generated from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from karsta.i18n import LANGUAGES as LANGUAGES
from karsta.i18n import Language as Language

GROUPS = ("SLA", "OLA", "internal")
PERSPECTIVES = ("processes", "customers", "finance", "personnel")
DIRECTIONS = ("higher", "lower", "balanced")

TEXT_FIELDS = (
    "name",
    "owner",
    "measures",
    "strategy_link",
    "goal",
    "description",
    "period",
    "unit",
    "direction",
    "formula",
    "exclusions",
    "data_source",
    "reliability",
    "responsibility",
    "baseline",
    "target",
    "notes",
)
"""The guide's template fields that are text, in the template's order."""

LABELS: Mapping[str, Mapping[Language, str]] = {
    "name": {"fi": "Mittarin nimi", "sv": "Mätetalets namn", "en": "Name"},
    "group": {"fi": "Ryhmä", "sv": "Grupp", "en": "Group"},
    "perspective": {"fi": "Näkökulma", "sv": "Perspektiv", "en": "Perspective"},
    "owner": {"fi": "Mittarin omistaja", "sv": "Ägare", "en": "Owner"},
    "measures": {"fi": "Mitä mitataan", "sv": "Vad mäts", "en": "What it measures"},
    "strategy_link": {"fi": "Strategia", "sv": "Koppling till strategin", "en": "Strategy link"},
    "goal": {"fi": "Tavoite", "sv": "Mål", "en": "Goal"},
    "description": {"fi": "Kuvaus", "sv": "Beskrivning", "en": "Description"},
    "period": {"fi": "Mittausjakso", "sv": "Mätperiod", "en": "Measurement period"},
    "unit": {"fi": "Mittausyksikkö", "sv": "Enhet", "en": "Unit"},
    "direction": {"fi": "Tavoiteltava suunta", "sv": "Önskad riktning", "en": "Desired direction"},
    "formula": {"fi": "Laskentakaava", "sv": "Formel", "en": "Formula"},
    "exclusions": {
        "fi": "Rajaukset ja erityistapaukset",
        "sv": "Undantag och specialfall",
        "en": "Exclusions and special cases",
    },
    "data_source": {"fi": "Tietolähde", "sv": "Datakälla", "en": "Data source"},
    "reliability": {
        "fi": "Tiedon luotettavuus, laatu ja riskit",
        "sv": "Datans tillförlitlighet, kvalitet och risker",
        "en": "Data reliability, quality and risks",
    },
    "responsibility": {
        "fi": "Tiedon keräys- ja raportointivastuu",
        "sv": "Ansvar för insamling och rapportering",
        "en": "Collection and reporting responsibility",
    },
    "baseline": {"fi": "Vertailukohta", "sv": "Jämförelsebas", "en": "Comparison baseline"},
    "target": {
        "fi": "Tavoitearvo ja sen perustelut",
        "sv": "Målvärde och motivering",
        "en": "Target value and its justification",
    },
    "notes": {
        "fi": "Muita huomioita ja käyttö",
        "sv": "Övriga anmärkningar och användning",
        "en": "Other notes and uses",
    },
    "defined_here": {
        "fi": "Määritelmä on Karstan oma; opas antaa vain mittarin nimen.",
        "sv": "Definitionen är Karstas egen; guiden ger bara mätetalets namn.",
        "en": "Defined by Karsta; the guide gives only the metric's name.",
    },
}

CODE_LABELS: Mapping[str, Mapping[Language, str]] = {
    "SLA": {"fi": "SLA", "sv": "SLA", "en": "SLA"},
    "OLA": {"fi": "OLA", "sv": "OLA", "en": "OLA"},
    "internal": {"fi": "Sisäinen", "sv": "Intern", "en": "Internal"},
    "processes": {
        "fi": "Prosessit/toiminnallisuus",
        "sv": "Processer/funktionalitet",
        "en": "Processes/functionality",
    },
    "customers": {"fi": "Asiakkuudet", "sv": "Kunder", "en": "Customers"},
    "finance": {"fi": "Talous", "sv": "Ekonomi", "en": "Finance"},
    "personnel": {
        "fi": "Osaaminen/henkilöstö",
        "sv": "Kompetens/personal",
        "en": "Competence/personnel",
    },
}


class CardError(ValueError):
    """A card file is incomplete or malformed; the message names the file and field."""


@dataclass(frozen=True, kw_only=True)
class MetricCard:
    """One metric's card: codes that drive computation and text in every language."""

    id: str
    slug: str
    version: int
    group: str
    perspective: str
    direction: str
    unit: str
    requires: tuple[str, ...]
    defined_here: bool
    text: Mapping[str, Mapping[Language, str]]

    def field(self, name: str, lang: Language = "en") -> str:
        """Return a text field in `lang`."""
        return self.text[name][lang]

    def name(self, lang: Language = "en") -> str:
        """Return the metric's name in `lang`."""
        return self.field("name", lang)

    @property
    def card_version(self) -> str:
        """Return the version string results carry, e.g. 'O2@1'."""
        return f"{self.id}@{self.version}"


def parse_card(data: Mapping[str, Any], source: str) -> MetricCard:
    """Return the card in `data`; raise CardError naming `source` and the bad field."""

    def need(key: str) -> Any:
        if key not in data:
            raise CardError(f"{source}: missing field {key!r}")
        return data[key]

    for key, allowed in (
        ("group", GROUPS),
        ("perspective", PERSPECTIVES),
        ("direction", DIRECTIONS),
    ):
        if need(key) not in allowed:
            raise CardError(f"{source}: {key} must be one of {allowed}, got {data[key]!r}")
    text = need("text")
    if not isinstance(text, Mapping):
        raise CardError(f"{source}: text must be a mapping of field -> {{fi, sv, en}}")
    for name in TEXT_FIELDS:
        values = text.get(name)
        if not isinstance(values, Mapping):
            raise CardError(f"{source}: text.{name} is missing")
        for lang in LANGUAGES:
            value = values.get(lang)
            if not isinstance(value, str) or not value.strip():
                raise CardError(f"{source}: text.{name}.{lang} is missing or empty")
    unknown = set(text) - set(TEXT_FIELDS)
    if unknown:
        raise CardError(f"{source}: unknown text fields {sorted(unknown)}")
    version = need("version")
    if not isinstance(version, int) or version < 1:
        raise CardError(f"{source}: version must be a whole number >= 1")
    return MetricCard(
        id=str(need("id")),
        slug=str(need("slug")),
        version=version,
        group=str(data["group"]),
        perspective=str(data["perspective"]),
        direction=str(data["direction"]),
        unit=str(need("unit")),
        requires=tuple(need("requires")),
        defined_here=bool(need("defined_here")),
        text={k: {lang: str(v[lang]).strip() for lang in LANGUAGES} for k, v in text.items()},
    )


@cache
def load_cards() -> dict[str, MetricCard]:
    """Return every card of the catalog by metric id, in catalog order."""
    folder = resources.files("karsta.metrics") / "catalog"
    cards: dict[str, MetricCard] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        card = parse_card(yaml.safe_load(entry.read_text(encoding="utf-8")), entry.name)
        if card.id in cards:
            raise CardError(f"{entry.name}: metric id {card.id} is used twice")
        cards[card.id] = card
    return dict(sorted(cards.items(), key=lambda kv: catalog_order(kv[0])))


CUSTOMER_EXPERIENCE_ORDER = ("NPS", "CSAT", "CES", "ESC")
"""The spec's order of the metrics after I10."""


def catalog_order(metric_id: str) -> tuple[int, int, str]:
    """Return a sort key putting SLA, OLA, internal and customer-experience ids in spec order."""
    prefix = {"S": 0, "O": 1, "I": 2}.get(metric_id[0], 3)
    digits = metric_id[1:]
    if prefix < 3 and digits.isdigit():
        return (prefix, int(digits), metric_id)
    if metric_id in CUSTOMER_EXPERIENCE_ORDER:
        return (3, CUSTOMER_EXPERIENCE_ORDER.index(metric_id), metric_id)
    return (4, 0, metric_id)
