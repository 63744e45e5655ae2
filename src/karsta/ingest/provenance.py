"""How an import read its file, kept with it: the same file is read again the same way or replaced.

An event's identity includes its time, so the same file read with another time
zone (or another timestamp format, encoding, mapping, …) gives other events, and
importing it again would add them beside the first ones. The options that change
how rows are read are recorded with each import (JSON in `imports.options`); the
same file (by SHA-256) read with other options is refused, naming the earlier
import, unless it replaces it (`--replace`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from karsta.i18n import N_, Message, joined
from karsta.ingest.errors import ImportFailed
from karsta.ingest.mapping import SourceMapping

Options = dict[str, Any]

# The recorded options, in the order a message lists them, with their names for people.
LABELS = {
    "format": N_("format"),
    "mapping": N_("mapping"),
    "mapping_rules": N_("mapping rules"),
    "timezone": N_("time zone"),
    "delimiter": N_("delimiter"),
    "encoding": N_("encoding"),
    "decimal": N_("decimal separator"),
    "timestamp_format": N_("timestamp format"),
    "sheet": N_("sheet"),
    "pseudonymised": N_("pseudonymisation"),
}
# What the mapping rules' digest leaves out: names, the options recorded on their own, and
# the stages, which group activities for the process views without changing a stored row.
_NOT_RULES = {"name", "title", "description", "timezone", "stages"}
_READ_OPTIONS = ("delimiter", "encoding", "decimal", "timestamp_format", "sheet")


def _plain(value: Any) -> Any:
    """Return a mapping's value as JSON can hold it, in a stable order."""
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def rules_digest(mapping: SourceMapping) -> str:
    """Return a digest of what the mapping says about the rows, beyond the recorded options."""
    rules = {k: v for k, v in _plain(mapping).items() if k not in _NOT_RULES}
    if mapping.records is None:  # as ticket mappings were digested before record tables
        del rules["table"], rules["records"]
    rules["read"] = {k: v for k, v in rules["read"].items() if k not in _READ_OPTIONS}
    text = json.dumps(rules, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def reading_options(mapping: SourceMapping, reader: str, *, pseudonymised: bool) -> Options:
    """Return the options that change how an import reads its rows (None: detected)."""
    options: Options = {
        "format": reader,
        "mapping": mapping.name,
        "mapping_rules": rules_digest(mapping),
        "timezone": mapping.timezone,
    }
    options |= {name: getattr(mapping.read, name) for name in _READ_OPTIONS}
    options["pseudonymised"] = pseudonymised
    return options


@dataclass(frozen=True, slots=True)
class EarlierImport:
    """The latest import of a file that is still in the workspace (not replaced)."""

    import_id: int
    started_at: datetime
    options: Options | None  # None: imported before options were recorded


def earlier_imports(con: duckdb.DuckDBPyConnection, sha256: str) -> list[EarlierImport]:
    """Return the imports of the file with this SHA-256 that nothing replaced, latest first."""
    rows = con.execute(
        "SELECT import_id, started_at, options FROM imports "
        "WHERE file_sha256 = ? AND replaced_by IS NULL ORDER BY import_id DESC",
        [sha256],
    ).fetchall()
    return [
        EarlierImport(int(i), started, json.loads(options) if options else None)
        for i, started, options in rows
    ]


def _shown(name: str, value: Any) -> str:
    if name == "pseudonymised":
        return Message(N_("on")) if value else Message(N_("off"))
    if value is None:
        return Message(N_("detected"))
    return repr(value) if name in ("delimiter", "decimal") else str(value)


def differences(before: Options, now: Options) -> list[str]:
    """Return the options that differ, each as 'name before (now after)'."""
    return [
        Message(
            "{name} {before} (now {now})",
            name=Message(label),
            before=_shown(name, before.get(name)),
            now=_shown(name, now.get(name)),
        )
        for name, label in LABELS.items()
        if before.get(name) != now.get(name)
    ]


class ReadDifferently(ImportFailed):
    """The file was imported before with other options; reading it again would duplicate it."""

    def __init__(self, path: Path | str, earlier: EarlierImport, now: Options) -> None:
        when = f"{earlier.started_at:%Y-%m-%d %H:%M}"
        if earlier.options is None:
            problem = Message(
                "was imported before (import {id} of {when} UTC), and how it was read then "
                "was not recorded: reading it again could add its events a second time.",
                id=earlier.import_id,
                when=when,
            )
        else:
            problem = Message(
                "was imported before (import {id} of {when} UTC) with other options: "
                "{changes}. Read with these, its rows would become other events, added "
                "beside the earlier ones.",
                id=earlier.import_id,
                when=when,
                changes=joined(differences(earlier.options, now), "; "),
            )
        super().__init__(
            path,
            problem,
            Message(
                "To read the file again with these options, add --replace: its earlier "
                "events are removed and the new reading is loaded, in one transaction."
            ),
        )
        self.earlier = earlier


def check_reading(path: Path, earlier: list[EarlierImport], now: Options, *, replace: bool) -> None:
    """Refuse to read a file already imported with other options, unless replacing it."""
    if replace or not earlier:
        return
    latest = earlier[0]
    if latest.options != now:
        raise ReadDifferently(path, latest, now)
