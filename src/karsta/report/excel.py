"""The metrics workbook (openpyxl): a sheet per metric, the cards, the waste and the rejects.

Values are numbers with number formats, never text: a percentage is stored as a
fraction with a percent format (63.4 % is 0.634, so Excel computes with it),
hours and days with one decimal, counts whole, an average of counts with two
decimals, euros with two. The unit of each row decides. Headers and names are in the
report's language; the statistic's code (as in JSON and CSV) is the last column, so
a script can match the rows with the metrics' JSON.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from karsta.api import Analyses
from karsta.formatting import period as period_name
from karsta.i18n import N_, Language, Message, gettext, localized
from karsta.metrics.cards import CODE_LABELS, LABELS, TEXT_FIELDS
from karsta.metrics.compute import MetricResult, MetricResults
from karsta.metrics.labels import is_average, statistic_label
from karsta.process.waste import Finding, WasteFindings
from karsta.report.content import Restriction, waste_of
from karsta.report.html import speaking

PERCENT = "0.0%"
ONE_DECIMAL = "#,##0.0"
TWO_DECIMALS = "#,##0.00"
WHOLE = "#,##0"
EUROS = '#,##0.00\\ "€"'
UNIT_FORMATS = {
    "percent": PERCENT,
    "hours": ONE_DECIMAL,
    "service_hours": ONE_DECIMAL,
    "days": ONE_DECIMAL,
    "count": WHOLE,
    "euros": EUROS,
    "ratio": ONE_DECIMAL,
    "score": ONE_DECIMAL,
    "seconds": WHOLE,
}
"""The number format of each unit (see the module's docstring)."""
UNIT_NAMES = {
    "percent": N_("percent"),
    "hours": N_("hours"),
    "service_hours": N_("service hours"),
    "days": N_("days"),
    "count": N_("count"),
    "euros": N_("euros"),
    "ratio": N_("ratio"),
    "score": N_("score"),
    "seconds": N_("seconds"),
}
CELL_LIMIT = 32_000
"""Characters a cell holds here (Excel's limit is 32,767); longer raw rows are cut, and said so."""
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
REJECT_COLUMNS = ("source_file", "line", "row_label", "source_column", "canonical_column",
                  "value", "reason", "row_loaded", "raw")  # fmt: skip
REJECT_HEADERS = (N_("file"), N_("line"), N_("row"), N_("column in the file"),
                  N_("canonical column"), N_("value"), N_("reason"), N_("row loaded"),
                  N_("row as in the file"))  # fmt: skip


@dataclass(frozen=True)
class WorkbookContent:
    """What the workbook shows: figures by month (whole desk and per group), waste, rejects.

    `rejects` is None when the reader may not see them (a restricted user); the sheet
    then says so.
    """

    by_month: MetricResults
    by_group: MetricResults
    waste: WasteFindings
    rejects: list[dict[str, Any]] | None
    restriction: Restriction = field(default_factory=dict)


def read_rejects(analyses: Analyses) -> list[dict[str, Any]]:
    """Return the workspace's rejected rows and values as stored (file and line order)."""
    try:
        table = analyses.source.table("rejects")
    except Exception:  # an export folder has no rejects table
        return []
    columns = [c for c in REJECT_COLUMNS if c in table.columns]
    rows = analyses.source.to_arrow(table.select(columns).order_by(["source_file", "line"]))
    return list(rows.to_pylist())


def workbook_content(
    analyses: Analyses, *, restriction: Restriction | None = None, with_rejects: bool = True
) -> WorkbookContent:
    """Return the workbook's figures: every metric by month, whole desk and per group.

    A restriction keeps only those tickets; rejects are left out with one, and when
    `with_rejects` is False.
    """
    kept = dict(restriction or {})
    options: dict[str, Any] = {"ticket_attributes": kept} if kept else {}
    by_month = analyses.metrics(period="month", **options)
    by_group = analyses.metrics(period="month", by=["group"], **options)
    rejects = read_rejects(analyses) if with_rejects and not kept else None
    return WorkbookContent(by_month, by_group, waste_of(analyses, kept), rejects, kept)


def _text(value: Any) -> Any:
    """Return a value for a cell: text without control characters, cut at the cell limit."""
    if not isinstance(value, str):
        return value
    text = _ILLEGAL.sub("\ufffd", value)
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT] + "…"


def _put(
    sheet: Worksheet, row: int, column: int, value: Any, number_format: str | None = None
) -> Any:
    """Write one cell; text stays text (a value starting with '=' is never a formula)."""
    cell = sheet.cell(row=row, column=column, value=_text(value))
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format and isinstance(value, int | float) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def _header(sheet: Worksheet, row: int, headers: Iterable[str]) -> int:
    """Write a bold header row; return the number of columns."""
    count = 0
    for column, text in enumerate(headers, start=1):
        _put(sheet, row, column, text).font = BOLD
        count = column
    return count


def _widths(sheet: Worksheet, widths: Iterable[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def value_format(unit: str, statistic: str) -> str:
    """Return the number format of a figure in `unit` (an average of counts: two decimals)."""
    if unit == "count" and is_average(statistic):
        return TWO_DECIMALS
    return UNIT_FORMATS.get(unit, TWO_DECIMALS)


def cell_value(value: float | None, unit: str) -> float | None:
    """Return a figure as stored in its cell: a percentage as a fraction."""
    if value is None:
        return None
    return value / 100 if unit == "percent" else value


def _count_format(value: Any) -> str:
    return WHOLE if isinstance(value, int) or float(value).is_integer() else TWO_DECIMALS


def _metric_sheet(
    book: Workbook, whole: MetricResult, grouped: MetricResult, lang: Language
) -> None:
    card = whole.definition.card
    sheet = book.create_sheet(card.id)
    _put(sheet, 1, 1, f"{card.id} {card.name(lang)}").font = TITLE
    notes = [str(localized(n)) for n in whole.notes]
    _put(sheet, 2, 1, " ".join([card.card_version, *notes]))
    assumptions = [
        a["text"] for a in (whole.rows or grouped.rows or [{}])[0].get("assumptions", [])
    ]
    headers = [gettext("period"), gettext("group"), gettext("statistic"), gettext("value"),
               gettext("unit"), gettext("n"), gettext("numerator"), gettext("denominator"),
               gettext("excluded"), *[gettext(a) for a in assumptions],
               gettext("statistic code")]  # fmt: skip
    width = _header(sheet, 4, headers)
    every = gettext("all groups")
    line = 5
    for result in (whole, grouped):
        for row in result.rows:
            unit = str(row["unit"])
            group = every if not row["group"] else ", ".join(str(v) for v in row["group"].values())
            _put(sheet, line, 1, row["period"] or gettext("all"))
            _put(sheet, line, 2, group)
            _put(sheet, line, 3, str(statistic_label(row["statistic"]).localized()))
            _put(
                sheet, line, 4, cell_value(row["value"], unit), value_format(unit, row["statistic"])
            )
            _put(sheet, line, 5, gettext(UNIT_NAMES.get(unit, unit)))
            for column, key in ((6, "n"), (7, "numerator"), (8, "denominator"), (9, "excluded")):
                value = row[key]
                if value is not None:
                    _put(sheet, line, column, value, _count_format(value))
            counts = {a["text"]: a["count"] for a in row.get("assumptions", [])}
            for offset, text in enumerate(assumptions):
                _put(sheet, line, 10 + offset, counts.get(text), WHOLE)
            _put(sheet, line, width, row["statistic"])
            line += 1
    if line == 5:
        _put(sheet, 5, 1, str(localized(whole.no_data or grouped.no_data or "")))
    sheet.freeze_panes = "A5"
    sheet.auto_filter.ref = f"A4:{get_column_letter(width)}{max(line - 1, 4)}"
    _widths(sheet, [10, 24, 30, 12, 14, 9, 12, 12, 10, *[16] * len(assumptions), 22])


def _cards_sheet(book: Workbook, results: MetricResults, lang: Language) -> None:
    sheet = book.create_sheet(gettext("Cards"))
    headers = ["id", LABELS["name"][lang], LABELS["group"][lang], LABELS["perspective"][lang],
               *[LABELS[name][lang] for name in TEXT_FIELDS[1:]], gettext("version")]  # fmt: skip
    _header(sheet, 1, headers)
    for line, result in enumerate(results, start=2):
        card = result.definition.card
        texts = [card.field(name, lang) for name in TEXT_FIELDS[1:]]
        values = [card.id, card.name(lang), CODE_LABELS[card.group][lang],
                  CODE_LABELS[card.perspective][lang], *texts, card.card_version]  # fmt: skip
        for column, value in enumerate(values, start=1):
            _put(sheet, line, column, value).alignment = WRAP
    sheet.freeze_panes = "C2"
    _widths(sheet, [7, 30, 12, 18, *[45] * (len(TEXT_FIELDS) - 1), 10])


def _finding_values(f: Finding) -> list[tuple[Any, str | None]]:
    return [
        (gettext(f.hours_kind), None),
        (str(localized(f.title)), None),
        (str(localized(f.evidence)), None),
        (str(localized(f.family)), None),
        (str(localized(f.catalog_item)), None),
        (str(localized(f.lean_waste)), None),
        (f.occurrences, WHOLE),
        (f.tickets, WHOLE),
        (f.observed_hours, ONE_DECIMAL),
        (f.hours_per_year, ONE_DECIMAL),
        (f.person_years, TWO_DECIMALS),
        (f.euros_per_year, EUROS),
        (gettext("yes") if f.in_totals else gettext("no"), None),
        (str(localized(f.not_in_totals)) if f.not_in_totals else None, None),
    ]


def _waste_sheet(book: Workbook, waste: WasteFindings) -> None:
    sheet = book.create_sheet(gettext("Waste"))
    _put(sheet, 1, 1, gettext("Waste a year")).font = TITLE
    head = waste.headline()
    lines: list[tuple[str, Any, str]] = [
        (gettext("staff hours a year"), head["staff_hours_per_year"], ONE_DECIMAL),
        (gettext("person-years"), head["staff_person_years"], TWO_DECIMALS),
        (gettext("staff euros a year"), head["staff_euros_per_year"], EUROS),
        (gettext("customer waiting hours a year"), head["customer_waiting_hours_per_year"],
         ONE_DECIMAL),
        (gettext("customer waiting euros a year"), head["customer_waiting_euros_per_year"], EUROS),
    ]  # fmt: skip
    row = 2
    for label, value, number_format in lines:
        _put(sheet, row, 1, label).font = BOLD
        if value is None:
            _put(sheet, row, 2, gettext("cannot be computed"))
        else:
            _put(sheet, row, 2, value, number_format)
        row += 1
    for text in [head["basis"], *waste.period.warnings()]:
        _put(sheet, row, 1, str(localized(text)))
        row += 1
    row += 1
    headers = [gettext("kind of hours"), gettext("finding"), gettext("evidence"),
               gettext("family"), gettext("catalog item"), gettext("Lean waste"),
               gettext("occurrences"), gettext("tickets"), gettext("hours observed"),
               gettext("hours a year"), gettext("person-years"), gettext("€ a year"),
               gettext("in the totals"), gettext("why not")]  # fmt: skip
    start = row
    _header(sheet, row, headers)
    for f in [*waste.staff_time, *waste.customer_time]:
        row += 1
        for column, (value, shown_as) in enumerate(_finding_values(f), start=1):
            _put(sheet, row, column, value, shown_as)
    sheet.auto_filter.ref = f"A{start}:{get_column_letter(len(headers))}{row}"
    row += 2
    _put(sheet, row, 1, gettext("Assumptions")).font = BOLD
    for line in [*waste.assumptions.lines(), *waste.notes]:
        row += 1
        _put(sheet, row, 1, str(localized(line)))
    for missing in waste.not_computed:
        row += 1
        _put(sheet, row, 1, str(localized(missing.text)))
    _widths(sheet, [30, 45, 60, 24, 30, 16, 12, 10, 14, 14, 12, 14, 10, 40])


def _rejects_sheet(book: Workbook, rejects: list[dict[str, Any]] | None) -> None:
    sheet = book.create_sheet(gettext("Rejects"))
    if rejects is None:
        _put(sheet, 1, 1, gettext("Rejected rows are shown to analysts who see every ticket."))
        return
    _header(sheet, 1, [gettext(h) for h in REJECT_HEADERS])
    cut = 0
    for line, reject in enumerate(rejects, start=2):
        for column, key in enumerate(REJECT_COLUMNS, start=1):
            value = reject.get(key)
            if isinstance(value, bool):
                value = gettext("yes") if value else gettext("no")
            if isinstance(value, str) and len(value) > CELL_LIMIT:
                cut += 1
            _put(sheet, line, column, value, WHOLE)
    if not rejects:
        _put(sheet, 2, 1, gettext("No rows were rejected."))
    if cut:
        note = Message("{n} values were longer than a cell holds and end in '…'.", n=cut)
        _put(sheet, len(rejects) + 3, 1, note.localized())
    sheet.freeze_panes = "A2"
    _widths(sheet, [28, 8, 8, 20, 20, 24, 40, 10, 60])


def _about_sheet(book: Workbook, content: WorkbookContent, lang: Language) -> None:
    sheet = book.active
    sheet.title = "Karsta"
    _put(sheet, 1, 1, gettext("Metrics workbook")).font = TITLE
    generated = content.by_month.generated_at.strftime("%Y-%m-%d %H:%M")
    lines = [
        gettext("Computed {moment} (UTC) from the workspace {workspace}.").format(
            moment=generated, workspace=content.by_month.source.rsplit("/", 1)[-1]
        ),
        gettext(
            "One sheet per metric: its figures by month for all groups and per group, with "
            "the tickets counted, excluded and resting on an assumption. Percentages are "
            "numbers formatted as percent."
        ),
    ]
    for column, values in content.restriction.items():
        shown = ", ".join(values)
        if column == "channel":
            lines.append(
                gettext("These figures cover only the tickets of the channels: {channels}.").format(
                    channels=shown
                )
            )
        else:
            lines.append(
                gettext(
                    "These figures cover only the tickets of the groups {groups}: "
                    "those they resolved, and those they hold while open."
                ).format(groups=shown)
            )
    missing = [r for r in content.by_month if r.no_data]
    if missing:
        lines.append(gettext("Not available yet"))
        lines += [f"{r.id} {r.definition.card.name(lang)}: {localized(r.no_data)}" for r in missing]
    for row, text in enumerate(lines, start=3):
        _put(sheet, row, 1, text)
    months = sorted({r["period"] for res in content.by_month for r in res.rows if r["period"]})
    if months:
        span = gettext("Months: {first} to {last}.").format(
            first=period_name(months[0], lang=lang), last=period_name(months[-1], lang=lang)
        )
        _put(sheet, len(lines) + 3, 1, span)
    _widths(sheet, [120])


def metrics_workbook(content: WorkbookContent, lang: Language) -> bytes:
    """Return the workbook (.xlsx) of `content` in `lang`."""
    with speaking(lang):
        book = Workbook()
        _about_sheet(book, content, lang)
        for whole in content.by_month:
            if whole.no_data is None:
                _metric_sheet(book, whole, content.by_group[whole.id], lang)
        _cards_sheet(book, content.by_month, lang)
        _waste_sheet(book, content.waste)
        _rejects_sheet(book, content.rejects)
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()
