"""Every survey instrument's score per period: interval, sample, response rate and change.

`survey_scores` runs the catalog's survey metrics (NPS, CSAT, CES, S4 and O5 when
its survey is chosen) and summarises every other instrument present (the staff's
own surveys, custom ones) per question like the encounter survey. Each headline
figure comes with its 95 % interval, sample size, exclusions and response rate, and
with its change from the previous period and the test of that change — or "too few
answers" where either period has fewer than the minimum (`significance.MIN_ANSWERS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from karsta.feedback.significance import MIN_ANSWERS, Comparison, compare_counts
from karsta.metrics.catalog.surveys import scale_measurement
from karsta.metrics.compute import compute_metric, measurement_rows
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.options import MetricOptions
from karsta.metrics.registry import NoData, find
from karsta.workspace.source import TableSource

CARD_OF = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "encounter": "S4"}
"""The catalog metric of each standard instrument (lower case)."""
HEADLINE = {"NPS": ("nps", "nps"), "CSAT": ("share", "share"), "CES": ("mean", "mean")}
"""Each metric's headline statistic and the kind of estimate it is (nps, share, mean)."""


@dataclass(frozen=True)
class ScoreRow:
    """One instrument's headline figure in one period (and question, where it has several)."""

    period: str | None
    group: dict[str, Any]
    statistic: str
    unit: str
    value: float | None
    interval: dict[str, Any] | None
    n: int
    excluded: int
    response_rate: float | None
    """Surveys answered / sent × 100 in the period; None when not known."""
    surveys_sent: int | None
    too_few: bool
    """Fewer answers than the minimum: the figure is shown, its change is not."""
    change: Comparison | None
    """Against the previous period with figures; None in the first period."""
    versus_rest: Comparison | None = None
    """With breakdowns: this group against all other answers of the period."""
    assumptions: tuple[dict[str, Any], ...] = ()
    """The card's assumptions the figure rests on: id, text and how many answers (count > 0)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the row as plain data (for JSON)."""
        return {
            "period": self.period,
            "group": self.group,
            "statistic": self.statistic,
            "unit": self.unit,
            "value": self.value,
            "interval": self.interval,
            "n": self.n,
            "excluded": self.excluded,
            "response_rate": self.response_rate,
            "surveys_sent": self.surveys_sent,
            "too_few": self.too_few,
            "change": None if self.change is None else self.change.to_dict(),
            "versus_rest": None if self.versus_rest is None else self.versus_rest.to_dict(),
            "assumptions": [dict(a) for a in self.assumptions],
        }


@dataclass(frozen=True)
class InstrumentScores:
    """The figures of one survey instrument, or why there are none."""

    instrument: str
    metric: str | None
    """The catalog metric (NPS, CSAT, CES, S4, O5); None for the staff's and custom surveys."""
    rows: list[ScoreRow]
    notes: tuple[str, ...] = ()
    no_data: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the instrument's figures as plain data (for JSON)."""
        return {
            "instrument": self.instrument,
            "metric": self.metric,
            "rows": [row.to_dict() for row in self.rows],
            "notes": [str(note) for note in self.notes],
            "no_data": None if self.no_data is None else str(self.no_data),
        }


@dataclass(frozen=True)
class FeedbackScores:
    """Every instrument's scores per period."""

    source: str
    period: str | None
    min_answers: int
    instruments: list[InstrumentScores] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the scores as plain data (for JSON)."""
        return {
            "workspace": self.source,
            "period": self.period,
            "min_answers": self.min_answers,
            "confidence": 0.95,
            "instruments": [i.to_dict() for i in self.instruments],
        }


def instruments_present(source: TableSource) -> list[str]:
    """Return the instruments the surveys table holds answers of (case-insensitive), sorted."""
    surveys = source.table("surveys")
    answered = surveys.filter(surveys.answered_at.notnull()).select("instrument").distinct()
    names: dict[str, str] = {}
    for row in source.to_arrow(answered).to_pylist():
        name = str(row["instrument"])
        names.setdefault(name.lower(), name)  # NPS and nps are one instrument
    return sorted(names.values(), key=str.lower)


def _group_key(group: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(group.items()))


def _score_rows(
    rows: list[dict[str, Any]], statistic: str, kind: str, min_answers: int
) -> list[ScoreRow]:
    """Return the headline rows with response rates and changes from the previous period."""
    rates = {
        (r["period"], _group_key(r["group"])): r for r in rows if r["statistic"] == "response_rate"
    }
    headline = sorted(
        (r for r in rows if r["statistic"] == statistic),
        key=lambda r: (_group_key(r["group"]), r["period"] or ""),
    )
    result = []
    previous: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
    for row in headline:
        key = _group_key(row["group"])
        rate = rates.get((row["period"], key))
        before = previous.get(key)
        n = int(row["n"] or 0)
        change = None
        if before is not None:
            change = compare_counts(
                kind,
                row.get("estimate_counts", {}),
                before.get("estimate_counts", {}),
                min_answers=min_answers,
            )
        result.append(
            ScoreRow(
                period=row["period"],
                group=row["group"],
                statistic=statistic,
                unit=row["unit"],
                value=row["value"],
                interval=row.get("interval"),
                n=n,
                excluded=int(row["excluded"] or 0),
                response_rate=None if rate is None else rate["value"],
                surveys_sent=None if rate is None else int(rate["n"] or 0),
                too_few=n < min_answers,
                change=change,
                assumptions=tuple(a for a in row.get("assumptions", ()) if a["count"]),
            )
        )
        if n > 0:
            previous[key] = row
    result.sort(key=lambda r: (r.period or "", _group_key(r.group)))
    return result


Raw = tuple[list[dict[str, Any]], tuple[str, ...], str | None]
"""A run's result rows, notes and why there are none."""


def _raw(metric_id: str | None, instrument: str, inputs: MetricInputs) -> Raw:
    """Return the result rows of a catalog metric, or of the per-question summary."""
    if metric_id is not None:
        result = compute_metric(find(metric_id), inputs)
        return result.rows, result.notes, result.no_data
    try:
        measurement = scale_measurement(inputs, instrument)
    except NoData as reason:
        why = reason.args[0] if reason.args and isinstance(reason.args[0], str) else str(reason)
        return [], (), why  # a Message keeps its translation
    return measurement_rows(measurement, inputs, "score"), measurement.notes, None


def _rest(whole: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Return the counts of everyone outside a group: the whole's minus the group's."""
    return {k: float(v or 0) - float(part.get(k) or 0) for k, v in whole.items()}


def _versus_rest(
    rows: list[ScoreRow],
    raw: list[dict[str, Any]],
    whole: list[dict[str, Any]],
    statistic: str,
    kind: str,
    by: tuple[str, ...],
    min_answers: int,
) -> list[ScoreRow]:
    """Return the rows with each group's figure tested against all other answers."""
    counts = {
        (r["period"], _group_key(r["group"])): r.get("estimate_counts", {})
        for r in raw
        if r["statistic"] == statistic
    }
    totals = {
        (r["period"], _group_key(r["group"])): r.get("estimate_counts", {})
        for r in whole
        if r["statistic"] == statistic
    }
    tested = []
    for row in rows:
        outer = {k: v for k, v in row.group.items() if k not in by}
        own = counts.get((row.period, _group_key(row.group)), {})
        total = totals.get((row.period, _group_key(outer)))
        versus = None
        if total is not None:
            versus = compare_counts(kind, own, _rest(total, own), min_answers=min_answers)
        tested.append(replace(row, versus_rest=versus))
    return tested


def _scores(
    metric_id: str | None,
    instrument: str,
    inputs: MetricInputs,
    whole_inputs: MetricInputs | None,
    min_answers: int,
) -> InstrumentScores:
    raw, notes, no_data = _raw(metric_id, instrument, inputs)
    if no_data is not None:
        return InstrumentScores(instrument, metric_id, [], notes, no_data)
    statistic, kind = HEADLINE.get(metric_id or "", ("mean", "mean"))
    rows = _score_rows(raw, statistic, kind, min_answers)
    if whole_inputs is not None:
        whole, _notes, _none = _raw(metric_id, instrument, whole_inputs)
        by = tuple(inputs.options.by)
        rows = _versus_rest(rows, raw, whole, statistic, kind, by, min_answers)
    return InstrumentScores(instrument, metric_id, rows, notes)


def survey_scores(
    source: TableSource, options: MetricOptions, *, min_answers: int = MIN_ANSWERS
) -> FeedbackScores:
    """Return every instrument's headline score per period of `options`.

    With breakdowns (`options.by`, e.g. channel), each group's figure is also tested
    against all other answers of its period (`ScoreRow.versus_rest`).
    """
    inputs = MetricInputs(source, options)
    whole = MetricInputs(source, replace(options, by=())) if options.by else None
    chosen = (options.satisfaction_instrument or "").lower()
    instruments = []
    for instrument in instruments_present(source):
        key = instrument.lower()
        metric_id = "O5" if chosen and key == chosen else CARD_OF.get(key)
        instruments.append(_scores(metric_id, instrument, inputs, whole, min_answers))
    return FeedbackScores(source.label, options.period, min_answers, instruments)
