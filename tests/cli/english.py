"""The English words of the interface, to find any left untranslated in Finnish or Swedish output.

The list grows with the code: it is built from the English message ids of the catalog
(`karsta.pot`), the metric cards' English names and the statistics' names. A word is
English interface text in a language when that language's translations and cards never
use it themselves: proper names (Karsta, DuckDB, Excel), codes and option names
(`--format`, `workaround_codes`) and words the languages share (`median` in Swedish)
appear in the translations too, so they are allowed; so are command names and the
values options take (`month`, `group`), which the user types as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import typer
from babel.messages.pofile import read_po
from typer.core import TyperArgument

import karsta
from karsta.cli.main import app
from karsta.i18n import Language
from karsta.metrics.cards import load_cards
from karsta.metrics.labels import STATISTIC_LABELS
from karsta.metrics.periods import PERIOD_KINDS
from karsta.process.transitions import ATTRIBUTES

LOCALE = Path(__file__).resolve().parents[2] / "src" / "karsta" / "locale"
METADATA = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "Plural-Forms",
            "Content-Transfer-Encoding", "Last-Translator", "Generated-By")  # fmt: skip
"""Catalog header fields: none may ever appear in output."""

_WORD = re.compile(r"(?<![\w\-{.%/<])[A-Za-zÅÄÖåäö][a-zåäö]{2,}(?![\w\-}])")
_NOT_TEXT = re.compile(r"\{[^}]*\}|\[/?[a-z ]*\]|--[\w-]+|`[^`]*`|'[^']*'|\S+_\S+|\S+\.\w+")


def words(text: str) -> set[str]:
    """Return the words of a text, leaving out placeholders, markup, options, quotes and codes."""
    return set(_WORD.findall(_NOT_TEXT.sub(" ", text)))


def _commands(command: object) -> set[str]:
    """Return the names of a command, its arguments and every command below it."""
    names = {str(getattr(command, "name", "") or "")}
    names |= {str(p.name) for p in getattr(command, "params", []) if isinstance(p, TyperArgument)}
    for child in getattr(command, "commands", {}).values():
        names |= _commands(child)
    return names


def command_line_words() -> set[str]:
    """Return what a user types, which stays as it is in every language.

    Command and argument names (`karsta import {file}`) and the values options take
    (periods, attributes).
    """
    return _commands(typer.main.get_command(app)) | set(PERIOD_KINDS) | set(ATTRIBUTES)


def _strings(path: Path, lang: str | None) -> tuple[list[str], list[str]]:
    """Return a catalog's message ids and translations."""
    with path.open("rb") as source:
        catalog = read_po(source, locale=lang)
    ids: list[str] = []
    translations: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids += [message.id] if isinstance(message.id, str) else list(message.id)
        if message.string:
            strings = message.string
            translations += [strings] if isinstance(strings, str) else list(strings)
    return ids, translations


@cache
def english_interface_words(lang: Language) -> frozenset[str]:
    """Return the English interface words that Finnish or Swedish output must not contain."""
    ids, _ = _strings(LOCALE / "karsta.pot", None)
    english = [*ids, *STATISTIC_LABELS.values()]
    own = list(_strings(LOCALE / lang / "LC_MESSAGES" / "karsta.po", lang)[1])
    for card in load_cards().values():
        english.append(card.name("en"))
        own += [card.field(name, lang) for name in card.text]
    allowed = set().union(*(words(text) for text in own)) | command_line_words()
    return frozenset(set().union(*(words(text) for text in english)) - allowed)


def untranslated(output: str, lang: Language) -> set[str]:
    """Return the English interface words found in `output` (word by word, case as written)."""
    return words(output) & english_interface_words(lang)


_PIECES = re.compile(r"\{[^}]*\}|\[/?[a-z ]*\]|`[^`]*`|'[^']*'|[:;.,()\"\n—–]")


@cache
def english_phrases() -> frozenset[str]:
    """Return the runs of three or more plain English words in the catalog's message ids.

    Word by word, an English word that a translation also uses (a table name such as
    `tickets` in a Finnish card) is allowed; a run of three English words in a row is
    English text whichever words it holds.
    """
    ids, _ = _strings(LOCALE / "karsta.pot", None)
    found = set()
    for text in ids:
        for piece in _PIECES.split(text):
            run = piece.split()
            if len(run) >= 3 and all(word.isascii() and word.isalpha() for word in run):
                found.add(" ".join(run))
    return frozenset(found)


def english_phrases_in(output: str) -> set[str]:
    """Return the English phrases of the catalog found in `output` (spacing undone)."""
    text = " ".join(output.split())
    return {phrase for phrase in english_phrases() if phrase in text}


DATA_COLUMNS = ("activity", "group", "channel", "category", "priority")
"""Event columns whose values views print as written (never translated)."""


def data_values(workspace: Path) -> set[str]:
    """Return the values a workspace's events hold in the columns views print as they are."""
    found: set[str] = set()
    with karsta.open(workspace, create=False, read_only=True) as ws:
        events = ws.table("ticket_events")
        for column in DATA_COLUMNS:
            values = events.select(column).distinct().to_pyarrow().column(0).to_pylist()
            found |= {str(v) for v in values if v is not None}
    return found


def without_data(output: str, values: Iterable[str]) -> str:
    """Return `output` with the data's own values blanked out: they are shown as written."""
    for value in sorted(set(values), key=len, reverse=True):
        output = output.replace(value, " ")
    return output
