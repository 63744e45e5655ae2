"""The language of an open answer and its lemmas (Finnish, Swedish, English).

Language: simplemma's `langdetect` scores the share of an answer's words each
language's dictionary knows. An answer is taken to be in the best-scoring
language when that score is at least `MIN_SCORE` and leads the next language
by at least `MIN_LEAD`; short answers whose words several languages share
("ok", "tack", "bra service") are not sure. simplemma's detector is run as its
`langdetect` runs it (the most common tokens, and on a tie the relaxed sampler)
with its default lemma lookup remembered per word and language (`MEMORY` words),
so a word seen in earlier answers is not looked up again. When unsure, the language the
survey recorded for the answer (the `language` column) is used and counted as
such; without one the answer's language is unknown and it is left out of the
themes, counted.

Lemmas: simplemma's dictionary lemmatiser ("laskusta", "laskuun", "laskut" →
"lasku"; "fakturorna" → "faktura"); words it does not know stay as written,
lower-cased. Stop words are the `stop-words` package's lists for each language,
with their lemmas (`stopwords` package: Snowball-style function words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

import simplemma
from simplemma import LanguageDetector, MostCommonTokenSampler, RelaxedMostCommonTokenSampler
from simplemma.strategies import DefaultStrategy
from stopwords import get_stopwords

from karsta.ingest.redaction import TAGS

LANGUAGES = ("fi", "sv", "en")
MIN_SCORE = 0.5
MIN_LEAD = 0.2
MIN_WORD_LENGTH = 2
MEMORY = 1 << 16

LanguageSource = Literal["detected", "recorded", "unknown"]

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_NOT_WORDS = re.compile(
    r"https?://\S+|www\.\S+|" + "|".join(re.escape(tag) for tag in TAGS.values())
)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The language an answer is read in, and where that came from."""

    language: str | None
    source: LanguageSource


_LOOKUP = DefaultStrategy()


@lru_cache(maxsize=MEMORY)
def _known_lemma(token: str, language: str) -> str | None:
    return _LOOKUP.get_lemma(token, language)


class _RememberedLookup:
    """simplemma's default lemma lookup, remembered per (token, language)."""

    def get_lemma(self, token: str, lang: str) -> str | None:
        """Return the lemma simplemma's default strategy finds, or None."""
        return _known_lemma(token, lang)


_DETECTORS = tuple(
    LanguageDetector(LANGUAGES, sampler, _RememberedLookup())
    for sampler in (MostCommonTokenSampler(), RelaxedMostCommonTokenSampler())
)


def language_scores(text: str) -> list[tuple[str, float]]:
    """Return simplemma's per-language shares of `text`, best first, as `langdetect` does."""
    ranked: list[tuple[str, float]] = []
    for detector in _DETECTORS:
        shares = detector.proportion_in_each_language(text)
        ranked = sorted(shares.items(), key=lambda item: (item[0] == "unk", -item[1]))
        if len(ranked) == 1 or ranked[0][1] != ranked[1][1]:
            break
    return ranked


def detect_language(text: str | None, recorded: str | None = None) -> LanguageGuess:
    """Return the language of `text`: detected when sure, else `recorded`, else unknown."""
    if text and text.strip():
        scores = language_scores(text)
        known = sorted((s for s in scores if s[0] in LANGUAGES), key=lambda s: -s[1])
        if known:
            best, score = known[0]
            lead = score - (known[1][1] if len(known) > 1 else 0.0)
            if score >= MIN_SCORE and lead >= MIN_LEAD:
                return LanguageGuess(best, "detected")
    tag = (recorded or "").strip().lower()[:2]
    if tag in LANGUAGES:
        return LanguageGuess(tag, "recorded")
    return LanguageGuess(None, "unknown")


def words(text: str) -> list[str]:
    """Return the words of `text`, lower-cased; no links, redaction tags, digits or punctuation."""
    return [w.lower() for w in _WORD.findall(_NOT_WORDS.sub(" ", text))]


@cache
def _lemma(word: str, language: str) -> str:
    return simplemma.lemmatize(word, lang=language).lower()


def lemmas(text: str, language: str) -> list[str]:
    """Return the lemmas of the words of `text` in `language` (fi, sv or en), in order."""
    return [_lemma(w, language) for w in words(text)]


@cache
def stop_words(language: str) -> frozenset[str]:
    """Return the stop words of `language` and their lemmas."""
    listed = {w.lower() for w in get_stopwords(language) if w}
    return frozenset(listed | {_lemma(w, language) for w in listed})


def content_lemmas(text: str, language: str) -> list[str]:
    """Return the lemmas of `text` that carry meaning: no stop words, no one-letter words."""
    stops = stop_words(language)
    return [
        lemma
        for lemma in lemmas(text, language)
        if len(lemma) >= MIN_WORD_LENGTH and lemma not in stops
    ]
