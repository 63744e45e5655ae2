"""The message catalogs: language choice, translated messages, and catalogs that keep up."""

from __future__ import annotations

import ast
import copy
import json
import pickle
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from karsta import i18n
from karsta.i18n import N_, Message, _, detect_language, joined, ngettext, set_language

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "karsta"
LOCALE = PACKAGE / "locale"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Message": None}


def _catalog(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=lang)


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def _marked_in_code() -> set[str | tuple[str, ...]]:
    """Return every message the code marks for translation, as `make i18n` extracts them."""
    found = extract_from_dir(
        PACKAGE,
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        keywords=KEYWORDS,
        comment_tags=(),
    )
    return {message for _file, _line, message, _comments, _context in found}


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"KARSTA_LANG": "sv"}, "sv"),
        ({"KARSTA_LANG": "fi_FI.UTF-8", "LANG": "sv_FI.UTF-8"}, "fi"),
        ({"LANG": "fi_FI.UTF-8"}, "fi"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "fi_FI.UTF-8"}, "en"),
        ({"LC_MESSAGES": "sv_FI", "LANG": "en_US.UTF-8"}, "sv"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "fi:en"}, "fi"),
        ({"LANG": "C.UTF-8", "LANGUAGE": "fi"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_from_the_environment(environ: dict[str, str], expected: str) -> None:
    assert detect_language(environ) == expected


def test_unknown_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown language 'de'"):
        set_language("de")
    with pytest.raises(ValueError, match="Unknown language"):
        detect_language({"KARSTA_LANG": "klingon"})


def test_set_language_without_a_choice_detects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARSTA_LANG", "sv")
    assert set_language() == "sv"
    assert i18n.current_language() == "sv"


def test_messages_in_each_language() -> None:
    for lang, expected in (("en", "tickets"), ("fi", "tukipyynnöt"), ("sv", "ärenden")):
        set_language(lang)
        assert _("tickets") == expected
    set_language("fi")
    assert ngettext("… {n} more variant", "… {n} more variants", 1) == "… {n} muu variantti"
    assert ngettext("… {n} more variant", "… {n} more variants", 5) == "… {n} muuta varianttia"
    assert _("a message nobody translated") == "a message nobody translated"


def test_a_message_is_english_text_that_translates_later() -> None:
    plural = Message("groups")
    title = Message("Tickets passed between {nodes}", nodes=plural)
    assert title == "Tickets passed between groups"
    assert json.dumps({"title": title}) == '{"title": "Tickets passed between groups"}'
    set_language("fi")
    assert title.localized() == "Tukipyyntöjen siirrot (ryhmät)"
    assert title == "Tickets passed between groups"
    set_language("sv")
    assert title.localized() == "Ärenden som flyttats mellan grupper"
    data = Message("Tickets waiting in {status}", status="waiting")
    assert data.localized() == "Ärenden som väntar i status waiting"  # data is not translated
    both = joined([Message("rework"), "plain"], "; ")
    assert (both, both.localized()) == ("rework; plain", "omarbete; plain")
    assert i18n.localized(3) == 3
    assert N_("waiting") == "waiting"


def test_numbers_in_a_message_are_written_as_the_language_writes_them() -> None:
    # The waste's yearly basis and assumptions carry numbers with a format of their own.
    message = Message(
        "{share:.1f} % of {total}; {hours:g} hours; {cost:g} €/h; {days:.0f} d; {mean}",
        share=98.04,
        total=24918,
        hours=1600.0,
        cost=45.0,
        days=14826.02,
        mean=2.5,
    )
    nbsp = "\N{NO-BREAK SPACE}"
    assert message == "98.0 % of 24918; 1600 hours; 45 €/h; 14826 d; 2.5"  # str(): Python's
    set_language("fi")
    assert message.localized() == (
        f"98,0 % of 24{nbsp}918; 1{nbsp}600 hours; 45 €/h; 14{nbsp}826 d; 2,5"
    )
    set_language("en")
    assert message.localized() == "98.0 % of 24,918; 1,600 hours; 45 €/h; 14,826 d; 2.5"
    # Formats that are not a number's precision are Python's own.
    assert Message("{n:>4}|{t!r}", n=7, t="x").localized() == "   7|'x'"


def test_a_message_survives_copies_and_pickles() -> None:
    title = Message("Waiting between {source} and {target}", source="A", target="{B}")
    for copied in (copy.copy(title), copy.deepcopy(title), pickle.loads(pickle.dumps(title))):
        assert copied == "Waiting between A and {B}"
        assert isinstance(copied, Message)
        assert copied.args == {"source": "A", "target": "{B}"}


def test_the_template_holds_every_message_the_code_marks() -> None:
    template = _ids(_catalog(LOCALE / "karsta.pot"))
    marked = _marked_in_code()
    assert not marked - template, f"run `make i18n`: not in karsta.pot: {marked - template}"
    assert not template - marked, f"run `make i18n`: no longer in the code: {template - marked}"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_message_is_translated(lang: str) -> None:
    catalog = _catalog(LOCALE / lang / "LC_MESSAGES" / "karsta.po", lang)
    template = _ids(_catalog(LOCALE / "karsta.pot"))
    assert not template - _ids(catalog), f"run `make i18n`, then translate {lang}.po"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        for text in strings:
            if _fields(text) != _fields(ids[-1]):
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    assert not problems, problems


def test_the_reworded_finnish_stays_reworded() -> None:
    """Two Finnish phrases a reader stumbled over are gone from every translation.

    "useamman kuin 3 kautta (ryhmät)" (through more than 3 via) and "vastuutukset"
    (not a word) read as "yli 3 eri tahoa" and "vastuut".
    """
    strings = []
    for message in _catalog(LOCALE / "fi" / "LC_MESSAGES" / "karsta.po", "fi"):
        found = message.string
        strings += [found] if isinstance(found, str) else list(found)
    awkward = [s for s in strings if "useamman kuin" in s or "vastuutuks" in s]
    assert not awkward
    set_language("fi")
    over = _("tickets through more than {max} {nodes}").format(max=3, nodes="ryhmää")
    assert over == "tukipyynnöt, joiden käsittelyssä oli mukana yli 3 eri tahoa (ryhmää)"
    roles = _("unclear job descriptions, roles, authorisations and responsibilities")
    assert roles == "epäselvät työnkuvat, roolit, valtuudet ja vastuut"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_translation_formats(lang: str) -> None:
    """Each translation formats with the arguments its English text takes."""
    set_language(lang)
    for message in _catalog(LOCALE / "karsta.pot"):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        args = dict.fromkeys(_fields(english), 1)
        assert Message(english, **args).localized()


def test_the_catalogs_are_package_data() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*.pot"' in pyproject
    assert '"locale/*/LC_MESSAGES/*.po"' in pyproject
    assert '"babel>=' in pyproject.lower()


def test_no_message_is_marked_inside_an_f_string() -> None:
    """Babel does not extract calls inside f-string expressions: such a message never translates."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and getattr(inner.func, "id", None) in KEYWORDS
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                ):
                    hidden.append(f"{path.relative_to(PACKAGE)}:{inner.lineno}")
    assert not hidden, f"take these calls out of their f-strings: {hidden}"
