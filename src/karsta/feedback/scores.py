"""Every survey instrument's score per period: interval, sample, response rate and change.

`survey_scores` runs the catalog's survey metrics (NPS, CSAT, CES, S4 and O5 when
its survey is chosen) and summarises every other instrument present (the staff's
own surveys, custom ones) per question like the encounter survey. Each headline
figure comes with its 95 % interval, sample size, exclusions and response rate, and
with its change from the previous period and the test of that change — or "too few
answers" where either period has fewer than the minimum (`significance.MIN_ANSWERS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
            )
        )
        if n > 0:
            previous[key] = row
    result.sort(key=lambda r: (r.period or "", _group_key(r.group)))
    return result


def _catalog_scores(
    metric_id: str, instrument: str, inputs: MetricInputs, min_answers: int
) -> InstrumentScores:
    result = compute_metric(find(metric_id), inputs)
    if result.no_data is not None:
        return InstrumentScores(instrument, metric_id, [], result.notes, result.no_data)
    statistic, kind = HEADLINE.get(metric_id, ("mean", "mean"))
    rows = _score_rows(result.rows, statistic, kind, min_answers)
    return InstrumentScores(instrument, metric_id, rows, result.notes)


def _other_scores(instrument: str, inputs: MetricInputs, min_answers: int) -> InstrumentScores:
    try:
        measurement = scale_measurement(inputs, instrument)
    except NoData as reason:
        return InstrumentScores(instrument, None, [], (), str(reason.args[0]))
    rows = measurement_rows(measurement, inputs, "score")
    return InstrumentScores(
        instrument, None, _score_rows(rows, "mean", "mean", min_answers), measurement.notes
    )


def survey_scores(
    source: TableSource, options: MetricOptions, *, min_answers: int = MIN_ANSWERS
) -> FeedbackScores:
    """Return every instrument's headline score per period of `options`."""
    inputs = MetricInputs(source, options)
    chosen = (options.satisfaction_instrument or "").lower()
    instruments = []
    for instrument in instruments_present(source):
        key = instrument.lower()
        metric_id = "O5" if chosen and key == chosen else CARD_OF.get(key)
        if metric_id is None:
            instruments.append(_other_scores(instrument, inputs, min_answers))
        else:
            instruments.append(_catalog_scores(metric_id, instrument, inputs, min_answers))
    return FeedbackScores(source.label, options.period, min_answers, instruments)
