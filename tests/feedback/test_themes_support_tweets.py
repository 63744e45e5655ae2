"""Themes measured against the hand-labelled topics of real support tweets (English).

Data: ../shared/data/support-tweets/twcs-<brand>-200-inbound.csv beside the
checkout (README): 200 customer tweets per brand, each with 0/1 (blank) columns
for the topics the authors labelled by hand; a tweet may have several topics or
none. Without the data folder the tests are skipped, except under CI (the `CI`
environment variable set), where a missing folder is a failure.

How the evaluation works, for each brand:
- The themes are found over the 200 tweets with as many themes as the brand has
  topic labels (`find_themes`, English, seeded).
- Matching: each theme is assigned to at most one label and each label to at most
  one theme so that the number of (tweet, label) agreements is largest (Hungarian
  assignment, scipy's `linear_sum_assignment` over the theme × label overlap).
  A tweet in a theme predicts that theme's label; a theme left unassigned predicts
  nothing.
- Micro precision = correct predictions / predictions; micro recall = correct
  predictions / all (tweet, label) pairs of the gold labels (a tweet predicts one
  label, so a tweet with two labels can recall only one); F1 their harmonic mean.
- Baseline, scored the same way: the brand's K most frequent content lemmas
  (by the number of tweets holding them, the same lemmas and stop words as the
  themes), each tweet put under the most frequent of them it holds.

The report is printed (pytest -s shows it) and kept in the assertion messages.
The themes must beat the baseline on each brand, with the default seed and on
the mean over `SEEDS` (NMF's initialisation is seeded; the spread is reported).
Measured with character n-grams of the lemmas (see `karsta.feedback.themes`),
F1 at seed 0 / mean ± standard deviation over seeds 0-9, against the baseline:
AmazonHelp 0.332 / 0.338 ± 0.007 vs 0.238; AppleSupport 0.425 / 0.426 ± 0.009
vs 0.419; SpotifyCares 0.425 / 0.457 ± 0.016 vs 0.214 (whole lemmas before:
0.295, 0.379 and 0.411 at seed 0). AppleSupport wins narrowly and not on every
seed (2 of seeds 0-9 give 0.409): its labels are about the device (iPhone, on
87 of the 200 tweets), and the baseline's most frequent "word" is the support
account's handle @AppleSupport (in 129 tweets), whose one group is matched to
iPhone and scores 61 correct, while the themes split the same tweets by what
went wrong (update, battery, freezing, the "I" autocorrect bug, which has no
label).
"""

from __future__ import annotations

import os
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from karsta.feedback.language import content_lemmas, detect_language
from karsta.feedback.themes import OpenAnswer, find_themes

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "support-tweets"
BRANDS = ("AmazonHelp", "AppleSupport", "SpotifyCares")
META = {
    "main_tweet_id",
    "tweet_id",
    "in_response_to_tweet_id",
    "response_tweet_id",
    "created_at",
    "author_id",
    "inbound",
    "text",
    "company",
}

pytestmark = pytest.mark.skipif(
    not DATA.exists() and not os.environ.get("CI"),
    reason="the shared support-tweets data is not beside the checkout",
)
SEEDS = range(5)


def scored(groups: list[set[int]], gold: list[set[str]], labels: list[str]) -> tuple[float, ...]:
    """Return micro precision, recall and F1 of `groups` matched to `labels` (Hungarian)."""
    overlap = np.array(
        [[sum(1 for t in g if label in gold[t]) for label in labels] for g in groups]
    )
    rows, cols = linear_sum_assignment(-overlap)
    correct = int(sum(overlap[r, c] for r, c in zip(rows, cols, strict=True)))
    predicted = sum(len(groups[r]) for r in rows)
    pairs = sum(len(g) for g in gold)
    precision = correct / predicted if predicted else 0.0
    recall = correct / pairs
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def keyword_groups(texts: list[str], k: int) -> list[set[int]]:
    """Return the baseline: the k most frequent lemmas, each tweet under its most frequent one."""
    lemmas = [set(content_lemmas(t, "en")) for t in texts]
    frequency = Counter(lemma for found in lemmas for lemma in found)
    top = [w for w, _n in sorted(frequency.items(), key=lambda f: (-f[1], f[0]))[:k]]
    groups: list[set[int]] = [set() for _ in top]
    for i, found in enumerate(lemmas):
        for j, word in enumerate(top):
            if word in found:
                groups[j].add(i)
                break
    return groups


@cache
def evaluate(brand: str, seed: int = 0) -> dict[str, tuple[float, ...]]:
    frame = pd.read_csv(DATA / f"twcs-{brand}-200-inbound.csv")
    labels = [c for c in frame.columns if c not in META]
    gold = [{label for label in labels if row[label] == 1} for _i, row in frame.iterrows()]
    texts = [str(t) for t in frame["text"]]
    found = find_themes(
        [OpenAnswer(str(i), t, "en") for i, t in enumerate(texts)],
        themes=len(labels),
        examples=0,
        seed=seed,
    )
    groups = [{int(r) for r in theme.responses} for theme in found.themes]
    return {
        "themes": scored(groups, gold, labels),
        "keywords": scored(keyword_groups(texts, len(labels)), gold, labels),
    }


def report_line(brand: str, result: dict[str, tuple[float, ...]]) -> str:
    parts = [f"{name} P={p:.3f} R={r:.3f} F1={f:.3f}" for name, (p, r, f) in sorted(result.items())]
    return f"{brand}: " + " | ".join(parts)


@pytest.mark.parametrize("brand", BRANDS)
def test_themes_beat_the_keyword_frequency_baseline_on_each_brand(brand: str) -> None:
    result = evaluate(brand)
    report = report_line(brand, result)
    print("\nThemes vs hand-labelled topics (micro, Hungarian matching): " + report)
    assert result["themes"][2] > result["keywords"][2], report


@pytest.mark.parametrize("brand", BRANDS)
def test_themes_beat_the_keyword_frequency_baseline_on_the_mean_over_seeds(brand: str) -> None:
    f1 = np.array([evaluate(brand, seed)["themes"][2] for seed in SEEDS])
    baseline = evaluate(brand)["keywords"][2]
    report = (
        f"{brand}: themes F1 over seeds {list(SEEDS)}: {np.round(f1, 3).tolist()}, "
        f"mean {f1.mean():.3f} ± {f1.std():.3f}, min {f1.min():.3f} | keywords F1={baseline:.3f}"
    )
    print("\nThemes vs hand-labelled topics over NMF seeds: " + report)
    assert f1.mean() > baseline, report


def test_themes_beat_the_keyword_frequency_baseline_over_the_brands() -> None:
    results = {brand: evaluate(brand) for brand in BRANDS}
    report = "\n".join(report_line(b, r) for b, r in results.items())
    print("\nThemes vs hand-labelled topics (micro, Hungarian matching):\n" + report)
    mean = {
        method: sum(r[method][2] for r in results.values()) / len(results)
        for method in ("themes", "keywords")
    }
    assert mean["themes"] > mean["keywords"], report


def test_the_same_tweets_give_the_same_themes() -> None:
    frame = pd.read_csv(DATA / "twcs-SpotifyCares-200-inbound.csv")
    answers = [OpenAnswer(str(i), str(t), "en") for i, t in enumerate(frame["text"])]
    first, second = find_themes(answers, themes=6), find_themes(answers, themes=6)
    assert first.to_dict() == second.to_dict()


def test_language_detection_on_real_short_english_texts() -> None:
    # 600 real customer tweets, all English by the README; no language recorded, so an
    # unsure tweet is "unknown". Measured: 590 English, 1 taken for Swedish, 9 unsure.
    texts = [
        str(t)
        for brand in BRANDS
        for t in pd.read_csv(DATA / f"twcs-{brand}-200-inbound.csv")["text"]
    ]
    guesses = Counter(detect_language(t).language for t in texts)
    report = dict(guesses)
    print(f"\nLanguage of 600 English support tweets: {report}")
    assert guesses["en"] / len(texts) >= 0.97, report
    assert guesses["fi"] + guesses["sv"] <= 6, report  # at most 1 % taken for another language
