"""Errors that stop an import, each with one clear message for the user."""

from __future__ import annotations

from dataclasses import dataclass
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


class DuplicateColumns(ImportFailed):
    """A column the mapping reads appears more than once in the file's header."""

    def __init__(self, path: Path | str, duplicates: dict[str, list[int]]) -> None:
        named = joined(
            [
                Message(
                    "{name!r} is column {positions}",
                    name=name,
                    positions=", ".join(str(p) for p in positions),
                )
                for name, positions in duplicates.items()
            ],
            "; ",
        )
        super().__init__(
            path,
            Message(
                "the header names a column the mapping reads more than once ({named}): "
                "Karsta cannot tell which one holds the values.",
                named=named,
            ),
            Message(
                "Say in the mapping which one to read, as {example} for the first column "
                "so named ({example2} for the second), or rename the other in the file.",
                example=repr(f"{next(iter(duplicates))}[1]"),
                example2=repr(f"{next(iter(duplicates))}[2]"),
            ),
        )
        self.duplicates = duplicates


@dataclass(frozen=True, slots=True)
class RejectExample:
    """One rejected value, as a failure message shows it (no value of a personal column)."""

    line: int
    column: str | None
    reason: str
    value: str | None


class TooManyRejects(ImportFailed):
    """More rows were rejected than the import's limit allows; nothing was imported."""

    def __init__(
        self,
        path: Path | str,
        *,
        rejected: int,
        read: int,
        limit: str,
        row_label: str,
        examples: list[RejectExample],
    ) -> None:
        shown = "; ".join(
            f"{row_label} {e.line}"
            + (f", {e.column}" if e.column else "")
            + f": {e.reason}"
            + (f" ({e.value!r})" if e.value is not None else "")
            for e in examples
        )
        self.headline = Message(
            "{rejected} of {read} rows were rejected, more than the limit of {limit}, "
            "so nothing was imported.",
            rejected=rejected,
            read=read,
            limit=limit,
        )
        super().__init__(
            path,
            Message("{headline} First rejects: {shown}.", headline=self.headline, shown=shown),
            Message(
                "Check the reasons: a wrong option (--encoding, --delimiter, "
                "--timestamp-format, --timezone) rejects many rows alike. To import the "
                "readable rows and keep the rest in the rejects table, raise the limit "
                "with --max-rejects (a share such as 5% or a number of rows)."
            ),
        )
        self.rejected = rejected
        self.read = read
        self.limit = limit
        self.row_label = row_label
        self.examples = examples


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
