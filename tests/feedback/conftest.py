"""The hand-built desk and the real ServiceNow workspace of the metric tests."""

from tests.metrics.conftest import desk, servicenow_workspace

__all__ = ["desk", "servicenow_workspace"]
