"""The demo's synthetic survey answers on the real ServiceNow log, and the scores they give.

The figures Karsta computes from the generated file are checked against a plain
pandas computation written from the definitions in the metric cards: NPS = % of
answers 9–10 − % of answers 0–6 on the 0–10 scale; CSAT = % of answers 4–5 on 1–5;
CES = mean on 1–7; an answer belongs to the month it was answered in (Helsinki time).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import karsta
from karsta.feedback.synthetic import COLUMNS, write_synthetic_surveys
from karsta.metrics.catalog.surveys import SYNTHETIC_PREFIX
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.workspace import Workspace


@pytest.fixture(scope="module")
def generated(servicenow_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "surveys.csv"
    write_synthetic_surveys(servicenow_workspace, out)
    return out


def _frame(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"respondent_id": str, "free_text": str, "language": str})
    for column in ("sent_at", "answered_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def test_answers_are_seeded_linked_to_resolved_tickets_and_after_them(
    generated: Path, servicenow_workspace: Workspace, tmp_path: Path
) -> None:
    again = tmp_path / "again.csv"
    write_synthetic_surveys(servicenow_workspace, again)
    assert again.read_bytes() == generated.read_bytes()  # seeded: the same file every time
    frame = _frame(generated)
    assert tuple(frame.columns) == COLUMNS
    assert frame.response_id.str.startswith(SYNTHETIC_PREFIX).all()
    tickets = servicenow_workspace.to_arrow(
        servicenow_workspace.table("tickets").select("ticket_id", "resolved_at")
    ).to_pandas()
    joined = frame.merge(tickets, on="ticket_id", how="left")
    assert joined.resolved_at.notna().all()  # every survey is about a resolved ticket
    assert (joined.sent_at > joined.resolved_at).all()
    answered = joined[joined.answered_at.notna()]
    assert (answered.answered_at > answered.sent_at).all()
    assert set(frame.instrument) == {"NPS", "CSAT", "CES"}
    # Both answered and unanswered surveys, so the response rate is known.
    assert frame.answered_at.isna().any()
    assert frame.answered_at.notna().any()
    assert set(frame.language.dropna()) == {"fi", "sv", "en"}
    # Scores on their scales only.
    for instrument, low, high in (("NPS", 0, 10), ("CSAT", 1, 5), ("CES", 1, 7)):
        scores = frame[frame.instrument == instrument].score.dropna()
        assert scores.between(low, high).all()
    # The model: reopened tickets' callers are less satisfied.
    reopens = servicenow_workspace.to_arrow(
        servicenow_workspace.table("tickets").select("ticket_id", "reopen_count")
    ).to_pandas()
    nps = frame[frame.instrument == "NPS"].dropna(subset=["score"]).merge(reopens, on="ticket_id")
    assert nps[nps.reopen_count > 0].score.mean() < nps[nps.reopen_count == 0].score.mean()


def test_scores_match_a_plain_pandas_computation(generated: Path, tmp_path: Path) -> None:
    frame = _frame(generated)
    with karsta.open(tmp_path / "surveys.karsta") as ws:
        ws.connection.register("_generated", frame)
        ws.connection.execute("INSERT INTO surveys BY NAME SELECT * FROM _generated")
        results = compute_metrics(ws, MetricOptions(period="month"), metrics=["NPS", "CSAT", "CES"])
    answered = frame[frame.answered_at.notna() & frame.score.notna()].copy()
    answered["month"] = answered.answered_at.dt.tz_convert("Europe/Helsinki").dt.strftime("%Y-%m")
    by_month = answered.groupby(["instrument", "month"]).score
    nps = by_month.apply(lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean())).loc["NPS"]
    csat = by_month.apply(lambda s: 100 * (s >= 4).mean()).loc["CSAT"]
    ces = by_month.mean().loc["CES"]
    for metric_id, statistic, expected in (
        ("NPS", "nps", nps),
        ("CSAT", "share", csat),
        ("CES", "mean", ces),
    ):
        rows = {
            r["period"]: r["value"]
            for r in results[metric_id].rows
            if r["statistic"] == statistic and r["n"]
        }
        assert rows.keys() == set(expected.index), metric_id
        for month, value in expected.items():
            assert rows[month] == pytest.approx(value), (metric_id, month)
    notes = " ".join(str(n) for n in results["NPS"].notes)
    assert "Synthetic data" in notes
