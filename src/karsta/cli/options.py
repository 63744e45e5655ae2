"""Options every command that prints text shares."""

from __future__ import annotations

from typing import Annotated

import typer

from karsta import i18n
from karsta.i18n import N_


def _use_language(lang: str | None) -> str:
    """Set the interface language from --lang, KARSTA_LANG or the locale; return it."""
    try:
        return i18n.set_language(lang)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help=N_("Language: fi, sv, en (default: KARSTA_LANG, else the system locale, else en)."),
        callback=_use_language,
        is_eager=True,
    ),
]
"""--lang: the language of messages, tables, metric names and cards."""
