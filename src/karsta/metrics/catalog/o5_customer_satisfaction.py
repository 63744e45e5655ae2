"""O5 customer satisfaction: the periodic survey chosen for the workspace, per question."""

from __future__ import annotations

from karsta.i18n import Message
from karsta.metrics.catalog.surveys import scale_measurement
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement
from karsta.metrics.registry import NoData, metric


@metric("O5", headline="mean")
def customer_satisfaction(inputs: MetricInputs) -> Measurement:
    """Return per question of the chosen survey the distribution, the mean and the median."""
    instrument = inputs.options.satisfaction_instrument
    if instrument is None:
        raise NoData(
            Message(
                "cannot be computed: no satisfaction survey is chosen — map the instrument of "
                "the periodic survey in the workspace settings (satisfaction_instrument)"
            )
        )
    return scale_measurement(inputs, instrument, median=True)
