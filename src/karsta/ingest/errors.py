"""Errors that stop an import, each with one clear message for the user."""

from __future__ import annotations

from pathlib import Path

from karsta.i18n import Message, joined, localized


class ImportFailed(Exception):
    """The file cannot be imported at all; nothing was changed in the workspace.

    The problem and the hint are Messages (English, shown translated), so the one
    argument is too: `str(exc)` is English, a view shows it in the user's language.
    """

    def __init__(self, path: Path | str, problem: str, hint: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        parts = [f"{self.path}: ", problem, *([" ", hint] if hint else [])]
        super().__init__(joined(parts, ""))

    def localized(self) -> str:
        """Return the message in the current language (where its parts are `Message`s)."""
        return str(localized(self.args[0]))


class MissingColumns(ImportFailed):
    """Required source columns are not in the file's header."""

    def __init__(self, path: Path | str, missing: list[str], found: list[str]) -> None:
        shown = ", ".join(repr(c) for c in found[:12]) + (" …" if len(found) > 12 else "")
        named = ", ".join(repr(c) for c in missing)
        problem = joined(
            [
                Message("required column {columns} not found.", columns=named)
                if len(missing) == 1
                else Message("required columns {columns} not found.", columns=named),
                Message("The file has {n} column: {shown}.", n=len(found), shown=shown)
                if len(found) == 1
                else Message("The file has {n} columns: {shown}.", n=len(found), shown=shown),
            ],
            " ",
        )
        super().__init__(path, problem, _delimiter_hint(found))
        self.missing = missing
        self.found = found


def _delimiter_hint(found: list[str]) -> str:
    """Suggest a delimiter when the header looks like one unsplit line."""
    if len(found) != 1:
        return Message("Check the mapping (--preset or --mapping) against the file's header.")
    for delimiter in (";", ",", "\t", "|"):
        if delimiter in found[0]:
            shown = "\\t" if delimiter == "\t" else delimiter
            return Message(
                "The header was not split: is the delimiter '{delimiter}'? "
                "Use --delimiter '{delimiter}'.",
                delimiter=shown,
            )
    return Message("Check the delimiter (--delimiter) and the mapping.")
