"""CSAT on hand-counted answers: the top-box share (4–5 of 1–5), the mean and intervals."""

from __future__ import annotations

import math

import pytest

from tests.metrics.conftest import Desk, utc
from tests.metrics.survey_answers import answer, scores, write_answers
from tests.metrics.test_nps_net_promoter_score import wilson_by_hand

T_975_4 = 2.7764451051977987  # Student's t quantile 0.975 with 4 degrees of freedom (tables)


def test_top_box_share_and_mean_with_intervals(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    rows = [*scores("CSAT", [1, 2, 3, 4, 5], scale=(1, 5)), answer("x", "CSAT", 7, scale=(1, 7))]
    write_answers(desk.ws, rows)
    run = desk.run("CSAT")
    share = run.figure("share")
    # Satisfied (4–5): 2 of 5 = 40 %; the 1–7 answer is excluded and counted.
    assert (share["value"], share["n"], share["excluded"]) == (40.0, 5, 1)
    low, high = wilson_by_hand(2, 5)  # 11.76 … 76.93
    assert share["interval"]["low"] == pytest.approx(low)
    assert share["interval"]["high"] == pytest.approx(high)
    mean = run.figure("mean")
    # Mean (1+2+3+4+5)/5 = 3; sample sd = √(10/4) = 1.5811; margin = t × sd / √5 = 1.9632.
    assert mean["value"] == pytest.approx(3.0)
    margin = T_975_4 * math.sqrt(10 / 4) / math.sqrt(5)
    assert mean["interval"]["method"] == "t"
    assert mean["interval"]["low"] == pytest.approx(3 - margin)
    assert mean["interval"]["high"] == pytest.approx(3 + margin)
    assert mean["interval"]["low"] == pytest.approx(1.0368, abs=1e-4)


def test_one_answer_has_a_mean_but_no_t_interval(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    write_answers(desk.ws, scores("csat", [5], scale=(1, 5)))
    run = desk.run("CSAT")
    assert (run.figure("mean")["value"], run.figure("mean")["interval"]) == (5.0, None)
    assert run.figure("share")["value"] == 100.0
