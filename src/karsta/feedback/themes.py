"""Themes in open answers: found without labels, with their scores, trend and recurrence.

Per language (see `karsta.feedback.language`), each answer is read as its content
lemmas, and these as their character n-grams of `NGRAM_LENGTHS` letters inside
each word (scikit-learn's `char_wb`: "laskutus" and "lasku", "iphone" and
"phone", the parts of a Finnish or Swedish compound, share features the whole
words do not). The n-grams are weighted by TF-IDF with sublinear term frequency
(1 + log tf: a part said three times in one answer does not outweigh the rest
of it) and factorised by NMF (scikit-learn, seeded, so the same answers give the
same themes). Each answer belongs to the theme that explains most of its
weight: its NMF weight on the theme times the theme's total n-gram weight (NMF's
split of scale between answers and features is arbitrary per theme, so the raw
weights of two themes are not comparable). An answer none of whose n-grams is in
the vocabulary (an n-gram must occur in at least `MIN_DOCUMENT_FREQUENCY`
answers and in at most `MAX_DOCUMENT_SHARE` of them) belongs to no theme and is
counted. A theme's words are the lemmas with the largest summed TF-IDF weight
(sublinear, over whole lemmas, the same document limits) in its answers; when no
lemma is frequent enough, its most frequent lemmas.
A user-given dictionary (theme → words) claims the answers holding any of its
words first; themes are then found in the rest.

Scores: an open answer belongs to a response; the response's scored questions
(NPS, CSAT, ...) are the answer's scores. A theme's mean score per instrument and
question is compared with the mean of every scored answer of that question; the
difference in shares of the scale (`gap`: −0.1 = a tenth of the scale lower)
says which themes drag the score down.

Recurring complaint themes (`RecurringRule`): a theme is flagged when its answers
occur in at least `months` of the last `window` calendar months of the data, and
the mean score of its most-answered scored question is at least `min_gap` of
the scale below that question's mean over all answers, from at least `min_n`
answers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from karsta.feedback.language import LANGUAGES, content_lemmas, detect_language, lemmas
from karsta.i18n import Message
from karsta.ingest.redaction import KINDS, redact_texts

MIN_DOCUMENT_FREQUENCY = 2
MAX_DOCUMENT_SHARE = 0.9
NGRAM_LENGTHS = (3, 5)
TOP_WORDS = 8
KNOWN_SCALES = {"nps": (0.0, 10.0), "ces": (1.0, 7.0)}


@dataclass(frozen=True, slots=True)
class ScoredAnswer:
    """One scored question of a response."""

    response_id: str
    instrument: str
    question: str
    score: float
    scale_min: float | None = None
    scale_max: float | None = None


@dataclass(frozen=True, slots=True)
class OpenAnswer:
    """The open answer of one response (its free-text questions joined)."""

    response_id: str
    text: str
    language: str | None = None  # as the survey recorded it
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RecurringRule:
    """When a theme counts as a recurring complaint (see the module's description)."""

    months: int = 3
    window: int = 6
    min_gap: float = 0.1
    min_n: int = 5

    def text(self) -> Message:
        """Return the rule in words."""
        return Message(
            "A theme is a recurring complaint when its answers occur in at least {months} "
            "of the last {window} months and their mean score is at least {gap} % of the "
            "scale below the mean of all answers, from at least {n} answers.",
            months=self.months,
            window=self.window,
            gap=round(self.min_gap * 100),
            n=self.min_n,
        )


@dataclass(frozen=True, slots=True)
class ScoreComparison:
    """A theme's mean score on one question against every answer's mean."""

    instrument: str
    question: str
    n: int
    mean: float
    overall_n: int
    overall_mean: float
    scale_min: float | None
    scale_max: float | None

    @property
    def gap(self) -> float | None:
        """Return (mean − overall mean) as a share of the scale; None without a scale."""
        if self.scale_min is None or self.scale_max is None or self.scale_max <= self.scale_min:
            return None
        return (self.mean - self.overall_mean) / (self.scale_max - self.scale_min)

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON-ready data."""
        return {**asdict(self), "gap": self.gap}


@dataclass(frozen=True, slots=True)
class MonthCount:
    """How many answers of a theme a month had, and their share of that month's answers."""

    month: str
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme: its words, how many answers, examples, trend, scores and whether it recurs."""

    language: str
    words: tuple[str, ...]
    count: int
    examples: tuple[str, ...]  # the most typical different answers, redacted
    by_month: tuple[MonthCount, ...]
    scores: tuple[ScoreComparison, ...]
    months_present: int
    recurring: bool
    responses: tuple[str, ...] = ()  # the responses whose answers are in the theme
    name: str | None = None  # the dictionary's theme name; None for a found theme

    @property
    def drags_score_down(self) -> bool:
        """Return whether the theme's most-answered question scores below the overall mean."""
        main = self.scores[0] if self.scores else None
        return bool(main and main.mean < main.overall_mean)

    def to_dict(self) -> dict[str, Any]:
        """Return the theme as JSON-ready data."""
        return {
            "language": self.language,
            "name": self.name,
            "words": list(self.words),
            "count": self.count,
            "examples": list(self.examples),
            "by_month": [asdict(m) for m in self.by_month],
            "scores": [s.to_dict() for s in self.scores],
            "months_present": self.months_present,
            "recurring": self.recurring,
            "drags_score_down": self.drags_score_down,
            "responses": list(self.responses),
        }


@dataclass(frozen=True, slots=True)
class Themes:
    """The themes of the open answers and the accounting of every answer read."""

    answers: int
    languages: dict[str, int]
    language_sources: dict[str, int]
    without_theme: dict[str, int]
    too_few: dict[str, int]
    redactions: dict[str, int]
    themes: tuple[Theme, ...]
    rule: RecurringRule
    last_months: tuple[str, ...]
    assumptions: dict[str, int] = field(default_factory=dict)
    notes: tuple[Message, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "answers": self.answers,
            "languages": self.languages,
            "language_sources": self.language_sources,
            "without_theme": self.without_theme,
            "too_few_answers": self.too_few,
            "redactions": self.redactions,
            "recurring_rule": {**asdict(self.rule), "text": str(self.rule.text())},
            "last_months": list(self.last_months),
            "assumptions": self.assumptions,
            "themes": [t.to_dict() for t in self.themes],
            "notes": [str(n) for n in self.notes],
        }


@dataclass(frozen=True, slots=True)
class _Document:
    answer: OpenAnswer
    language: str
    lemmas: list[str]
    month: str | None


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def find_themes(
    answers: Sequence[OpenAnswer],
    scores: Sequence[ScoredAnswer] = (),
    *,
    themes: int = 8,
    min_answers: int = 20,
    dictionary: Mapping[str, Sequence[str]] | None = None,
    rule: RecurringRule | None = None,
    examples: int = 3,
    timezone: str = "Europe/Helsinki",
    seed: int = 0,
) -> Themes:
    """Return the themes of `answers` per language, with `scores` of the same responses.

    Every text is redacted (`redact_texts`) before it is read or shown. A language
    with fewer than `min_answers` answers gets no found themes (dictionary themes
    still apply) and is reported as too few.
    """
    if themes < 1 or min_answers < 1 or examples < 0:
        raise ValueError(Message("The number of themes and of answers must be at least 1."))
    rule = rule or RecurringRule()
    zone = ZoneInfo(timezone)
    redacted = redact_texts([a.text for a in answers])
    redactions = {k: sum(r.counts[k] for r in redacted) for k in KINDS}
    sources: Counter[str] = Counter()
    documents: list[_Document] = []
    for answer, clean in zip(answers, redacted, strict=True):
        text = clean.text or ""
        guess = detect_language(text, answer.language)
        sources[guess.source] += 1
        if guess.language is None:
            continue
        when = answer.answered_at
        month = None if when is None else when.astimezone(zone).strftime("%Y-%m")
        shown = OpenAnswer(answer.response_id, text, guess.language, answer.answered_at)
        documents.append(
            _Document(shown, guess.language, content_lemmas(text, guess.language), month)
        )
    last = _last_months(max((d.month for d in documents if d.month), default=None), rule.window)
    per_month = Counter(d.month for d in documents if d.month)
    context = _Context(scores, per_month, last, rule, examples)
    found: list[Theme] = []
    without: dict[str, int] = {}
    too_few: dict[str, int] = {}
    languages = Counter(d.language for d in documents)
    for language in LANGUAGES:
        docs = [d for d in documents if d.language == language]
        if not docs:
            continue
        rest = docs
        if dictionary:
            claimed, rest = _by_dictionary(docs, dictionary, language)
            found += [context.theme(language, (), group, name=n) for n, group in claimed]
        if len(rest) < min_answers:
            too_few[language] = len(rest)
            continue
        groups, unassigned = _factorised(rest, themes, seed)
        found += [context.theme(language, words, group) for words, group in groups]
        without[language] = unassigned
    assumptions = _assumptions(answers, scores)
    notes = _notes(sources["unknown"], assumptions)
    return Themes(
        answers=len(answers),
        languages=dict(languages),
        language_sources={k: sources[k] for k in ("detected", "recorded", "unknown")},
        without_theme=without,
        too_few=too_few,
        redactions=redactions,
        themes=tuple(found),
        rule=rule,
        last_months=last,
        assumptions=assumptions,
        notes=tuple(notes),
    )


def _last_months(latest: str | None, window: int) -> tuple[str, ...]:
    """Return the `window` calendar months ending with `latest` ('YYYY-MM'), oldest first."""
    if latest is None:
        return ()
    year, month = (int(part) for part in latest.split("-"))
    index = year * 12 + month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - window + 1, index + 1))


def _assumptions(answers: Sequence[OpenAnswer], scores: Sequence[ScoredAnswer]) -> dict[str, int]:
    """Return how many answers each assumption or gap concerns (see `_notes`)."""
    given = [s for s in scores if s.scale_min is not None and s.scale_max is not None]
    missing = [s for s in scores if s.scale_min is None or s.scale_max is None]
    return {
        "nps_scale_assumed": sum(1 for s in missing if s.instrument.lower() == "nps"),
        "ces_scale_assumed": sum(1 for s in missing if s.instrument.lower() == "ces"),
        "scale_unknown": sum(1 for s in missing if s.instrument.lower() not in KNOWN_SCALES),
        "scale_given": len(given),
        "answers_without_time": sum(1 for a in answers if a.answered_at is None),
    }


def _notes(unknown: int, assumptions: Mapping[str, int]) -> list[Message]:
    """Return the sentences that say what was left out or assumed, each with its count."""
    notes = []
    if unknown:
        notes.append(
            Message(
                "Answers left out because their language could not be recognised and the "
                "survey did not record one: {count}.",
                count=unknown,
            )
        )
    for instrument, key in (("NPS", "nps_scale_assumed"), ("CES", "ces_scale_assumed")):
        if assumptions[key]:
            low, high = KNOWN_SCALES[instrument.lower()]
            notes.append(
                Message(
                    "{instrument} answers without their scale, taken as {low}–{high} by the "
                    "definition of {instrument}: {count}.",
                    instrument=instrument,
                    low=int(low),
                    high=int(high),
                    count=assumptions[key],
                )
            )
    if assumptions["scale_unknown"]:
        notes.append(
            Message(
                "Scored answers without a scale: their themes' gap to the mean is not "
                "computed: {count}.",
                count=assumptions["scale_unknown"],
            )
        )
    if assumptions["answers_without_time"]:
        notes.append(
            Message(
                "Answers without an answer time: in the themes, not in the months: {count}.",
                count=assumptions["answers_without_time"],
            )
        )
    return notes


def _by_dictionary(
    docs: list[_Document], dictionary: Mapping[str, Sequence[str]], language: str
) -> tuple[list[tuple[str, list[_Document]]], list[_Document]]:
    """Return the answers each dictionary theme claims (most matching words wins) and the rest."""
    wanted = {
        name: {lemma for word in words for lemma in [*lemmas(word, language), word.lower()]}
        for name, words in dictionary.items()
    }
    claimed: dict[str, list[_Document]] = {name: [] for name in dictionary}
    rest = []
    for doc in docs:
        present = set(doc.lemmas) | {w.lower() for w in lemmas(doc.answer.text, language)}
        hits = [(len(present & words), name) for name, words in wanted.items()]
        best = max(hits, key=lambda h: h[0], default=(0, ""))
        if best[0] > 0:
            claimed[best[1]].append(doc)
        else:
            rest.append(doc)
    return [(name, group) for name, group in claimed.items() if group], rest


def _factorised(
    docs: list[_Document], themes: int, seed: int
) -> tuple[list[tuple[tuple[str, ...], list[tuple[_Document, float]]]], int]:
    """Return NMF's themes (top words, answers with their weights) and how many had none."""
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAM_LENGTHS,
        lowercase=False,  # lemmas are lower-cased already
        min_df=MIN_DOCUMENT_FREQUENCY,
        max_df=MAX_DOCUMENT_SHARE,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform([" ".join(d.lemmas) for d in docs])
    except ValueError:  # no n-gram occurs in enough answers
        return [], len(docs)
    k = max(1, min(themes, matrix.shape[1], matrix.shape[0]))
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    weights = explained_weights(model.fit_transform(matrix), model.components_)
    members: dict[int, list[tuple[int, float]]] = defaultdict(list)  # answer numbers
    unassigned = 0
    for number, row in enumerate(weights):
        best = int(np.argmax(row))
        if row[best] <= 0:
            unassigned += 1
        else:
            members[best].append((number, float(row[best])))
    named = _theme_words(docs, members)
    groups = [
        (named[index], [(docs[n], w) for n, w in members[index]]) for index in sorted(members)
    ]
    groups.sort(key=lambda g: (-len(g[1]), g[0]))
    return groups, unassigned


def _theme_words(
    docs: list[_Document], members: Mapping[int, Sequence[tuple[int, float]]]
) -> dict[int, tuple[str, ...]]:
    """Return each theme's top lemmas by summed TF-IDF weight in its answers (() if none)."""
    vectorizer = TfidfVectorizer(
        analyzer=_identity,
        min_df=MIN_DOCUMENT_FREQUENCY,
        max_df=MAX_DOCUMENT_SHARE,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform([d.lemmas for d in docs])
    except ValueError:  # no lemma occurs in enough answers: named by their counts
        return dict.fromkeys(members, ())
    vocabulary = vectorizer.get_feature_names_out()
    named = {}
    for index, group in members.items():
        weight = np.asarray(matrix[[n for n, _w in group]].sum(axis=0)).ravel()
        order = np.argsort(-weight, kind="stable")[:TOP_WORDS]
        named[index] = tuple(str(vocabulary[i]) for i in order if weight[i] > 0)
    return named


def explained_weights(weights: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Return how much of each answer's word weight each theme explains.

    NMF writes an answer as the sum over themes of weight × the theme's word
    weights; the scale of a theme can move between the two factors without
    changing the product. Multiplying an answer's weight on a theme by the theme's
    total word weight gives the part of the answer's total weight the theme
    explains, which compares across themes.
    """
    return np.asarray(weights * components.sum(axis=1), dtype=float)


class _Context:
    """What every theme is measured against: all scores, the answers per month, the rule."""

    def __init__(
        self,
        scores: Sequence[ScoredAnswer],
        per_month: Mapping[str, int],
        last: tuple[str, ...],
        rule: RecurringRule,
        examples: int,
    ) -> None:
        self.by_response: dict[str, list[ScoredAnswer]] = defaultdict(list)
        self.overall: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.scales: dict[tuple[str, str], tuple[float | None, float | None]] = {}
        for s in scores:
            self.by_response[s.response_id].append(s)
            self.overall[(s.instrument, s.question)].append(s.score)
            self.scales.setdefault((s.instrument, s.question), _scale(s))
        self.per_month = per_month
        self.last = last
        self.rule = rule
        self.examples = examples

    def theme(
        self,
        language: str,
        words: tuple[str, ...],
        group: Iterable[_Document] | Iterable[tuple[_Document, float]],
        *,
        name: str | None = None,
    ) -> Theme:
        weighted = [g if isinstance(g, tuple) else (g, 1.0) for g in group]
        docs = [d for d, _w in weighted]
        if not words:
            counts = Counter(lemma for d in docs for lemma in set(d.lemmas))
            words = tuple(w for w, _n in sorted(counts.items(), key=lambda c: (-c[1], c[0])))
            words = words[:TOP_WORDS]
        ranked = sorted(weighted, key=lambda dw: (-dw[1], dw[0].answer.response_id))
        months = Counter(d.month for d in docs if d.month)
        by_month = tuple(MonthCount(m, n, n / self.per_month[m]) for m, n in sorted(months.items()))
        comparisons = self._scores(docs)
        present = sum(1 for m in self.last if months.get(m))
        main = comparisons[0] if comparisons else None
        low = bool(
            main
            and main.n >= self.rule.min_n
            and main.gap is not None
            and main.gap <= -self.rule.min_gap
        )
        return Theme(
            language=language,
            words=words,
            count=len(docs),
            examples=tuple(dict.fromkeys(d.answer.text for d, _w in ranked))[: self.examples],
            by_month=by_month,
            scores=comparisons,
            months_present=present,
            recurring=low and present >= self.rule.months,
            responses=tuple(sorted(d.answer.response_id for d in docs)),
            name=name,
        )

    def _scores(self, docs: list[_Document]) -> tuple[ScoreComparison, ...]:
        values: dict[tuple[str, str], list[float]] = defaultdict(list)
        for response in sorted({d.answer.response_id for d in docs}):
            for s in self.by_response.get(response, []):
                values[(s.instrument, s.question)].append(s.score)
        out = []
        for key, found in values.items():
            overall = self.overall[key]
            low, high = self.scales[key]
            out.append(
                ScoreComparison(
                    instrument=key[0],
                    question=key[1],
                    n=len(found),
                    mean=sum(found) / len(found),
                    overall_n=len(overall),
                    overall_mean=sum(overall) / len(overall),
                    scale_min=low,
                    scale_max=high,
                )
            )
        out.sort(key=lambda c: (-c.n, c.instrument, c.question))
        return tuple(out)


def _scale(score: ScoredAnswer) -> tuple[float | None, float | None]:
    """Return the scale of a scored question: as given, else NPS 0–10 and CES 1–7 by definition."""
    if score.scale_min is not None and score.scale_max is not None:
        return score.scale_min, score.scale_max
    return KNOWN_SCALES.get(score.instrument.lower(), (None, None))


def workspace_themes(source: Any, **options: Any) -> Themes:
    """Return the themes of the open answers in a workspace's `surveys` table.

    `options` are those of `find_themes`.
    """
    answers, scores = read_answers(source)
    return find_themes(answers, scores, **options)


def read_answers(source: Any) -> tuple[list[OpenAnswer], list[ScoredAnswer]]:
    """Return the open answers (one per response) and the scored answers of a `surveys` table.

    `source` is a workspace (`has_table(name)`, and `table(name)` giving an Ibis table).
    A response's free-text questions are joined in question order, one per line.
    A workspace from before the surveys table has no answers.
    """
    if not source.has_table("surveys"):
        return [], []
    surveys = source.table("surveys")
    texts = (
        surveys.filter(surveys.free_text.notnull() & (surveys.free_text.strip() != ""))
        .select("response_id", "question", "free_text", "language", "answered_at")
        .order_by(["response_id", "question"])
        .to_pyarrow()
        .to_pylist()
    )
    scored = (
        surveys.filter(surveys.score.notnull())
        .select("response_id", "instrument", "question", "score", "scale_min", "scale_max")
        .order_by(["response_id", "instrument", "question"])
        .to_pyarrow()
        .to_pylist()
    )
    joined: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in texts:
        joined[row["response_id"]].append(row)
    answers = [
        OpenAnswer(
            response_id=response,
            text="\n".join(r["free_text"] for r in rows),
            language=next((r["language"] for r in rows if r["language"]), None),
            answered_at=min((r["answered_at"] for r in rows if r["answered_at"]), default=None),
        )
        for response, rows in joined.items()
    ]
    scores = [
        ScoredAnswer(
            r["response_id"],
            r["instrument"],
            r["question"],
            float(r["score"]),
            r["scale_min"],
            r["scale_max"],
        )
        for r in scored
    ]
    return answers, scores
