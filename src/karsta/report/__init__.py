"""The reports: the monthly SLA report (HTML, PDF), the overview for e-mail and the workbook.

A view like the CLI and the web app: the figures come from the Python API, the
words from the message catalogs and the numbers from `karsta.formatting`.

    >>> import karsta
    >>> from karsta.report import monthly_content, monthly_pdf
    >>> with karsta.open("desk.karsta", read_only=True) as ws:
    ...     content = monthly_content(ws, month="2016-04")
    >>> Path("kuukausiraportti.pdf").write_bytes(monthly_pdf(content, "fi"))
"""

from __future__ import annotations

from karsta.report.content import (
    ReportContent,
    ReportError,
    monthly_content,
    overview_content,
    parse_month,
)
from karsta.report.excel import WorkbookContent, metrics_workbook, workbook_content
from karsta.report.html import monthly_html, overview_html
from karsta.report.pdf import monthly_pdf

__all__ = [
    "ReportContent",
    "ReportError",
    "WorkbookContent",
    "metrics_workbook",
    "monthly_content",
    "monthly_html",
    "monthly_pdf",
    "overview_content",
    "overview_html",
    "parse_month",
    "workbook_content",
]
