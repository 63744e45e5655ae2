"""The listening pages: survey scores (/listening), themes of open answers
(/listening/themes) and survey fatigue (/listening/quiet-period).

Each page renders what `karsta.feedback` returns (`survey_scores`, `staff_turnover`,
`workspace_themes`, `quiet_period`) for the asked period or choices; its JSON twin
serves the same results' `to_dict()`. Results are kept per workspace version: the
themes of thousands of answers take many seconds, and are found once.

Survey answers are tied to a ticket only where the survey names one, and the staff's
own surveys and the turnover to none, so the access rules that limit a user to some
groups or channels cannot say which answers they may see: a limited user gets the page
saying it is not available to them, and no figure (nor does the JSON twin).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, BeforeValidator, Field, PrivateAttr

from karsta.api import Analyses
from karsta.feedback.quiet_period import DEFAULT_QUIET_DAYS, QuietPeriod, quiet_period
from karsta.feedback.scores import survey_scores
from karsta.feedback.significance import MIN_ANSWERS
from karsta.feedback.themes import Themes, workspace_themes
from karsta.feedback.turnover import staff_turnover
from karsta.web.pages import page
from karsta.web.requests import Viewer, Visitor
from karsta.web.views.listening_display import ListeningResult, themes_of_language
from karsta.web.views.process_common import blank_is_none, workspace_exists

router = APIRouter(tags=["listening"])

IMPORT_COMMAND = "karsta import surveys.csv --preset survey"
DEFAULT_THEMES = 8
MAX_THEMES = 20
EXAMPLES = 3
MAX_MIN_ANSWERS = 10_000
MAX_QUIET_DAYS = 365.0

PeriodChoice = Literal["week", "month", "quarter", "year"]
LanguageChoice = Literal["all", "fi", "sv", "en"]
BreakdownChoice = Literal["channel", "type", "priority", "category", "group", "level"]

Period = Annotated[PeriodChoice | None, BeforeValidator(blank_is_none)]
MinAnswers = Annotated[
    Annotated[int, Field(ge=1, le=MAX_MIN_ANSWERS)] | None, BeforeValidator(blank_is_none)
]
ThemeCount = Annotated[
    Annotated[int, Field(ge=1, le=MAX_THEMES)] | None, BeforeValidator(blank_is_none)
]
Breakdown = Annotated[BreakdownChoice | None, BeforeValidator(blank_is_none)]
AnswerLanguage = Annotated[LanguageChoice | None, BeforeValidator(blank_is_none)]
QuietDays = Annotated[
    Annotated[float, Field(gt=0, le=MAX_QUIET_DAYS)] | None, BeforeValidator(blank_is_none)
]


class ListeningPageBase(BaseModel):
    """What every listening page holds besides its figures."""

    available: bool
    """False for a user limited to some groups or channels (see the module's description)."""
    has_data: bool
    """Whether the workspace holds any answered survey."""
    import_command: str = IMPORT_COMMAND


class ScoresPage(ListeningPageBase):
    """Every instrument's score per period, and the staff's turnover."""

    period: PeriodChoice = "month"
    min_answers: int = MIN_ANSWERS
    by: BreakdownChoice | None = None
    """The ticket breakdown of the figures (each group tested against the other answers)."""
    scores: dict[str, Any] | None = None
    turnover: dict[str, Any] | None = None
    _result: ListeningResult | None = PrivateAttr(default=None)

    def result(self) -> ListeningResult | None:
        """Return the results as computed (their texts translatable)."""
        return self._result


class ThemesPage(ListeningPageBase):
    """The themes of the open answers in the chosen language (all: every language)."""

    language: LanguageChoice = "all"
    themes_asked: int = DEFAULT_THEMES
    themes: dict[str, Any] | None = None
    """The analysis' result, its themes those of the chosen language."""
    _result: Themes | None = PrivateAttr(default=None)

    def result(self) -> Themes | None:
        """Return the themes as computed, those of the chosen language (texts translatable)."""
        return self._result


class QuietPeriodPage(ListeningPageBase):
    """How often respondents were surveyed and the response rate by time since the last."""

    quiet_days: float = DEFAULT_QUIET_DAYS
    quiet_period: dict[str, Any] | None = None
    _result: QuietPeriod | None = PrivateAttr(default=None)

    def result(self) -> QuietPeriod | None:
        """Return the analysis as computed."""
        return self._result


def listening_result(
    ws: Analyses, period: PeriodChoice, min_answers: int, by: BreakdownChoice | None = None
) -> ListeningResult:
    """Return every instrument's scores per `period` (and `by`) and the staff's turnover."""
    options = ws.config.options(period=period, by=(by,) if by else ())
    return ListeningResult(
        scores=survey_scores(ws.source, options, min_answers=min_answers),
        turnover=staff_turnover(ws.source),
    )


def _answered(visitor: Visitor) -> bool:
    """Return whether the workspace holds answered surveys (the scores' instruments)."""
    found = visitor.state.results.get(
        ("listening scores", "month", MIN_ANSWERS, None),
        visitor.scope,
        lambda ws: listening_result(ws, "month", MIN_ANSWERS),
    )
    return bool(found.scores.instruments)


@page(router, "/listening", template="listening/page.html", model=ScoresPage, summary="Listening")
def listening(
    visitor: Viewer,
    period: Annotated[
        Period, Query(description="Period of the figures: week, month, quarter or year.")
    ] = None,
    min_answers: Annotated[
        MinAnswers,
        Query(description="Fewest answers a figure needs before its change is tested (30)."),
    ] = None,
    by: Annotated[
        Breakdown,
        Query(description="Also by a ticket breakdown, each group tested against the rest."),
    ] = None,
) -> ScoresPage:
    """Return every survey instrument's score per period with intervals and tested changes."""
    chosen: PeriodChoice = period or "month"
    least = MIN_ANSWERS if min_answers is None else min_answers
    fields: dict[str, Any] = {"period": chosen, "min_answers": least, "by": by}
    if visitor.scope.restricted:
        return ScoresPage(available=False, has_data=False, **fields)
    if not workspace_exists(visitor):
        return ScoresPage(available=True, has_data=False, **fields)
    key: Hashable = ("listening scores", chosen, least, by)
    result = visitor.state.results.get(
        key, visitor.scope, lambda ws: listening_result(ws, chosen, least, by)
    )
    has_data = bool(result.scores.instruments)
    built = ScoresPage(
        available=True,
        has_data=has_data,
        **fields,
        scores=result.scores.to_dict() if has_data else None,
        turnover=result.turnover.to_dict() if has_data else None,
    )
    built._result = result
    return built


@page(
    router,
    "/listening/themes",
    template="listening/themes.html",
    model=ThemesPage,
    summary="Themes of open answers",
)
def themes(
    visitor: Viewer,
    language: Annotated[
        AnswerLanguage, Query(description="Themes of answers in fi, sv, en, or all.")
    ] = None,
    themes: Annotated[
        ThemeCount, Query(description="Most themes to find in each language's answers (8).")
    ] = None,
) -> ThemesPage:
    """Return the themes of the open answers: words, count, trend, scores, examples."""
    chosen: LanguageChoice = language or "all"
    count = DEFAULT_THEMES if themes is None else themes
    fields: dict[str, Any] = {"language": chosen, "themes_asked": count}
    if visitor.scope.restricted:
        return ThemesPage(available=False, has_data=False, **fields)
    if not workspace_exists(visitor) or not _answered(visitor):
        return ThemesPage(available=True, has_data=False, **fields)
    found = visitor.state.results.get(
        ("listening themes", count),
        visitor.scope,
        lambda ws: workspace_themes(ws, themes=count, examples=EXAMPLES),
    )
    shown = themes_of_language(found, chosen)
    built = ThemesPage(available=True, has_data=True, **fields, themes=shown.to_dict())
    built._result = shown
    return built


@page(
    router,
    "/listening/quiet-period",
    template="listening/quiet.html",
    model=QuietPeriodPage,
    summary="Survey fatigue",
)
def quiet(
    visitor: Viewer,
    quiet_days: Annotated[
        QuietDays,
        Query(description="Days a respondent should not be surveyed again (30)."),
    ] = None,
) -> QuietPeriodPage:
    """Return the response rate by days since the respondent's previous survey."""
    days = DEFAULT_QUIET_DAYS if quiet_days is None else quiet_days
    if visitor.scope.restricted:
        return QuietPeriodPage(available=False, has_data=False, quiet_days=days)
    if not workspace_exists(visitor) or not _answered(visitor):
        return QuietPeriodPage(available=True, has_data=False, quiet_days=days)
    result = visitor.state.results.get(
        ("listening quiet period", days),
        visitor.scope,
        lambda ws: quiet_period(ws.source, quiet_days=days),
    )
    built = QuietPeriodPage(
        available=True, has_data=True, quiet_days=days, quiet_period=result.to_dict()
    )
    built._result = result
    return built
