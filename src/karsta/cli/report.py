"""`karsta report ...`: the monthly SLA report (PDF, HTML), the metrics workbook, the overview."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer

import karsta
from karsta.api import Analyses
from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.i18n import N_, Language, _, current_language
from karsta.metrics.config import ConfigError
from karsta.process.waste import WasteAssumptions
from karsta.workspace import WorkspaceError

report_app = typer.Typer(
    help=N_("Reports for people: the monthly SLA report, the metrics workbook, the overview."),
    no_args_is_help=True,
)
T = TypeVar("T")

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help=N_("Workspace file the report reads."))
]
HourlyCostOption = Annotated[float, typer.Option(help=N_("Staff cost in euros an hour."))]
WaitingCostOption = Annotated[
    float | None,
    typer.Option(help=N_("Euros an hour of customer waiting (default: not priced).")),
]


@contextmanager
def _reading(workspace: Path) -> Iterator[Analyses]:
    """Open the workspace read-only; a missing or busy one is an error with exit code 2."""
    if not workspace.is_file():
        raise render.fail(_("No workspace at {path}.").format(path=workspace))
    try:
        ws = karsta.open(workspace, create=False, read_only=True)
    except WorkspaceError as exc:
        raise render.fail(render.error_text(exc)) from exc
    with ws:
        yield ws


def _made(make: Callable[[], T]) -> T:
    """Return what `make` gives; a report that cannot be made as asked is an error."""
    from karsta.report import ReportError

    try:
        return make()
    except (ReportError, ConfigError, ValueError) as exc:
        raise render.fail(render.error_text(exc)) from exc


def _write(path: Path, data: bytes | str) -> None:
    """Write a report file and say so."""
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise render.fail(_("Cannot write {path}: {error}").format(path=path, error=exc)) from exc
    render.console(stderr=True).print(render.plain(_("Wrote {path}.").format(path=path)))


def _language(lang: str | None) -> Language:
    return current_language()


@report_app.command("monthly", help=N_("The monthly SLA report of one month, as PDF or HTML."))
def monthly_command(
    workspace: WorkspaceOption,
    month: Annotated[str, typer.Option(help=N_("The month, e.g. 2016-04."))],
    pdf: Annotated[Path | None, typer.Option(help=N_("Write the report as PDF here."))] = None,
    html: Annotated[Path | None, typer.Option(help=N_("Write the report as HTML here."))] = None,
    hourly_cost: HourlyCostOption = 45.0,
    waiting_hourly_cost: WaitingCostOption = None,
    lang: LangOption = None,
) -> None:
    """Write the monthly SLA report: scorecard, trends, waste, the cards and the appendix."""
    from karsta.report import monthly_content, monthly_html, monthly_pdf

    if pdf is None and html is None:
        raise render.fail(_("Give --pdf FILE, --html FILE or both."))
    language = _language(lang)
    assumptions = _made(
        lambda: WasteAssumptions(hourly_cost=hourly_cost, waiting_hourly_cost=waiting_hourly_cost)
    )
    with _reading(workspace) as ws:
        content = _made(lambda: monthly_content(ws, month=month, assumptions=assumptions))
    if html is not None:
        _write(html, monthly_html(content, language))
    if pdf is not None:
        _write(pdf, monthly_pdf(content, language))


@report_app.command("excel", help=N_("The metrics workbook: a sheet per metric, cards, waste."))
def excel_command(
    workspace: WorkspaceOption,
    out: Annotated[Path, typer.Option(help=N_("Write the workbook (.xlsx) here."))],
    lang: LangOption = None,
) -> None:
    """Write the metrics workbook: figures by month and group, cards, waste, rejects."""
    from karsta.report import metrics_workbook, workbook_content

    with _reading(workspace) as ws:
        content = _made(lambda: workbook_content(ws))
    _write(out, metrics_workbook(content, _language(lang)))


@report_app.command("overview", help=N_("The overview as one self-contained HTML file."))
def overview_command(
    workspace: WorkspaceOption,
    html: Annotated[Path, typer.Option(help=N_("Write the overview (HTML) here."))],
    hourly_cost: HourlyCostOption = 45.0,
    waiting_hourly_cost: WaitingCostOption = None,
    lang: LangOption = None,
) -> None:
    """Write the overview for e-mail: charts, styles and all in one HTML file."""
    from karsta.report import overview_content, overview_html

    assumptions = _made(
        lambda: WasteAssumptions(hourly_cost=hourly_cost, waiting_hourly_cost=waiting_hourly_cost)
    )
    with _reading(workspace) as ws:
        content = _made(lambda: overview_content(ws, assumptions=assumptions))
    _write(html, overview_html(content, _language(lang)))
