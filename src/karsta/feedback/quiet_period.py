"""The quiet period: how often the same respondent is surveyed, and what it does to answers.

A survey is one response id, sent at its earliest sending time to its respondent.
For each survey the days since the same respondent's previous survey are counted
(none for the first); surveys sent within the quiet period (`quiet_days`) of the
previous one break it. The response rate is given per band of those days — only
when the surveys hold sent, unanswered ones, since an export of answers alone
would show 100 % everywhere — and the rate inside the quiet period is tested
against the rate outside it (two-proportion z test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.feedback.significance import Comparison, compare_shares
from karsta.metrics.catalog.surveys import SYNTHETIC_PREFIX
from karsta.metrics.intervals import wilson
from karsta.timespan import seconds_between
from karsta.workspace.source import TableSource

DEFAULT_QUIET_DAYS = 30.0
"""Days a respondent is left alone after a survey, unless the user says otherwise."""
BAND_EDGES = (7.0, 30.0, 90.0, 180.0)
"""Upper bounds (days) of the bands of time since the previous survey; the last is open."""
FIRST = "first"
"""The band of a respondent's first survey."""


@dataclass(frozen=True)
class RecencyBand:
    """Surveys sent some days after the same respondent's previous survey."""

    band: str
    """first, or low–high days (e.g. 7–30), or over N days."""
    low_days: float | None
    high_days: float | None
    surveys_sent: int
    surveys_answered: int
    response_rate: float | None
    interval: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        """Return the band as plain data (for JSON)."""
        return {
            "band": self.band,
            "low_days": self.low_days,
            "high_days": self.high_days,
            "surveys_sent": self.surveys_sent,
            "surveys_answered": self.surveys_answered,
            "response_rate": self.response_rate,
            "interval": self.interval,
        }


@dataclass(frozen=True)
class QuietPeriod:
    """How often respondents were surveyed, and the response rate by time since the last."""

    quiet_days: float
    surveys: int
    """Surveys with a sending time and a respondent (the rest cannot be placed)."""
    surveys_unplaced: int
    """Surveys without a sending time or a respondent."""
    respondents: int
    surveys_per_respondent: dict[str, int]
    """Respondents by how many surveys they got: "1", "2", "3", "4+"."""
    within_quiet_period: int
    """Surveys sent within `quiet_days` of the same respondent's previous one."""
    response_rate_known: bool
    bands: list[RecencyBand] = field(default_factory=list)
    inside_vs_outside: Comparison | None = None
    """Response rate inside the quiet period against after it (first surveys left out)."""
    synthetic_surveys: int = 0
    """Surveys generated for the demonstration (response ids starting synthetic-)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the analysis as plain data (for JSON)."""
        return {
            "quiet_days": self.quiet_days,
            "surveys": self.surveys,
            "surveys_unplaced": self.surveys_unplaced,
            "respondents": self.respondents,
            "surveys_per_respondent": self.surveys_per_respondent,
            "within_quiet_period": self.within_quiet_period,
            "response_rate_known": self.response_rate_known,
            "bands": [band.to_dict() for band in self.bands],
            "inside_vs_outside": (
                None if self.inside_vs_outside is None else self.inside_vs_outside.to_dict()
            ),
            "synthetic_surveys": self.synthetic_surveys,
        }


def _bands() -> list[tuple[str, float | None, float | None]]:
    bands: list[tuple[str, float | None, float | None]] = [(FIRST, None, None)]
    low = 0.0
    for high in BAND_EDGES:
        bands.append((f"{low:g}–{high:g}", low, high))
        low = high
    bands.append((f"over {low:g}", low, None))
    return bands


def surveys_sent(source: TableSource, instruments: tuple[str, ...] = ()) -> ir.Table:
    """Return one row per survey: response_id, respondent_id, sent_at, answered."""
    s = source.table("surveys")
    if instruments:
        s = s.filter(s.instrument.lower().isin([i.lower() for i in instruments]))
    return s.group_by("response_id").aggregate(
        respondent_id=s.respondent_id.max(),
        sent_at=s.sent_at.min(),
        answered=s.answered_at.notnull().any(),
    )


def with_days_since_previous(surveys: ir.Table) -> ir.Table:
    """Return the placed surveys with `days_since`: days since the respondent's previous one."""
    placed = surveys.filter(surveys.sent_at.notnull() & surveys.respondent_id.notnull())
    window = ibis.window(group_by="respondent_id", order_by=["sent_at", "response_id"])
    previous = placed.sent_at.lag().over(window)
    return placed.mutate(days_since=seconds_between(previous, placed.sent_at) / 86400)


def _band_of(days: ir.FloatingValue) -> ir.StringValue:
    cases = [(days.isnull(), ibis.literal(FIRST))]
    for name, _low, high in _bands()[1:]:
        if high is not None:
            cases.append((days < high, ibis.literal(name)))
    return ibis.cases(*cases, else_=ibis.literal(_bands()[-1][0]))


def quiet_period(
    source: TableSource,
    *,
    quiet_days: float = DEFAULT_QUIET_DAYS,
    instruments: tuple[str, ...] = (),
) -> QuietPeriod:
    """Return how often respondents were surveyed and the response rate by recency."""
    if quiet_days <= 0:
        raise ValueError("quiet_days must be positive")
    all_surveys = surveys_sent(source, instruments)
    surveys = with_days_since_previous(all_surveys)
    inside = (surveys.days_since < quiet_days).fill_null(False)
    surveys = surveys.mutate(band=_band_of(surveys.days_since), inside=inside)
    totals = source.to_arrow(
        surveys.aggregate(
            n=surveys.count(),
            respondents=surveys.respondent_id.nunique(),
            inside=surveys.inside.cast("int64").sum(),
            synthetic=surveys.response_id.startswith(SYNTHETIC_PREFIX).cast("int64").sum(),
        )
    ).to_pylist()[0]
    everything = int(source.to_arrow(all_surveys.count().name("n").as_table())["n"][0].as_py())
    per = surveys.group_by("respondent_id").aggregate(k=surveys.count())
    per = per.mutate(k=ibis.cases((per.k >= 4, "4+"), else_=per.k.cast("string")))
    counts = source.to_arrow(per.group_by("k").aggregate(respondents=per.count())).to_pylist()
    distribution = {str(r["k"]): int(r["respondents"]) for r in counts}
    unanswered = all_surveys.filter(all_surveys.sent_at.notnull() & ~all_surveys.answered)
    known = int(source.to_arrow(unanswered.count().name("n").as_table())["n"][0].as_py()) > 0
    by_band = {
        r["band"]: r
        for r in source.to_arrow(
            surveys.group_by("band").aggregate(
                sent=surveys.count(), answered=surveys.answered.cast("int64").sum()
            )
        ).to_pylist()
    }
    bands = []
    for name, low, high in _bands():
        found = by_band.get(name, {"sent": 0, "answered": 0})
        sent, answered = int(found["sent"]), int(found["answered"] or 0)
        interval = wilson(answered, sent) if known else None
        bands.append(
            RecencyBand(
                name,
                low,
                high,
                sent,
                answered,
                100 * answered / sent if known and sent else None,
                None if interval is None else interval.to_dict(),
            )
        )
    comparison = None
    if known:
        later = surveys.filter(surveys.days_since.notnull())
        split = source.to_arrow(
            later.group_by("inside").aggregate(
                sent=later.count(), answered=later.answered.cast("int64").sum()
            )
        ).to_pylist()
        groups = {bool(r["inside"]): r for r in split}
        if True in groups and False in groups:
            comparison = compare_shares(
                float(groups[True]["answered"] or 0),
                float(groups[True]["sent"]),
                float(groups[False]["answered"] or 0),
                float(groups[False]["sent"]),
            )
    n = int(totals["n"] or 0)
    return QuietPeriod(
        quiet_days=quiet_days,
        surveys=n,
        surveys_unplaced=everything - n,
        respondents=int(totals["respondents"] or 0),
        surveys_per_respondent=dict(sorted(distribution.items())),
        within_quiet_period=int(totals["inside"] or 0),
        response_rate_known=known,
        bands=bands,
        inside_vs_outside=comparison,
        synthetic_surveys=int(totals["synthetic"] or 0),
    )
