"""S4 encounter survey: per question and scale, the distribution over the scale and the mean."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import Desk, utc
from tests.metrics.survey_answers import answer, scores, write_answers


def test_distribution_and_mean_per_question_on_a_1_to_4_scale(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    rows = [
        *scores("encounter", [4, 4, 3, 1], scale=(1, 4), question="friendly"),
        *scores("encounter", [2, None], scale=(1, 4), question="solved", prefix="s"),
        answer("t1", "encounter", 9, scale=(0, 10), question="friendly"),
    ]
    write_answers(desk.ws, rows)
    run = desk.run("S4")
    friendly = {"question": "friendly", "scale": "1–4"}
    # friendly on 1–4: 4, 4, 3, 1 → share of 4 = 50 %, of 3 = 25 %, of 2 = 0 %, of 1 = 25 %.
    assert run.figure("share_4", group=friendly)["value"] == 50.0
    assert run.figure("share_3", group=friendly)["value"] == 25.0
    assert run.figure("share_2", group=friendly)["value"] == 0.0
    assert run.figure("share_1", group=friendly)["value"] == 25.0
    # mean (4+4+3+1)/4 = 3.
    assert run.figure("mean", group=friendly)["value"] == pytest.approx(3.0)
    # A point off the question's scale has no answers to share: no value, n = 0.
    assert run.figure("share_9", group=friendly)["n"] == 0
    assert run.figure("share_9", group=friendly)["value"] is None
    # The 0–10 answer to the same question is its own group: a scale does not mix.
    assert run.figure("share_9", group={"question": "friendly", "scale": "0–10"})["value"] == 100.0
    solved = run.figure("mean", group={"question": "solved", "scale": "1–4"})
    assert (solved["value"], solved["n"], solved["excluded"]) == (2.0, 1, 1)
