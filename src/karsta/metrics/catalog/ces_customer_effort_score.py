"""CES 2.0: the mean on 1–7 (higher = easier) and the share agreeing (5–7)."""

from __future__ import annotations

from karsta.i18n import N_
from karsta.metrics.catalog.surveys import Scale, standard_scale_measurement
from karsta.metrics.estimates import EstimatedMean, EstimatedShare
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement
from karsta.metrics.registry import metric

CES_SCALE = Scale(
    1, 7, N_("excluded: not on the 1–7 scale"), N_("counted: answered on the 1–7 scale")
)


@metric("CES", headline="mean")
def customer_effort_score(inputs: MetricInputs) -> Measurement:
    """Return the mean score on 1–7 and the share of answers 5–7."""
    return standard_scale_measurement(
        inputs,
        "CES",
        CES_SCALE,
        lambda answered: {"agreeing": answered.score >= 5},
        [EstimatedMean("score", unit="score"), EstimatedShare("agreeing", name="share_agreeing")],
    )
