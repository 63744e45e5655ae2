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
from karsta.ingest.record_mapping import (
    BOOKKEEPING,
    RECORD_KEYS,
    RECORD_TABLES,
    RecordRules,
    RecordRulesError,
    parse_record_rules,
)
from karsta.ingest.stages import (
    CUSTOMER_VALUES,
    STAGES_KEY,
    VALUE_KEY,
    StageDeclaration,
    parse_stage_declaration,
)
from karsta.schema import TICKET_EVENTS

STATUS_CLASSES = ("new", "active", "waiting", "resolved", "closed", "cancelled")
Layout = Literal["events", "tickets"]
Rows = Literal["events", "snapshots"]
ROWS = ("events", "snapshots")
"""What a row of the source records: one event, or a snapshot of the whole ticket record."""
EVENT_COLUMNS = frozenset(TICKET_EVENTS.column_names) - {
    "event_key",
    "seq",
    "status_class",
    "is_pause",
    "source_file",
    "source_row",
    "import_id",
}
TIME_COLUMNS = frozenset(
    c for c in EVENT_COLUMNS if TICKET_EVENTS.column(c).dtype.startswith("timestamp")
)


class MappingError(ValueError):
    """A mapping file or preset is not valid; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Milestone:
    """A timestamp column of a one-row-per-ticket export turned into an event."""

    column: str
    activity: str
    status_class: str


DURATION_UNITS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0}


@dataclass(frozen=True, slots=True)
class Duration:
    """A canonical time written in the export as a duration after another canonical time.

    Zendesk, for one, gives the first reply as "First reply time in minutes" after
    "Created at": the time is `after` plus the `column`'s value in `unit`.
    """

    column: str
    after: str
    unit: str = "minutes"

    @property
    def seconds(self) -> float:
        """Return the seconds one unit of the column stands for."""
        return DURATION_UNITS[self.unit]


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
    durations: Mapping[str, Duration] = field(default_factory=dict)
    infer_status_classes: bool = True
    """Classify activities the mapping leaves unnamed by their names (resolved, closed, ...)."""
    rows: Rows = "events"
    """"snapshots" when every row holds the whole ticket record at that moment (ServiceNow's
    audit rows; always so for one row per ticket): an empty field then means the record
    had no value, and is not carried forward from an earlier row (`tickets.resolving_group`)."""
    stages: StageDeclaration = field(default_factory=StageDeclaration)
    """Stages of the process and the customer value of stages and steps (process views)."""
    table: str = TICKET_EVENTS.name
    """The canonical table the rows fill: ticket events, or a record table (contacts, ...)."""
    records: RecordRules | None = None
    """How the rows fill a record table (None for ticket events)."""

    @property
    def snapshots(self) -> bool:
        """Return whether each row is a snapshot of the whole ticket record."""
        return self.rows == "snapshots"

    @property
    def required(self) -> tuple[str, ...]:
        """Return the canonical columns that every row must have."""
        if self.records is not None:
            return tuple(
                c.name
                for c in self.records.target.columns
                if c.required and c.name not in BOOKKEEPING
            )
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
        if self.records is not None:
            return self._record_dict()
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
            "durations": {
                target: {"after": d.after, d.unit: d.column} for target, d in self.durations.items()
            },
            "infer_status_classes": self.infer_status_classes,
            "rows": self.rows,
            STAGES_KEY: self.stages.to_dict().get(STAGES_KEY, {}),
            VALUE_KEY: self.stages.to_dict().get(VALUE_KEY, {}),
            "table": self.table,
            **_record_defaults(),
        }

    def _record_dict(self) -> dict[str, Any]:
        """Return a record mapping as the keys of a mapping file, every default filled in."""
        rules = self.records
        assert rules is not None
        read = {f: getattr(self.read, f) for f in self.read.__slots__}
        clock = None
        if rules.clock is not None:
            clock = {
                "date": rules.clock.date,
                "times": {t.column: {"follows": list(t.follows)} for t in rules.clock.times},
                "did_not_happen": list(rules.clock.did_not_happen),
                "rollover_hours": rules.clock.rollover_hours,
                "year": rules.clock.year,
            }
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "table": self.table,
            "columns": {
                k: f.sources[0]
                if len(f.sources) == 1 and not f.join
                else {"join" if f.join else "first_of": list(f.sources)}
                for k, f in rules.fills.items()
            },
            "read": {k: list(v) if isinstance(v, tuple) else v for k, v in read.items()},
            "timezone": self.timezone,
            "values": {k: dict(v) for k, v in self.values.items()},
            "personal": sorted(self.personal),
            "constants": dict(rules.constants),
            "clock": clock,
            "cases": [
                {
                    "when": {
                        c: {t: list(o) if isinstance(o, tuple) else o} for c, t, o in case.when
                    },
                    "set": dict(case.set),
                    "columns": {k: {"first_of": list(f.sources)} for k, f in case.fills.items()},
                }
                for case in rules.cases
            ],
            "unknown": {k: list(v) for k, v in rules.unknown.items()},
            "date_only": sorted(rules.date_only),
            "questions": [
                {
                    "column": q.column,
                    "question": q.question,
                    "instrument": q.instrument,
                    "scale": [q.scale_min, q.scale_max],
                    "free_text": q.free_text,
                }
                for q in rules.questions
            ],
        }

    def with_timezone(self, timezone: str | None) -> SourceMapping:
        """Return a copy reading naive timestamps in `timezone` (None leaves as is)."""
        return self if timezone is None else replace(self, timezone=timezone)


def _record_defaults() -> dict[str, Any]:
    """Return the record keys as a ticket mapping has them: empty."""
    return {
        "constants": {},
        "clock": None,
        "cases": [],
        "unknown": {},
        "date_only": [],
        "questions": [],
    }


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
        "table",
        "The canonical table the rows fill: `ticket_events` (tickets and their events), or "
        "one row of a record table per source row: `contacts`, `visits`, `surveys` or "
        "`staffing` (see Record mappings below). Rows of a record table are keyed by the "
        "table's key: a row already stored with the same values is not added again, a "
        "row with the same key and other values replaces it.",
        "ticket_events",
        "table: contacts",
    ),
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
        "are stored as they are. A `level` map gives whole numbers (see the levels below).",
        "none",
        "values: {channel: {Puhelin: phone, Sähköposti: email}}",
    ),
    MappingKey(
        "group_levels",
        "Support level of each assignment group (1 = first level), for the events whose "
        "`level` column is empty or not mapped. Escalations, returns and first-level "
        "resolution read the level at each event.",
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
    MappingKey(
        "durations",
        "Canonical times written as a duration after another mapped time: the time is "
        "`after` plus the column's value in `seconds`, `minutes` or `hours`.",
        "none",
        "durations: {source_first_response_at: {after: source_opened_at, "
        "minutes: First reply time in minutes}}",
    ),
    MappingKey(
        "infer_status_classes",
        "Classify the activities `status_classes` leaves unnamed by their names, where the "
        "name is one status word (resolve, close, cancel, wait, pending, hold, or their "
        "Finnish and Swedish forms). `status_classes` always wins; `summary` shows what "
        "was inferred.",
        "true",
        "infer_status_classes: false",
    ),
    MappingKey(
        "rows",
        "What a row records: `events` (one event; a field left empty on the resolving event "
        "is carried forward from the last event that had it, and counted as an assumption) "
        "or `snapshots` (the whole ticket record at that moment: an empty field means the "
        "record had no value).",
        "events; snapshots with `layout: tickets`",
        "rows: snapshots",
    ),
    MappingKey(
        "constants",
        "Record mappings: canonical column → the value every row gets.",
        "none",
        "constants: {channel: phone, realtime: true}",
    ),
    MappingKey(
        "clock",
        "Record mappings: times of day (`H:MM:SS`) written beside a date column. `date` "
        "names the date column, `times` the time-of-day columns in order, each with the "
        "times it `follows` (the first of them that happened). A time more than "
        "`rollover_hours` (default 12) earlier than the time it follows is on the next "
        "day (a stay across midnight); a time earlier by less stays on the written day "
        "(a clock mismatch: counted and reported). Values in `did_not_happen` mean the "
        "step did not happen (empty). `year` replaces the year of every date, for a "
        "file known to show a wrong year; the rows changed are counted and reported. "
        "Canonical columns name a time-of-day column under `columns` to get its time.",
        "none",
        "clock: {date: date, did_not_happen: ['0:00:00'], times: {q_start: {}, "
        "q_exit: {follows: q_start}}}",
    ),
    MappingKey(
        "cases",
        "Record mappings: values derived from conditions on the row, in order; the first "
        "case whose conditions (`when`) all hold gives its `set` values and `columns`. A "
        "condition is a value or list of values of a source column, or one of "
        "`{above: n}`, `{below: n}`, `{empty: true}`. Columns no case gives keep their "
        "`columns` or `constants` value.",
        "none",
        "cases: [{when: {outcome: HANG, q_time: {above: 0}}, set: {outcome: abandoned}, "
        "columns: {abandoned_at: q_exit}}]",
    ),
    MappingKey(
        "unknown",
        "Record mappings: canonical column → values that mean \"not known\" in it "
        "(stored empty), e.g. a caller id 0.",
        "none",
        "unknown: {caller_id: ['0'], agent: [NO_SERVER]}",
    ),
    MappingKey(
        "date_only",
        "Record mappings: time columns the source gives as a date without a time of day: "
        "the date as written is read as 00:00 local time (any time of day written is "
        "dropped). Counted and reported with each import.",
        "none",
        "date_only: [scheduled_at]",
    ),
    MappingKey(
        "questions",
        "Surveys: the question columns of a wide export (one row per response); each "
        "answered question becomes a row with its `question` name, `instrument`, "
        "`scale` [lowest, highest] and a score, or its text with `free_text: true`. "
        "The question, instrument, score, scale and free text columns then come from "
        "here.",
        "none",
        "questions: [{column: Q1, question: recommend, instrument: NPS, scale: [0, 10]}]",
    ),
    MappingKey(
        STAGES_KEY,
        "Stages of the process: named groups of activities, in order (the process map by "
        "stage; a stage opens into its steps). The settings file's `stages`, edited on the "
        "web app's stages page, take their place; without either, stages are proposed from "
        "the status classes (intake, work, waiting, resolution, closing).",
        "proposed from the status classes",
        "stages: {intake: [New], diagnosis: [Active], waiting for the customer: "
        "[Awaiting User Info], resolution: [Resolved], closing: [Closed]}",
    ),
    MappingKey(
        VALUE_KEY,
        "What stages and steps (activities) are for the customer: "
        + ", ".join(f"`{v}`" for v in CUSTOMER_VALUES)
        + ". Marks not given are proposed from the status classes (waiting and the queue "
        "are waste, work adds value, resolution and closing are necessary, cancelled is "
        "waste); the settings file's marks win.",
        "proposed from the status classes",
        "customer_value: {stages: {intake: necessary}, steps: {Awaiting Vendor: waste}}",
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
    table = str(raw.get("table", TICKET_EVENTS.name))
    if table != TICKET_EVENTS.name:
        return _build_records(raw, table, where)
    given = sorted(set(raw) & set(RECORD_KEYS))
    if given:
        raise MappingError(
            Message(
                "{where}: {keys} only fill a record table (table: {tables}).",
                where=where,
                keys=", ".join(given),
                tables=" | ".join(RECORD_TABLES),
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
    durations = _durations(raw.get("durations") or {}, columns, where)
    infer = raw.get("infer_status_classes", True)
    if not isinstance(infer, bool):
        raise MappingError(
            Message(
                "{where}: infer_status_classes must be true or false, not {value!r}.",
                where=where,
                value=infer,
            )
        )
    # A one-row-per-ticket export holds the record as it is: its rows are snapshots.
    rows = raw.get("rows", "snapshots" if layout == "tickets" else "events")
    if rows not in ROWS:
        raise MappingError(
            Message(
                "{where}: rows must be 'events' or 'snapshots', not {value!r}.",
                where=where,
                value=rows,
            )
        )
    try:
        stages = parse_stage_declaration(raw.get(STAGES_KEY), raw.get(VALUE_KEY), where)
    except ValueError as exc:
        raise MappingError(exc.args[0]) from exc
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
        values=_values(raw.get("values") or {}, where),
        personal=frozenset(
            _str_list(raw.get("personal", ["caller_id", "agent"]), where, "personal")
        ),
        group_levels=_levels(raw.get("group_levels") or {}, where),
        milestones=milestones,
        durations=durations,
        infer_status_classes=infer,
        rows=rows,
        stages=stages,
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


_TICKET_ONLY = (
    "layout",
    "ticket_type",
    "status_classes",
    "pause_statuses",
    "group_levels",
    "milestones",
    "durations",
    "infer_status_classes",
    "rows",
    STAGES_KEY,
    VALUE_KEY,
)


def _build_records(raw: dict[str, Any], table: str, where: str) -> SourceMapping:
    """Return a mapping that fills the record table `table`, checked."""
    given = sorted(set(raw) & set(_TICKET_ONLY))
    if given:
        raise MappingError(
            Message(
                "{where}: {keys} are for ticket mappings, not for table {table}.",
                where=where,
                keys=", ".join(given),
                table=table,
            )
        )
    try:
        rules = parse_record_rules(raw, table, where)
    except RecordRulesError as exc:
        raise MappingError(exc.args[0]) from exc
    read_raw = dict(raw.get("read") or {})
    if "missing" in read_raw:
        read_raw["missing"] = tuple(_str_list(read_raw["missing"], where, "read.missing"))
    try:
        read = ReadOptions(**read_raw)
    except TypeError as exc:
        raise MappingError(
            Message("{where}: bad read options: {error}.", where=where, error=str(exc))
        ) from exc
    personal = [c.name for c in rules.target.columns if c.name in PERSONAL_RECORD_COLUMNS]
    return SourceMapping(
        name=str(raw.get("name", Path(where).stem)),
        title=str(raw.get("title", raw.get("name", where))),
        description=str(raw.get("description", "")),
        layout="events",
        columns={k: f.sources[0] for k, f in rules.fills.items() if len(f.sources) == 1},
        read=read,
        timezone=str(raw.get("timezone", "Europe/Helsinki")),
        values=_values(raw.get("values") or {}, where),
        personal=frozenset(_str_list(raw.get("personal", personal), where, "personal")),
        table=table,
        records=rules,
    )


PERSONAL_RECORD_COLUMNS = ("caller_id", "agent", "customer_id", "adviser", "respondent_id")
"""The identifiers of people in the record tables: pseudonymised unless the mapping says else."""


def _durations(raw: Any, columns: Mapping[str, str], where: str) -> dict[str, Duration]:
    """Return the mapping's durations, checked: a time column after another mapped time."""
    if not isinstance(raw, dict):
        raise MappingError(
            Message("{where}: durations must be a mapping of canonical times.", where=where)
        )
    durations = {}
    for target, spec in raw.items():
        key = f"durations.{target}"
        if target not in TIME_COLUMNS:
            raise MappingError(
                Message(
                    "{where}: {key}: {target!r} is not a canonical time; known: {known}.",
                    where=where,
                    key=key,
                    target=target,
                    known=sorted(TIME_COLUMNS),
                )
            )
        if target in columns:
            raise MappingError(
                Message(
                    "{where}: {key}: {target!r} is also mapped under columns.",
                    where=where,
                    key=key,
                    target=target,
                )
            )
        units = sorted(DURATION_UNITS)
        if not isinstance(spec, dict) or "after" not in spec:
            raise MappingError(
                Message(
                    "{where}: {key} needs 'after' (a canonical time) and one of {units} "
                    "(the source column).",
                    where=where,
                    key=key,
                    units=units,
                )
            )
        given = [u for u in DURATION_UNITS if u in spec]
        if len(given) != 1 or set(spec) - {"after", *DURATION_UNITS}:
            raise MappingError(
                Message(
                    "{where}: {key} needs 'after' and exactly one of {units}.",
                    where=where,
                    key=key,
                    units=units,
                )
            )
        after = str(spec["after"])
        if after not in TIME_COLUMNS or after not in columns:
            raise MappingError(
                Message(
                    "{where}: {key}.after must be a canonical time mapped under columns, "
                    "not {after!r}.",
                    where=where,
                    key=key,
                    after=after,
                )
            )
        durations[str(target)] = Duration(str(spec[given[0]]), after, given[0])
    return durations


def _values(raw: Any, where: str) -> dict[str, dict[str, str]]:
    """Return the value maps per canonical column; a level's values must be whole numbers."""
    if not isinstance(raw, dict):
        raise MappingError(
            Message("{where}: values must be a mapping of canonical columns.", where=where)
        )
    values = {str(k): _str_map(v, where, f"values.{k}") for k, v in raw.items()}
    if "level" in raw:
        _levels(raw["level"], where, "values.level")
    return values


def _levels(raw: Any, where: str, key: str = "group_levels") -> dict[str, int]:
    """Return names mapped to support levels (`key` says where), checked to be whole numbers."""
    if not isinstance(raw, dict):
        raise MappingError(
            Message("{where}: {key} must be a mapping of names to levels.", where=where, key=key)
        )
    levels = {}
    for group, level in raw.items():
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise MappingError(
                Message(
                    "{where}: {key}.{group}: the level must be a whole number >= 1, not {level!r}.",
                    where=where,
                    key=key,
                    group=group,
                    level=level,
                )
            )
        levels[str(group)] = level
    return levels


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
