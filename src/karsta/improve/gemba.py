"""A Gemba observation pulled together: working vs waiting time, beside what the log says.

Each timed note is value-adding work, work that adds no value (waste) or waiting.
The summary adds the time per step and kind; where the event log has a status or
activity of the same name, the log's stays in it (how many, their mean, and whether
the waiting rule calls it waiting or work) stand beside the observed ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from karsta.improve.models import Gemba
from karsta.process.results import records
from karsta.process.waiting import WaitingTime


@dataclass(frozen=True)
class StepSummary:
    """One observed step: seconds of value-adding work, other work and waiting; the log's view."""

    step: str
    observations: int
    value_s: float
    waste_s: float
    waiting_s: float
    log_kind: str | None = None
    """The waiting rule's kind of the log's status of this name (waiting, queue, working)."""
    log_stays: int | None = None
    log_mean_s: float | None = None

    @property
    def working_s(self) -> float:
        """Return the observed working time (value-adding and not)."""
        return self.value_s + self.waste_s

    @property
    def observed_mean_s(self) -> float:
        """Return the observed mean time of the step."""
        total = self.working_s + self.waiting_s
        return total / self.observations if self.observations else 0.0


@dataclass(frozen=True)
class GembaSummary:
    """Working vs waiting time of a whole observation, per step, and open notes."""

    steps: list[StepSummary]
    open_notes: int
    """Notes started but not stopped: left out of the times."""
    log_compared: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def working_s(self) -> float:
        """Return the observed working time."""
        return sum(s.working_s for s in self.steps)

    @property
    def waiting_s(self) -> float:
        """Return the observed waiting time."""
        return sum(s.waiting_s for s in self.steps)

    @property
    def value_share(self) -> float | None:
        """Return the value-adding share of all observed time (None when nothing was timed)."""
        total = self.working_s + self.waiting_s
        return None if total == 0 else sum(s.value_s for s in self.steps) / total

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""
        return {
            "working_s": self.working_s,
            "waiting_s": self.waiting_s,
            "value_share": self.value_share,
            "open_notes": self.open_notes,
            "log_compared": self.log_compared,
            "steps": [
                {
                    "step": s.step,
                    "observations": s.observations,
                    "value_s": s.value_s,
                    "waste_s": s.waste_s,
                    "waiting_s": s.waiting_s,
                    "working_s": s.working_s,
                    "observed_mean_s": s.observed_mean_s,
                    "log_kind": s.log_kind,
                    "log_stays": s.log_stays,
                    "log_mean_s": s.log_mean_s,
                }
                for s in self.steps
            ],
        }


def summarise(gemba: Gemba, waiting: WaitingTime | None = None) -> GembaSummary:
    """Return the observation's times per step, with the log's stays where a status matches."""
    totals: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    open_notes = 0
    for note in gemba.notes:
        if note.ended_at is None:
            open_notes += 1
            continue
        seconds = max(0.0, (note.ended_at - note.started_at).total_seconds())
        kinds = totals.setdefault(note.step, {"value": 0.0, "waste": 0.0, "waiting": 0.0})
        kinds[note.kind] = kinds.get(note.kind, 0.0) + seconds
        counts[note.step] = counts.get(note.step, 0) + 1
    log: dict[str, dict[str, Any]] = {}
    if waiting is not None:
        log = {str(row["status"]).casefold(): row for row in records(waiting.table)}
    steps = []
    for step, kinds in totals.items():
        row = log.get(step.casefold())
        stays = None if row is None else int(row["stays"] or 0)
        steps.append(
            StepSummary(
                step=step,
                observations=counts[step],
                value_s=kinds["value"],
                waste_s=kinds["waste"],
                waiting_s=kinds["waiting"],
                log_kind=None if row is None else row["kind"],
                log_stays=stays,
                log_mean_s=None
                if row is None or not stays
                else float(row["seconds"] or 0.0) / stays,
            )
        )
    return GembaSummary(steps, open_notes, log_compared=waiting is not None)
