"""CES 2.0: the mean on 1–7 (higher = easier) and the share agreeing (5–7)."""

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

CES_SCALE = Scale(1, 7, N_("excluded: not on the 1–7 scale"))


@metric("CES", headline="mean")
def customer_effort_score(inputs: MetricInputs) -> Measurement:
    """Return the mean score on 1–7 and the share of answers 5–7."""
    rows = instrument_rows(inputs, ["CES"])
    require_answers(inputs, rows, "CES")
    answered = answers(inputs, rows)
    units = answer_units(
        answered,
        inputs.keys,
        scale=CES_SCALE,
        counted=N_("counted: answered on the 1–7 scale"),
        agreeing=answered.score >= 5,
    )
    rate, notes = response_rate(inputs, rows)
    statistics: list[Statistic] = [
        EstimatedMean("score", unit="score"),
        EstimatedShare("agreeing", name="share_agreeing"),
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
