"""The rules of a mapping that fills a record table (contacts, visits, surveys, staffing).

A ticket mapping turns rows into ticket events; a record mapping turns each row
into one keyed row of another canonical table (`table: contacts`). Beside plain
columns it may combine source columns (`first_of`, `join`), set constants, read
times of day beside a date column (`clock`), derive values from conditions on
the row (`cases`), read a column as a date without time of day (`date_only`),
say which values mean "not known" for a column (`unknown`), and turn the
question columns of a wide survey export into one row per question (`questions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from karsta.i18n import Message
from karsta.schema import CONTACTS, STAFFING, SURVEYS, VISITS, Table

RECORD_TABLES: Mapping[str, Table] = {t.name: t for t in (CONTACTS, VISITS, SURVEYS, STAFFING)}
"""The canonical tables a record mapping may fill."""

BOOKKEEPING = ("import_id", "source_row")
"""Columns of every record table the import fills itself."""

ALLOWED_VALUES: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("contacts", "outcome"): ("answered", "abandoned", "routed", "phantom"),
    ("visits", "kind"): ("appointment", "walk-in"),
    ("surveys", "instrument"): ("NPS", "CSAT", "CES", "encounter", "staff", "custom"),
}
"""Columns whose documented values are the only ones a row may have (else it is rejected)."""

SURVEY_QUESTION_COLUMNS = ("question", "instrument", "score", "scale_min", "scale_max", "free_text")
"""The survey columns the `questions` of a wide export give (their `columns` are ignored)."""

DEFAULT_ROLLOVER_HOURS = 12.0


class RecordRulesError(ValueError):
    """A record mapping's rules are not valid; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Fill:
    """How one canonical column is filled: from source columns, the first that has a value,
    or all of them joined with '/' (`join`)."""

    sources: tuple[str, ...]
    join: bool = False


@dataclass(frozen=True, slots=True)
class ClockTime:
    """A source column holding a time of day, and the times it follows (the first known)."""

    column: str
    follows: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Clock:
    """Times of day written beside a date column, rolled to the next day where they cross midnight.

    A time more than `rollover_hours` earlier than the time it follows is on the day
    after that time; a time earlier by less is kept on the same day as written (a clock
    mismatch, counted). A time equal to one of `did_not_happen` is empty. `year`, when
    given, replaces the year of every date (the rows whose year changed are counted).
    """

    date: str
    times: tuple[ClockTime, ...]
    did_not_happen: tuple[str, ...] = ()
    rollover_hours: float = DEFAULT_ROLLOVER_HOURS
    year: int | None = None

    def time(self, column: str) -> ClockTime | None:
        """Return the clock time read from `column`, if it is one."""
        return next((t for t in self.times if t.column == column), None)


Condition = tuple[str, str, tuple[str, ...] | float | bool]
"""(source column, test, operand): test `is` (one of the values), `above`, `below`, `empty`."""


@dataclass(frozen=True, slots=True)
class Case:
    """Values a row gets when every condition holds (the first case that holds wins)."""

    when: tuple[Condition, ...]
    set: Mapping[str, Any] = field(default_factory=dict)
    fills: Mapping[str, Fill] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Question:
    """One question column of a wide survey export: one row per answered question."""

    column: str
    question: str
    instrument: str = "custom"
    scale_min: float | None = None
    scale_max: float | None = None
    free_text: bool = False


@dataclass(frozen=True, slots=True)
class RecordRules:
    """Everything a record mapping says beyond the plain `columns`."""

    table: str
    fills: Mapping[str, Fill] = field(default_factory=dict)
    constants: Mapping[str, Any] = field(default_factory=dict)
    clock: Clock | None = None
    cases: tuple[Case, ...] = ()
    unknown: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_only: frozenset[str] = frozenset()
    questions: tuple[Question, ...] = ()

    @property
    def target(self) -> Table:
        """Return the canonical table the rules fill."""
        return RECORD_TABLES[self.table]

    def filled(self) -> set[str]:
        """Return the canonical columns some rule fills."""
        names = set(self.fills) | set(self.constants)
        for case in self.cases:
            names |= set(case.set) | set(case.fills)
        if self.questions:
            names |= set(SURVEY_QUESTION_COLUMNS)
        return names

    def required_sources(self) -> list[str]:
        """Return the source columns the file must have."""
        needed: list[str] = []
        for name in self.target.key:
            fill = self.fills.get(name)
            if fill is not None and (fill.join or len(fill.sources) == 1):
                needed += [s for s in fill.sources if not self._is_clock(s)]
        if self.clock is not None:
            needed.append(self.clock.date)
        for case in self.cases:
            needed += [c[0] for c in case.when]
        needed += [q.column for q in self.questions]
        return list(dict.fromkeys(needed))

    def sources(self) -> list[str]:
        """Return every source column the rules read, each once."""
        names = [s for f in self.fills.values() for s in f.sources]
        for case in self.cases:
            names += [c[0] for c in case.when]
            names += [s for f in case.fills.values() for s in f.sources]
        if self.clock is not None:
            names += [self.clock.date, *(t.column for t in self.clock.times)]
        names += [q.column for q in self.questions]
        return list(dict.fromkeys(names))

    def _is_clock(self, column: str) -> bool:
        return self.clock is not None and self.clock.time(column) is not None


RECORD_KEYS = ("constants", "clock", "cases", "unknown", "date_only", "questions")
"""Mapping keys that only a record mapping (`table: ...`) may have."""


def parse_record_rules(raw: Mapping[str, Any], table: str, where: str) -> RecordRules:
    """Return the record rules of a mapping file's keys, checked."""
    if table not in RECORD_TABLES:
        raise RecordRulesError(
            Message(
                "{where}: table must be one of {known}, not {table!r}.",
                where=where,
                known=", ".join(["ticket_events", *RECORD_TABLES]),
                table=table,
            )
        )
    target = RECORD_TABLES[table]
    known = set(target.column_names) - set(BOOKKEEPING)
    fills = {str(k): _fill(v, where, f"columns.{k}") for k, v in (raw.get("columns") or {}).items()}
    constants = dict(raw.get("constants") or {})
    clock = _clock(raw.get("clock"), where)
    cases = tuple(_case(c, where, f"cases[{i}]") for i, c in enumerate(raw.get("cases") or ()))
    unknown = {
        str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v]))
        for k, v in (raw.get("unknown") or {}).items()
    }
    date_only = frozenset(str(c) for c in raw.get("date_only") or ())
    questions = tuple(
        _question(q, where, f"questions[{i}]") for i, q in enumerate(raw.get("questions") or ())
    )
    if questions:
        if table != "surveys":
            raise RecordRulesError(
                Message("{where}: questions are for table surveys only.", where=where)
            )
        fills = {k: v for k, v in fills.items() if k not in SURVEY_QUESTION_COLUMNS}
    named = [*fills, *constants, *unknown, *date_only]
    for case in cases:
        named += [*case.set, *case.fills]
    bad = sorted(set(named) - known)
    if bad:
        raise RecordRulesError(
            Message(
                "{where}: {table} has no columns {columns}; known: {known}.",
                where=where,
                table=table,
                columns=", ".join(bad),
                known=", ".join(sorted(known)),
            )
        )
    rules = RecordRules(table, fills, constants, clock, cases, unknown, date_only, questions)
    missing = [
        c.name
        for c in target.columns
        if c.required and c.name not in BOOKKEEPING and c.name not in rules.filled()
    ]
    if missing:
        raise RecordRulesError(
            Message(
                "{where}: the mapping must fill {columns} of {table} (under columns, "
                "constants or cases).",
                where=where,
                columns=", ".join(missing),
                table=table,
            )
        )
    return rules


def _fill(value: Any, where: str, key: str) -> Fill:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return Fill((str(value),))
    if isinstance(value, dict) and len(value) == 1:
        ((how, sources),) = value.items()
        if how in ("first_of", "join") and isinstance(sources, list) and sources:
            return Fill(tuple(str(s) for s in sources), join=how == "join")
    raise RecordRulesError(
        Message(
            "{where}: {key} must be a source column, {{first_of: [columns]}} or "
            "{{join: [columns]}}.",
            where=where,
            key=key,
        )
    )


def _clock(raw: Any, where: str) -> Clock | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or "date" not in raw or not isinstance(raw.get("times"), dict):
        raise RecordRulesError(
            Message(
                "{where}: clock needs date (the date column) and times (time-of-day columns).",
                where=where,
            )
        )
    times: list[ClockTime] = []
    for column, spec in raw["times"].items():
        follows = (spec or {}).get("follows", []) if isinstance(spec, dict) else []
        follows = [follows] if isinstance(follows, str) else list(follows)
        earlier = {t.column for t in times}
        unknown = [str(f) for f in follows if str(f) not in earlier]
        if unknown:
            raise RecordRulesError(
                Message(
                    "{where}: clock.times.{column}: follows must name times listed before it, "
                    "not {names}.",
                    where=where,
                    column=column,
                    names=", ".join(unknown),
                )
            )
        times.append(ClockTime(str(column), tuple(str(f) for f in follows)))
    year = raw.get("year")
    hours = raw.get("rollover_hours", DEFAULT_ROLLOVER_HOURS)
    if (year is not None and (isinstance(year, bool) or not isinstance(year, int))) or (
        isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24
    ):
        raise RecordRulesError(
            Message(
                "{where}: clock.year must be a whole number and clock.rollover_hours a number "
                "of hours from 0 to 24.",
                where=where,
            )
        )
    markers = raw.get("did_not_happen", [])
    markers = [markers] if isinstance(markers, str) else list(markers)
    return Clock(str(raw["date"]), tuple(times), tuple(str(m) for m in markers), float(hours), year)


TESTS = ("is", "above", "below", "empty")


def _case(raw: Any, where: str, key: str) -> Case:
    if not isinstance(raw, dict) or not isinstance(raw.get("when"), dict):
        raise RecordRulesError(
            Message(
                "{where}: {key} needs when (conditions on source columns).", where=where, key=key
            )
        )
    conditions: list[Condition] = []
    for column, test in raw["when"].items():
        if isinstance(test, dict):
            if len(test) != 1 or next(iter(test)) not in TESTS:
                raise RecordRulesError(
                    Message(
                        "{where}: {key}.when.{column}: a condition is a value, a list of "
                        "values, or one of {tests}.",
                        where=where,
                        key=key,
                        column=column,
                        tests=", ".join(f"{{{t}: ...}}" for t in TESTS),
                    )
                )
            ((name, operand),) = test.items()
            if name == "is":
                operand = tuple(
                    str(v) for v in (operand if isinstance(operand, list) else [operand])
                )
            elif name == "empty":
                operand = bool(operand)
            else:
                operand = float(operand)
            conditions.append((str(column), name, operand))
        else:
            values = test if isinstance(test, list) else [test]
            conditions.append((str(column), "is", tuple(str(v) for v in values)))
    fills = {
        str(k): _fill(v, where, f"{key}.columns.{k}") for k, v in (raw.get("columns") or {}).items()
    }
    return Case(tuple(conditions), dict(raw.get("set") or {}), fills)


def _question(raw: Any, where: str, key: str) -> Question:
    if not isinstance(raw, dict) or "column" not in raw:
        raise RecordRulesError(
            Message("{where}: {key} needs column (the question's column).", where=where, key=key)
        )
    scale = raw.get("scale") or [None, None]
    if not isinstance(scale, list) or len(scale) != 2:
        raise RecordRulesError(
            Message("{where}: {key}.scale must be [lowest, highest].", where=where, key=key)
        )
    low, high = scale
    return Question(
        column=str(raw["column"]),
        question=str(raw.get("question", raw["column"])),
        instrument=str(raw.get("instrument", "custom")),
        scale_min=None if low is None else float(low),
        scale_max=None if high is None else float(high),
        free_text=bool(raw.get("free_text", False)),
    )
