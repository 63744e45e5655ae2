"""I4 volume by channel: tickets received per channel and each channel's share."""

from __future__ import annotations

from karsta.metrics.catalog.populations import volume_by
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement
from karsta.metrics.registry import metric
from karsta.workspace.coverage import CHANNELS


@metric("I4", headline="share", needs=(CHANNELS,))
def volume_by_channel(inputs: MetricInputs) -> Measurement:
    """Return tickets received per channel (count and share of all received)."""
    return volume_by(inputs, "channel", "channel")
