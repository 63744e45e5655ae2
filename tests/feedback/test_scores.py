"""Every instrument's score per month: interval, answers, response rate and tested change."""

from __future__ import annotations

import math
from typing import Any

import pytest

from karsta.feedback.scores import survey_scores
from karsta.metrics.options import MetricOptions
from tests.metrics.conftest import Desk, utc
from tests.metrics.survey_answers import APRIL, MARCH, scores, write_answers


def _instrument(result: Any, name: str) -> Any:
    (found,) = [i for i in result.instruments if i.instrument == name]
    return found


def test_scores_per_month_with_change_test_and_too_few_answers(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    # NPS: March 20 promoters, 5 passives, 5 detractors … of 40: 20×10, 15×8, 5×3 → NPS 37.5.
    march = [10.0] * 20 + [8.0] * 15 + [3.0] * 5
    # April: 10 promoters, 20 passives, 10 detractors of 40 → NPS 0.
    april = [10.0] * 10 + [8.0] * 20 + [3.0] * 10
    sent = utc("2024-03-05 08:00")
    rows = [
        *scores("NPS", list(march), scale=(0, 10), answered_at=MARCH, sent_at=sent),
        *scores("NPS", list(april), scale=(0, 10), answered_at=APRIL, prefix="a"),
        # 10 surveys sent in March and never answered: response rate 40 / 50 = 80 %.
        *scores("NPS", [None] * 10, scale=(0, 10), answered_at=None, sent_at=sent, prefix="u"),
        # CSAT: 5 answers in March → too few; CES none.
        *scores("CSAT", [5, 5, 4, 2, 1], scale=(1, 5), prefix="c"),
        # The staff's own survey: 1–5, two questions.
        *scores("staff", [4, 5, 3], scale=(1, 5), prefix="s", question="workload"),
    ]
    write_answers(desk.ws, rows)
    result = survey_scores(desk.ws, MetricOptions(period="month"))
    assert [i.instrument for i in result.instruments] == ["CSAT", "NPS", "staff"]
    nps = _instrument(result, "NPS")
    assert nps.metric == "NPS"
    first, second = nps.rows
    assert (first.period, first.value, first.n) == ("2024-03", pytest.approx(37.5), 40)
    assert first.response_rate == pytest.approx(80.0)
    assert first.surveys_sent == 50
    assert first.change is None
    assert (second.period, second.value, second.n) == ("2024-04", pytest.approx(0.0), 40)
    # The April answers record no sending time: the rate of April is not known.
    assert second.response_rate is None
    change = second.change
    assert change is not None
    assert not change.too_few
    # z = (0 − 0.375) / √(var now + var before); var(April) = (0.25 + 0.25 − 0) / 40.
    variance = (0.5 + 0.125 - 0.375**2) / 40 + 0.5 / 40
    assert change.statistic == pytest.approx(-0.375 / math.sqrt(variance))
    assert change.test == "nps_z"
    csat = _instrument(result, "CSAT")
    (only,) = csat.rows
    assert (only.statistic, only.value, only.n, only.too_few) == ("share", 60.0, 5, True)
    assert only.interval is not None
    assert any("Response rate not known" in str(note) for note in csat.notes)
    staff = _instrument(result, "staff")
    assert staff.metric is None
    (workload,) = staff.rows
    assert workload.group == {"question": "workload", "scale": "1–5"}
    assert workload.value == pytest.approx(4.0)
    document = result.to_dict()
    assert document["min_answers"] == 30
    assert document["instruments"][1]["rows"][1]["change"]["test"] == "nps_z"


def test_no_surveys_gives_no_instruments(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    assert survey_scores(desk.ws, MetricOptions(period="month")).instruments == []


def test_each_group_is_tested_against_the_other_answers(desk: Desk) -> None:
    desk.ticket("P1", utc("2024-03-01 08:00"), channel="phone")
    desk.ticket("E1", utc("2024-03-01 08:00"), channel="email")
    desk.write()
    # Phone: 20 promoters and 20 detractors of 40 → NPS 0.
    # E-mail: 30 promoters and 10 passives of 40 → NPS 75.
    rows = [
        *scores("NPS", [10.0] * 20 + [2.0] * 20, scale=(0, 10), ticket_id="P1", prefix="p"),
        *scores("NPS", [9.0] * 30 + [7.0] * 10, scale=(0, 10), ticket_id="E1", prefix="e"),
    ]
    write_answers(desk.ws, rows)
    result = survey_scores(desk.ws, MetricOptions(period="month", by=("channel",)))
    phone, email = sorted(
        _instrument(result, "NPS").rows, key=lambda r: r.group["channel"] != "phone"
    )
    assert (phone.value, email.value) == (pytest.approx(0.0), pytest.approx(75.0))
    # Phone against the rest (= e-mail): variances (0.5 + 0.5 − 0) / 40 = 0.025 and
    # (0.75 + 0 − 0.75²) / 40 = 0.0046875; z = (0 − 0.75) / √0.0296875 = −4.353.
    versus = phone.versus_rest
    assert versus is not None
    assert versus.change == pytest.approx(-75.0)
    assert versus.statistic == pytest.approx(-0.75 / math.sqrt(0.025 + 0.0046875))
    assert versus.significant is True
    assert email.versus_rest is not None
    assert email.versus_rest.statistic == pytest.approx(-versus.statistic)


def test_the_chosen_periodic_survey_is_o5_with_a_tested_change(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    # March 1..5 (mean 3), April 2, 4, …, 10 on a 1–10 scale (mean 6): Welch t = −1.897.
    rows = [
        *scores("satisfaction", [1, 2, 3, 4, 5], scale=(1, 10), answered_at=MARCH),
        *scores("satisfaction", [2, 4, 6, 8, 10], scale=(1, 10), answered_at=APRIL, prefix="a"),
    ]
    write_answers(desk.ws, rows)
    options = MetricOptions(period="month", satisfaction_instrument="satisfaction")
    result = survey_scores(desk.ws, options, min_answers=5)
    (o5,) = result.instruments
    assert o5.metric == "O5"
    march, april = o5.rows
    assert (march.value, april.value) == (pytest.approx(3.0), pytest.approx(6.0))
    assert april.change is not None
    assert april.change.test == "welch_t"
    assert april.change.statistic == pytest.approx(3 / math.sqrt(2.5))


def test_answers_on_an_assumed_scale_are_counted_with_their_figure(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    # Three NPS answers record their scale 0–10, two record none: the card's standard
    # scale is assumed for those two, and the March figure says so.
    rows = [
        *scores("NPS", [10.0, 9.0, 3.0], scale=(0, 10)),
        *scores("NPS", [10.0, 6.0], scale=None, prefix="n"),
    ]
    write_answers(desk.ws, rows)
    (nps,) = survey_scores(desk.ws, MetricOptions(period="month")).instruments
    (march,) = nps.rows
    assert march.n == 5
    assert [(a["id"], a["count"]) for a in march.assumptions] == [("survey_scale_assumed", 2)]
    assert march.to_dict()["assumptions"][0]["count"] == 2
