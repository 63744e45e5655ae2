"""Survey answers written literally into a workspace's surveys table, for the score tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from karsta.schema import SURVEYS
from karsta.workspace import Workspace
from tests.metrics.conftest import _arrow, utc

MARCH = utc("2024-03-10 10:00")
APRIL = utc("2024-04-10 10:00")


def answer(
    response_id: str,
    instrument: str,
    score: float | None,
    *,
    scale: tuple[float, float] | None,
    answered_at: datetime | None = MARCH,
    sent_at: datetime | None = None,
    **columns: Any,
) -> dict[str, Any]:
    """Return one surveys row (question 'q' unless given)."""
    low, high = scale if scale is not None else (None, None)
    return {
        "response_id": response_id,
        "instrument": instrument,
        "question": "q",
        "score": score,
        "scale_min": low,
        "scale_max": high,
        "sent_at": sent_at,
        "answered_at": answered_at,
        **columns,
    }


def scores(
    instrument: str,
    values: list[float | None],
    *,
    scale: tuple[float, float] | None,
    prefix: str = "r",
    **columns: Any,
) -> list[dict[str, Any]]:
    """Return one answer per value, response ids prefix1, prefix2, ..."""
    return [
        answer(f"{prefix}{i}", instrument, value, scale=scale, **columns)
        for i, value in enumerate(values, start=1)
    ]


def write_answers(ws: Workspace, rows: list[dict[str, Any]]) -> None:
    """Insert the rows into the surveys table."""
    ws.connection.register("_survey_rows", _arrow(SURVEYS, rows))
    ws.connection.execute("INSERT INTO surveys BY NAME SELECT * FROM _survey_rows")
    ws.connection.unregister("_survey_rows")
