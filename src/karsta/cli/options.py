"""Options every command that prints text shares."""

from __future__ import annotations

from typing import Annotated

import typer

from karsta import i18n
from karsta.i18n import N_


def _use_language(lang: str | None) -> str:
    """Set the interface language from --lang; return it.

    Without --lang here, the language stands as the `karsta` group chose it from the
    whole command line (`karsta --lang fi metrics`), KARSTA_LANG or the locale; an
    unknown KARSTA_LANG is reported here.
    """
    try:
        if lang is None:
            i18n.detect_language()  # reports an unknown KARSTA_LANG
            return i18n.current_language()
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
