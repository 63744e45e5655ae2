"""The improvement records as plain data: the JSON of export and import and of the web's twins.

JSON stays English (a contract). Each model reads its database row directly
(`Model.model_validate(row)`); an import is checked field by field, and a bad value
is reported with its place in the file.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Per = Literal["day", "week", "month", "year"]
GembaKind = Literal["value", "waste", "waiting"]
ActionStatus = Literal["planned", "in progress", "done", "cancelled"]
IdeaStatus = Literal["open", "chosen", "rejected", "a3"]
PeriodKind = Literal["week", "month"]


class Record(BaseModel):
    """A record read from its row."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")


class WorkshopItemData(Record):
    """One waste of a workshop's checklist."""

    id: int | None = None
    waste: str
    relevant: bool | None = None
    evidence: str = ""
    links: list[str] = Field(default_factory=list)
    times: float | None = Field(default=None, ge=0)
    per: Per = "week"
    minutes: float | None = Field(default=None, ge=0)
    people: float = Field(default=1.0, ge=0)


class WorkshopData(Record):
    """A waste workshop with its checklist."""

    id: int | None = None
    team: str = Field(min_length=1, max_length=200)
    held_on: date
    facilitator: str | None = None
    notes: str = ""
    created_at: datetime | None = None
    items: list[WorkshopItemData] = Field(default_factory=list)


class IdeaData(Record):
    """An improvement idea."""

    id: int | None = None
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    team: str = ""
    author: str = ""
    created_at: datetime | None = None
    source: str | None = None
    figures: dict[str, Any] | None = None
    impact: int = Field(default=2, ge=1, le=3)
    effort: int = Field(default=2, ge=1, le=3)
    status: IdeaStatus = "open"
    a3_id: int | None = None


class GembaNoteData(Record):
    """A timed observation."""

    id: int | None = None
    step: str = Field(min_length=1, max_length=200)
    started_at: datetime
    ended_at: datetime | None = None
    kind: GembaKind = "value"
    remark: str = ""


class GembaData(Record):
    """A Gemba observation with its roles and notes."""

    id: int | None = None
    title: str = Field(min_length=1, max_length=300)
    place: str = ""
    team: str = ""
    planned_on: date | None = None
    purpose: str = ""
    observer: str = ""
    note_taker: str = ""
    timekeeper: str = ""
    created_at: datetime | None = None
    notes: list[GembaNoteData] = Field(default_factory=list)


class ActionData(Record):
    """A row of an A3's action table."""

    id: int | None = None
    who: str = ""
    what: str = Field(min_length=1)
    due: date | None = None
    how: str = ""
    status: ActionStatus = "planned"


class A3Data(Record):
    """An A3 sheet with its actions."""

    id: int | None = None
    title: str = Field(min_length=1, max_length=300)
    team: str = ""
    owner: str = ""
    created_at: datetime | None = None
    step: int = Field(default=1, ge=1, le=9)
    source: str | None = None
    baseline: dict[str, Any] | None = None
    background: str = ""
    current_state: str = ""
    problem: str = ""
    target: str = ""
    whys: list[str] = Field(default_factory=list)
    fishbone: dict[str, list[str]] = Field(default_factory=dict)
    analysis: str = ""
    metrics: str = ""
    proposals: str = ""
    follow_up: str = ""
    standard: str = ""
    closed_on: date | None = None
    actions: list[ActionData] = Field(default_factory=list)


class ImprovementMetricData(Record):
    """A metric an improvement should move."""

    id: int | None = None
    metric: str = Field(min_length=1, max_length=20)
    statistic: str | None = None
    target: str | None = None


class ImprovementData(Record):
    """A followed change (PDCA) with its metrics."""

    id: int | None = None
    title: str = Field(min_length=1, max_length=300)
    a3_id: int | None = None
    changed_on: date
    period: PeriodKind = "week"
    baseline_periods: int = Field(default=12, ge=2, le=260)
    hold_periods: int = Field(default=6, ge=1, le=260)
    alpha: float = Field(default=0.05, gt=0, lt=0.5)
    closed_on: date | None = None
    created_at: datetime | None = None
    metrics: list[ImprovementMetricData] = Field(default_factory=list)


class ChangeData(Record):
    """One entry of the history."""

    id: int | None = None
    at: datetime
    who: str
    record: str
    record_id: int
    action: str
    fields: dict[str, Any] = Field(default_factory=dict)


class RecordsFile(BaseModel):
    """Every improvement record, as `karsta improve export` writes it."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["karsta-improvement-records"] = "karsta-improvement-records"
    version: Literal[1] = 1
    exported_at: datetime | None = None
    workshops: list[WorkshopData] = Field(default_factory=list)
    ideas: list[IdeaData] = Field(default_factory=list)
    gemba: list[GembaData] = Field(default_factory=list)
    a3: list[A3Data] = Field(default_factory=list)
    improvements: list[ImprovementData] = Field(default_factory=list)
    history: list[ChangeData] = Field(default_factory=list)
