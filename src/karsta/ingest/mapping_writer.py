"""A mapping file written from choices (the web app's mapping wizard), valid for the CLI.

The choices — which source column fills each canonical column, how the file is
written where detection should not decide, which statuses mean what — become a
YAML mapping file of the same keys a person writes by hand (`docs/mapping.md`).
It is checked by `load_mapping_file`, the CLI's own reader, before it is kept,
so every file saved imports with `karsta import FILE --mapping NAME.yaml`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from karsta.i18n import Message
from karsta.ingest.mapping import (
    EVENT_COLUMNS,
    STATUS_CLASSES,
    MappingError,
    SourceMapping,
    load_mapping_file,
)

READ_KEYS = ("delimiter", "encoding", "decimal", "timestamp_format", "sheet")
_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def mapping_file_name(name: str) -> str:
    """Return a safe file stem for a mapping name: lower case letters, digits, '-' and '_'."""
    folded = name.strip().casefold()
    for plain, accented in (("a", "äåà"), ("o", "öô"), ("u", "ü"), ("e", "éè")):
        for char in accented:
            folded = folded.replace(char, plain)
    stem = _UNSAFE.sub("-", folded).strip("-_")
    return stem[:60] or "mapping"


@dataclass(frozen=True, kw_only=True)
class MappingDraft:
    """The choices a mapping file is written from."""

    name: str
    columns: Mapping[str, str]
    """Canonical column → source column (the header as written in the file)."""
    title: str = ""
    read: Mapping[str, str] = field(default_factory=dict)
    """Read options to fix (delimiter, encoding, decimal, timestamp_format, sheet); others
    are detected at every import."""
    timezone: str = "Europe/Helsinki"
    status_classes: Mapping[str, str] = field(default_factory=dict)
    """Status (activity) → class (new, active, waiting, resolved, closed, cancelled)."""
    pause_statuses: Sequence[str] = ()
    ticket_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the mapping file's keys (only what was chosen; defaults left out)."""
        unknown = sorted(set(self.columns) - EVENT_COLUMNS)
        if unknown:
            raise MappingError(
                Message("unknown canonical columns: {columns}", columns=", ".join(unknown))
            )
        data: dict[str, Any] = {"name": self.name}
        if self.title:
            data["title"] = self.title
        data["layout"] = "events"
        data["columns"] = {k: v for k, v in self.columns.items() if v}
        read = {k: v for k, v in self.read.items() if k in READ_KEYS and v}
        if read:
            data["read"] = read
        data["timezone"] = self.timezone
        if self.ticket_type:
            data["ticket_type"] = self.ticket_type
        classes: dict[str, list[str]] = {}
        for status, cls in self.status_classes.items():
            if cls:
                classes.setdefault(cls, []).append(status)
        if classes:
            data["status_classes"] = {c: classes[c] for c in STATUS_CLASSES if c in classes}
        if self.pause_statuses:
            data["pause_statuses"] = list(self.pause_statuses)
        return data


def mapping_yaml(draft: MappingDraft) -> str:
    """Return the mapping file's text: a comment saying how to use it, then its keys."""
    stem = mapping_file_name(draft.name)
    head = f"# {stem}.yaml — karsta import FILE --mapping {stem}.yaml --workspace WORKSPACE\n"
    body = yaml.safe_dump(draft.to_dict(), allow_unicode=True, sort_keys=False, width=100)
    return head + body


def save_mapping(draft: MappingDraft, folder: Path) -> tuple[Path, SourceMapping]:
    """Write the draft to `folder/<name>.yaml` once `load_mapping_file` accepts it.

    The file is written next to its place and moved there in one step, so a
    reader never sees half of it; a mapping of the same name is replaced. Raises
    `MappingError` (nothing written) when the CLI would not accept the mapping.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{mapping_file_name(draft.name)}.yaml"
    fd, temporary = tempfile.mkstemp(prefix=".draft-", suffix=".yaml", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(mapping_yaml(draft))
        try:
            mapping = load_mapping_file(Path(temporary))
        except MappingError as exc:
            raise _named(exc, temporary, target.name) from exc
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target, mapping


def _named(exc: MappingError, temporary: str, name: str) -> MappingError:
    """Return the error naming the mapping file instead of the draft it was checked in."""
    problem = exc.args[0] if exc.args else str(exc)
    if isinstance(problem, Message) and problem.args.get("where") == temporary:
        return MappingError(Message(problem.template, **{**problem.args, "where": name}))
    return MappingError(str(problem).replace(temporary, name))
