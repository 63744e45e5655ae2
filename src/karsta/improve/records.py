"""Reading and writing the improvement records, each change kept in the history.

`ImprovementRecords(session, who)` is the one way the CLI and the web pages change a
record: it adds, changes and deletes rows and writes who changed which fields, from
what to what, and when. `export_records` and `import_records` move every record
between databases as JSON (`karsta.improve.schemas.RecordsFile`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from karsta.i18n import Message
from karsta.improve.catalog import WASTES
from karsta.improve.models import (
    A3,
    Action,
    Change,
    Gemba,
    GembaNote,
    Idea,
    ImproveBase,
    Improvement,
    ImprovementMetric,
    Workshop,
    WorkshopItem,
    now,
)
from karsta.improve.schemas import (
    A3Data,
    ChangeData,
    GembaData,
    IdeaData,
    ImprovementData,
    RecordsFile,
    WorkshopData,
)

R = TypeVar("R", bound=ImproveBase)
KINDS: dict[type[ImproveBase], str] = {
    Workshop: "workshop",
    WorkshopItem: "workshop_item",
    Idea: "idea",
    Gemba: "gemba",
    GembaNote: "gemba_note",
    A3: "a3",
    Action: "action",
    Improvement: "improvement",
    ImprovementMetric: "improvement_metric",
}
"""The name of each kind of record in the history and in messages (English)."""
_NOT_RECORDED = {"id", "created_at"}


class RecordNotFound(LookupError):
    """No record of that kind and id; the message says which."""


class RecordsFileError(ValueError):
    """An improvement records file cannot be read; the message names the place and value."""


def plain(value: Any) -> Any:
    """Return a column value as JSON-ready data (dates and instants as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _columns(record: ImproveBase) -> dict[str, Any]:
    table = record.__table__
    return {
        c.name: plain(getattr(record, c.key)) for c in table.columns if c.name not in _NOT_RECORDED
    }


class ImprovementRecords:
    """The improvement records of one app database session, changed in the name of `who`."""

    def __init__(self, session: Session, who: str) -> None:
        self.session = session
        self.who = who

    def _log(self, record: ImproveBase, action: str, fields: dict[str, Any]) -> None:
        self.session.add(
            Change(
                at=now(),
                who=self.who,
                record=KINDS[type(record)],
                record_id=record.id,  # type: ignore[attr-defined]
                action=action,
                fields=fields,
            )
        )

    def add(self, record: R) -> R:
        """Store a new record (and the children it holds); return it with its id."""
        self.session.add(record)
        self.session.flush()
        self._log(record, "created", _columns(record))
        for child in _children(record):
            self._log(child, "created", _columns(child))
        return record

    def change(self, record: R, **fields: Any) -> R:
        """Set `fields` of `record`; the history keeps the ones that changed, before and after."""
        changed: dict[str, Any] = {}
        for name, value in fields.items():
            if not hasattr(type(record), name) or name in _NOT_RECORDED:
                raise AttributeError(f"{KINDS[type(record)]} has no field {name!r}")
            before = getattr(record, name)
            if before != value:
                changed[name] = [plain(before), plain(value)]
                setattr(record, name, value)
        if changed:
            self.session.flush()
            self._log(record, "changed", changed)
        return record

    def delete(self, record: ImproveBase) -> None:
        """Remove a record (and its children); the history keeps its last values."""
        for child in _children(record):
            self._log(child, "deleted", _columns(child))
        self._log(record, "deleted", _columns(record))
        self.session.delete(record)
        self.session.flush()

    def get(self, kind: type[R], record_id: int) -> R:
        """Return the record of `kind` with `record_id`; raise RecordNotFound saying which."""
        found = self.session.get(kind, record_id)
        if found is None:
            raise RecordNotFound(
                Message("No {kind} {id}.", kind=KINDS[kind].replace("_", " "), id=record_id)
            )
        return found

    def all(self, kind: type[R]) -> Sequence[R]:
        """Return every record of `kind`, oldest first."""
        return self.session.scalars(select(kind).order_by(kind.id)).all()  # type: ignore[attr-defined]

    def history(
        self, kind: type[ImproveBase] | None = None, record_id: int | None = None
    ) -> list[Change]:
        """Return the changes, newest first: all, of one kind, or of one record."""
        query = select(Change).order_by(Change.at.desc(), Change.id.desc())
        if kind is not None:
            query = query.where(Change.record == KINDS[kind])
        if record_id is not None:
            query = query.where(Change.record_id == record_id)
        return list(self.session.scalars(query).all())

    # --- what the method's steps create -------------------------------------------------

    def new_workshop(self, team: str, held_on: date, *, facilitator: str | None = None) -> Workshop:
        """Return a new workshop with the whole checklist, every waste still undecided."""
        workshop = Workshop(team=team, held_on=held_on, facilitator=facilitator, notes="")
        workshop.items = [
            WorkshopItem(waste=key, evidence="", links=[], per="week", people=1.0) for key in WASTES
        ]
        return self.add(workshop)


def _children(record: ImproveBase) -> list[ImproveBase]:
    for name in ("items", "notes", "actions", "metrics"):
        value = getattr(record, name, None)
        if isinstance(value, list):
            return list(value)
    return []


# --- export and import ----------------------------------------------------------------------


def export_records(session: Session) -> RecordsFile:
    """Return every improvement record and the whole history."""
    records = ImprovementRecords(session, "")
    return RecordsFile(
        exported_at=now(),
        workshops=[WorkshopData.model_validate(w) for w in records.all(Workshop)],
        ideas=[IdeaData.model_validate(i) for i in records.all(Idea)],
        gemba=[GembaData.model_validate(g) for g in records.all(Gemba)],
        a3=[A3Data.model_validate(a) for a in records.all(A3)],
        improvements=[ImprovementData.model_validate(i) for i in records.all(Improvement)],
        history=[ChangeData.model_validate(c) for c in reversed(records.history())],
    )


def read_records_file(path: Path) -> RecordsFile:
    """Return the records in a JSON file; raise RecordsFileError naming the place and value."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordsFileError(Message("{path}: {error}", path=str(path), error=str(exc))) from exc
    except json.JSONDecodeError as exc:
        raise RecordsFileError(
            Message(
                "{path}: not JSON (line {line}, column {column}): {error}",
                path=str(path),
                line=exc.lineno,
                column=exc.colno,
                error=exc.msg,
            )
        ) from exc
    try:
        return RecordsFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = " → ".join(str(part) for part in first["loc"])
        raise RecordsFileError(
            Message(
                "{path}: {place}: {error} (value {value})",
                path=str(path),
                place=place,
                error=first["msg"],
                value=json.dumps(first.get("input"), ensure_ascii=False, default=str)[:80],
            )
        ) from exc


def _row(kind: type[R], data: Any, **extra: Any) -> R:
    values = data.model_dump(exclude={"id", "items", "notes", "actions", "metrics"})
    values = {k: v for k, v in values.items() if v is not None or k not in ("created_at",)}
    if values.get("created_at") is None:
        values.pop("created_at", None)
    return kind(**values, **extra)


def import_records(
    session: Session, records: RecordsFile, who: str, *, replace: bool = False
) -> dict[str, int]:
    """Add every record of `records`; return how many of each kind were added.

    The records get new ids (links between them follow). Into a database that
    already holds improvement records only with `replace`, which removes those first.
    The history comes along, and each imported record gets an 'imported' entry.
    """
    store = ImprovementRecords(session, who)
    holding = any(store.all(kind) for kind in (Workshop, Idea, Gemba, A3, Improvement))
    if holding and not replace:
        raise RecordsFileError(
            Message(
                "The database already holds improvement records; import with --replace "
                "to replace them."
            )
        )
    for kind in (
        Change,
        ImprovementMetric,
        Improvement,
        Idea,
        Action,
        A3,
        GembaNote,
        Gemba,
        WorkshopItem,
        Workshop,
    ):
        session.execute(delete(kind))
    ids: dict[tuple[str, int], int] = {}

    def remember(kind: str, old: int | None, record: ImproveBase) -> None:
        if old is not None:
            ids[(kind, old)] = record.id  # type: ignore[attr-defined]

    added: list[ImproveBase] = []
    for a3 in records.a3:
        row = _row(A3, a3)
        row.actions = [_row(Action, a) for a in a3.actions]
        session.add(row)
        session.flush()
        remember("a3", a3.id, row)
        for old, new in zip(a3.actions, row.actions, strict=True):
            remember("action", old.id, new)
        added.append(row)
    for workshop in records.workshops:
        w = _row(Workshop, workshop)
        w.items = [_row(WorkshopItem, i) for i in workshop.items]
        session.add(w)
        session.flush()
        remember("workshop", workshop.id, w)
        for old_item, new_item in zip(workshop.items, w.items, strict=True):
            remember("workshop_item", old_item.id, new_item)
        added.append(w)
    for idea in records.ideas:
        i = _row(Idea, idea.model_copy(update={"a3_id": None}))
        i.a3_id = ids.get(("a3", idea.a3_id)) if idea.a3_id is not None else None
        session.add(i)
        session.flush()
        remember("idea", idea.id, i)
        added.append(i)
    for gemba in records.gemba:
        g = _row(Gemba, gemba)
        g.notes = [_row(GembaNote, n) for n in gemba.notes]
        session.add(g)
        session.flush()
        remember("gemba", gemba.id, g)
        for old_note, new_note in zip(gemba.notes, g.notes, strict=True):
            remember("gemba_note", old_note.id, new_note)
        added.append(g)
    for improvement in records.improvements:
        p = _row(Improvement, improvement.model_copy(update={"a3_id": None}))
        p.a3_id = ids.get(("a3", improvement.a3_id)) if improvement.a3_id is not None else None
        p.metrics = [_row(ImprovementMetric, m) for m in improvement.metrics]
        session.add(p)
        session.flush()
        remember("improvement", improvement.id, p)
        for old_metric, new_metric in zip(improvement.metrics, p.metrics, strict=True):
            remember("improvement_metric", old_metric.id, new_metric)
        added.append(p)
    for change in records.history:
        session.add(
            Change(
                at=change.at,
                who=change.who,
                record=change.record,
                record_id=ids.get((change.record, change.record_id), change.record_id),
                action=change.action,
                fields=change.fields,
            )
        )
    for record in added:
        store._log(record, "imported", {})
    session.flush()
    return {
        "workshops": len(records.workshops),
        "ideas": len(records.ideas),
        "gemba": len(records.gemba),
        "a3": len(records.a3),
        "improvements": len(records.improvements),
        "history": len(records.history),
    }
