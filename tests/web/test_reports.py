"""The report downloads: the access rules apply, the files are what the CLI writes.

The two-group desk (`two_groups`), I10 = reopened / resolved in March (February):
whole desk 1 of 5 = 20 % (1 of 2 = 50 %); group A 1 of 2 = 50 % (0 of 1 = 0 %);
group B 0 of 3 = 0 % (1 of 1 = 100 %); phone 0 of 1 = 0 % (none).
"""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.report.checks import external_references
from tests.web.conftest import Site

EN = {"accept-language": "en"}


def test_the_reports_page_lists_the_months_and_downloads(site: Site) -> None:
    data = site.signed_in("viewer_b").get("/reports.json").json()
    assert data["months"] == ["2024-02", "2024-03"]
    assert data["month"] == "2024-03"
    assert data["restricted"] is True
    assert {(r["id"], r["format"]) for r in data["reports"]} == {
        ("monthly", "pdf"),
        ("monthly", "html"),
        ("metrics", "xlsx"),
        ("overview", "html"),
    }
    page = site.signed_in("viewer").get("/reports", headers=EN)
    assert page.status_code == 200
    assert 'action="/reports/monthly.pdf"' in page.text
    assert "March 2024" in page.text


def test_a_group_limited_monthly_report_counts_only_its_tickets(site: Site) -> None:
    response = site.signed_in("viewer_a").get("/reports/monthly.html?month=2024-03&lang=en")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="monthly-report-2024-03.html"'
    )
    html = response.text
    assert "50.0%" in html  # group A's I10 in March
    assert "20.0%" not in html  # the whole desk's is not there
    assert "cover only the tickets of the groups A:" in html
    assert external_references(html) == []


def test_the_file_is_named_in_the_report_language(site: Site) -> None:
    response = site.signed_in("viewer").get("/reports/monthly.html?month=2024-02&lang=fi")
    assert response.headers["content-disposition"] == (
        'attachment; filename="kuukausiraportti-2024-02.html"'
    )
    assert "50,0\u00a0%" in response.text  # February's I10, the whole desk


def _i10(book: bytes) -> dict[tuple[str, str], tuple[float, int]]:
    sheet = load_workbook(io.BytesIO(book))["I10"]
    return {
        (str(row[0].value), str(row[1].value)): (row[3].value, row[5].value)
        for row in sheet.iter_rows(min_row=5)
        if row[-1].value == "share"
    }


def test_a_group_limited_workbook_has_only_its_tickets_and_no_rejects(site: Site) -> None:
    response = site.signed_in("viewer_b").get("/reports/metrics.xlsx?lang=en")
    assert response.status_code == 200
    figures = _i10(response.content)
    assert figures == {
        ("2024-02", "all groups"): (1.0, 1),
        ("2024-03", "all groups"): (0.0, 3),
        ("2024-02", "B"): (1.0, 1),
        ("2024-03", "B"): (0.0, 3),
    }
    rejects = load_workbook(io.BytesIO(response.content))["Rejects"]
    assert rejects["A1"].value == "Rejected rows are shown to analysts who see every ticket."


def test_an_analyst_who_sees_everything_gets_the_rejects(site: Site) -> None:
    response = site.signed_in("analyst").get("/reports/metrics.xlsx?lang=en")
    book = load_workbook(io.BytesIO(response.content))
    assert book["Rejects"]["A1"].value == "file"
    assert _i10(response.content)["2024-03", "all groups"] == (0.2, 5)


def test_a_channel_limited_overview_counts_only_its_tickets(site: Site) -> None:
    html = site.signed_in("phone_only").get("/reports/overview.html?lang=en").text
    assert "cover only the tickets of the channels: phone." in html
    assert "20.0%" not in html
    assert external_references(html) == []


def test_a_month_must_be_written_yyyy_mm_and_have_figures(site: Site) -> None:
    browser = site.signed_in("viewer")
    assert browser.get("/reports/monthly.pdf?month=April").status_code == 422
    assert browser.get("/reports/monthly.pdf?month=2023-01").status_code == 404
    assert browser.get("/reports/metrics.xlsx?lang=de").status_code == 422
