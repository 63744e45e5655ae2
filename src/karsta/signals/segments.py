"""Repeat contacts concentrated in a segment with low scores (the sixth pattern).

Over the whole range of the run, each category and each channel (a *segment*) is set
against all other tickets and answers:

- repeat contacts: the resolved tickets that were reopened or followed by a new ticket
  of the same caller and category within `repeat_contact_days` (I8's rule: the share of
  resolved tickets I8 does not count as solved), tested against the rest with the
  two-proportion z test;
- scores: each survey metric (NPS, CSAT, CES, S4) of the answers about the segment's
  tickets against all other answers (`feedback.scores`' test against the rest).

A segment shows the pattern when its repeat share is higher *and* one of its scores
lower than the rest's, both with a p-value below 0.05 divided by the number of
segments tested (Bonferroni: many segments are tested, one would be "significant" by
chance). Segments with fewer than `MIN_ANSWERS` answers are not tested for scores.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from karsta.feedback.scores import survey_scores
from karsta.feedback.significance import MIN_ANSWERS, SIGNIFICANCE, compare_shares
from karsta.i18n import Message, joined
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.signals.patterns import Condition, Link, Pattern
from karsta.workspace.source import TableSource

DIMENSIONS = ("category", "channel")
"""The segments tested: ticket categories and channels."""
SCORE_METRICS = ("NPS", "CSAT", "CES", "S4")
"""The survey metrics whose scores are compared (every one of them: higher is better)."""


def _repeats(
    source: TableSource, options: MetricOptions, by: str
) -> tuple[dict[str, tuple[float, float]], str | None]:
    """Return per segment value (repeats, resolved tickets) from I8's counts, or why none."""
    run = replace(options, period=None, by=(by,))
    result = compute_metrics(source, run, metrics=["I8"])["I8"]
    if result.no_data is not None:
        return {}, Message("repeat contacts (I8): {why}", why=result.no_data)
    found = {}
    for row in result.rows:
        value = row["group"].get(by)
        if row["statistic"] != "share" or value is None or not row["denominator"]:
            continue
        base = float(row["denominator"])
        found[str(value)] = (base - float(row["numerator"] or 0), base)
    if not found:
        return {}, Message("no resolved tickets with a {by}", by=by)
    return found, None


def _low_scores(
    source: TableSource, options: MetricOptions, by: str, min_answers: int
) -> dict[str, list[dict[str, Any]]]:
    """Return per segment value its survey scores, each tested against the rest."""
    scores = survey_scores(source, replace(options, period=None, by=(by,)), min_answers=min_answers)
    found: dict[str, list[dict[str, Any]]] = {}
    for instrument in scores.instruments:
        if instrument.metric not in SCORE_METRICS:
            continue
        for row in instrument.rows:
            value = row.group.get(by)
            if value is None or row.versus_rest is None:
                continue
            found.setdefault(str(value), []).append(
                {
                    "metric": instrument.metric,
                    "statistic": row.statistic,
                    "value": row.value,
                    "n": row.n,
                    "rest": row.versus_rest.previous,
                    "p_value": row.versus_rest.p_value,
                    "too_few": row.versus_rest.too_few,
                }
            )
    return found


def repeat_in_low_segment(
    source: TableSource, options: MetricOptions, *, min_answers: int = MIN_ANSWERS
) -> Pattern:
    """Return the pattern: a segment with more repeat contacts and lower scores than the rest."""
    repeat_text = Message("a segment has more repeat contacts than the rest")
    score_text = Message("the same segment has lower scores than the rest")
    title = Message("Repeat contacts in a segment with low scores")
    meaning = Message(
        "In one segment customers must contact again more often than elsewhere and "
        "score the service lower: complex matters that take several contacts drag the "
        "scores down there. Start from that segment's repeat tickets."
    )
    if not _has_rows(source, "surveys"):
        return Pattern(
            "repeat_in_low_segment",
            title,
            meaning,
            [
                Condition(repeat_text, None),
                Condition(score_text, None, missing=Message("cannot be assessed: no surveys")),
            ],
        )
    tested: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    missing: list[str] = []
    for by in DIMENSIONS:
        repeats, why = _repeats(source, options, by)
        if why is not None:
            missing.append(why)
            continue
        scores = _low_scores(source, options, by, min_answers)
        total_repeats = sum(r for r, _ in repeats.values())
        total_base = sum(b for _, b in repeats.values())
        for value, (hits, base) in repeats.items():
            rest_hits, rest_base = total_repeats - hits, total_base - base
            test = compare_shares(hits, base, rest_hits, rest_base)
            tested.append(
                {
                    "by": by,
                    "value": value,
                    "repeats": hits,
                    "resolved": base,
                    "repeat_share": test.current,
                    "rest_share": test.previous,
                    "p_value": test.p_value,
                    "scores": scores.get(value, []),
                }
            )
    if not tested:
        return Pattern(
            "repeat_in_low_segment",
            title,
            meaning,
            [
                Condition(repeat_text, None, missing=joined(missing, "; ")),
                Condition(score_text, None),
            ],
        )
    level = SIGNIFICANCE / len(tested)
    for segment in tested:
        more = (
            segment["p_value"] is not None
            and segment["p_value"] < level
            and (segment["repeat_share"] or 0) > (segment["rest_share"] or 0)
        )
        lower = [
            s
            for s in segment["scores"]
            if not s["too_few"]
            and s["p_value"] is not None
            and s["p_value"] < level
            and s["value"] is not None
            and s["rest"] is not None
            and s["value"] < s["rest"]
        ]
        segment["significance_level"] = level
        segment["more_repeats"] = more
        segment["lower_scores"] = [s["metric"] for s in lower]
        if more and lower:
            found.append(segment)
    with_scores = [s for s in tested if s["scores"]]
    repeat_hits = [s for s in tested if s["more_repeats"]]
    links = [
        Link(metric, {"by": s["by"], "value": s["value"]})
        for s in found
        for metric in ("I8", *s["lower_scores"])
    ]
    score_met: bool | None = bool(found) if with_scores else None
    return Pattern(
        "repeat_in_low_segment",
        title,
        meaning,
        [
            Condition(
                repeat_text,
                bool(repeat_hits),
                found or repeat_hits or tested,
                links=links,
                strength=_strength(found, "p_value"),
            ),
            Condition(
                score_text,
                score_met,
                found or with_scores,
                missing=None
                if score_met is not None
                else Message(
                    "cannot be assessed: no survey answers linked to the tickets of any segment"
                ),
                strength=_strength(
                    [s for f in found for s in f["scores"] if s["metric"] in f["lower_scores"]],
                    "p_value",
                ),
            ),
        ],
    )


def _strength(rows: list[dict[str, Any]], key: str) -> float:
    values = [r[key] for r in rows if r.get(key) is not None]
    return -math.log10(max(min(values), 1e-300)) if values else 0.0


def _has_rows(source: TableSource, table: str) -> bool:
    t = source.table(table)
    return int(source.to_arrow(t.limit(1).count().name("n").as_table()).column("n")[0].as_py()) > 0
