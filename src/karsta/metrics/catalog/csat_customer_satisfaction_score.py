"""CSAT: the share of satisfied answers (4–5 on 1–5), with the mean beside it."""

from __future__ import annotations

from karsta.i18n import N_
from karsta.metrics.catalog.surveys import (
    EVIDENCE,
    SCALE_ASSUMED,
    Scale,
    answer_units,
    answers,
    instrument_rows,
    require_answers,
    response_rate,
    synthetic_note,
)
from karsta.metrics.estimates import EstimatedMean, EstimatedShare
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, Statistic
from karsta.metrics.registry import metric

CSAT_SCALE = Scale(1, 5, N_("excluded: not on the 1–5 scale"))


@metric("CSAT", headline="share")
def customer_satisfaction_score(inputs: MetricInputs) -> Measurement:
    """Return the share of answers 4–5 and the mean score on the 1–5 scale."""
    rows = instrument_rows(inputs, ["CSAT"])
    require_answers(inputs, rows, "CSAT")
    answered = answers(inputs, rows)
    units = answer_units(
        answered,
        inputs.keys,
        scale=CSAT_SCALE,
        counted=N_("counted: answered on the 1–5 scale"),
        satisfied=answered.score >= 4,
    )
    rate, notes = response_rate(inputs, rows)
    statistics: list[Statistic] = [
        EstimatedShare("satisfied"),
        EstimatedMean("score", unit="score"),
        *rate,
    ]
    return Measurement(
        units=units,
        statistics=statistics,
        keys=inputs.keys,
        period_by="answered_at",
        evidence=EVIDENCE,
        notes=(*synthetic_note(inputs, rows), *notes),
        assumptions=(SCALE_ASSUMED,),
    )
