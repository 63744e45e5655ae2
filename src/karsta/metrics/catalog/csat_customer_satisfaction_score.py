"""CSAT: the share of satisfied answers (4–5 on 1–5), with the mean beside it."""

from __future__ import annotations

from karsta.i18n import N_
from karsta.metrics.catalog.surveys import Scale, standard_scale_measurement
from karsta.metrics.estimates import EstimatedMean, EstimatedShare
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement
from karsta.metrics.registry import metric

CSAT_SCALE = Scale(
    1, 5, N_("excluded: not on the 1–5 scale"), N_("counted: answered on the 1–5 scale")
)


@metric("CSAT", headline="share")
def customer_satisfaction_score(inputs: MetricInputs) -> Measurement:
    """Return the share of answers 4–5 and the mean score on the 1–5 scale."""
    return standard_scale_measurement(
        inputs,
        "CSAT",
        CSAT_SCALE,
        lambda answered: {"satisfied": answered.score >= 4},
        [EstimatedShare("satisfied"), EstimatedMean("score", unit="score")],
    )
