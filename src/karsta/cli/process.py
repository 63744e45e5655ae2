"""`karsta process ...` and `karsta waste`: the process views and the waste they cost."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Group
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from karsta.calendar import ServiceCalendar
from karsta.cli import render
from karsta.cli.language import help_text
from karsta.cli.options import LangOption
from karsta.cli.render import number, plain
from karsta.formatting import hours
from karsta.formatting import share as share_text
from karsta.i18n import N_, _, localized, ngettext
from karsta.process import ProcessAnalysis, ProcessFilters, WasteAssumptions
from karsta.process.findings import attribute_plural, variant_label
from karsta.process.render_graph import GraphvizMissing
from karsta.process.render_graph import render as draw
from karsta.process.results import duration_text, records
from karsta.process.transitions import ATTRIBUTES
from karsta.workspace import Workspace, WorkspaceError

process_app = typer.Typer(
    help=N_("Process analysis of the ticket event log: map, variants, hand-offs, rework, waiting."),
    no_args_is_help=True,
)

T = TypeVar("T")
WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))]
FormatOption = Annotated[str, typer.Option("--format", help=N_("table or json."))]
ByOption = Annotated[
    str,
    typer.Option("--by", help=help_text(N_("Attribute: {names}."), names=", ".join(ATTRIBUTES))),
]
FromOption = Annotated[
    str | None,
    typer.Option(help=N_("Only tickets opened at or after this time (ISO; UTC if bare).")),
]
BeforeOption = Annotated[
    str | None, typer.Option(help=N_("Only tickets opened before this time (ISO; UTC if bare)."))
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(help=N_("Only tickets with column=value (repeat; values joined by '|').")),
]
HoursOption = Annotated[
    str | None,
    typer.Option(help=N_("Also measure waits in service hours, e.g. 'mon-fri 08:00-16:00'.")),
]
HolidaysOption = Annotated[str, typer.Option(help=N_("Holidays of this country, or none."))]
ATTRIBUTE_NAMES = {
    "status": N_("status"),
    "activity": N_("activity"),
    "group": N_("group"),
    "level": N_("level"),
    "agent": N_("agent"),
}
STAY_KINDS = {
    "waiting": N_("waiting"),
    "queue": N_("queue"),
    "working": N_("working"),
    "after resolution": N_("after resolution"),
}

_fail = render.fail


def _attribute(by: str) -> str:
    """Return an attribute's name ('group') in the current language."""
    return _(ATTRIBUTE_NAMES[by]) if by in ATTRIBUTE_NAMES else by


def _kind(kind: str) -> str:
    """Return a stay's kind (waiting, queue, working) in the current language."""
    return _(STAY_KINDS[kind]) if kind in STAY_KINDS else kind


def _moment(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        message = _("{option}: {text!r} is not an ISO date or time")
        raise _fail(message.format(option=option, text=text)) from exc
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _filters(
    opened_from: str | None, opened_before: str | None, where: list[str] | None
) -> ProcessFilters:
    attributes: dict[str, tuple[str, ...]] = {}
    for condition in where or []:
        column, sep, values = condition.partition("=")
        if not sep:
            raise _fail(
                _("--where {condition!r}: expected column=value").format(condition=condition)
            )
        attributes[column.strip()] = tuple(v.strip() for v in values.split("|"))
    try:
        return ProcessFilters(
            opened_from=_moment(opened_from, "--opened-from"),
            opened_before=_moment(opened_before, "--opened-before"),
            ticket_attributes=attributes,
        )
    except ValueError as exc:
        raise _fail(render.error_text(exc)) from exc


@contextmanager
def _analysis(
    workspace: Path,
    filters: ProcessFilters,
    *,
    calendar: ServiceCalendar | None = None,
) -> Iterator[ProcessAnalysis]:
    try:
        with Workspace.open(workspace, create=False) as ws:
            yield ProcessAnalysis(ws, calendar=calendar, filters=filters)
    except WorkspaceError as exc:
        raise _fail(render.error_text(exc)) from exc


def _working(what: str, compute: Callable[[], T]) -> T:
    """Return compute(), showing a spinner with `what` on stderr while it runs."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=render.console(stderr=True),
        transient=True,
    ) as progress:
        progress.add_task(what, total=None)
        try:
            return compute()
        except ValueError as exc:
            raise _fail(render.error_text(exc)) from exc


def _emit(output: str, data: dict[str, Any], table: Callable[[], Any]) -> None:
    if output == "json":
        sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    elif output == "table":
        render.show(table())
    else:
        raise _fail(_("unknown --format {output!r}; use table or json").format(output=output))


def _share(value: float | None) -> str:
    """Return a share given as a fraction (0.651) as a percentage for people."""
    return share_text(value)


def _table(title: str, columns: list[str], rows: list[list[str]], *, left: int = 1) -> Table:
    table = Table(title=title)
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i < left else "right")
    for row in rows:
        table.add_row(*row)
    return table


@process_app.command(
    "map",
    help=N_("Show the process map: how often each step follows another, and the wait between."),
)
def map_command(
    workspace: WorkspaceOption,
    by: ByOption = "status",
    min_count: Annotated[int, typer.Option(help=N_("Leave out arrows seen fewer times."))] = 1,
    collapse: Annotated[
        bool, typer.Option("--collapse", help=N_("Merge repeated consecutive states into one."))
    ] = False,
    bottlenecks: Annotated[int, typer.Option(help=N_("How many bottleneck arrows to mark."))] = 3,
    service_hours: HoursOption = None,
    holidays: HolidaysOption = "FI",
    out: Annotated[
        Path | None, typer.Option(help=N_("Draw the map to FILE.svg or FILE.png."))
    ] = None,
    output: FormatOption = "table",
    opened_from: FromOption = None,
    opened_before: BeforeOption = None,
    where: WhereOption = None,
    lang: LangOption = None,
) -> None:
    """Print the process map (table or JSON); draw it with --out."""
    try:
        calendar = (
            ServiceCalendar.parse(service_hours, holidays=holidays) if service_hours else None
        )
    except ValueError as exc:
        raise _fail(render.error_text(exc)) from exc
    filters = _filters(opened_from, opened_before, where)
    with _analysis(workspace, filters, calendar=calendar) as analysis:
        result = _working(
            _("Building the process map"),
            lambda: analysis.map(
                by=by, min_count=min_count, collapse_repeats=collapse, bottlenecks=bottlenecks
            ),
        )
    if out is not None:
        try:
            draw(result, out, title=_("Process map by {by}").format(by=_attribute(by)))
        except (GraphvizMissing, ValueError) as exc:
            raise _fail(render.error_text(exc)) from exc
        render.console(stderr=True).print(plain(_("map drawn to {path}").format(path=out)))
    data = result.to_dict()

    def table() -> Group:
        service = calendar is not None
        columns = [_("from"), _("to"), _("count"), _("tickets"), _("mean wait"), _("median")]
        columns += [_("p90")] + ([_("median (service h)")] if service else [])
        rows = []
        for e in data["edges"]:
            row = [
                plain(e["source"]) + (" ⚠" if e["bottleneck"] else ""),
                plain(e["target"]),
                number(e["count"]),
                number(e["cases"]),
                *(duration_text(e[f"wait_{k}_s"]) for k in ("mean", "median", "p90")),
            ]
            rows.append(row + ([duration_text(e["service_wait_median_s"])] if service else []))
        nodes = [[plain(n["id"]), number(n["events"]), number(n["cases"])] for n in data["nodes"]]
        arrows = _("Arrows (⚠ bottleneck)")
        return Group(
            _table(
                _("Steps by {by}").format(by=_attribute(by)),
                [_attribute(by), _("events"), _("tickets")],
                nodes,
            ),
            _table(
                arrows + (f" — {plain(data['service_hours'])}" if service else ""),
                columns,
                rows,
                left=2,
            ),
        )

    _emit(output, data, table)


@process_app.command(
    help=N_("Show the most common paths tickets take, their share and throughput time.")
)
def variants(
    workspace: WorkspaceOption,
    top: Annotated[int, typer.Option(help=N_("How many variants to list."))] = 20,
    output: FormatOption = "table",
    opened_from: FromOption = None,
    opened_before: BeforeOption = None,
    where: WhereOption = None,
    lang: LangOption = None,
) -> None:
    """Print the most common variants and the long tail."""
    with _analysis(workspace, _filters(opened_from, opened_before, where)) as analysis:
        result = _working(_("Finding the variants"), lambda: analysis.variants(top=top))

    def table() -> Table:
        rows = [
            [
                str(i),
                plain(variant_label(r["variant"])),
                number(r["cases"]),
                _share(r["share"]),
                duration_text(r["median_throughput_s"]),
            ]
            for i, r in enumerate(records(result.table), start=1)
        ]
        tail = result.tail
        rows.append(
            [
                "",
                ngettext("… {n} more variant", "… {n} more variants", tail["variants"] or 0).format(
                    n=number(tail["variants"])
                ),
                number(tail["cases"]),
                _share(tail["share"]),
                "",
            ]
        )
        return _table(
            _("Variants: {variants} in {tickets} tickets").format(
                variants=number(result.total_variants), tickets=number(result.total_cases)
            ),
            ["#", _("path"), _("tickets"), _("share"), _("median throughput")],
            rows,
            left=2,
        )

    _emit(output, result.to_dict(), table)


@process_app.command(
    help=N_("Show who passes tickets to whom, ping-pong (A → B → A) and escalations that bounce.")
)
def handoffs(
    workspace: WorkspaceOption,
    by: ByOption = "group",
    max_groups: Annotated[int, typer.Option(help=N_("Count tickets that pass through more."))] = 3,
    top: Annotated[int, typer.Option(help=N_("How many hand-off pairs to list."))] = 20,
    output: FormatOption = "table",
    opened_from: FromOption = None,
    opened_before: BeforeOption = None,
    where: WhereOption = None,
    lang: LangOption = None,
) -> None:
    """Print the hand-off summary and who passes work to whom."""
    with _analysis(workspace, _filters(opened_from, opened_before, where)) as analysis:
        result = _working(
            _("Following the hand-offs"), lambda: analysis.handoffs(by=by, max_nodes=max_groups)
        )
    s = result.summary

    def table() -> Group:
        nodes = localized(attribute_plural(by))
        head = _table(
            _("Hand-offs between {nodes}").format(nodes=plain(nodes)),
            ["", _("count"), _("tickets"), _("time")],
            [
                [_("hand-offs"), number(s["handoffs"]), number(s["tickets_with_handoff"]), ""],
                [
                    _("ping-pong A → B → A"),
                    number(s["ping_pong"]),
                    number(s["ping_pong_tickets"]),
                    duration_text(s["ping_pong_detour_s"]),
                ],
                [
                    _("escalation bounced back"),
                    number(s["bounces"]),
                    number(s["bounce_tickets"]),
                    duration_text(s["bounce_detour_s"]),
                ],
                [
                    _("tickets through more than {max} {nodes}").format(
                        max=number(max_groups), nodes=plain(nodes)
                    ),
                    "",
                    number(s["tickets_over_max"]),
                    "",
                ],
                [_("tickets"), "", number(s["tickets"]), ""],
            ],
        )
        rows = [
            [
                plain(r["source"]),
                plain(r["target"]),
                number(r["count"]),
                number(r["tickets"]),
                duration_text(r["gap_median_s"]),
                duration_text(r["gap_total_s"]),
            ]
            for r in records(result.table)[:top]
        ]
        network = _table(
            _("Who passes to whom"),
            [_("from"), _("to"), _("hand-offs"), _("tickets"), _("median gap"), _("total gap")],
            rows,
            left=2,
        )
        return Group(head, network)

    _emit(output, result.to_dict(), table)


@process_app.command(
    help=N_(
        "Show activities done again in the same ticket and reopen loops, with the time they add."
    )
)
def rework(
    workspace: WorkspaceOption,
    output: FormatOption = "table",
    opened_from: FromOption = None,
    opened_before: BeforeOption = None,
    where: WhereOption = None,
    lang: LangOption = None,
) -> None:
    """Print repeated activities and reopen loops."""
    with _analysis(workspace, _filters(opened_from, opened_before, where)) as analysis:
        result = _working(_("Looking for rework"), analysis.rework)
    r = result.reopens

    def table() -> Group:
        rows = [
            [
                plain(x["activity"]),
                number(x["repeats"]),
                number(x["tickets"]),
                number(x["same_person"]),
                number(x["other_person"]),
                duration_text(x["added_s"]),
            ]
            for x in records(result.table)
        ]
        repeats = _table(
            _("Activities repeated ({tickets} tickets)").format(tickets=number(result.tickets)),
            [
                _("activity"),
                _("repeats"),
                _("tickets"),
                _("same person"),
                _("another person"),
                _("time added"),
            ],
            rows,
        )
        title = (
            _("Reopens")
            if result.has_status_classes
            else _("Reopens (no status classes in this log)")
        )
        reopens = _table(
            title,
            ["", _("count"), _("tickets"), _("time added")],
            [
                [
                    _("resolved, then reopened"),
                    number(r["reopens"]),
                    number(r["tickets"]),
                    duration_text(r["added_s"]),
                ]
            ],
        )
        return Group(repeats, reopens)

    _emit(output, result.to_dict(), table)


@process_app.command(
    help=N_("Show how much of the throughput time is waiting, per status, group and variant.")
)
def waiting(
    workspace: WorkspaceOption,
    top_variants: Annotated[
        int, typer.Option(help=N_("Waiting share of this many variants."))
    ] = 10,
    output: FormatOption = "table",
    opened_from: FromOption = None,
    opened_before: BeforeOption = None,
    where: WhereOption = None,
    lang: LangOption = None,
) -> None:
    """Print waiting versus working time per status, group and variant."""
    with _analysis(workspace, _filters(opened_from, opened_before, where)) as analysis:
        result = _working(
            _("Measuring waiting and working time"),
            lambda: analysis.waiting(top_variants=top_variants),
        )
    data = result.to_dict()

    def table() -> Group:
        o = data["overall"]
        statuses = [
            [plain(r["status"]), _kind(r["kind"]), number(r["stays"]), duration_text(r["seconds"])]
            for r in data["statuses"]
        ]
        groups = [
            [
                plain(r["group"]),
                number(r["tickets"]),
                duration_text(r["waiting_s"]),
                duration_text(r["working_s"]),
                _share(r["waiting_share"]),
            ]
            for r in data["groups"][:20]
        ]
        variant_rows = [
            [plain(" → ".join(v["activities"])), number(v["tickets"]), _share(v["waiting_share"])]
            for v in data["variants"]
        ]
        return Group(
            _table(
                _("Waiting {share} of the time before resolution").format(
                    share=_share(o.get("waiting_share"))
                ),
                [_("status"), _("kind"), _("stays"), _("time")],
                statuses,
                left=2,
            ),
            _table(
                _("Per group"),
                [_("group"), _("tickets"), _("waiting"), _("working"), _("waiting share")],
                groups,
            ),
            _table(_("Per variant"), [_("path"), _("tickets"), _("waiting share")], variant_rows),
        )

    _emit(output, data, table)


def waste_command(
    workspace: WorkspaceOption,
    hourly_cost: Annotated[float, typer.Option(help=N_("Staff cost in euros an hour."))] = 45.0,
    waiting_hourly_cost: Annotated[
        float, typer.Option(help=N_("Euros an hour of customer waiting (0: not priced)."))
    ] = 0.0,
    minutes_per_handoff: Annotated[
        float, typer.Option(help=N_("Staff minutes a hand-off costs."))
    ] = 10.0,
    minutes_per_repeat: Annotated[
        float, typer.Option(help=N_("Staff minutes a repeated activity costs."))
    ] = 15.0,
    minutes_per_reopen: Annotated[
        float, typer.Option(help=N_("Staff minutes a reopen costs."))
    ] = 30.0,
    minutes_per_recategorisation: Annotated[
        float, typer.Option(help=N_("Staff minutes correcting a category costs."))
    ] = 5.0,
    bottlenecks: Annotated[
        int, typer.Option(help=N_("How many bottleneck transitions to report."))
    ] = 3,
    output: FormatOption = "table",
    opened_from: FromOption = None,
    opened_before: BeforeOption = None,
    where: WhereOption = None,
    lang: LangOption = None,
) -> None:
    """Print the waste findings and the assumptions they were priced with."""
    try:
        assumptions = WasteAssumptions(
            hourly_cost=hourly_cost,
            waiting_hourly_cost=waiting_hourly_cost,
            minutes_per_handoff=minutes_per_handoff,
            minutes_per_repeat=minutes_per_repeat,
            minutes_per_reopen=minutes_per_reopen,
            minutes_per_recategorisation=minutes_per_recategorisation,
            bottlenecks=bottlenecks,
        )
    except ValueError as exc:
        raise _fail(render.error_text(exc)) from exc
    with _analysis(workspace, _filters(opened_from, opened_before, where)) as analysis:
        result = _working(_("Looking for waste"), lambda: analysis.waste(assumptions=assumptions))
    data = result.to_dict()

    def table() -> Group:
        rows = [
            [
                str(i),
                f"{plain(f.title)}\n[dim]{plain(f.evidence)}[/]",
                f"{plain(f.family)}: {plain(f.catalog_item)}\n"
                + plain(_("Lean: {waste}").format(waste=localized(f.lean_waste))),
                f"{hours(f.hours_per_year, 0)}\n[dim]{plain(_(f.hours_kind))}[/]",
                f"{number(f.euros_per_year)} €",
            ]
            for i, f in enumerate(result.findings, start=1)
        ]
        period = data["period"]
        findings = _table(
            _("Waste a year, from {days} days observed ({first} … {last})").format(
                days=number(period["days"]),
                first=str(period["first"])[:10],
                last=str(period["last"])[:10],
            ),
            ["#", _("finding"), _("waste"), _("hours a year"), _("€ a year")],
            rows,
            left=3,
        )
        assumptions_table = Table(title=_("Assumptions"), show_header=False)
        assumptions_table.add_column("assumption")
        for line in result.assumptions.lines() + result.notes:
            assumptions_table.add_row(plain(line))
        return Group(findings, assumptions_table)

    _emit(output, data, table)
