"""Stages and customer value as a mapping file or the settings file declares them.

A *stage* is a named group of activities (statuses), e.g. intake, diagnosis, waiting
for the customer, resolution, closing: the third level of the improvement method's
process description. Every stage and every step (activity) is marked value-adding,
necessary or waste for the customer. Both files write them the same way::

    stages:
      intake: [New]
      diagnosis: [Active, In Progress]
      waiting for the customer: [Awaiting User Info]
    customer_value:
      stages: {intake: necessary, waiting for the customer: waste}
      steps: {Awaiting Vendor: waste}

This module only reads and checks the declaration; `karsta.process.stages` proposes
stages and values from the status classes where nothing is declared.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, get_args

from karsta.i18n import Message

CustomerValue = Literal["value-adding", "necessary", "waste"]
CUSTOMER_VALUES: tuple[str, ...] = get_args(CustomerValue)
"""The marks, from the customer's point of view (Lean: value-adding, necessary, waste)."""

STAGES_KEY = "stages"
VALUE_KEY = "customer_value"
MAPPING_STAGES_SETTING = "mapping_stages"
"""The workspace setting holding the stages of the latest import whose mapping declares them
(JSON: the mapping's name and its `stages` and `customer_value` keys)."""


@dataclass(frozen=True)
class StageDeclaration:
    """Stages (name → activities, in order) and value marks of stages and steps, as declared."""

    stages: tuple[tuple[str, tuple[str, ...]], ...] = ()
    stage_values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    step_values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def empty(self) -> bool:
        """Return whether the declaration says nothing."""
        return not (self.stages or self.stage_values or self.step_values)

    def to_dict(self) -> dict[str, Any]:
        """Return the declaration as a file's keys (the empty ones left out)."""
        data: dict[str, Any] = {}
        if self.stages:
            data[STAGES_KEY] = {name: list(activities) for name, activities in self.stages}
        values: dict[str, Any] = {}
        if self.stage_values:
            values["stages"] = dict(self.stage_values)
        if self.step_values:
            values["steps"] = dict(self.step_values)
        if values:
            data[VALUE_KEY] = values
        return data


def parse_stage_declaration(stages: Any, customer_value: Any, where: str) -> StageDeclaration:
    """Return the declaration of a file's `stages` and `customer_value` keys (either may be None).

    Raises ValueError naming `where` and the key: a stage must list activities, an
    activity may belong to one stage only, and a mark must be one of CUSTOMER_VALUES.
    """
    declared: list[tuple[str, tuple[str, ...]]] = []
    owner: dict[str, str] = {}
    if stages is not None:
        if not isinstance(stages, dict):
            raise ValueError(
                Message(
                    "{where}: stages must map each stage to its activities, e.g. "
                    "{{intake: [New], work: [Active]}}",
                    where=where,
                )
            )
        for name, activities in stages.items():
            stage = str(name).strip()
            if not stage:
                raise ValueError(Message("{where}: stages: a stage needs a name", where=where))
            listed = _names(activities, where, f"stages.{stage}")
            for activity in listed:
                if activity in owner:
                    raise ValueError(
                        Message(
                            "{where}: stages: activity '{activity}' is in both '{first}' "
                            "and '{second}'; an activity belongs to one stage",
                            where=where,
                            activity=activity,
                            first=owner[activity],
                            second=stage,
                        )
                    )
                owner[activity] = stage
            declared.append((stage, tuple(listed)))
    for name, _ in declared:
        if name in owner and owner[name] != name:
            raise ValueError(
                Message(
                    "{where}: stages: stage '{stage}' has the name of an activity of stage "
                    "'{other}'; give it another name",
                    where=where,
                    stage=name,
                    other=owner[name],
                )
            )
    stage_values: dict[str, str] = {}
    step_values: dict[str, str] = {}
    if customer_value is not None:
        if not isinstance(customer_value, dict) or set(customer_value) - {"stages", "steps"}:
            raise ValueError(
                Message(
                    "{where}: customer_value takes 'stages' and 'steps', each mapping a name "
                    "to one of {values}",
                    where=where,
                    values=", ".join(CUSTOMER_VALUES),
                )
            )
        stage_values = _marks(customer_value.get("stages"), where, "customer_value.stages")
        step_values = _marks(customer_value.get("steps"), where, "customer_value.steps")
    return StageDeclaration(
        stages=tuple(declared),
        stage_values=MappingProxyType(stage_values),
        step_values=MappingProxyType(step_values),
    )


def _names(value: Any, where: str, key: str) -> list[str]:
    """Return a list of activity names (one name alone is a list of one)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError(
            Message("{where}: {key} must list the stage's activities", where=where, key=key)
        )
    return [str(v) for v in value]


def _marks(value: Any, where: str, key: str) -> dict[str, str]:
    """Return name → value mark, each checked to be one of CUSTOMER_VALUES."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(
            Message("{where}: {key} must map names to a value mark", where=where, key=key)
        )
    marks = {}
    for name, mark in value.items():
        if mark not in CUSTOMER_VALUES:
            raise ValueError(
                Message(
                    "{where}: {key}.{name}: '{mark}' is not one of {values}",
                    where=where,
                    key=key,
                    name=name,
                    mark=mark,
                    values=", ".join(CUSTOMER_VALUES),
                )
            )
        marks[str(name)] = str(mark)
    return marks


def stages_json(mapping_name: str, declaration: StageDeclaration) -> str:
    """Return the workspace setting that records a mapping's declaration (JSON)."""
    return json.dumps({"mapping": mapping_name, **declaration.to_dict()}, ensure_ascii=False)


def declaration_from_json(text: str) -> tuple[str, StageDeclaration]:
    """Return the mapping name and declaration recorded by `stages_json`."""
    data = json.loads(text)
    name = str(data.get("mapping", ""))
    return name, parse_stage_declaration(data.get(STAGES_KEY), data.get(VALUE_KEY), name)
