"""The scorecard: every metric of a period beside the previous one and its target."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from karsta.metrics.scorecard import Scorecard
from karsta.web import links
from karsta.web.pages import page
from karsta.web.requests import Viewer, Visitor
from karsta.web.text import Text
from karsta.web.views.figures import (
    PAGE_PERIODS,
    DataScopeInfo,
    Figure,
    PagePeriod,
    figure,
    has_workspace,
    scope_info,
    scorecard,
)

router = APIRouter(tags=["metrics"])


class ScorecardPage(BaseModel):
    """Every metric's figure of one period, the previous period's and the target."""

    has_data: bool
    generated_at: datetime | None
    period_kind: PagePeriod
    """The kind of period the figures are measured by (the `period` parameter)."""
    period: str | None
    """The period shown: the `at` parameter, else the latest with enough tickets."""
    previous_period: str | None
    periods: list[str]
    """Every period with figures, oldest first (what `at` can choose)."""
    asked: bool
    """True when the period shown is the one asked for, False when chosen by default."""
    rule: Text
    scope: DataScopeInfo
    metrics: list[Figure]
    """Every metric of the catalog; one without data says why (`no_data`)."""
    period_kinds: list[PagePeriod]


def chosen_period(visitor: Visitor, period: PagePeriod, at: str | None) -> Scorecard:
    """Return the scorecard by `period` at `at` (the default period when None); 404 if unknown."""
    card = scorecard(visitor, period)
    if at is None or at == card.period:
        return card
    try:
        return card.at(at)
    except KeyError as unknown:
        raise HTTPException(status_code=404) from unknown


@page(
    router,
    links.SCORECARD,
    template="metrics/scorecard.html",
    model=ScorecardPage,
    summary="Scorecard",
)
def scorecard_page(
    visitor: Viewer, period: PagePeriod = "month", at: str | None = None
) -> ScorecardPage:
    """Return every metric of a period (by month, week or quarter) with its target."""
    if not has_workspace(visitor):
        return ScorecardPage(
            has_data=False,
            generated_at=None,
            period_kind=period,
            period=None,
            previous_period=None,
            periods=[],
            asked=False,
            rule="",
            scope=scope_info(visitor.scope),
            metrics=[],
            period_kinds=list(PAGE_PERIODS),
        )
    card = chosen_period(visitor, period, at)
    return ScorecardPage(
        has_data=any(r.value is not None for r in card.rows),
        generated_at=card.results.generated_at,
        period_kind=period,
        period=card.period,
        previous_period=card.previous_period,
        periods=card.periods,
        asked=at is not None,
        rule=card.rule,
        scope=scope_info(visitor.scope),
        metrics=[figure(row) for row in card.rows],
        period_kinds=list(PAGE_PERIODS),
    )
