"""The reports for download: the monthly SLA report (PDF, HTML), the workbook and the overview.

Each report is made by `karsta.report` from what the Python API returns, for the
visitor's tickets only (the access rules' restriction goes into every question),
and kept in the result cache per workspace version, scope, month and language.
"""

from __future__ import annotations

from typing import Annotated, Literal, NoReturn

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel

from karsta.api import Analyses
from karsta.i18n import LANGUAGES, N_, Language, gettext
from karsta.metrics.scorecard import Scorecard
from karsta.report import (
    ReportError,
    metrics_workbook,
    monthly_content,
    monthly_html,
    monthly_pdf,
    overview_content,
    overview_html,
    workbook_content,
)
from karsta.report.html import speaking
from karsta.web.access import sees_rejects
from karsta.web.pages import page
from karsta.web.requests import Viewer

router = APIRouter(tags=["reports"])

MonthQuery = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
LanguageQuery = Annotated[Language | None, Query(description="fi, sv or en")]
FILE_NAMES = {
    "monthly": N_("monthly-report"),
    "metrics": N_("metrics"),
    "overview": N_("overview"),
}
"""The downloaded file's name before its month and extension (translated)."""
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportLink(BaseModel):
    """One report to download."""

    id: Literal["monthly", "metrics", "overview"]
    format: Literal["pdf", "html", "xlsx"]
    url: str
    """The download address with the default month and the visitor's language."""


class ReportsPage(BaseModel):
    """The reports the visitor can download, and the months the monthly report covers."""

    months: list[str]
    month: str | None
    """The default month: the scorecard's (the latest busy month)."""
    languages: list[str]
    reports: list[ReportLink]
    restricted: bool
    """True when the reports count only some groups' or channels' tickets."""


def _scorecard(visitor: Viewer) -> Scorecard | None:
    """Return the visitor's scorecard (the overview's, from the cache), None without a workspace."""
    if not visitor.state.config.workspace.exists():
        return None
    scope = visitor.scope
    card: Scorecard = visitor.state.results.get(
        "scorecard", scope, lambda ws: ws.scorecard(**scope.metric_options())
    )
    return card


@page(router, "/reports", template="reports/page.html", model=ReportsPage, summary="Reports")
def reports(visitor: Viewer) -> ReportsPage:
    """Return the reports for download and the months with figures."""
    card = _scorecard(visitor)
    months = (
        []
        if card is None
        else sorted({row["period"] for r in card.results for row in r.rows if row["period"]})
    )
    month = None if card is None else card.period
    lang = visitor.lang
    suffix = f"?month={month}&lang={lang}" if month else f"?lang={lang}"
    links = [
        ReportLink(id="monthly", format="pdf", url=f"/reports/monthly.pdf{suffix}"),
        ReportLink(id="monthly", format="html", url=f"/reports/monthly.html{suffix}"),
        ReportLink(id="metrics", format="xlsx", url=f"/reports/metrics.xlsx?lang={lang}"),
        ReportLink(id="overview", format="html", url=f"/reports/overview.html?lang={lang}"),
    ]
    return ReportsPage(
        months=months,
        month=month,
        languages=list(LANGUAGES),
        reports=links if months else [],
        restricted=visitor.scope.restricted,
    )


def _download(lang: Language, report: str, extension: str, data: bytes, tail: str) -> Response:
    """Return a report as a file to save, named in the report's language."""
    with speaking(lang):
        name = gettext(FILE_NAMES[report])
    name += (f"-{tail}" if tail else "") + f".{extension}"
    return Response(
        content=data,
        media_type=MEDIA_TYPES[extension],
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "private, no-store",
        },
    )


def _no_figures() -> NoReturn:
    raise HTTPException(status_code=404)


def _monthly(visitor: Viewer, month: str | None, lang: Language | None, extension: str) -> Response:
    """Return the monthly report of `month` (default: the scorecard's) as PDF or HTML."""
    card = _scorecard(visitor)
    if card is None or card.period is None:
        _no_figures()
    chosen = month or card.period
    language = lang or visitor.lang
    scope = visitor.scope

    def make(ws: Analyses) -> bytes:
        content = monthly_content(ws, month=chosen, restriction=scope.ticket_attributes)
        if extension == "pdf":
            return monthly_pdf(content, language)
        return monthly_html(content, language).encode("utf-8")

    question = ("report", "monthly", extension, chosen, language)
    try:
        data = visitor.state.results.get(question, scope, make)
    except ReportError as exc:
        raise HTTPException(status_code=404) from exc
    return _download(language, "monthly", extension, data, chosen)


@router.get("/reports/monthly.pdf", summary="Monthly SLA report (PDF)", response_class=Response)
def monthly_pdf_report(
    visitor: Viewer, month: MonthQuery = None, lang: LanguageQuery = None
) -> Response:
    """Return the monthly SLA report of `month` (default: the latest busy month) as PDF."""
    return _monthly(visitor, month, lang, "pdf")


@router.get("/reports/monthly.html", summary="Monthly SLA report (HTML)", response_class=Response)
def monthly_html_report(
    visitor: Viewer, month: MonthQuery = None, lang: LanguageQuery = None
) -> Response:
    """Return the monthly SLA report of `month` as one self-contained HTML file."""
    return _monthly(visitor, month, lang, "html")


@router.get("/reports/metrics.xlsx", summary="Metrics workbook (Excel)", response_class=Response)
def metrics_workbook_report(visitor: Viewer, lang: LanguageQuery = None) -> Response:
    """Return the metrics workbook: a sheet per metric, the cards, the waste, the rejects."""
    language = lang or visitor.lang
    scope = visitor.scope
    assert visitor.user is not None  # Viewer lets only signed-in users in
    rejects = sees_rejects(visitor.user)
    if _scorecard(visitor) is None:
        _no_figures()

    def make(ws: Analyses) -> bytes:
        content = workbook_content(ws, restriction=scope.ticket_attributes, with_rejects=rejects)
        return metrics_workbook(content, language)

    data = visitor.state.results.get(("report", "metrics", rejects, language), scope, make)
    return _download(language, "metrics", "xlsx", data, "")


@router.get("/reports/overview.html", summary="Overview (HTML for e-mail)", response_class=Response)
def overview_report(visitor: Viewer, lang: LanguageQuery = None) -> Response:
    """Return the overview as one self-contained HTML file (charts and styles inside)."""
    language = lang or visitor.lang
    scope = visitor.scope
    if _scorecard(visitor) is None:
        _no_figures()

    def make(ws: Analyses) -> bytes:
        content = overview_content(ws, restriction=scope.ticket_attributes)
        return overview_html(content, language).encode("utf-8")

    try:
        data = visitor.state.results.get(("report", "overview", language), scope, make)
    except ReportError as exc:
        raise HTTPException(status_code=404) from exc
    return _download(language, "overview", "html", data, "")
