"""Themes on a small fixture whose counts, scores and recurrence are computed by hand.

The fixture (written here): 12 Finnish answers about invoices, 3 a month from
January to April 2024, each from a response scoring NPS 3; 12 Finnish answers
about queueing, all in April, each scoring NPS 9; 6 responses scoring 10 with no
open answer; 3 Swedish answers (too few for themes of their own); one "ok" with
no recorded language (left out, counted).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

import karsta
from karsta.feedback.themes import (
    OpenAnswer,
    RecurringRule,
    ScoredAnswer,
    explained_weights,
    find_themes,
    workspace_themes,
)

INVOICES = [
    "Laskussa oli virhe",
    "Laskusta puuttui rivi",
    "Lasku tuli myöhässä",
    "Laskuun tuli väärä summa",
]
QUEUE = [
    "Jonotusaika oli pitkä jono",
    "Odotin jonossa kauan",
    "Jono puhelimessa oli pitkä",
    "Jonossa odottaminen kesti",
]
SWEDISH = ["Fakturan var fel", "Fakturorna kom sent", "Fel på fakturan"]


def at(month: int, day: int) -> datetime:
    return datetime(2024, month, day, 10, tzinfo=UTC)


def fixture() -> tuple[list[OpenAnswer], list[ScoredAnswer]]:
    answers, scores = [], []
    for i in range(12):
        text = INVOICES[i % 4] + (", t. Matti" if i == 0 else "")
        answers.append(OpenAnswer(f"inv{i:02d}", text, "fi", at(1 + i // 3, 5 + i)))
        scores.append(ScoredAnswer(f"inv{i:02d}", "NPS", "recommend", 3, 0, 10))
    for i in range(12):
        answers.append(OpenAnswer(f"que{i:02d}", QUEUE[i % 4], "fi", at(4, 1 + i)))
        scores.append(ScoredAnswer(f"que{i:02d}", "NPS", "recommend", 9, 0, 10))
    scores += [ScoredAnswer(f"quiet{i}", "NPS", "recommend", 10, 0, 10) for i in range(6)]
    answers += [OpenAnswer(f"sv{i}", t, "sv", at(2, 1)) for i, t in enumerate(SWEDISH)]
    answers.append(OpenAnswer("unknown", "ok", None, at(2, 2)))
    return answers, scores


def test_two_themes_with_counts_trend_scores_and_recurrence_by_hand() -> None:
    answers, scores = fixture()
    result = find_themes(answers, scores, themes=2, min_answers=20, examples=2)
    assert result.answers == 28
    assert result.languages == {"fi": 24, "sv": 3}
    assert result.language_sources == {"detected": 27, "recorded": 0, "unknown": 1}
    assert result.too_few == {"sv": 3}
    assert result.without_theme == {"fi": 0}
    assert result.redactions == {"hetu": 0, "email": 0, "phone": 0, "name": 1}
    # The last 6 calendar months up to the latest answer, with answers or not.
    assert result.last_months == ("2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04")
    by_word = {t.words[0]: t for t in result.themes}
    assert set(by_word) == {"lasku", "jono"}
    invoices, queue = by_word["lasku"], by_word["jono"]
    assert (invoices.count, queue.count) == (12, 12)
    assert invoices.responses == tuple(f"inv{i:02d}" for i in range(12))
    # Months: invoices 3 a month; April has 3 invoice + 12 queue answers (Finnish and
    # Swedish answers with a month count; the Swedish ones and "ok" are in February,
    # "ok" is left out): February's share is 3 of 6 answers read in a language.
    assert [(m.month, m.count, m.share) for m in invoices.by_month] == [
        ("2024-01", 3, 1.0),
        ("2024-02", 3, 0.5),
        ("2024-03", 3, 1.0),
        ("2024-04", 3, 0.2),
    ]
    assert [(m.month, m.count, m.share) for m in queue.by_month] == [("2024-04", 12, 0.8)]
    # Scores: all 30 NPS answers: 12 x 3 + 12 x 9 + 6 x 10 = 204, mean 6.8.
    [nps] = invoices.scores
    assert (nps.n, nps.mean, nps.overall_n) == (12, 3.0, 30)
    assert nps.overall_mean == pytest.approx(6.8)
    assert nps.gap == pytest.approx((3 - 6.8) / 10)
    assert invoices.drags_score_down
    assert not queue.drags_score_down
    # Recurring: invoices in 4 of the last 6 months (>= 3) and 38 % of the scale low
    # (>= 10 %) from 12 answers (>= 5); queueing in 1 month and scoring above the mean.
    assert (invoices.months_present, invoices.recurring) == (4, True)
    assert (queue.months_present, queue.recurring) == (1, False)
    # Examples are redacted.
    assert len(invoices.examples) == 2
    assert "Matti" not in repr(result.to_dict())


def test_the_recurring_rule_is_the_documented_one() -> None:
    answers, scores = fixture()
    # Invoices occur in 4 months: asking for 5 of the last 6 takes the flag away.
    stricter = find_themes(answers, scores, themes=2, rule=RecurringRule(months=5))
    assert not any(t.recurring for t in stricter.themes)
    # A gap of 38 % of the scale is not 40 %.
    smaller = find_themes(answers, scores, themes=2, rule=RecurringRule(min_gap=0.4))
    assert not any(t.recurring for t in smaller.themes)
    assert "at least 3 of the last 6 months" in str(RecurringRule().text())


def test_a_theme_dictionary_claims_its_answers_first() -> None:
    answers, scores = fixture()
    result = find_themes(
        answers,
        scores,
        dictionary={"Laskutus": ["lasku"], "Faktura": ["faktura"]},
        themes=1,
        min_answers=10,
    )
    named = {(t.language, t.name): t.count for t in result.themes if t.name}
    assert named == {("fi", "Laskutus"): 12, ("sv", "Faktura"): 3}
    found = [t for t in result.themes if t.name is None]
    assert [(t.language, t.count) for t in found] == [("fi", 12)]
    # "jono" is in all 12 answers left: a word in over 90 % of them tells none apart.
    assert "jono" not in found[0].words
    assert {"jonotusaika", "odottaa"} <= set(found[0].words)


def test_an_answer_weighs_themes_by_the_part_of_its_words_they_explain() -> None:
    # Two themes over three words: theme 0's word weights sum to 0.5 (0.5, 0, 0),
    # theme 1's to 2.0 (0, 1.0, 1.0). An answer with NMF weights (0.8, 0.3) gets
    # 0.8 x 0.5 = 0.4 of its weight from theme 0 and 0.3 x 2.0 = 0.6 from theme 1:
    # it belongs to theme 1, though its raw weight on theme 0 is larger.
    components = np.array([[0.5, 0.0, 0.0], [0.0, 1.0, 1.0]])
    weights = np.array([[0.8, 0.3], [0.0, 0.0]])
    explained = explained_weights(weights, components)
    assert explained == pytest.approx(np.array([[0.4, 0.6], [0.0, 0.0]]))
    assert int(np.argmax(explained[0])) == 1
    # What the themes explain adds up to the answer's weight in NMF's approximation.
    assert explained.sum(axis=1) == pytest.approx((weights @ components).sum(axis=1))


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        find_themes([], themes=0)


def fill_surveys(ws: karsta.Workspace) -> None:
    """Insert the fixture as survey rows: one scored and one free-text row per response."""
    answers, scores = fixture()
    rows = [
        (s.response_id, s.instrument, s.question, s.score, 0.0, 10.0, None, None, None)
        for s in scores
    ]
    rows += [
        (a.response_id, "NPS", "open", None, None, None, a.text, a.language, a.answered_at)
        for a in answers
    ]
    ws.connection.executemany(
        "INSERT INTO surveys (response_id, instrument, question, score, scale_min, scale_max, "
        "free_text, language, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def test_themes_of_a_workspace_surveys_table(tmp_path: Path) -> None:
    with karsta.open(tmp_path / "w.karsta") as ws:
        fill_surveys(ws)
        result = workspace_themes(ws, themes=2)
    answers, scores = fixture()
    assert result.to_dict() == find_themes(answers, scores, themes=2).to_dict()


def test_a_workspace_without_answers_has_no_themes(tmp_path: Path) -> None:
    with karsta.open(tmp_path / "w.karsta") as ws:
        result = workspace_themes(ws)
    assert (result.answers, result.themes, result.last_months) == (0, (), ())
    assert result.language_sources == {"detected": 0, "recorded": 0, "unknown": 0}


def test_assumed_scales_and_missing_times_are_counted_and_said() -> None:
    answers, scores = fixture()
    # Two NPS answers without their scale (taken as 0-10), one custom score without one
    # (no gap), one open answer without a time.
    scores[0] = ScoredAnswer("inv00", "NPS", "recommend", 3)
    scores[1] = ScoredAnswer("inv01", "NPS", "recommend", 3)
    scores.append(ScoredAnswer("inv02", "custom", "speed", 2))
    answers[0] = OpenAnswer("inv00", answers[0].text, "fi", None)
    result = find_themes(answers, scores, themes=2)
    assert result.assumptions == {
        "nps_scale_assumed": 2,
        "ces_scale_assumed": 0,
        "scale_unknown": 1,
        "scale_given": 28,
        "answers_without_time": 1,
    }
    notes = [str(n) for n in result.notes]
    assert "NPS answers without their scale, taken as 0–10 by the definition of NPS: 2." in notes
    assert any("without a scale" in n and n.endswith(": 1.") for n in notes)
    assert any("without an answer time" in n and n.endswith(": 1.") for n in notes)
    invoices = next(t for t in result.themes if t.words[0] == "lasku")
    custom = next(s for s in invoices.scores if s.instrument == "custom")
    assert (custom.n, custom.gap) == (1, None)
    nps = next(s for s in invoices.scores if s.instrument == "NPS")
    assert nps.gap == pytest.approx((3 - 6.8) / 10)  # the assumed scale is the NPS one
    assert sum(m.count for m in invoices.by_month) == 11  # the undated answer has no month


def test_compound_and_inflected_words_meet_through_their_parts() -> None:
    # No whole lemma but "laskutus" occurs in two answers, so whole words alone leave
    # almost every answer without a theme; the words share their parts ("lasku",
    # "jono"), which the character n-grams see: the answers fall into their two themes.
    invoices = [
        "Laskutusvirhe",
        "Laskuvirhe toistui",
        "Väärä laskutusosoite",
        "Laskujen eräpäivät",
        "Laskutuskausi muuttui",
        "Laskuerittely puuttui",
    ]
    queue = [
        "Jonotusaika venyi",
        "Jonotusnumero jumittui",
        "Jonottaminen kesti",
        "Jonossa tuskastuin",
        "Jonotusjärjestelmä kaatui",
        "Jonoviesti oli täynnä",
    ]
    answers = [OpenAnswer(f"inv{i}", t, "fi") for i, t in enumerate(invoices)]
    answers += [OpenAnswer(f"que{i}", t, "fi") for i, t in enumerate(queue)]
    result = find_themes(answers, themes=2, min_answers=10)
    assert result.without_theme == {"fi": 0}
    assert {t.responses for t in result.themes} == {
        tuple(f"inv{i}" for i in range(6)),
        tuple(f"que{i}" for i in range(6)),
    }
    # Named by whole lemmas: "laskutus" is the only one in two answers; the queue
    # theme, with none, by its most frequent lemmas (ties alphabetically).
    words = {t.responses[0]: t.words for t in result.themes}
    assert words["inv0"] == ("laskutus",)
    assert words["que0"][:2] == ("jono", "jonottaa")
