"""CES 2.0 on hand-counted answers: the mean on 1–7 and the share agreeing (5–7)."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import Desk, utc
from tests.metrics.survey_answers import answer, scores, write_answers


def test_mean_and_share_agreeing(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    rows = [*scores("CES", [7, 6, 5, 4, 1, 7], scale=(1, 7)), answer("old", "CES", 2, scale=(1, 5))]
    write_answers(desk.ws, rows)
    run = desk.run("CES")
    mean = run.figure("mean")
    # (7+6+5+4+1+7) / 6 = 30 / 6 = 5; the CES 1.0 answer on 1–5 is excluded.
    assert (mean["value"], mean["n"], mean["excluded"]) == (5.0, 6, 1)
    assert mean["interval"] is not None
    assert mean["interval"]["low"] < 5.0 < mean["interval"]["high"]
    # Agreeing 5–7: 7, 6, 5, 7 = 4 of 6.
    assert run.figure("share_agreeing")["value"] == pytest.approx(400 / 6)
    assert run.reason("old / q") == "excluded: not on the 1–7 scale"
