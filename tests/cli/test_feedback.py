"""`karsta feedback scores`, `quiet-period` and `turnover` as a user runs them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from karsta.schema import STAFFING
from tests.metrics.conftest import Desk, _arrow, utc
from tests.metrics.survey_answers import APRIL, MARCH, scores, write_answers

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a workspace with NPS answers in March (40) and April (10), and staffing."""
    path = tmp_path / "desk.karsta"
    with karsta.open(path) as ws:
        desk = Desk(ws)
        desk.ticket("T1", utc("2024-03-01 08:00"))
        desk.write()
        sent = utc("2024-03-01 09:00")
        write_answers(
            ws,
            [
                *scores("NPS", [10.0] * 30 + [5.0] * 10, scale=(0, 10), answered_at=MARCH,
                        sent_at=sent, respondent_id="anna"),
                *scores("NPS", [None] * 10, scale=(0, 10), answered_at=None, sent_at=sent,
                        prefix="u"),
                *scores("NPS", [9.0] * 10, scale=(0, 10), answered_at=APRIL, prefix="a"),
            ],
        )  # fmt: skip
        ws.connection.register(
            "_staff",
            _arrow(
                STAFFING,
                [{"period_start": date(2024, 3, 1), "period_end": date(2024, 3, 31),
                  "team": "A", "headcount": 10, "starters": 1, "leavers": 1}],
            ),
        )  # fmt: skip
        ws.connection.execute("INSERT INTO staffing BY NAME SELECT * FROM _staff")
    return path


def test_scores_in_finnish_say_too_few_answers(workspace: Path) -> None:
    result = runner.invoke(app, ["feedback", "scores", "-w", str(workspace), "--lang", "fi"])
    assert result.exit_code == 0, result.output
    # March: 30 promoters, 10 detractors of 40 → NPS 50; April: 10 promoters of 10 → 100.
    assert "50,0" in result.output
    assert "100,0" in result.output
    assert "2024-04" in result.output


def test_scores_json(workspace: Path) -> None:
    result = runner.invoke(app, ["feedback", "scores", "-w", str(workspace), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    (nps,) = document["instruments"]
    march, april = nps["rows"]
    assert (march["value"], march["n"], march["response_rate"]) == (50.0, 40, 80.0)
    assert march["interval"]["method"] == "nps_trinomial"
    assert april["too_few"] is True
    assert april["change"]["too_few"] is True
    assert april["change"]["p_value"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--by", "fortnight"], "--by"), (["--min-answers", "0"], "--min-answers")],
)
def test_bad_options_say_what_is_wrong(workspace: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["feedback", "scores", "-w", str(workspace), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_a_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["feedback", "scores", "-w", str(tmp_path / "none.karsta")])
    assert result.exit_code == 2
    assert "none.karsta" in result.output


def test_quiet_period_and_turnover_json(workspace: Path) -> None:
    quiet = runner.invoke(app, ["feedback", "quiet-period", "-w", str(workspace), "--json"])
    assert quiet.exit_code == 0, quiet.output
    document = json.loads(quiet.output)
    # Anna got 40 surveys at the same moment: 39 of them within 30 days of the previous.
    assert document["within_quiet_period"] == 39
    assert document["response_rate_known"] is True
    turnover = runner.invoke(app, ["feedback", "turnover", "-w", str(workspace), "--json"])
    assert turnover.exit_code == 0, turnover.output
    (row,) = json.loads(turnover.output)["rows"]
    # 1 leaver of an average headcount of 10 → 10 %.
    assert row["turnover"] == pytest.approx(10.0)
    table = runner.invoke(app, ["feedback", "quiet-period", "-w", str(workspace), "--lang", "sv"])
    assert table.exit_code == 0, table.output


def test_synthetic_writes_a_csv_for_the_survey_preset(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "surveys.csv"
    result = runner.invoke(
        app, ["feedback", "synthetic", "-w", str(workspace), "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.output
    # The only ticket is unresolved: no survey, only the header.
    assert out.read_text(encoding="utf-8").splitlines() == [
        "response_id,respondent_id,ticket_id,instrument,question,score,scale_min,scale_max,"
        "free_text,language,channel,sent_at,answered_at"
    ]


def test_scores_by_group_and_an_unknown_breakdown(workspace: Path) -> None:
    result = runner.invoke(
        app, ["feedback", "scores", "-w", str(workspace), "--group", "channel", "--json"]
    )
    assert result.exit_code == 0, result.output
    (nps,) = json.loads(result.output)["instruments"]
    assert all("versus_rest" in row for row in nps["rows"])
    bad = runner.invoke(app, ["feedback", "scores", "-w", str(workspace), "--group", "colour"])
    assert bad.exit_code == 2
    assert "colour" in bad.output
