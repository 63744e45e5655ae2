"""The metric catalog: every metric has a complete, translated card that loads."""

from __future__ import annotations

import copy
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from karsta.metrics.cards import (
    DIRECTIONS,
    GROUPS,
    LANGUAGES,
    PERSPECTIVES,
    TEXT_FIELDS,
    CardError,
    MetricCard,
    load_cards,
    parse_card,
)

METRIC_IDS = (
    "S1", "S2", "S3", "S4",
    "O1", "O2", "O3", "O4", "O5",
    "I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8", "I9", "I10",
    "ESC", "NPS", "CSAT", "CES",
)  # fmt: skip
UNITS = ("percent", "hours", "count", "euros", "ratio", "score", "seconds")
TABLES = ("tickets", "ticket_events", "contacts", "surveys", "visits", "staffing")
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
UNTRANSLATED_GUARD = ("name", "formula")


def catalog_files() -> list[Path]:
    folder = resources.files("karsta.metrics") / "catalog"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def raw(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path.name
    return data


@pytest.fixture(scope="module")
def cards() -> dict[str, MetricCard]:
    return load_cards()


def test_every_metric_has_a_card(cards: dict[str, MetricCard]) -> None:
    assert set(cards) == set(METRIC_IDS)
    assert len(catalog_files()) == len(METRIC_IDS)


def test_cards_come_in_catalog_order(cards: dict[str, MetricCard]) -> None:
    spec_order = [i for i in METRIC_IDS if i[0] in "SOI" and i[1:].isdigit()]
    assert list(cards)[: len(spec_order)] == spec_order
    assert set(list(cards)[len(spec_order) :]) == set(METRIC_IDS) - set(spec_order)


@pytest.mark.parametrize("path", catalog_files(), ids=lambda p: p.name)
def test_card_file_loads(path: Path) -> None:
    card = parse_card(raw(path), path.name)
    assert card.version >= 1
    assert card.card_version == f"{card.id}@{card.version}"


@pytest.mark.parametrize("path", catalog_files(), ids=lambda p: p.name)
def test_file_name_is_id_and_slug(path: Path) -> None:
    data = raw(path)
    assert path.name == f"{str(data['id']).lower()}_{data['slug']}.yaml"


@pytest.mark.parametrize("metric_id", METRIC_IDS)
def test_codes_are_known(cards: dict[str, MetricCard], metric_id: str) -> None:
    card = cards[metric_id]
    assert card.group in GROUPS
    assert card.perspective in PERSPECTIVES
    assert card.direction in DIRECTIONS
    assert card.unit in UNITS
    assert card.requires, "a card names the tables it needs"
    assert set(card.requires) <= set(TABLES)
    assert len(set(card.requires)) == len(card.requires)


@pytest.mark.parametrize("metric_id", METRIC_IDS)
def test_every_text_field_in_every_language(cards: dict[str, MetricCard], metric_id: str) -> None:
    card = cards[metric_id]
    assert tuple(card.text) == TEXT_FIELDS, "text fields follow the template's order"
    for name in TEXT_FIELDS:
        for lang in LANGUAGES:
            assert card.field(name, lang).strip(), f"{metric_id} text.{name}.{lang}"


@pytest.mark.parametrize("metric_id", METRIC_IDS)
def test_finnish_is_not_an_english_copy(cards: dict[str, MetricCard], metric_id: str) -> None:
    card = cards[metric_id]
    for name in UNTRANSLATED_GUARD:
        assert card.field(name, "fi") != card.field(name, "en"), f"{metric_id} text.{name}"
        assert card.field(name, "sv") != card.field(name, "en"), f"{metric_id} text.{name}"


def test_slugs_are_unique_snake_case(cards: dict[str, MetricCard]) -> None:
    slugs = [card.slug for card in cards.values()]
    assert len(set(slugs)) == len(slugs)
    for slug in slugs:
        assert SNAKE_CASE.fullmatch(slug), slug


def test_names_are_unique_per_language(cards: dict[str, MetricCard]) -> None:
    for lang in LANGUAGES:
        names = [card.name(lang) for card in cards.values()]
        assert len(set(names)) == len(names), lang


@pytest.fixture
def good_card() -> dict[str, Any]:
    return raw(catalog_files()[0])


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("id"), "'id'"),
        (lambda d: d.pop("slug"), "'slug'"),
        (lambda d: d.pop("unit"), "'unit'"),
        (lambda d: d.pop("requires"), "'requires'"),
        (lambda d: d.pop("defined_here"), "'defined_here'"),
        (lambda d: d.pop("text"), "'text'"),
        (lambda d: d.update(group="SLO"), "group"),
        (lambda d: d.update(perspective="people"), "perspective"),
        (lambda d: d.update(direction="up"), "direction"),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d.update(version="1"), "version"),
        (lambda d: d["text"].pop("formula"), "text.formula"),
        (lambda d: d["text"]["exclusions"].pop("sv"), "text.exclusions.sv"),
        (lambda d: d["text"]["target"].update(fi="  "), "text.target.fi"),
        (lambda d: d["text"]["name"].update(en=None), "text.name.en"),
        (lambda d: d["text"].update(remarks={"fi": "x", "sv": "x", "en": "x"}), "remarks"),
        (lambda d: d.update(text=["name"]), "text must be a mapping"),
    ],
)
def test_malformed_card_names_the_field(good_card: dict[str, Any], mutate: Any, field: str) -> None:
    bad = copy.deepcopy(good_card)
    mutate(bad)
    with pytest.raises(CardError, match=re.escape(field)) as info:
        parse_card(bad, "broken.yaml")
    assert str(info.value).startswith("broken.yaml: ")


def test_good_card_parses(good_card: dict[str, Any]) -> None:
    assert parse_card(copy.deepcopy(good_card), "good.yaml").id == good_card["id"]
