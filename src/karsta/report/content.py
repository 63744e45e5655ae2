"""What a report shows, asked of the Python API: the scorecard, the waste and the cards.

A report is a view like the CLI and the web app: it computes nothing itself. The
monthly report asks for the scorecard of one month and the waste of the tickets
opened in it; the overview asks for the scorecard of the latest busy month and the
waste of the observed period. A restriction (`ticket_attributes`, the web app's
access rules) goes to both, so a report never counts another group's tickets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from karsta.api import Analyses
from karsta.i18n import Message
from karsta.metrics.cards import MetricCard
from karsta.metrics.periods import periods_between
from karsta.metrics.scorecard import Scorecard, ScorecardRow
from karsta.process.analysis import ProcessAnalysis
from karsta.process.filters import ProcessFilters
from karsta.process.waste import Finding, WasteAssumptions, WasteFindings

_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")
TOP_FINDINGS = 5
"""How many findings of each kind of hours a report lists."""

Restriction = Mapping[str, tuple[str, ...]]
"""Ticket column → the values kept (the web app's access rules); empty: every ticket."""


class ReportError(ValueError):
    """A report cannot be made as asked; the message says why and what to ask instead."""


@dataclass(frozen=True)
class ReportContent:
    """The figures of one report: the scorecard and the waste, with what they rest on."""

    scorecard: Scorecard
    waste: WasteFindings
    restriction: Restriction = field(default_factory=dict)
    month_asked: str | None = None
    """The month of a monthly report; None for the overview (the latest busy month)."""
    months: tuple[str, ...] = ()
    """Every month with figures, oldest first."""

    @property
    def workspace(self) -> str:
        """Return the workspace the figures come from."""
        return self.scorecard.results.source

    @property
    def generated_at(self) -> datetime:
        """Return when the figures were computed (UTC)."""
        return self.scorecard.results.generated_at

    @property
    def figures(self) -> list[ScorecardRow]:
        """Return the scorecard rows that have a figure in the month."""
        return [r for r in self.scorecard.rows if r.result.no_data is None and r.value is not None]

    @property
    def targeted(self) -> list[ScorecardRow]:
        """Return the figures with a target."""
        return [r for r in self.figures if r.target is not None]

    @property
    def without_figure(self) -> list[ScorecardRow]:
        """Return the metrics computed elsewhere but without a figure in this month."""
        return [r for r in self.scorecard.rows if r.result.no_data is None and r.value is None]

    @property
    def no_data(self) -> list[ScorecardRow]:
        """Return the metrics that cannot be computed from this workspace, one row each."""
        seen: set[str] = set()
        rows = []
        for row in self.scorecard.rows:
            if row.result.no_data is not None and row.result.id not in seen:
                seen.add(row.result.id)
                rows.append(row)
        return rows

    @property
    def cards(self) -> list[MetricCard]:
        """Return the card of every metric with a figure in the report, in catalog order."""
        cards: dict[str, MetricCard] = {}
        for row in self.figures:
            cards.setdefault(row.result.id, row.result.definition.card)
        return list(cards.values())

    def trend(self, row: ScorecardRow) -> list[tuple[str, float | None]]:
        """Return a figure by month up to the report's month, oldest first."""
        month = self.scorecard.period
        return [(p, v) for p, v in row.trend if month is None or p <= month]

    @property
    def trend_months(self) -> list[str]:
        """Return the months the trend table shows: the last six up to the report's month."""
        month = self.scorecard.period
        return [m for m in self.months if month is None or m <= month][-6:]

    def staff_findings(self, top: int = TOP_FINDINGS) -> list[Finding]:
        """Return the staff-time findings with the most hours a year."""
        return self.waste.staff_time[:top]

    def customer_findings(self, top: int = TOP_FINDINGS) -> list[Finding]:
        """Return the customer-time findings with the most hours a year."""
        return self.waste.customer_time[:top]

    @property
    def bottlenecks(self) -> list[Finding]:
        """Return the process map's bottlenecks among the findings."""
        return [f for f in self.waste.findings if f.kind == "bottleneck"]


def parse_month(text: str) -> str:
    """Return a month given as YYYY-MM, checked; raise ReportError naming what is wrong."""
    found = _MONTH.match(text.strip())
    if found is None or not 1 <= int(found["month"]) <= 12:
        raise ReportError(
            Message("The month is written YYYY-MM, e.g. 2016-04; got '{month}'.", month=text)
        )
    return text.strip()


def _months(card: Scorecard) -> tuple[str, ...]:
    return tuple(sorted({row["period"] for r in card.results for row in r.rows if row["period"]}))


def _metric_options(restriction: Restriction) -> dict[str, Any]:
    return {"ticket_attributes": dict(restriction)} if restriction else {}


def waste_of(
    analyses: Analyses,
    restriction: Restriction,
    assumptions: WasteAssumptions | None = None,
    *,
    month: str | None = None,
) -> WasteFindings:
    """Return the waste of the tickets opened in `month` (local time), else of the log."""
    opened_from = opened_before = None
    if month is not None:
        first = date(int(month[:4]), int(month[5:]), 1)
        period = periods_between(first, first, "month", analyses.config.timezone)[0]
        opened_from, opened_before = period.start, period.end
    filters = ProcessFilters(
        ticket_attributes=dict(restriction), opened_from=opened_from, opened_before=opened_before
    )
    analysis = ProcessAnalysis(
        analyses.source, calendar=analyses.config.calendar(), filters=filters
    )
    return analysis.waste(assumptions=assumptions)


def monthly_content(
    analyses: Analyses,
    *,
    month: str,
    restriction: Restriction | None = None,
    assumptions: WasteAssumptions | None = None,
) -> ReportContent:
    """Return the monthly report of `month` (YYYY-MM): its scorecard and its waste.

    The scorecard compares the month with the one before; the waste looks at the
    tickets opened in the month (local time) and scales their hours to a year.
    Raise ReportError when the month has no figures.
    """
    month = parse_month(month)
    kept = dict(restriction or {})
    card = analyses.scorecard(at=month, **_metric_options(kept))
    months = _months(card)
    if month not in months:
        raise ReportError(
            Message(
                "There are no figures of {month}; the workspace has figures of {first} to {last}.",
                month=month,
                first=months[0] if months else "–",
                last=months[-1] if months else "–",
            )
            if months
            else Message("The workspace holds no figures yet: import an export first.")
        )
    waste = waste_of(analyses, kept, assumptions, month=month)
    return ReportContent(card, waste, kept, month, months)


def overview_content(
    analyses: Analyses,
    *,
    restriction: Restriction | None = None,
    assumptions: WasteAssumptions | None = None,
) -> ReportContent:
    """Return the overview: the latest busy month's scorecard and the waste a year."""
    kept = dict(restriction or {})
    card = analyses.scorecard(**_metric_options(kept))
    months = _months(card)
    if not months:
        raise ReportError(Message("The workspace holds no figures yet: import an export first."))
    return ReportContent(card, waste_of(analyses, kept, assumptions), kept, None, months)
