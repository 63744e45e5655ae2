"""Series names: the card's name in the reader's language, or the derived series' own."""

from __future__ import annotations

from karsta.i18n import set_language
from karsta.signals.derived import EASY
from karsta.signals.names import series_name


def test_a_catalog_metric_is_named_by_its_card_with_its_group() -> None:
    set_language("en")
    assert series_name("S2", {"type": "incident"}, "en") == (
        "S2 First contact resolution (FCR) – incidents and service requests (type: incident)"
    )
    set_language("fi")
    try:
        assert series_name("S2", {}, "fi").startswith("S2 Ensikontaktin ratkaisuaste")
    finally:
        set_language("en")


def test_a_derived_series_is_named_by_its_own_message() -> None:
    set_language("en")
    assert series_name(EASY, {}, "en") == "Share of tickets in the easy categories"
    assert series_name("TURNOVER", {}, "en") == "Staff turnover"
