"""The reports on a hand-built desk: the API's figures, of the tickets asked, in the language asked.

The two-group desk (tests/web/conftest.py: `two_groups`), I10 = reopened / resolved:
  whole desk: March 1 of 5 (A2) = 20 %, February 1 of 2 (B1) = 50 %;
  group A:    March 1 of 2 (A2, A3) = 50 %, February 0 of 1 (A1) = 0 %;
  group B:    March 0 of 3 (B2, B3, B4) = 0 %, February 1 of 1 (B1) = 100 %.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

import karsta
from karsta.report import (
    ReportError,
    metrics_workbook,
    monthly_content,
    monthly_html,
    monthly_pdf,
    overview_content,
    overview_html,
    parse_month,
    workbook_content,
)
from tests.report.checks import external_references, plain
from tests.report.conftest import need_weasyprint, pdf_text

GROUP_A = {"responsible_group": ("A",)}


def _i10(content: karsta.report.ReportContent) -> tuple[float | None, float | None, int | None]:
    row = next(r for r in content.figures if r.result.id == "I10")
    return row.value, row.previous, row.n


def test_the_monthly_report_counts_only_the_tickets_asked(desk: Path) -> None:
    with karsta.open(desk, read_only=True) as ws:
        everyone = monthly_content(ws, month="2024-03")
        group_a = monthly_content(ws, month="2024-03", restriction=GROUP_A)
        february = monthly_content(ws, month="2024-02")
    assert _i10(everyone) == (20.0, 50.0, 5)
    assert _i10(group_a) == (50.0, 0.0, 2)
    assert _i10(february) == (50.0, None, 2)
    # The waste looks at the tickets opened in the month: A2 and A3 for group A.
    assert group_a.waste.period.tickets == 2
    assert everyone.waste.period.tickets == 5
    html = monthly_html(group_a, "fi")
    assert "50,0\u00a0%" in html
    assert "20,0\u00a0%" not in html
    assert "Nämä luvut kattavat vain ryhmien A tukipyynnöt:" in plain(html)


def test_a_month_without_figures_names_the_months_there_are(desk: Path) -> None:
    with karsta.open(desk, read_only=True) as ws, pytest.raises(ReportError) as error:
        monthly_content(ws, month="2024-05")
    assert "2024-02 to 2024-03" in str(error.value)


@pytest.mark.parametrize("month", ["2024-13", "April", "2024-4", ""])
def test_a_month_is_written_yyyy_mm(month: str) -> None:
    with pytest.raises(ReportError, match="YYYY-MM"):
        parse_month(month)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ["SLA-kuukausiraportti: maaliskuu 2024", "Mittarikortit", "Laskentakaava"]),
        ("sv", ["SLA-månadsrapport: mars 2024", "Mätetalskort", "Formel"]),
        ("en", ["Monthly SLA report: March 2024", "Metric cards", "Formula"]),
    ],
)
def test_the_monthly_report_speaks_its_language(desk: Path, lang: str, words: list[str]) -> None:
    with karsta.open(desk, read_only=True) as ws:
        html = monthly_html(monthly_content(ws, month="2024-03"), lang)  # type: ignore[arg-type]
    text = plain(html)
    for word in words:
        assert word in text, word
    assert f'<html lang="{lang}">' in html


def test_the_monthly_pdf_has_numbered_a4_pages(desk: Path, tmp_path: Path) -> None:
    need_weasyprint()
    with karsta.open(desk, read_only=True) as ws:
        pdf = monthly_pdf(monthly_content(ws, month="2024-03"), "fi")
    assert pdf.startswith(b"%PDF")
    text = plain(pdf_text(pdf, tmp_path))
    assert "Sivu 1 / " in text
    assert "20,0 %" in text  # I10 of March, as Finnish writes it


def test_the_html_reports_load_nothing_from_elsewhere(desk: Path) -> None:
    with karsta.open(desk, read_only=True) as ws:
        overview = overview_html(overview_content(ws), "fi")
        monthly = monthly_html(monthly_content(ws, month="2024-03"), "fi")
    for html in (overview, monthly):
        assert external_references(html) == []
        assert "<svg" in html  # the trend drawn inline
        assert "<style>" in html


def _rows(book: bytes, sheet: str) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(book))[sheet].iter_rows(min_row=5, values_only=True))


def test_the_workbook_holds_numbers_by_month_and_group(desk: Path) -> None:
    with karsta.open(desk, read_only=True) as ws:
        book = metrics_workbook(workbook_content(ws), "en")
    sheet = load_workbook(io.BytesIO(book))["I10"]
    header = [c.value for c in sheet[4]]
    assert header[:5] == ["period", "group", "statistic", "value", "unit"]
    found = {
        (row[0].value, row[1].value): (row[3].value, row[3].number_format, row[5].value)
        for row in sheet.iter_rows(min_row=5)
        if row[-1].value == "share"
    }
    # Percentages are fractions with a percent format: 20 % is 0.2.
    assert found["2024-03", "all groups"] == (pytest.approx(0.2), "0.0%", 5)
    assert found["2024-03", "A"] == (pytest.approx(0.5), "0.0%", 2)
    assert found["2024-03", "B"] == (0.0, "0.0%", 3)
    assert found["2024-02", "B"] == (pytest.approx(1.0), "0.0%", 1)


def test_a_restricted_workbook_has_only_those_groups_and_no_rejects(desk: Path) -> None:
    with karsta.open(desk, read_only=True) as ws:
        book = metrics_workbook(workbook_content(ws, restriction=GROUP_A), "en")
    groups = {row[1] for row in _rows(book, "I10")}
    assert groups == {"all groups", "A"}
    rejects = load_workbook(io.BytesIO(book))["Rejects"]
    assert rejects["A1"].value == "Rejected rows are shown to analysts who see every ticket."
