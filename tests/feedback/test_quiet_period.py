"""The quiet period on a hand-written survey history: counts, bands and response rates."""

from __future__ import annotations

import pytest

from karsta.feedback.quiet_period import quiet_period
from tests.metrics.conftest import Desk, utc
from tests.metrics.survey_answers import answer, write_answers


def test_surveys_per_respondent_and_response_rate_by_days_since_the_last(desk: Desk) -> None:
    day = utc("2024-03-01 10:00")
    rows = [
        # Anna: surveyed on 1 March (answered), 5 March (not), 20 March (not), 1 June (answered).
        answer("a1", "CSAT", 5, scale=(1, 5), respondent_id="anna", sent_at=day),
        answer("a2", "CSAT", None, scale=(1, 5), respondent_id="anna",
               sent_at=utc("2024-03-05 10:00"), answered_at=None),
        answer("a3", "CSAT", None, scale=(1, 5), respondent_id="anna",
               sent_at=utc("2024-03-20 10:00"), answered_at=None),
        answer("a4", "CSAT", 4, scale=(1, 5), respondent_id="anna",
               sent_at=utc("2024-06-01 10:00")),
        # Ben: once, answered. A survey with no respondent cannot be placed.
        answer("b1", "CSAT", 3, scale=(1, 5), respondent_id="ben", sent_at=day),
        answer("x1", "CSAT", 3, scale=(1, 5), sent_at=day),
    ]  # fmt: skip
    write_answers(desk.ws, rows)
    result = quiet_period(desk.ws, quiet_days=30)
    assert (result.surveys, result.surveys_unplaced, result.respondents) == (5, 1, 2)
    assert result.surveys_per_respondent == {"1": 1, "4+": 1}
    # a2 is 4 days after a1, a3 15 days after a2: two inside 30 days; a4 is 73 days after a3.
    assert result.within_quiet_period == 2
    bands = {b.band: b for b in result.bands}
    assert (bands["first"].surveys_sent, bands["first"].response_rate) == (2, 100.0)
    assert (bands["0–7"].surveys_sent, bands["0–7"].response_rate) == (1, 0.0)
    assert (bands["7–30"].surveys_sent, bands["7–30"].response_rate) == (1, 0.0)
    assert (bands["30–90"].surveys_sent, bands["30–90"].response_rate) == (1, 100.0)
    assert bands["over 180"].surveys_sent == 0
    comparison = result.inside_vs_outside
    assert comparison is not None
    # Inside: 0 of 2 answered; after the quiet period: 1 of 1.
    assert (comparison.current, comparison.previous) == (0.0, pytest.approx(100.0))


def test_response_rate_not_known_without_unanswered_surveys(desk: Desk) -> None:
    day = utc("2024-03-01 10:00")
    write_answers(
        desk.ws,
        [
            answer("a1", "CSAT", 5, scale=(1, 5), respondent_id="anna", sent_at=day),
            answer("a2", "CSAT", 5, scale=(1, 5), respondent_id="anna",
                   sent_at=utc("2024-03-03 10:00")),
        ],
    )  # fmt: skip
    result = quiet_period(desk.ws)
    assert result.response_rate_known is False
    assert all(b.response_rate is None for b in result.bands)
    assert result.within_quiet_period == 1
    assert result.inside_vs_outside is None
