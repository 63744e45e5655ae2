"""I5 incidents vs service requests among tickets received."""

from __future__ import annotations

from karsta.metrics.catalog.populations import volume_by
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement
from karsta.metrics.registry import metric
from karsta.workspace.coverage import TYPES


@metric("I5", headline="share", needs=(TYPES,))
def incident_request_mix(inputs: MetricInputs) -> Measurement:
    """Return tickets received per type (count and share of all received)."""
    return volume_by(inputs, "type", "ticket_type")
