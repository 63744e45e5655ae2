"""The metric combinations the source documents name, each read from the monthly trends.

A pattern is a set of conditions (e.g. "first-contact resolution falls" and "resolution
time falls"), each met, not met or not assessable (its input is missing or too short).
The pattern is *present* when every condition is met, *absent* when one is not met, and
otherwise *cannot be assessed*, naming what is missing. "Falls" and "rises" mean a
significant Mann–Kendall trend (see `karsta.signals.trend`); levels ("CSAT high") use
the thresholds below. The repeat-contact pattern, which compares segments rather than
months, is in `karsta.signals.segments`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from scipy import stats

from karsta.feedback.significance import MIN_ANSWERS
from karsta.i18n import N_, Message, joined
from karsta.signals.derived import EASY, ESCALATION_DELAY
from karsta.signals.series import TURNOVER, Point, Series
from karsta.signals.trend import Direction, Trend

Status = Literal["present", "absent", "cannot_assess"]
CSAT_HIGH = 80.0
"""CSAT top-box share (%) from which encounters count as fine: four in five satisfied."""
NPS_LOW = 0.0
"""NPS at or below which the whole experience counts as falling short: no more promoters
than detractors."""

SATISFACTION = ("CSAT", "NPS", "S4", "O5")
"""The metrics that measure customer satisfaction (for the turnover pattern)."""


@dataclass(frozen=True)
class Link:
    """A page behind a signal: the metric page of a period, its tickets or answers."""

    metric: str
    query: dict[str, str]
    """Query parameters of the metric page: period, at, by, value, status."""

    def to_dict(self) -> dict[str, Any]:
        """Return the link as plain data (for JSON)."""
        return {"page": "metric", "metric": self.metric, "query": self.query}


@dataclass(frozen=True)
class Observed:
    """One series with its trend, as a pattern's input."""

    series: Series
    trend: Trend


@dataclass(frozen=True)
class Condition:
    """One condition of a pattern and what the data say about it."""

    text: str
    """What must hold, in plain words (a Message)."""
    met: bool | None
    """None: it cannot be assessed (see `missing`)."""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    missing: str | None = None
    """Why it cannot be assessed (a Message), else None."""
    links: list[Link] = field(default_factory=list)
    strength: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the condition as plain data (for JSON)."""
        return {
            "text": str(self.text),
            "met": self.met,
            "evidence": self.evidence,
            "missing": None if self.missing is None else str(self.missing),
            "links": [link.to_dict() for link in self.links],
        }


@dataclass(frozen=True)
class Pattern:
    """One cross-metric pattern: present, absent or not assessable, with its evidence."""

    id: str
    title: str
    meaning: str
    """What the pattern means when present, in plain words (a Message)."""
    conditions: list[Condition]

    @property
    def status(self) -> Status:
        """Return present (every condition met), absent (one not met) or cannot_assess."""
        met = [c.met for c in self.conditions]
        if any(m is False for m in met):
            return "absent"
        if all(m is True for m in met):
            return "present"
        return "cannot_assess"

    @property
    def missing(self) -> list[str]:
        """Return why conditions cannot be assessed (the missing inputs)."""
        return [c.missing for c in self.conditions if c.missing is not None]

    @property
    def strength(self) -> float:
        """Return the weakest condition's strength when present (a pattern is only as strong
        as its weakest evidence), else 0."""
        if self.status != "present":
            return 0.0
        return min(c.strength for c in self.conditions)

    @property
    def links(self) -> list[Link]:
        """Return the pages behind every condition, each once."""
        seen: dict[tuple[str, tuple[tuple[str, str], ...]], Link] = {}
        for link in (link for c in self.conditions for link in c.links):
            seen.setdefault((link.metric, tuple(sorted(link.query.items()))), link)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        """Return the pattern as plain data (for JSON)."""
        return {
            "id": self.id,
            "title": str(self.title),
            "meaning": str(self.meaning),
            "status": self.status,
            "strength": self.strength,
            "conditions": [c.to_dict() for c in self.conditions],
            "missing": [str(m) for m in self.missing],
        }


MONTHLY = "month"


def series_links(series: Series) -> list[Link]:
    """Return the metric page of the series' metric in its latest period.

    Derived series link to the catalog metric they explain: the easy share to S2 by
    category, the escalation delay to ESC; staff turnover has no metric page.
    """
    metric = {EASY: "S2", ESCALATION_DELAY: "ESC"}.get(series.metric, series.metric)
    if metric == TURNOVER or not series.points:
        return []
    query = {"period": MONTHLY, "at": series.points[-1].period}
    if series.metric == EASY:
        query["by"] = "category"
    return [Link(metric, query)]


def trend_evidence(observed: Observed) -> dict[str, Any]:
    """Return a series' trend as evidence: which figure, which months, values and the test."""
    series, trend = observed.series, observed.trend
    return {
        "series": series.key,
        "metric": series.metric,
        "statistic": series.statistic,
        "group": series.group,
        "unit": series.unit,
        "periods": series.periods,
        "values": series.values,
        "trend": trend.to_dict(),
    }


def _trend_condition(
    text: str, candidates: Sequence[Observed], wanted: Direction, absent_input: str
) -> Condition:
    """Return whether any candidate series moves `wanted` (a significant trend).

    Met when one does; not met when every series was tested and none does; else not
    assessable, saying why (no series: `absent_input`; too few months: the trend's reason).
    """
    if not candidates:
        return Condition(text, None, missing=absent_input)
    moving = [o for o in candidates if o.trend.direction == wanted]
    tested = [o for o in candidates if o.trend.cannot is None]
    if moving:
        return Condition(
            text,
            True,
            [trend_evidence(o) for o in moving],
            links=[link for o in moving for link in series_links(o.series)],
            strength=max(o.trend.strength for o in moving),
        )
    if tested:
        return Condition(text, False, [trend_evidence(o) for o in tested])
    why = candidates[0].trend.cannot
    return Condition(
        text,
        None,
        [trend_evidence(o) for o in candidates],
        missing=Message("{input}: {why}", input=Message(_input_name(candidates[0])), why=why),
    )


def _input_name(observed: Observed) -> str:
    return SERIES_NAMES.get(observed.series.metric, observed.series.metric)


SERIES_NAMES = {
    "S2": N_("first-contact resolution (S2)"),
    "O1": N_("level-1 resolution (O1)"),
    "O2": N_("time to resolve (O2)"),
    "I6": N_("handling time (I6)"),
    "CSAT": N_("customer satisfaction (CSAT)"),
    "NPS": N_("Net Promoter Score (NPS)"),
    "S4": N_("encounter survey (S4)"),
    "O5": N_("customer satisfaction survey (O5)"),
    "ESC": N_("escalations (ESC)"),
    EASY: N_("share of tickets in the easy categories"),
    ESCALATION_DELAY: N_("time to escalation"),
    TURNOVER: N_("staff turnover"),
}
"""What each input of a pattern is called when it is missing."""


class Inputs:
    """The observed series by metric id, and why a metric has none."""

    def __init__(
        self,
        observed: Sequence[Observed],
        no_data: dict[str, str],
        *,
        min_answers: int = MIN_ANSWERS,
    ) -> None:
        self.observed = list(observed)
        self.no_data = no_data
        self.min_answers = min_answers

    def of(self, *metrics: str) -> list[Observed]:
        """Return the observed series of these metrics."""
        return [o for o in self.observed if o.series.metric in metrics]

    def absent(self, *metrics: str) -> str:
        """Return why none of `metrics` has a series (their no-data reasons or 'no data')."""
        reasons: list[str] = [
            Message(
                "{input}: {why}",
                input=Message(SERIES_NAMES.get(m, m)),
                why=self.no_data.get(m) or Message("no data"),
            )
            for m in metrics
        ]
        return reasons[0] if len(reasons) == 1 else joined(reasons, "; ")


def _any(text: str, conditions: list[Condition]) -> Condition:
    """Return one condition met when any of `conditions` is (three-valued or)."""
    met: bool | None
    if any(c.met is True for c in conditions):
        met = True
    elif all(c.met is False for c in conditions):
        met = False
    else:
        met = None
    chosen = [c for c in conditions if c.met is met] or conditions
    missing = [c.missing for c in conditions if c.missing is not None]
    return Condition(
        text,
        met,
        [e for c in chosen for e in c.evidence],
        None if met is not None or not missing else joined(missing, "; "),
        [link for c in chosen if c.met for link in c.links],
        max((c.strength for c in chosen if c.met), default=0.0),
    )


def pace_over_quality(inputs: Inputs) -> Pattern:
    """FCR falling while handling or resolution time falls: pace at the cost of quality."""
    return Pattern(
        "pace_over_quality",
        Message("Pace at the cost of quality"),
        Message(
            "First-contact resolution falls while tickets are handled or resolved faster: "
            "the pace may be too fast for the quality of the answers. Look at the tickets "
            "that were not resolved at first contact in the months named."
        ),
        [
            _trend_condition(
                Message("first-contact resolution falls"),
                inputs.of("S2"),
                "decreasing",
                inputs.absent("S2"),
            ),
            _trend_condition(
                Message("handling or resolution time falls"),
                inputs.of("O2", "I6"),
                "decreasing",
                inputs.absent("O2", "I6"),
            ),
        ],
    )


def fewer_easy_tickets(inputs: Inputs) -> Pattern:
    """FCR falling while the share of easy tickets falls: problem management at work."""
    return Pattern(
        "fewer_easy_tickets",
        Message("Fewer easy tickets"),
        Message(
            "First-contact resolution falls while the share of tickets in the categories "
            "usually resolved at first contact falls too: problem management may have "
            "removed recurring easy incidents, and the fall can be good news. Check which "
            "categories shrank before acting on the falling rate."
        ),
        [
            _trend_condition(
                Message("first-contact resolution falls"),
                inputs.of("S2"),
                "decreasing",
                inputs.absent("S2"),
            ),
            _trend_condition(
                Message("the share of tickets in the easy categories falls"),
                inputs.of(EASY),
                "decreasing",
                inputs.absent(EASY),
            ),
        ],
    )


def level_one_delays_escalation(inputs: Inputs) -> Pattern:
    """Level-1 resolution rising while escalations are delayed and resolution time grows."""
    return Pattern(
        "level_one_delays_escalation",
        Message("Escalation delayed for the level-1 rate"),
        Message(
            "Level-1 resolution rises while tickets wait longer before they are passed on and "
            "resolution takes longer: pushing the level-1 rate up may be delaying escalation. "
            "Look at the escalated tickets of the months named."
        ),
        [
            _trend_condition(
                Message("level-1 resolution rises"),
                inputs.of("O1"),
                "increasing",
                inputs.absent("O1"),
            ),
            _trend_condition(
                Message("the time to escalation grows"),
                inputs.of(ESCALATION_DELAY),
                "increasing",
                inputs.absent(ESCALATION_DELAY),
            ),
            _trend_condition(
                Message("resolution time grows"),
                inputs.of("O2"),
                "increasing",
                inputs.absent("O2"),
            ),
        ],
    )


def turnover_with_quality(inputs: Inputs) -> Pattern:
    """Rising staff turnover alongside falling first-contact resolution or satisfaction."""
    quality = [
        _trend_condition(
            Message("first-contact resolution falls"),
            inputs.of("S2"),
            "decreasing",
            inputs.absent("S2"),
        ),
        _trend_condition(
            Message("customer satisfaction falls"),
            inputs.of(*SATISFACTION),
            "decreasing",
            inputs.absent(*SATISFACTION),
        ),
    ]
    return Pattern(
        "turnover_with_quality",
        Message("Staff turnover with falling quality"),
        Message(
            "Staff turnover rises while first-contact resolution or customer satisfaction "
            "falls: experience is leaving the service. Turnover in customer service roles "
            "is one of the clearest signals that the service needs development."
        ),
        [
            _trend_condition(
                Message("staff turnover rises"),
                inputs.of(TURNOVER),
                "increasing",
                inputs.absent(TURNOVER),
            ),
            _any(Message("first-contact resolution or customer satisfaction falls"), quality),
        ],
    )


def _error(point: Point) -> float | None:
    """Return the standard error read from the point's 95 % interval (half-width / 1.96)."""
    if point.interval is None:
        return None
    low, high = point.interval
    error = (high - low) / (2 * 1.96)
    return error if error > 0 else None


def p_above(point: Point, threshold: float) -> float | None:
    """Return the one-sided p-value that the point's true value is above `threshold`."""
    error = _error(point)
    return None if error is None else float(stats.norm.sf((point.value - threshold) / error))


def p_below(point: Point, threshold: float) -> float | None:
    """Return the one-sided p-value that the point's true value is below `threshold`."""
    error = _error(point)
    return None if error is None else float(stats.norm.cdf((point.value - threshold) / error))


def _strength(p_value: float | None) -> float:
    return 0.0 if p_value is None else -math.log10(max(p_value, 1e-300))


def encounters_fine_whole_short(inputs: Inputs) -> Pattern:
    """CSAT high while NPS low, in the latest month both have enough answers."""
    min_answers = inputs.min_answers
    title = Message("Encounters fine, the whole experience short")
    meaning = Message(
        "Customers are satisfied with single encounters (CSAT high) but would not recommend "
        "the service (NPS low): the encounters work, the whole experience falls short — "
        "look beyond the encounter: the number of contacts a matter takes, waiting, the "
        "channels."
    )
    high = Message("CSAT at least {level:.0f} %", level=CSAT_HIGH)
    low = Message("NPS at most {level:.0f}", level=NPS_LOW)
    csat = [o for o in inputs.of("CSAT") if not o.series.group]
    nps = [o for o in inputs.of("NPS") if not o.series.group]
    if not csat or not nps:
        return Pattern(
            "encounters_fine_whole_short",
            title,
            meaning,
            [
                Condition(high, None, missing=None if csat else inputs.absent("CSAT")),
                Condition(low, None, missing=None if nps else inputs.absent("NPS")),
            ],
        )
    csat_points = {p.period: p for p in csat[0].series.points if (p.n or 0) >= min_answers}
    nps_points = {p.period: p for p in nps[0].series.points if (p.n or 0) >= min_answers}
    common = sorted(set(csat_points) & set(nps_points))
    if not common:
        why = Message(
            "no month with at least {least} answers to both CSAT and NPS", least=min_answers
        )
        return Pattern(
            "encounters_fine_whole_short",
            title,
            meaning,
            [Condition(high, None, missing=why), Condition(low, None, missing=why)],
        )
    period = common[-1]
    c, n = csat_points[period], nps_points[period]
    months = [
        p for p in common if csat_points[p].value >= CSAT_HIGH and nps_points[p].value <= NPS_LOW
    ]
    links = [
        Link("CSAT", {"period": MONTHLY, "at": period}),
        Link("NPS", {"period": MONTHLY, "at": period}),
    ]

    def evidence(point: Point, metric: str) -> dict[str, Any]:
        return {
            "metric": metric,
            "period": period,
            "value": point.value,
            "n": point.n,
            "interval": None if point.interval is None else list(point.interval),
            "months_with_pattern": months,
        }

    return Pattern(
        "encounters_fine_whole_short",
        title,
        meaning,
        [
            Condition(
                high,
                c.value >= CSAT_HIGH,
                [evidence(c, "CSAT")],
                links=links[:1],
                strength=_strength(p_above(c, CSAT_HIGH)),
            ),
            Condition(
                low,
                n.value <= NPS_LOW,
                [evidence(n, "NPS")],
                links=links[1:],
                strength=_strength(p_below(n, NPS_LOW)),
            ),
        ],
    )


TREND_PATTERNS: tuple[Callable[[Inputs], Pattern], ...] = (
    pace_over_quality,
    encounters_fine_whole_short,
    fewer_easy_tickets,
    level_one_delays_escalation,
    turnover_with_quality,
)
"""The patterns read from the monthly series (the sixth compares segments)."""
