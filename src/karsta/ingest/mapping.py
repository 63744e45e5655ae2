"""Mappings from a source system's export to the canonical tables, read from YAML.

A mapping names which source column fills which canonical column, how values
are written (missing-value markers, timestamp format, time zone) and what the
source's statuses mean. Built-in mappings ("presets") live in `presets/`; a
user's own mapping file may `extend` one of them and change only what differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from karsta.i18n import Message
from karsta.schema import TICKET_EVENTS

STATUS_CLASSES = ("new", "active", "waiting", "resolved", "closed", "cancelled")
Layout = Literal["events", "tickets"]
EVENT_COLUMNS = frozenset(TICKET_EVENTS.column_names) - {
    "event_key",
    "seq",
    "status_class",
    "is_pause",
    "source_file",
    "source_row",
    "import_id",
}


class MappingError(ValueError):
    """A mapping file or preset is not valid; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Milestone:
    """A timestamp column of a one-row-per-ticket export turned into an event."""

    column: str
    activity: str
    status_class: str


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How the file is written; empty fields are detected from the file."""

    delimiter: str | None = None
    encoding: str | None = None
    decimal: str | None = None
    timestamp_format: str | None = None
    missing: tuple[str, ...] = ("",)
    sheet: str | None = None


@dataclass(frozen=True, slots=True)
class SourceMapping:
    """A complete, validated mapping of one source system's export."""

    name: str
    title: str
    layout: Layout
    columns: Mapping[str, str]
    read: ReadOptions = ReadOptions()
    timezone: str = "Europe/Helsinki"
    ticket_type: str | None = None
    status_classes: Mapping[str, str] = field(default_factory=dict)
    pause_statuses: frozenset[str] = frozenset()
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    personal: frozenset[str] = frozenset({"caller_id", "agent"})
    group_levels: Mapping[str, int] = field(default_factory=dict)
    milestones: tuple[Milestone, ...] = ()
    description: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        """Return the canonical columns that every row must have."""
        if self.layout == "tickets":
            return ("ticket_id", "source_opened_at")
        return ("ticket_id", "timestamp")

    def source_column(self, canonical: str) -> str | None:
        """Return the source column that fills `canonical`, if mapped."""
        return self.columns.get(canonical)

    def with_read(self, **overrides: Any) -> SourceMapping:
        """Return a copy with some read options overridden (None leaves as is)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, read=replace(self.read, **given))

    def to_dict(self) -> dict[str, Any]:
        """Return the mapping as the keys of a mapping file, every default filled in."""
        statuses: dict[str, list[str]] = {}
        for status, cls in self.status_classes.items():
            statuses.setdefault(cls, []).append(status)
        read = {f: getattr(self.read, f) for f in self.read.__slots__}
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "layout": self.layout,
            "columns": dict(self.columns),
            "read": {k: list(v) if isinstance(v, tuple) else v for k, v in read.items()},
            "timezone": self.timezone,
            "ticket_type": self.ticket_type,
            "status_classes": statuses,
            "pause_statuses": sorted(self.pause_statuses),
            "values": {k: dict(v) for k, v in self.values.items()},
            "group_levels": dict(self.group_levels),
            "personal": sorted(self.personal),
            "milestones": [
                {"column": m.column, "activity": m.activity, "status_class": m.status_class}
                for m in self.milestones
            ],
        }

    def with_timezone(self, timezone: str | None) -> SourceMapping:
        """Return a copy reading naive timestamps in `timezone` (None leaves as is)."""
        return self if timezone is None else replace(self, timezone=timezone)


PRESET_DIR = "presets"


def preset_names() -> list[str]:
    """Return the names of the built-in presets, sorted."""
    folder = resources.files("karsta.ingest").joinpath(PRESET_DIR)
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def preset_text(name: str) -> str:
    """Return the YAML text of the built-in preset `name`, as written."""
    folder = resources.files("karsta.ingest").joinpath(PRESET_DIR)
    path = folder.joinpath(f"{name}.yaml")
    if not path.is_file():
        known = ", ".join(preset_names())
        raise MappingError(
            Message("Unknown preset '{name}'. Known presets: {known}.", name=name, known=known)
        )
    return path.read_text(encoding="utf-8")


def load_preset(name: str) -> SourceMapping:
    """Return the built-in preset called `name`."""
    return _build(_load_raw(preset_text(name), f"preset {name}"), f"preset {name}")


def load_mapping_file(path: Path) -> SourceMapping:
    """Return the mapping in a user's YAML file (which may extend a preset)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(
            Message("Cannot read mapping file {path}: {error}.", path=str(path), error=exc.strerror)
        ) from exc
    return _build(_load_raw(text, str(path)), str(path))


def _load_raw(text: str, where: str) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(
            Message("{where} is not valid YAML: {error}", where=where, error=str(exc))
        ) from exc
    if not isinstance(raw, dict):
        raise MappingError(
            Message("{where} must be a YAML mapping of keys to values.", where=where)
        )
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    base = _load_raw(preset_text(str(parent)), f"preset {parent}")
    return _merge(base, raw)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True, slots=True)
class MappingKey:
    """One key of a mapping file: what it means, its default and an example (docs/mapping.md)."""

    name: str
    meaning: str
    default: str
    example: str = ""


MAPPING_KEYS: tuple[MappingKey, ...] = (
    MappingKey(
        "extends",
        "A built-in preset this file starts from; the file's keys replace the preset's "
        "(mappings such as `columns` and `values` are merged key by key).",
        "none",
        "extends: event-log",
    ),
    MappingKey("name", "Short name of the mapping, stored with every import.", "the file name",
               "name: my-desk"),
    MappingKey("title", "One line saying what export the mapping reads.", "the name"),
    MappingKey("description", "Longer text about the export (shown by `karsta presets show`).",
               "empty"),
    MappingKey(
        "layout",
        "`events`: one row per event (status change, update). `tickets`: one row per ticket, "
        "whose timestamp columns become events through `milestones`.",
        "events",
        "layout: tickets",
    ),
    MappingKey(
        "columns",
        "Canonical column → source column (the header as written in the file). See the "
        "columns below; the required ones depend on `layout`.",
        "none",
        "columns: {ticket_id: Tiketti, activity: Tila, timestamp: Aikaleima}",
    ),
    MappingKey("read", "How the file is written (see the read options below).",
               "detected from the file", "read: {delimiter: ';', decimal: ','}"),
    MappingKey(
        "timezone",
        "Time zone of timestamps written without an offset (IANA name). Timestamps with an "
        "offset keep it; everything is stored in UTC. `--timezone` overrides it.",
        "Europe/Helsinki",
        "timezone: Europe/Stockholm",
    ),
    MappingKey("ticket_type", "Ticket type of every row when the file has no type column "
               "(incident or request).", "none", "ticket_type: incident"),
    MappingKey(
        "status_classes",
        "Which statuses (activities) mean new, active, waiting, resolved, closed or cancelled "
        "(see the classes below). Resolution and closing times, first response, reopens, "
        "waiting time and open tickets are derived from them.",
        "none: those facts cannot be derived",
        "status_classes: {resolved: [Ratkaistu], closed: [Suljettu]}",
    ),
    MappingKey(
        "pause_statuses",
        "Statuses that stop the SLA clock (e.g. waiting for the customer); durations in "
        "service hours leave them out.",
        "none",
        "pause_statuses: [Odottaa asiakasta]",
    ),
    MappingKey(
        "values",
        "Value maps: canonical column → {value in the file: value stored}. Values not listed "
        "are stored as they are.",
        "none",
        "values: {channel: {Puhelin: phone, Sähköposti: email}}",
    ),
    MappingKey(
        "group_levels",
        "Support level of each assignment group (1 = first level). Escalations, bounces "
        "and first-level resolution read the level of the group at each event.",
        "none",
        "group_levels: {Service Desk: 1, Network: 2, Vendor X: 3}",
    ),
    MappingKey(
        "personal",
        "Canonical columns that hold personal data: never printed, and replaced by keyed "
        "hashes with `--pseudonymise`.",
        "[caller_id, agent]",
        "personal: [caller_id, agent]",
    ),
    MappingKey(
        "milestones",
        "For `layout: tickets`: the timestamp columns that become events, each with the "
        "activity and status class it stands for.",
        "none",
        "milestones: [{column: Solved at, activity: Solved, status_class: resolved}]",
    ),
)  # fmt: skip
"""Every key a mapping file may have. A new key needs a line here: it documents it too."""

STATUS_CLASS_MEANINGS: Mapping[str, str] = {
    "new": "Registered, nobody works on it yet (the queue).",
    "active": "Someone works on it.",
    "waiting": "Waiting for the customer, a vendor or another process.",
    "resolved": "Resolved: the resolution time is the start of the last stay here.",
    "closed": "Closed: no more work (after resolution, or without one).",
    "cancelled": "Cancelled or withdrawn; left out of most figures.",
}
"""What each status class means, for the reference page."""

READ_OPTION_MEANINGS: Mapping[str, str] = {
    "delimiter": "CSV field separator, e.g. ',' or ';' (`--delimiter`).",
    "encoding": "Text encoding, e.g. utf-8, cp1252, utf-16 (`--encoding`).",
    "decimal": "Decimal separator of numbers: ',' or '.' (`--decimal`).",
    "timestamp_format": "strptime format of timestamps, e.g. '%d.%m.%Y %H:%M' "
    "(`--timestamp-format`).",
    "missing": "Values that mean empty, e.g. ['', '?', '-'].",
    "sheet": "Excel sheet to read (`--sheet`).",
}
"""The `read` options and what each means; empty options are detected from the file."""

_KNOWN_KEYS = {key.name for key in MAPPING_KEYS} - {"extends"}


def _build(raw: dict[str, Any], where: str) -> SourceMapping:
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        raise MappingError(
            Message(
                "{where}: unknown keys {keys}; known: {known}.",
                where=where,
                keys=", ".join(sorted(unknown)),
                known=", ".join(sorted(_KNOWN_KEYS)),
            )
        )
    layout = raw.get("layout", "events")
    if layout not in ("events", "tickets"):
        raise MappingError(
            Message(
                "{where}: layout must be 'events' or 'tickets', not '{layout}'.",
                where=where,
                layout=layout,
            )
        )
    columns = _str_map(raw.get("columns", {}), where, "columns")
    bad = set(columns) - EVENT_COLUMNS
    if bad:
        raise MappingError(
            Message(
                "{where}: columns maps unknown canonical columns {columns}; known: {known}.",
                where=where,
                columns=", ".join(sorted(bad)),
                known=", ".join(sorted(EVENT_COLUMNS)),
            )
        )
    status_classes: dict[str, str] = {}
    for cls, statuses in (raw.get("status_classes") or {}).items():
        if cls not in STATUS_CLASSES:
            raise MappingError(
                Message(
                    "{where}: status class '{status_class}' is not one of {known}.",
                    where=where,
                    status_class=cls,
                    known=", ".join(STATUS_CLASSES),
                )
            )
        for status in _str_list(statuses, where, f"status_classes.{cls}"):
            status_classes[status] = cls
    read_raw = dict(raw.get("read") or {})
    if "missing" in read_raw:
        read_raw["missing"] = tuple(_str_list(read_raw["missing"], where, "read.missing"))
    try:
        read = ReadOptions(**read_raw)
    except TypeError as exc:
        raise MappingError(
            Message("{where}: bad read options: {error}.", where=where, error=str(exc))
        ) from exc
    milestones = tuple(
        Milestone(str(m["column"]), str(m["activity"]), str(m["status_class"]))
        for m in raw.get("milestones") or ()
    )
    mapping = SourceMapping(
        name=str(raw.get("name", Path(where).stem)),
        title=str(raw.get("title", raw.get("name", where))),
        description=str(raw.get("description", "")),
        layout=layout,
        columns=columns,
        read=read,
        timezone=str(raw.get("timezone", "Europe/Helsinki")),
        ticket_type=raw.get("ticket_type"),
        status_classes=status_classes,
        pause_statuses=frozenset(_str_list(raw.get("pause_statuses") or [], where, "pause")),
        values={k: _str_map(v, where, f"values.{k}") for k, v in (raw.get("values") or {}).items()},
        personal=frozenset(
            _str_list(raw.get("personal", ["caller_id", "agent"]), where, "personal")
        ),
        group_levels={str(k): int(v) for k, v in (raw.get("group_levels") or {}).items()},
        milestones=milestones,
    )
    missing = [c for c in mapping.required if c not in columns]
    if missing:
        raise MappingError(
            Message(
                "{where}: the mapping must name source columns for {columns}.",
                where=where,
                columns=", ".join(missing),
            )
        )
    return mapping


def _str_map(value: Any, where: str, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise MappingError(Message("{where}: {key} must be a mapping.", where=where, key=key))
    return {str(k): str(v) for k, v in value.items()}


def _str_list(value: Any, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise MappingError(Message("{where}: {key} must be a list.", where=where, key=key))
    return [str(v) for v in value]
