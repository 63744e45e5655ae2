"""Statistic names and the reasons `explain` prints, in every language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from karsta.i18n import set_language
from karsta.metrics.labels import (
    group_label,
    is_average,
    reason_text,
    statistic_label,
)

CATALOG = Path(__file__).resolve().parents[2] / "src" / "karsta" / "metrics" / "catalog"
REASON_PREFIXES = ("counted", "not counted", "excluded", "outside")


def _reasons_in_the_catalog() -> list[tuple[str, str, bool]]:
    """Return (module, English text, marked) for every reason a metric module writes.

    An f-string's values are filled with 7 (a number of days, minutes or hours).
    """
    found = []
    for path in sorted(CATALOG.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        marked = {
            id(node.args[0])
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_"
        }
        in_fstrings = {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.startswith(REASON_PREFIXES) and id(node) not in in_fstrings:
                    found.append((path.name, node.value, id(node) in marked))
            elif isinstance(node, ast.JoinedStr):
                text = "".join(
                    part.value if isinstance(part, ast.Constant) else "7" for part in node.values
                )
                if text.startswith(REASON_PREFIXES):
                    found.append((path.name, text, True))
    return found


REASONS = _reasons_in_the_catalog()


def test_the_catalog_writes_reasons() -> None:
    assert len(REASONS) > 30


@pytest.mark.parametrize(("module", "reason", "marked"), REASONS)
def test_every_reason_is_marked_and_translated(module: str, reason: str, marked: bool) -> None:
    assert marked, f"{module}: wrap {reason!r} in N_() so explain can translate it"
    for lang in ("fi", "sv"):
        set_language(lang)
        assert reason_text(reason) != reason, f"{module}: {reason!r} has no {lang} translation"


def test_a_number_in_a_reason_is_written_as_the_language_writes_it() -> None:
    set_language("fi")
    assert reason_text("counted: over the 24.5 h target") == "laskettu: yli 24,5 tunnin tavoitteen"
    assert reason_text("counted: over the 24 h target") == "laskettu: yli 24 tunnin tavoitteen"
    set_language("en")
    assert reason_text("counted: over the 1500 h target") == "counted: over the 1,500 h target"


def test_statistic_names() -> None:
    set_language("fi")
    assert statistic_label("p90").localized() == "90. persentiili"
    assert statistic_label("age_1_7d").localized() == "osuus avoinna 1–7 päivää"
    assert statistic_label("age_over_30d").localized() == "osuus avoinna yli 30 päivää"
    assert statistic_label("made_up") == "made_up"  # unknown codes are shown as they are
    assert is_average("agents_mean")
    assert not is_average("count")


def test_breakdowns_translate_karstas_own_codes_only() -> None:
    set_language("sv")
    assert group_label({"channel": "phone", "type": "incident"}) == "kanal: telefon, typ: incident"
    assert (
        group_label({"group": "Group 56", "channel": "unknown"}) == "grupp: Group 56, kanal: okänd"
    )
