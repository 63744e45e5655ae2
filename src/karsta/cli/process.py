"""`karsta process ...`: the process views (map, variants, hand-offs, rework, waiting)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.table import Table

from karsta.calendar import ServiceCalendar
from karsta.cli import render
from karsta.cli.language import help_text
from karsta.cli.options import LangOption
from karsta.cli.process_shared import (
    BeforeOption,
    FormatOption,
    FromOption,
    WhereOption,
    WorkspaceOption,
    analysis_of,
    emit,
    fail,
    not_computed_table,
    notes_table,
    share,
    simple_table,
    ticket_filters,
    working,
)
from karsta.cli.render import number, plain
from karsta.i18n import N_, Message, _, localized, ngettext
from karsta.process.analysis import NO_GROUP
from karsta.process.findings import attribute_plural, variant_label
from karsta.process.render_graph import GraphvizMissing
from karsta.process.render_graph import render as draw
from karsta.process.requirements import STATUS_CLASSES, NotComputed
from karsta.process.results import duration_text, records
from karsta.process.transitions import ATTRIBUTES
from karsta.process.waiting import unclassified_note

process_app = typer.Typer(
    help=N_("Process analysis of the ticket event log: map, variants, hand-offs, rework, waiting."),
    no_args_is_help=True,
)

ByOption = Annotated[
    str,
    typer.Option("--by", help=help_text(N_("Attribute: {names}."), names=", ".join(ATTRIBUTES))),
]
CollapseOption = Annotated[
    bool, typer.Option("--collapse", help=N_("Merge repeated consecutive states into one."))
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
    "mixed": N_("mixed"),
}


def _attribute(by: str) -> str:
    """Return an attribute's name ('group') in the current language."""
    return _(ATTRIBUTE_NAMES[by]) if by in ATTRIBUTE_NAMES else by


def _status_class(status_class: str | None) -> str:
    """Return a status class (resolved, waiting, ...) in the current language; '–' if none."""
    return "–" if status_class is None else render.status_class_label(status_class)


def _kind(kind: str | None) -> str:
    """Return a stay's kind (waiting, queue, working) in the current language; '–' if none."""
    if kind is None:
        return "–"
    return _(STAY_KINDS[kind]) if kind in STAY_KINDS else kind


@process_app.command(
    "map",
    help=N_("Show the process map: how often each step follows another, and the wait between."),
)
def map_command(
    workspace: WorkspaceOption,
    by: ByOption = "status",
    min_count: Annotated[int, typer.Option(help=N_("Leave out arrows seen fewer times."))] = 1,
    collapse: CollapseOption = False,
    bottlenecks: Annotated[
        int, typer.Option(help=N_("How many bottleneck arrows to mark (most time in total)."))
    ] = 3,
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
        raise fail(render.error_text(exc)) from exc
    filters = ticket_filters(opened_from, opened_before, where)
    with analysis_of(workspace, filters, calendar=calendar) as analysis:
        result = working(
            _("Building the process map"),
            lambda: analysis.map(
                by=by, min_count=min_count, collapse_repeats=collapse, bottlenecks=bottlenecks
            ),
        )
    if out is not None:
        try:
            draw(result, out, title=_("Process map by {by}").format(by=_attribute(by)))
        except (GraphvizMissing, ValueError) as exc:
            raise fail(render.error_text(exc)) from exc
        render.console(stderr=True).print(plain(_("map drawn to {path}").format(path=out)))
    data = result.to_dict()

    def table() -> Group:
        service = calendar is not None
        kinds = any(e["kind"] is not None for e in data["edges"])
        columns = [_("from"), _("to")] + ([_("kind")] if kinds else [])
        columns += [_("count"), _("tickets"), _("mean wait"), _("median"), _("p90"), _("total")]
        columns += [_("median (service h)")] if service else []
        rows = []
        for e in data["edges"]:
            row = [plain(e["source"]) + (" ⚠" if e["bottleneck"] else ""), plain(e["target"])]
            row += [_kind(e["kind"])] if kinds else []
            row += [number(e["count"]), number(e["cases"])]
            row += [duration_text(e[f"wait_{k}_s"]) for k in ("mean", "median", "p90", "total")]
            rows.append(row + ([duration_text(e["service_wait_median_s"])] if service else []))
        nodes = [[plain(n["id"]), number(n["events"]), number(n["cases"])] for n in data["nodes"]]
        arrows = simple_table(
            _("Arrows (⚠ bottleneck)") + (f" — {plain(data['service_hours'])}" if service else ""),
            columns,
            rows,
            left=3 if kinds else 2,
        )
        arrows.caption = _("⚠ bottleneck: most time in total, of queue and working stays")
        parts: list[Table] = [
            simple_table(
                _("Steps by {by}").format(by=_attribute(by)),
                [_attribute(by), _("events"), _("tickets")],
                nodes,
            ),
            arrows,
        ]
        if result.not_computed:
            parts.append(not_computed_table(result.not_computed))
        return Group(*parts)

    emit(output, data, table)


@process_app.command(
    help=N_("Show the most common paths tickets take, their share and throughput time.")
)
def variants(
    workspace: WorkspaceOption,
    top: Annotated[int, typer.Option(help=N_("How many variants to list."))] = 20,
    collapse: CollapseOption = False,
    output: FormatOption = "table",
    opened_from: FromOption = None,
    opened_before: BeforeOption = None,
    where: WhereOption = None,
    lang: LangOption = None,
) -> None:
    """Print the most common variants and the long tail."""
    with analysis_of(workspace, ticket_filters(opened_from, opened_before, where)) as analysis:
        result = working(
            _("Finding the variants"),
            lambda: analysis.variants(top=top, collapse_repeats=collapse),
        )

    def table() -> Table:
        rows = [
            [
                str(i),
                plain(variant_label(r["variant"])),
                number(r["cases"]),
                share(r["share"]),
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
                share(tail["share"]),
                "",
            ]
        )
        title = _("Variants: {variants} in {tickets} tickets").format(
            variants=number(result.total_variants), tickets=number(result.total_cases)
        )
        if collapse:
            title += " — " + _("repeated consecutive steps merged")
        return simple_table(
            title,
            ["#", _("path"), _("tickets"), _("share"), _("median throughput")],
            rows,
            left=2,
        )

    emit(output, result.to_dict(), table)


@process_app.command(
    help=N_(
        "Show who passes tickets to whom, ping-pong (A → B → A) and escalations that came back."
    )
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
    with analysis_of(workspace, ticket_filters(opened_from, opened_before, where)) as analysis:
        result = working(
            _("Following the hand-offs"), lambda: analysis.handoffs(by=by, max_nodes=max_groups)
        )
    s = result.summary

    def table() -> Group:
        nodes = localized(attribute_plural(by))
        head = simple_table(
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
                    _("escalations back to the level they left, at any level"),
                    number(s["escalations_returned"]),
                    number(s["escalations_returned_tickets"]),
                    duration_text(s["escalations_returned_detour_s"]),
                ],
                [
                    _("sent back to level 1 after an escalation"),
                    number(s["sent_back_to_level_1"]),
                    number(s["sent_back_to_level_1_tickets"]),
                    "",
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
        network = simple_table(
            _("Who passes to whom"),
            [_("from"), _("to"), _("hand-offs"), _("tickets"), _("median gap"), _("total gap")],
            rows,
            left=2,
        )
        parts = [head, network]
        if result.not_computed:
            parts.append(not_computed_table(result.not_computed))
        return Group(*parts)

    emit(output, result.to_dict(), table)


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
    with analysis_of(workspace, ticket_filters(opened_from, opened_before, where)) as analysis:
        result = working(_("Looking for rework"), analysis.rework)
    r = result.reopens

    def table() -> Group:
        rows = [
            [
                plain(x["activity"]),
                number(x["repeats"]),
                number(x["tickets"]),
                number(x["same_person"]),
                number(x["other_person"]),
                number(x["unknown_person"]),
                duration_text(x["added_s"]),
            ]
            for x in records(result.table)
        ]
        repeats = simple_table(
            _("Activities repeated ({tickets} tickets)").format(tickets=number(result.tickets)),
            [
                _("activity"),
                _("repeats"),
                _("tickets"),
                _("same person"),
                _("another person"),
                _("person unknown"),
                _("time added"),
            ],
            rows,
        )
        repeats.caption = _(
            "same person + another person + person unknown = repeats; the person is unknown "
            "when either stay has no agent"
        )
        if not result.has_status_classes:
            missing = NotComputed(Message("reopens"), STATUS_CLASSES)
            return Group(repeats, not_computed_table([missing]))
        reopens = simple_table(
            _("Reopens"),
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

    emit(output, result.to_dict(), table)


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
    with analysis_of(workspace, ticket_filters(opened_from, opened_before, where)) as analysis:
        result = working(
            _("Measuring waiting and working time"),
            lambda: analysis.waiting(top_variants=top_variants),
        )
    data = result.to_dict()

    def table() -> Group:
        o = data["overall"]
        statuses = [
            [
                plain(r["status"]),
                _kind(r["kind"]),
                _status_class(r["status_class"]),
                number(r["stays"]),
                duration_text(r["seconds"]),
            ]
            for r in data["statuses"]
        ]
        groups = [
            [
                _("(no group)") if r["group"] == NO_GROUP else plain(r["group"]),
                number(r["tickets"]),
                duration_text(r["waiting_s"]),
                duration_text(r["working_s"]),
                share(r["waiting_share"]),
            ]
            for r in data["groups"][:20]
        ]
        variant_rows = [
            [plain(" → ".join(v["activities"])), number(v["tickets"]), share(v["waiting_share"])]
            for v in data["variants"]
        ]
        title = (
            _("Time per status before resolution")
            if result.not_computed
            else _("Waiting {share} of the time before resolution").format(
                share=share(o.get("waiting_share"))
            )
        )
        parts: list[Table] = [
            simple_table(
                title,
                [_("status"), _("kind"), _("status class"), _("stays"), _("time")],
                statuses,
                left=3,
            )
        ]
        if result.not_computed:
            return Group(*parts, not_computed_table(result.not_computed))
        if result.unclassified:
            parts.append(notes_table(_("Note"), [unclassified_note(result.unclassified)]))
        parts += [
            simple_table(
                _("Per group"),
                [_("group"), _("tickets"), _("waiting"), _("working"), _("waiting share")],
                groups,
            ),
            simple_table(
                _("Per variant"), [_("path"), _("tickets"), _("waiting share")], variant_rows
            ),
        ]
        return Group(*parts)

    emit(output, data, table)
