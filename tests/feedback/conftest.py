"""The hand-built desk of the metric tests, for the survey analyses."""

from tests.metrics.conftest import desk

__all__ = ["desk"]
