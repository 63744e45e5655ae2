"""NPS on hand-counted answers: the score, its group shares, intervals and exclusions."""

from __future__ import annotations

import math

import pytest

from tests.metrics.conftest import Desk, utc
from tests.metrics.survey_answers import APRIL, answer, scores, write_answers

Z95 = 1.959963984540054  # the standard normal quantile of 0.975


def wilson_by_hand(hits: int, n: int) -> tuple[float, float]:
    """The Wilson score interval as published (Wilson 1927), in percent."""
    p = hits / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 / (1 + Z95**2 / n) * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def desk_with(desk: Desk, rows: list[dict[str, object]]) -> Desk:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    write_answers(desk.ws, rows)
    return desk


def test_five_promoters_three_passives_two_detractors(desk: Desk) -> None:
    # 10 answers: promoters 10,10,9,9,9 (5), passives 8,7,7 (3), detractors 6,0 (2).
    values: list[float | None] = [10, 10, 9, 9, 9, 8, 7, 7, 6, 0]
    run = desk_with(desk, scores("NPS", values, scale=(0, 10))).run("NPS")
    nps = run.figure("nps")
    # NPS = 100 × (5 − 2) / 10 = 30.
    assert nps["value"] == pytest.approx(30.0)
    assert (nps["numerator"], nps["denominator"], nps["n"], nps["excluded"]) == (3, 10, 10, 0)
    # Trinomial variance on the −1..1 scale: (p + d − (p − d)²) / n
    # = (0.5 + 0.2 − 0.3²) / 10 = 0.061; margin = 1.96 × √0.061 = 0.48408.
    margin = Z95 * math.sqrt(0.061)
    assert margin == pytest.approx(0.48408, abs=1e-5)
    assert nps["interval"]["method"] == "nps_trinomial"
    assert nps["interval"]["low"] == pytest.approx(100 * (0.3 - margin))  # −18.41
    assert nps["interval"]["high"] == pytest.approx(100 * (0.3 + margin))  # 78.41
    assert run.figure("promoters")["value"] == pytest.approx(50.0)
    assert run.figure("passives")["value"] == pytest.approx(30.0)
    assert run.figure("detractors")["value"] == pytest.approx(20.0)
    low, high = wilson_by_hand(5, 10)  # 23.66 … 76.34
    promoters = run.figure("promoters")["interval"]
    assert (promoters["low"], promoters["high"]) == (pytest.approx(low), pytest.approx(high))
    assert promoters["low"] == pytest.approx(23.659, abs=1e-3)


def test_answers_off_the_scale_and_empty_answers_are_excluded_and_counted(desk: Desk) -> None:
    rows = [
        *scores("NPS", [10, 6], scale=(0, 10)),
        answer("x1", "NPS", 4, scale=(1, 5)),  # another scale
        answer("x2", "NPS", 11, scale=(0, 10)),  # off the scale
        answer("x3", "NPS", None, scale=(0, 10)),  # empty answer
        answer("x4", "nps", 9, scale=None),  # no scale recorded: 0–10 assumed
    ]
    run = desk_with(desk, rows).run("NPS")
    nps = run.figure("nps")
    # Counted: 10, 6, 9 → promoters 2, detractors 1, n 3: NPS = 100 × 1 / 3.
    assert nps["value"] == pytest.approx(100 / 3)
    assert (nps["n"], nps["excluded"]) == (3, 3)
    assert nps["assumptions"][0]["id"] == "survey_scale_assumed"
    assert nps["assumptions"][0]["count"] == 1
    assert run.reason("x1 / q") == "excluded: not on the 0–10 scale"
    assert run.reason("x2 / q") == "excluded: not on the 0–10 scale"
    assert run.reason("x3 / q") == "excluded: empty answer"


def test_no_answers_says_so_instead_of_a_zero(desk: Desk) -> None:
    run = desk_with(desk, scores("CSAT", [5], scale=(1, 5))).run("NPS")
    assert run.records == []
    assert run.no_data is not None
    assert "NPS" in run.no_data


def test_one_answer_and_all_promoters_have_no_trinomial_interval(desk: Desk) -> None:
    rows = [
        answer("one", "NPS", 10, scale=(0, 10), answered_at=APRIL),
        *scores("NPS", [9] * 10, scale=(0, 10)),
    ]
    run = desk_with(desk, rows).run("NPS", period="month")
    # March: 10 promoters → NPS 100, variance (1 + 0 − 1) / 10 = 0: no interval is claimed.
    march = run.figure("nps", period="2024-03")
    assert (march["value"], march["n"], march["interval"]) == (100.0, 10, None)
    # The promoters' share still has a Wilson interval: 10 of 10 → 72.25 … 100.
    promoters = run.figure("promoters", period="2024-03")["interval"]
    low, high = wilson_by_hand(10, 10)
    assert (promoters["low"], promoters["high"]) == (pytest.approx(low), pytest.approx(high))
    # April: one answer, n = 1.
    april = run.figure("nps", period="2024-04")
    assert (april["value"], april["n"], april["interval"]) == (100.0, 1, None)


def test_all_answers_excluded_gives_no_value(desk: Desk) -> None:
    run = desk_with(desk, scores("NPS", [None, None], scale=(0, 10))).run("NPS")
    nps = run.figure("nps")
    assert (nps["value"], nps["n"], nps["excluded"], nps["interval"]) == (None, 0, 2, None)


def test_response_rate_counts_sent_surveys_and_says_when_not_known(desk: Desk) -> None:
    sent = utc("2024-03-05 09:00")
    rows = [
        *scores("NPS", [10, 8, 3], scale=(0, 10), sent_at=sent),
        answer("u1", "NPS", None, scale=(0, 10), sent_at=sent, answered_at=None),
        answer("u2", "NPS", None, scale=(0, 10), sent_at=sent, answered_at=None),
    ]
    run = desk_with(desk, rows).run("NPS")
    rate = run.figure("response_rate")
    # 3 answered of 5 sent = 60 %.
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (60.0, 3, 5)
    low, high = wilson_by_hand(3, 5)
    assert rate["interval"]["low"] == pytest.approx(low)
    assert rate["interval"]["high"] == pytest.approx(high)


def test_response_rate_not_known_without_unanswered_surveys(desk: Desk) -> None:
    rows = scores("NPS", [10, 8], scale=(0, 10), sent_at=utc("2024-03-05 09:00"))
    run = desk_with(desk, rows).run("NPS")
    assert run.figures("response_rate") == []
    assert any("Response rate not known" in note for note in run.notes)


def test_explain_shows_the_answers_about_a_ticket(desk: Desk) -> None:
    from karsta.metrics.explain import explain

    rows = [
        answer("r1", "NPS", 3, scale=(0, 10), ticket_id="T1"),
        answer("r2", "NPS", 10, scale=(1, 5), ticket_id="T1"),
    ]
    desk_with(desk, rows)
    desk.ticket("T2", utc("2024-03-02 08:00"))
    desk.write()
    found = explain(desk.ws, "NPS", "T1")
    reasons = sorted(v["reason"] for v in found.verdicts)
    assert reasons == ["counted: answered on the 0–10 scale", "excluded: not on the 0–10 scale"]
    absent = explain(desk.ws, "NPS", "T2")
    assert absent.verdicts == []
    assert "no answer about this ticket" in str(absent.why_absent)
