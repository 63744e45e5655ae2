"""Repeat contacts concentrated in a segment with low scores, on generated desks.

`segment_desk` writes 120 resolved tickets in each of three categories (Accounts,
Printers, Network) in March 2024, alternating phone and e-mail, each with one NPS
answer (0–10) about it. Tickets of Accounts are reopened with probability
`accounts_repeat`, the others with 5 %. NPS scores are drawn uniformly from
`accounts_scores` for Accounts and from 6..10 for the others. numpy's generator with
the given seed makes every draw the same on every run.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from karsta.metrics.options import MetricOptions
from karsta.signals.segments import repeat_in_low_segment
from tests.metrics.conftest import Desk, desk, hki
from tests.metrics.survey_answers import answer, write_answers

__all__ = ["desk"]
CATEGORIES = ("Accounts", "Printers", "Network")


def segment_desk(
    desk: Desk,
    *,
    accounts_repeat: float,
    accounts_scores: tuple[int, int],
    surveys: bool = True,
    seed: int = 0,
) -> None:
    rng = np.random.default_rng(seed)
    answers = []
    for category in CATEGORIES:
        repeat = accounts_repeat if category == "Accounts" else 0.05
        low, high = accounts_scores if category == "Accounts" else (6, 10)
        for i in range(120):
            opened = hki(f"2024-03-{1 + i % 28:02d} 10:00")
            ticket_id = f"{category}-{i}"
            desk.ticket(
                ticket_id,
                opened,
                resolved_at=opened + timedelta(hours=2),
                closed_at=opened + timedelta(days=1),
                status_class="closed",
                reopen_count=int(rng.random() < repeat),
                category_close=category,
                channel="phone" if i % 2 else "email",
                resolving_level=1,
            )
            score = float(rng.integers(low, high + 1))
            answers.append(
                answer(
                    f"a-{ticket_id}",
                    "NPS",
                    score,
                    scale=(0, 10),
                    answered_at=opened + timedelta(days=1),
                    ticket_id=ticket_id,
                )
            )
    desk.write()
    if surveys:
        write_answers(desk.ws, answers)


def test_repeats_and_low_scores_in_one_category_are_found(desk: Desk) -> None:
    segment_desk(desk, accounts_repeat=0.4, accounts_scores=(0, 7), seed=31)
    pattern = repeat_in_low_segment(desk.ws, MetricOptions())
    assert pattern.status == "present"
    found = pattern.conditions[0].evidence
    assert [(s["by"], s["value"]) for s in found] == [("category", "Accounts")]
    assert found[0]["lower_scores"] == ["NPS"]
    # The counts behind the test: resolved tickets and their repeats, against the rest.
    assert found[0]["resolved"] == 120
    assert found[0]["repeat_share"] > 2 * found[0]["rest_share"]
    # Links: the category's tickets on the I8 page and its answers on the NPS page.
    assert [(link.metric, link.query) for link in pattern.links] == [
        ("I8", {"by": "category", "value": "Accounts"}),
        ("NPS", {"by": "category", "value": "Accounts"}),
    ]


def test_repeats_without_lower_scores_are_not_the_pattern(desk: Desk) -> None:
    segment_desk(desk, accounts_repeat=0.4, accounts_scores=(6, 10), seed=32)
    pattern = repeat_in_low_segment(desk.ws, MetricOptions())
    assert pattern.status == "absent"
    assert [c.met for c in pattern.conditions] == [True, False]


def test_without_surveys_the_pattern_says_so(desk: Desk) -> None:
    segment_desk(desk, accounts_repeat=0.4, accounts_scores=(0, 7), surveys=False, seed=33)
    pattern = repeat_in_low_segment(desk.ws, MetricOptions())
    assert pattern.status == "cannot_assess"
    assert pattern.missing == ["cannot be assessed: no surveys"]
