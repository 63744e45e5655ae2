"""An A3 sheet started from the ping-pong finding of the real ServiceNow log, printed on A3."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from karsta import i18n
from karsta.i18n import Language
from karsta.improve.a3 import SECTIONS, STEPS, a3_from_finding, a3_pdf
from karsta.improve.findings import finding_figures
from karsta.improve.models import A3, Action
from karsta.process.waste import WasteFindings
from karsta.workspace import Workspace

A3_LANDSCAPE_PT = (420 / 25.4 * 72, 297 / 25.4 * 72)  # 420 mm × 297 mm in points
HEADINGS = {
    "fi": ("Taustaa", "Nykytilanne", "Tavoite", "Analyysi", "Mittarointi", "Toimenpiteet",
           "Ehdotus korjaaviksi toimenpiteiksi", "Seurantasuunnitelma", "Kuka", "Mitä",
           "Koska", "Miten", "Status"),
    "sv": ("Bakgrund", "Nuläge", "Mål", "Analys", "Mätning", "Åtgärder",
           "Förslag till korrigerande åtgärder", "Uppföljningsplan", "Vem", "Vad", "När",
           "Hur", "Status"),
}  # fmt: skip


@pytest.fixture(scope="module")
def waste(servicenow: Workspace) -> WasteFindings:
    """Return the waste findings of the real ServiceNow log."""
    return servicenow.process.waste()


def sheet_in(lang: Language, waste: WasteFindings) -> A3:
    """Return the A3 sheet started from the ping-pong finding, written in `lang`."""
    previous = i18n.current_language()
    i18n.set_language(lang)
    try:
        sheet = a3_from_finding(waste, "handoffs:ping-pong", "Asiakkaan pompottelu")
    finally:
        i18n.set_language(previous)
    sheet.actions = [Action(who="Matti", what="Ohjaussäännöt", how="ohje", status="planned")]
    return sheet


def test_the_sheet_carries_the_findings_figures(waste: WasteFindings) -> None:
    finding = next(f for f in waste.findings if f.id == "handoffs:ping-pong")
    assert finding.occurrences > 0  # the real log has tickets bounced between groups
    sheet = sheet_in("fi", waste)
    assert sheet.source == "finding:handoffs:ping-pong"
    figures = finding_figures(waste, "handoffs:ping-pong")
    baseline = sheet.baseline or {}
    for key in ("occurrences", "tickets", "observed_hours", "hours_per_year", "euros_per_year"):
        assert baseline[key] == figures[key] == getattr(finding, key), key
    # a year's figures are the observed ones scaled by the observed period's length
    per_year = waste.period.per_year
    assert baseline["tickets_per_year"] == finding.tickets * per_year
    assert baseline["occurrences_per_year"] == finding.occurrences * per_year
    # the current state and the metrics say them in Finnish, rounded, grouped as fi writes
    hours = f"{round(finding.hours_per_year):,}".replace(",", "\u00a0")
    tickets = f"{round(finding.tickets * per_year):,}".replace(",", "\u00a0")
    assert f"Vuodessa: {hours} h" in sheet.current_state
    assert f"{tickets} tukipyyntöä" in sheet.current_state
    assert sheet.metrics.startswith("Lähtötaso: ")
    assert sheet.step == 2  # the problem area is chosen: the finding


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_pdf_is_one_landscape_a3_page_with_every_heading(
    waste: WasteFindings, lang: Language
) -> None:
    pdf = PdfReader(io.BytesIO(a3_pdf(sheet_in(lang, waste), lang)))
    assert len(pdf.pages) == 1
    (page,) = pdf.pages
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert width == pytest.approx(A3_LANDSCAPE_PT[0], abs=1)
    assert height == pytest.approx(A3_LANDSCAPE_PT[1], abs=1)
    text = " ".join(page.extract_text().split())
    for heading in HEADINGS[lang]:
        assert heading in text, heading
    previous = i18n.current_language()
    i18n.set_language(lang)
    try:
        # every section and every one of the nine steps, as the catalog translates them
        for name in (*SECTIONS.values(), *STEPS):
            assert " ".join(i18n.gettext(name).split()) in text, name
    finally:
        i18n.set_language(previous)
