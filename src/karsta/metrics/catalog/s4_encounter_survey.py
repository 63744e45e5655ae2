"""S4 encounter survey: per question, the distribution over the scale and the mean."""

from __future__ import annotations

from karsta.metrics.catalog.surveys import scale_measurement
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement
from karsta.metrics.registry import metric


@metric("S4", headline="mean")
def encounter_survey(inputs: MetricInputs) -> Measurement:
    """Return per question and scale the share of each scale point and the mean score."""
    return scale_measurement(inputs, "encounter")
