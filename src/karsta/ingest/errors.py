"""Errors that stop an import, each with one clear message for the user."""

from __future__ import annotations

from pathlib import Path

from karsta.i18n import localized


class ImportFailed(Exception):
    """The file cannot be imported at all; nothing was changed in the workspace."""

    def __init__(self, path: Path | str, problem: str, hint: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        text = f"{self.path}: {problem}"
        super().__init__(f"{text} {hint}".strip())

    def localized(self) -> str:
        """Return the message in the current language (where its parts are `Message`s)."""
        return f"{self.path}: {localized(self.problem)} {localized(self.hint)}".strip()


class MissingColumns(ImportFailed):
    """Required source columns are not in the file's header."""

    def __init__(self, path: Path | str, missing: list[str], found: list[str]) -> None:
        shown = ", ".join(repr(c) for c in found[:12]) + (" …" if len(found) > 12 else "")
        problem = (
            f"required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)} not found. The file has {len(found)} "
            f"column{'s' if len(found) != 1 else ''}: {shown}."
        )
        super().__init__(path, problem, _delimiter_hint(found))
        self.missing = missing
        self.found = found


def _delimiter_hint(found: list[str]) -> str:
    """Suggest a delimiter when the header looks like one unsplit line."""
    if len(found) != 1:
        return "Check the mapping (--preset or --mapping) against the file's header."
    for delimiter in (";", ",", "\t", "|"):
        if delimiter in found[0]:
            shown = "\\t" if delimiter == "\t" else delimiter
            return (
                f"The header was not split: is the delimiter {shown!r}? Use --delimiter '{shown}'."
            )
    return "Check the delimiter (--delimiter) and the mapping."
