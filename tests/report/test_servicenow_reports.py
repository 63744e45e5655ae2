"""The reports of the real ServiceNow log, read back as their readers get them.

The PDF through pdftotext: the month's figures written as Finnish writes them
(checked against the scorecard's JSON, formatted here by hand, not by Karsta's
formatting), and the cards in Finnish. The workbook through openpyxl: every value
equals the metrics' JSON (`to_json_document`) of the same run. The overview: one
HTML file that loads nothing from elsewhere.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import karsta
from karsta.metrics.cards import LABELS, load_cards
from karsta.report import (
    metrics_workbook,
    monthly_content,
    monthly_pdf,
    overview_content,
    overview_html,
    workbook_content,
)
from tests.report.checks import external_references, plain
from tests.report.conftest import need_weasyprint, pdf_text

pytestmark = pytest.mark.slow
MONTH = "2016-04"


def finnish(value: float, digits: int) -> str:
    """Return a number as Finnish writes it: a space between thousands, a decimal comma."""
    whole, _, decimals = f"{value:,.{digits}f}".partition(".")
    return whole.replace(",", " ") + ("," + decimals if decimals else "")


def finnish_figure(row: dict[str, Any]) -> str:
    """Return a scorecard figure in Finnish, by its unit (the README's precision rules)."""
    unit, value = row["unit"], row["value"]
    if unit == "percent":
        return finnish(value, 1) + " %"
    if unit in ("hours", "service_hours", "days"):
        return finnish(value, 1)
    if unit == "count":
        return finnish(value, 0 if float(value).is_integer() and row["statistic"] == "count" else 2)
    return finnish(value, 1)


def test_the_monthly_pdf_holds_the_figures_and_cards_in_finnish(
    servicenow: Path, tmp_path: Path
) -> None:
    need_weasyprint()
    with karsta.open(servicenow, read_only=True) as ws:
        content = monthly_content(ws, month=MONTH)
        scorecard = ws.scorecard(at=MONTH).to_dict()
    text = plain(pdf_text(monthly_pdf(content, "fi"), tmp_path))
    assert "SLA-kuukausiraportti: huhtikuu 2016" in text
    assert "Sivu 1 / " in text
    shown = [m for m in scorecard["metrics"] if m["value"] is not None]
    assert len(shown) >= 10
    for figure in shown:
        assert finnish_figure(figure) in text, (figure["id"], figure["statistic"])
        assert finnish(figure["n"], 0) in text, figure["id"]
    cards = load_cards()
    for metric_id in {m["id"] for m in shown}:
        card = cards[metric_id]
        for field in ("formula", "exclusions"):
            definition = plain(card.field(field, "fi"))
            assert definition[:120] in text, (metric_id, field)
        assert f"{card.id} {card.name('fi')}" in text
    assert LABELS["formula"]["fi"] in text
    assert "Liite: rajaukset ja oletukset" in text
    assert "Henkilöstön aika vuodessa" in text  # the waste findings


def _sheet_values(book: Any, metric_id: str) -> dict[tuple[str, str, str], Any]:
    """Return a metric sheet's cells by (period, group, statistic code)."""
    cells = {}
    for row in book[metric_id].iter_rows(min_row=5):
        if row[-1].value is None:
            continue
        cells[str(row[0].value), str(row[1].value), str(row[-1].value)] = row
    return cells


def test_the_workbook_equals_the_metrics_json(servicenow: Path) -> None:
    with karsta.open(servicenow, read_only=True) as ws:
        data = metrics_workbook(workbook_content(ws), "fi")
        whole = ws.metrics(period="month").to_json_document()
        grouped = ws.metrics(period="month", by=["group"]).to_json_document()
    book = load_workbook(io.BytesIO(data))
    formats = {"percent": "0.0%", "hours": "#,##0.0", "service_hours": "#,##0.0"}
    compared = 0
    sheets = {metric_id: _sheet_values(book, metric_id) for metric_id in book.sheetnames[1:]}
    for record in [*whole["metrics"], *grouped["metrics"]]:
        # The group column: the breakdown's values, or "all groups" for the whole desk.
        group = ", ".join(str(v) for v in record["group"].values()) or "kaikki ryhmät"
        key = (record["period"], group, record["statistic"])
        row = sheets[record["id"]][key]
        value, n = row[3], row[5]
        if record["value"] is None:
            assert value.value is None, key
        elif record["unit"] == "percent":
            assert value.value * 100 == pytest.approx(record["value"], rel=1e-12, abs=1e-12), key
        else:
            assert value.value == pytest.approx(record["value"], rel=1e-12), key
        if record["value"] is not None and record["unit"] in formats:
            assert value.number_format == formats[record["unit"]], key
        assert n.value == record["n"], key
        assert not isinstance(value.value, str), key
        compared += 1
    assert compared == len(whole["metrics"]) + len(grouped["metrics"])
    assert compared > 5000
    sheets = set(book.sheetnames)
    assert {"Kortit", "Hukka", "Hylätyt"} <= sheets
    assert {r["id"] for r in whole["metrics"]} <= sheets


def test_the_overview_is_one_self_contained_file(servicenow: Path) -> None:
    with karsta.open(servicenow, read_only=True) as ws:
        html = overview_html(overview_content(ws), "fi")
        month = ws.scorecard().period
    assert external_references(html) == []
    assert html.count("<svg") >= 3
    assert month is not None
    names = ["tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu",
             "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu"]  # fmt: skip
    assert f"Yhteenveto: {names[int(month[5:]) - 1]} {month[:4]}" in plain(html)
