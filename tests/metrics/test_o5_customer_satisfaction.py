"""O5: only the periodic survey chosen in the settings, per question: mean, median, shares."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import Desk, utc
from tests.metrics.survey_answers import scores, write_answers


def test_counts_only_the_chosen_survey_and_says_when_none_is_chosen(desk: Desk) -> None:
    desk.ticket("T1", utc("2024-03-01 08:00"))
    desk.write()
    write_answers(
        desk.ws,
        [
            *scores("satisfaction", [5, 4, 4, 2, 1], scale=(1, 5)),
            *scores("encounter", [1, 1], scale=(1, 5), prefix="e"),
        ],
    )
    assert desk.run("O5").no_data is not None
    run = desk.run("O5", satisfaction_instrument="satisfaction")
    group = {"question": "q", "scale": "1–5"}
    # 5, 4, 4, 2, 1: mean 16 / 5 = 3.2, median 4, share of 4 = 2 of 5 = 40 %.
    assert run.figure("mean", group=group)["value"] == pytest.approx(3.2)
    assert run.figure("median", group=group)["value"] == pytest.approx(4.0)
    assert run.figure("share_4", group=group)["value"] == pytest.approx(40.0)
    assert run.figure("mean", group=group)["n"] == 5


def test_the_settings_choose_the_survey() -> None:
    from karsta.metrics.config import parse_config

    settings = parse_config({"satisfaction_instrument": "tyytyväisyys"}, "desk.karsta.yaml")
    assert settings.options().satisfaction_instrument == "tyytyväisyys"
    assert settings.options(period="month").satisfaction_instrument == "tyytyväisyys"
    assert parse_config({}, "desk.karsta.yaml").options().satisfaction_instrument is None
