"""The monthly report as PDF: its HTML laid out on A4 pages by WeasyPrint."""

from __future__ import annotations

from karsta.i18n import Language
from karsta.report.content import ReportContent
from karsta.report.html import monthly_html


def html_to_pdf(html: str) -> bytes:
    """Return the PDF of a self-contained HTML document (its print styles set the pages)."""
    import weasyprint  # loaded only when a PDF is made: it needs Pango from the system

    document: bytes = weasyprint.HTML(string=html, base_url=None).write_pdf()
    return document


def monthly_pdf(content: ReportContent, lang: Language) -> bytes:
    """Return the monthly SLA report as PDF."""
    return html_to_pdf(monthly_html(content, lang))
