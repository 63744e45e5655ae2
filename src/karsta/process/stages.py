"""Stages of the process and what each stage and step is worth to the customer.

The improvement method describes a process at four levels: the landscape of services,
the process, its stages and the single steps. A stage is a named group of activities;
a stage-level map is the process map over the stage of every event (`with_stage`), the
same expressions as the map over statuses. Every stage and step is marked
value-adding, necessary or waste for the customer.

Where they come from, in this order: the settings file (`stages`, `customer_value`,
edited on the web app's stages page), the mapping of the latest import that declares
them (a workspace setting), else a proposal from the status classes through the one
classification of time (`WaitingRules.kind`):

| kind of stay | proposed stage | proposed value |
| --- | --- | --- |
| queue (class new) | intake | waste while the queue counts as waiting, else necessary |
| working (active, or no class) | work | value-adding |
| waiting (class waiting, SLA pause) | waiting | waste |
| after resolution: resolved | resolution | necessary |
| after resolution: closed, cancelled | closing | necessary (a cancelled step: waste) |

A declared stage without a mark takes its steps' mark when they agree, else the
mark of its busiest step. Without status classes nothing can be proposed: the
stages and marks not declared say what to map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_, Message, gettext
from karsta.ingest.stages import MAPPING_STAGES_SETTING, StageDeclaration, declaration_from_json
from karsta.process.requirements import STATUS_CLASSES, NotComputed
from karsta.process.waiting import WaitingRules

NO_STAGE = N_("(no stage)")
"""The stage node of activities no declared stage lists (JSON keeps it; views translate it)."""

Origin = Literal["settings", "mapping", "proposed"]

PROPOSED_STAGES: tuple[str, ...] = (
    N_("intake"),
    N_("work"),
    N_("waiting"),
    N_("resolution"),
    N_("closing"),
)
"""The proposed stages in the order the process moves through them (views translate them)."""


def stage_label(name: str) -> str:
    """Return a stage's name for reading: Karsta's own names translated, others as written."""
    return gettext(name) if name in PROPOSED_STAGES or name == NO_STAGE else name


_STAGE_OF_KIND = {"queue": "intake", "working": "work", "waiting": "waiting"}


def proposed_stage(kind: str, status_class: str | None) -> str:
    """Return the stage proposed for a step whose stays are of `kind` (and status class)."""
    if kind == "after resolution":
        return "resolution" if status_class == "resolved" else "closing"
    return _STAGE_OF_KIND.get(kind, "work")


def proposed_value(kind: str, status_class: str | None, rules: WaitingRules) -> str:
    """Return the customer value proposed for a step whose stays are of `kind`."""
    if kind == "queue":
        return "waste" if rules.queue_is_waiting else "necessary"
    if kind == "waiting":
        return "waste"
    if kind == "after resolution":
        return "waste" if status_class == "cancelled" else "necessary"
    return "value-adding"


def activity_kinds(events: ir.Table, rules: WaitingRules) -> ir.Table:
    """Return events per (activity, kind of stay, status class): what the proposal reads."""
    known = events.filter(events.activity.notnull())
    known = known.mutate(kind=rules.kind(known))
    return known.group_by("activity", "kind", "status_class").aggregate(events=known.count())


def mapping_declaration(settings: ir.Table) -> ir.Table:
    """Return the workspace setting row holding the latest mapping's declared stages."""
    return settings.filter(settings.key == MAPPING_STAGES_SETTING).select("value")


@dataclass(frozen=True)
class Step:
    """One step (activity): its stage, its stays' kind and class, events, and customer value."""

    activity: str
    stage: str
    kind: str | None
    status_class: str | None
    events: int
    value: str | None
    value_from: Origin | None


@dataclass(frozen=True)
class Stage:
    """One stage: its activities in order, its events and its customer value."""

    name: str
    activities: tuple[str, ...]
    events: int
    value: str | None
    value_from: Origin | None


@dataclass(frozen=True)
class Stages:
    """The stages of a process, its steps, and where the grouping and marks come from.

    `defined_by` says where the grouping comes from; `mapping` names the mapping when
    it is the mapping's. `unstaged` are activities of the log that no declared stage
    lists (the map shows them as NO_STAGE).
    """

    stages: tuple[Stage, ...]
    steps: tuple[Step, ...]
    defined_by: Origin | None
    mapping: str | None = None
    not_computed: tuple[NotComputed, ...] = ()

    @property
    def unstaged(self) -> tuple[str, ...]:
        """Return the activities in no stage."""
        return tuple(s.activity for s in self.steps if s.stage == NO_STAGE)

    def names(self) -> tuple[str, ...]:
        """Return the stage names in order."""
        return tuple(s.name for s in self.stages)

    def stage(self, name: str) -> Stage:
        """Return the stage called `name`; raise ValueError naming the known ones."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise ValueError(
            Message(
                "no stage named '{name}'; known: {known}",
                name=name,
                known=", ".join(self.names()) or "-",
            )
        )

    def step_values(self) -> dict[str, str]:
        """Return activity → customer value, for the steps that have one."""
        return {s.activity: s.value for s in self.steps if s.value is not None}

    def stage_values(self) -> dict[str, str]:
        """Return stage → customer value, for the stages that have one."""
        return {s.name: s.value for s in self.stages if s.value is not None}

    def with_stage(self, events: ir.Table, *, open_stage: str | None = None) -> ir.Table:
        """Return `events` with `stage`: the stage of each event's activity.

        Activities no stage lists are NO_STAGE. With `open_stage`, the activities of
        that stage keep their own name instead, so the map shows the stage's steps
        among the other stages.
        """
        opened = self.stage(open_stage) if open_stage is not None else None
        branches: list[tuple[ir.BooleanValue, ir.StringValue]] = []
        for stage in self.stages:
            if not stage.activities:
                continue
            inside = events.activity.isin(stage.activities)
            name = events.activity if stage is opened else ibis.literal(stage.name)
            branches.append((inside, name))
        if not branches:
            return events.mutate(stage=ibis.literal(NO_STAGE))
        staged = ibis.cases(*branches, else_=ibis.literal(NO_STAGE))
        return events.mutate(stage=ibis.ifelse(events.activity.isnull(), ibis.null(), staged))

    def to_dict(self) -> dict[str, Any]:
        """Return {"defined_by", "stages", "steps", "unstaged", "not_computed"} (JSON-ready)."""
        return {
            "defined_by": self.defined_by,
            "mapping": self.mapping,
            "stages": [
                {
                    "name": s.name,
                    "activities": list(s.activities),
                    "events": s.events,
                    "value": s.value,
                    "value_from": s.value_from,
                }
                for s in self.stages
            ],
            "steps": [
                {
                    "activity": s.activity,
                    "stage": s.stage,
                    "kind": s.kind,
                    "status_class": s.status_class,
                    "events": s.events,
                    "value": s.value,
                    "value_from": s.value_from,
                }
                for s in self.steps
            ],
            "unstaged": list(self.unstaged),
            "not_computed": [n.to_dict() for n in self.not_computed],
        }


@dataclass(frozen=True)
class _Profile:
    """An activity as the log shows it: the dominant kind and class of its stays, its events."""

    activity: str
    kind: str
    status_class: str | None
    events: int


def _profiles(rows: Sequence[Mapping[str, Any]]) -> list[_Profile]:
    """Return one profile per activity from `activity_kinds` rows, busiest first.

    An activity whose events are of several kinds takes the kind of most of them.
    """
    best: dict[str, tuple[int, str, str | None]] = {}
    totals: dict[str, int] = {}
    for row in rows:
        activity, events = str(row["activity"]), int(row["events"])
        totals[activity] = totals.get(activity, 0) + events
        candidate = (events, str(row["kind"]), row["status_class"])
        if activity not in best or candidate[0] > best[activity][0]:
            best[activity] = candidate
    found = [_Profile(a, best[a][1], best[a][2], totals[a]) for a in best]
    return sorted(found, key=lambda p: (-p.events, p.activity))


def parse_recorded(text: str | None) -> tuple[str | None, StageDeclaration | None]:
    """Return the mapping name and declaration a workspace recorded, or (None, None)."""
    if not text:
        return None, None
    try:
        name, declaration = declaration_from_json(text)
    except (ValueError, json.JSONDecodeError):  # recorded by a checked mapping: not expected
        return None, None
    return name, declaration


def resolve_stages(
    rows: Sequence[Mapping[str, Any]],
    *,
    rules: WaitingRules,
    has_classes: bool,
    settings: StageDeclaration | None = None,
    mapping: StageDeclaration | None = None,
    mapping_name: str | None = None,
) -> Stages:
    """Return the stages and marks: the settings', else the mapping's, else proposed.

    `rows` are `activity_kinds` rows of the log. Stage groupings are taken whole from
    the first source that declares any; marks are taken one by one, settings first.
    """
    profiles = _profiles(rows)
    settings = settings or StageDeclaration()
    mapping = mapping or StageDeclaration()
    defined_by: Origin | None
    declared: tuple[tuple[str, tuple[str, ...]], ...]
    if settings.stages:
        defined_by, declared = "settings", settings.stages
    elif mapping.stages:
        defined_by, declared = "mapping", mapping.stages
    elif has_classes:
        defined_by, declared = "proposed", _proposal(profiles)
    else:
        defined_by, declared = None, ()
    owner = {activity: name for name, activities in declared for activity in activities}
    steps = []
    for p in profiles:
        value, origin = _mark(p.activity, settings.step_values, mapping.step_values)
        if value is None and has_classes:
            value, origin = proposed_value(p.kind, p.status_class, rules), "proposed"
        kind = p.kind if has_classes else None
        stage = owner.get(p.activity, NO_STAGE)
        steps.append(Step(p.activity, stage, kind, p.status_class, p.events, value, origin))
    stages = []
    for name, activities in declared:
        mine = [s for s in steps if s.stage == name]
        events = sum(s.events for s in mine)
        value, origin = _mark(name, settings.stage_values, mapping.stage_values)
        if value is None:
            value, origin = _stage_proposal(mine)
        stages.append(Stage(name, activities, events, value, origin))
    missing: tuple[NotComputed, ...] = ()
    if not has_classes:
        # Declared stages and marks still apply; the rest cannot be proposed.
        missing = (NotComputed(Message("proposed stages and customer value"), STATUS_CLASSES),)
    return Stages(
        stages=tuple(stages),
        steps=tuple(steps),
        defined_by=defined_by,
        mapping=mapping_name if defined_by == "mapping" else None,
        not_computed=missing,
    )


def _proposal(profiles: list[_Profile]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the proposed stages (in process order) with their activities, busiest first.

    A proposed stage called like an activity of another stage is renamed 'NAME (stage)'.
    """
    grouped: dict[str, list[str]] = {name: [] for name in PROPOSED_STAGES}
    for p in profiles:
        grouped[proposed_stage(p.kind, p.status_class)].append(p.activity)
    owner = {a: name for name, activities in grouped.items() for a in activities}
    proposal = []
    for name, activities in grouped.items():
        if not activities:
            continue
        clash = name in owner and owner[name] != name
        proposal.append((f"{name} (stage)" if clash else name, tuple(activities)))
    return tuple(proposal)


def _mark(
    name: str, first: Mapping[str, str], second: Mapping[str, str]
) -> tuple[str | None, Origin | None]:
    """Return a declared mark and where it comes from: the settings', else the mapping's."""
    if name in first:
        return first[name], "settings"
    if name in second:
        return second[name], "mapping"
    return None, None


def _stage_proposal(steps: list[Step]) -> tuple[str | None, Origin | None]:
    """Return the proposed mark of a stage: its steps' when they agree, else its busiest step's."""
    marked = [s for s in steps if s.value is not None]
    if not marked:
        return None, None
    busiest = max(marked, key=lambda s: (s.events, s.activity))
    return busiest.value, "proposed"
