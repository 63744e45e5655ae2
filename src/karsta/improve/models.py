"""The improvement records' tables in the app database: workshops, ideas, Gemba, A3s, PDCA.

They live beside the web app's users and settings history (SQLite beside the workspace
by default, PostgreSQL for teams) and change only through the Alembic migrations in
`karsta/web/migrations/`. People are named by their user name (the web app's user,
or the CLI's `--by`), so the records need no web server to be read or written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def now() -> datetime:
    """Return the current instant (UTC)."""
    return datetime.now(UTC)


class Instant(TypeDecorator[datetime]):
    """An aware UTC datetime, stored as such on PostgreSQL and as naive UTC on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Return `value` in UTC."""
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Return `value` as an aware UTC datetime (SQLite gives it back naive)."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


APP_METADATA = MetaData()
"""The app database's tables: the web app's (`karsta.web.models`) and these, migrated together."""


class ImproveBase(DeclarativeBase):
    """The improvement records' tables."""

    metadata = APP_METADATA


class Workshop(ImproveBase):
    """A waste workshop of one team on one date: which wastes are relevant to us."""

    __tablename__ = "improve_workshops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    facilitator: Mapped[str | None] = mapped_column(String(150), default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Instant, default=now)
    items: Mapped[list[WorkshopItem]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", order_by="WorkshopItem.id"
    )


class WorkshopItem(ImproveBase):
    """One waste of the checklist: relevant or not, the evidence, how often and how long."""

    __tablename__ = "improve_workshop_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("improve_workshops.id", ondelete="CASCADE"), index=True
    )
    waste: Mapped[str] = mapped_column(String(100))
    """The catalog's key (`karsta.improve.catalog`), e.g. customer-process:waiting."""
    relevant: Mapped[bool | None] = mapped_column(Boolean, default=None)
    """None until the team has decided."""
    evidence: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Findings (finding:handoffs:ping-pong), tickets (ticket:INC0001) or web addresses."""
    times: Mapped[float | None] = mapped_column(Float, default=None)
    per: Mapped[str] = mapped_column(String(10), default="week")
    minutes: Mapped[float | None] = mapped_column(Float, default=None)
    people: Mapped[float] = mapped_column(Float, default=1.0)
    workshop: Mapped[Workshop] = relationship(back_populates="items")


class Idea(ImproveBase):
    """An improvement idea of the backlog, placed on the impact × effort grid."""

    __tablename__ = "improve_ideas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(String(200), default="")
    author: Mapped[str] = mapped_column(String(150), default="")
    created_at: Mapped[datetime] = mapped_column(Instant, default=now)
    source: Mapped[str | None] = mapped_column(String(300), default=None)
    """What the idea came from: finding:ID, feedback:THEME, signal:ID or waste:ITEM-ID."""
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    """The data behind the idea when it was added (hours and euros a year, tickets)."""
    impact: Mapped[int] = mapped_column(Integer, default=2)
    """1 low, 2 medium, 3 high."""
    effort: Mapped[int] = mapped_column(Integer, default=2)
    """1 low, 2 medium, 3 high."""
    status: Mapped[str] = mapped_column(String(20), default="open")
    a3_id: Mapped[int | None] = mapped_column(
        ForeignKey("improve_a3.id", ondelete="SET NULL"), default=None
    )


class Gemba(ImproveBase):
    """A planned observation where the work is done, with its roles and timed notes."""

    __tablename__ = "improve_gemba"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(300), default="")
    team: Mapped[str] = mapped_column(String(200), default="")
    planned_on: Mapped[date | None] = mapped_column(Date, default=None)
    purpose: Mapped[str] = mapped_column(Text, default="")
    observer: Mapped[str] = mapped_column(String(150), default="")
    note_taker: Mapped[str] = mapped_column(String(150), default="")
    timekeeper: Mapped[str] = mapped_column(String(150), default="")
    created_at: Mapped[datetime] = mapped_column(Instant, default=now)
    notes: Mapped[list[GembaNote]] = relationship(
        back_populates="gemba", cascade="all, delete-orphan", order_by="GembaNote.started_at"
    )


class GembaNote(ImproveBase):
    """One timed observation: a step, when it started and ended, what kind of time it was."""

    __tablename__ = "improve_gemba_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gemba_id: Mapped[int] = mapped_column(
        ForeignKey("improve_gemba.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(Instant)
    ended_at: Mapped[datetime | None] = mapped_column(Instant, default=None)
    kind: Mapped[str] = mapped_column(String(10), default="value")
    """value (value-adding work), waste (work that adds no value) or waiting."""
    remark: Mapped[str] = mapped_column(Text, default="")
    gemba: Mapped[Gemba] = relationship(back_populates="notes")


class A3(ImproveBase):
    """An A3 sheet: one problem worked through the nine steps."""

    __tablename__ = "improve_a3"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    team: Mapped[str] = mapped_column(String(200), default="")
    owner: Mapped[str] = mapped_column(String(150), default="")
    created_at: Mapped[datetime] = mapped_column(Instant, default=now)
    step: Mapped[int] = mapped_column(Integer, default=1)
    """The step of the nine the team is at (1 choose the problem … 9 standardise)."""
    source: Mapped[str | None] = mapped_column(String(300), default=None)
    """finding:ID or signal:ID when the sheet was started from the data."""
    baseline: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    """The figures of the finding or signal on the day the sheet was started."""
    background: Mapped[str] = mapped_column(Text, default="")
    current_state: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    """The problem crystallised and broken into smaller factors (steps 2–3)."""
    target: Mapped[str] = mapped_column(Text, default="")
    whys: Mapped[list[str]] = mapped_column(JSON, default=list)
    fishbone: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    analysis: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    standard: Mapped[str] = mapped_column(Text, default="")
    """Step 9: the new standard and what comes next."""
    closed_on: Mapped[date | None] = mapped_column(Date, default=None)
    actions: Mapped[list[Action]] = relationship(
        back_populates="a3", cascade="all, delete-orphan", order_by="Action.id"
    )


class Action(ImproveBase):
    """A row of an A3's action table: who, what, when, how, status."""

    __tablename__ = "improve_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    a3_id: Mapped[int] = mapped_column(ForeignKey("improve_a3.id", ondelete="CASCADE"), index=True)
    who: Mapped[str] = mapped_column(String(150), default="")
    what: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date, default=None)
    how: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    a3: Mapped[A3] = relationship(back_populates="actions")


class Improvement(ImproveBase):
    """A change whose effect is followed (PDCA): its date and the metrics that should move."""

    __tablename__ = "improve_improvements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    a3_id: Mapped[int | None] = mapped_column(
        ForeignKey("improve_a3.id", ondelete="SET NULL"), default=None
    )
    changed_on: Mapped[date] = mapped_column(Date)
    """The day the new way of working started."""
    period: Mapped[str] = mapped_column(String(10), default="week")
    baseline_periods: Mapped[int] = mapped_column(Integer, default=12)
    hold_periods: Mapped[int] = mapped_column(Integer, default=6)
    """Follow-up periods within the new control limits before the standard holds."""
    alpha: Mapped[float] = mapped_column(Float, default=0.05)
    closed_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(Instant, default=now)
    metrics: Mapped[list[ImprovementMetric]] = relationship(
        back_populates="improvement", cascade="all, delete-orphan", order_by="ImprovementMetric.id"
    )


class ImprovementMetric(ImproveBase):
    """A metric an improvement should move, with the statistic and the target."""

    __tablename__ = "improve_improvement_metrics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    improvement_id: Mapped[int] = mapped_column(
        ForeignKey("improve_improvements.id", ondelete="CASCADE"), index=True
    )
    metric: Mapped[str] = mapped_column(String(20))
    statistic: Mapped[str | None] = mapped_column(String(50), default=None)
    """None: the statistic of the target, else the metric's headline."""
    target: Mapped[str | None] = mapped_column(String(100), default=None)
    """As in the settings file: '<= 24 h', '>= 70 %'."""
    improvement: Mapped[Improvement] = relationship(back_populates="metrics")


class Change(ImproveBase):
    """One change of an improvement record: who, what, when, and the fields before and after."""

    __tablename__ = "improve_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(Instant, default=now, index=True)
    who: Mapped[str] = mapped_column(String(150))
    record: Mapped[str] = mapped_column(String(30))
    """The kind of record: workshop, workshop_item, idea, gemba, gemba_note, a3, action, ..."""
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    """created, changed, deleted or imported."""
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Changed fields: name → [before, after] (created: the values; deleted: the last ones)."""
