"""`karsta channels` and `karsta staffing`: reachability of the contacts and the agents needed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Group
from rich.table import Table

from karsta.channels.overview import ChannelsOverview, channels_overview
from karsta.channels.staffing import StaffingPlan, staffing_plan
from karsta.channels.targets import parse_interval, parse_shrinkage, parse_target
from karsta.cli import render
from karsta.cli.channel_shift import shift_command
from karsta.cli.options import LangOption
from karsta.cli.process_shared import notes_table, settings_of, simple_table, working
from karsta.formatting import decimal, duration, figure, share, whole
from karsta.i18n import N_, _, current_language
from karsta.metrics.labels import reason_text, statistic_label
from karsta.metrics.registry import find
from karsta.workspace import Workspace, WorkspaceError

T = TypeVar("T")

WorkspaceOption = Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))]
TargetOption = Annotated[
    str,
    typer.Option(help=N_("Service level target: percent/seconds, e.g. 80/20.")),
]
JsonOption = Annotated[bool, typer.Option("--json", help=N_("Print JSON instead of tables."))]
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def _run(workspace: Path, compute: Callable[[Workspace], T]) -> T:
    """Return compute(ws) on the workspace opened read-only; errors stop with code 2."""
    try:
        with Workspace.open(workspace, create=False, read_only=True) as ws:
            return working(_("Reading the contacts"), lambda: compute(ws))
    except (WorkspaceError, ValueError) as exc:
        raise render.fail(render.error_text(exc)) from exc


def _print(as_json: bool, data: dict[str, Any], tables: Callable[[], Any]) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    else:
        render.show(tables())


channels_app = typer.Typer(
    help=N_("Show reachability: S1, speed of answer, abandons, handling time."),
    invoke_without_command=True,
)
channels_app.command(
    "shift",
    help=N_("Show who used a personal channel for a matter a self-service channel handles."),
)(shift_command)


@channels_app.callback()
def channels_command(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help=N_("Workspace file."))
    ] = None,
    target: TargetOption = "80/20",
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Show S1, speed of answer and abandon rate, handling time, S3 and the abandon curve."""
    if ctx.invoked_subcommand is not None:
        return
    if workspace is None:
        raise render.fail(_("Missing option --workspace (-w): the workspace file."))
    try:
        goal = parse_target(target)
    except ValueError as exc:
        raise render.fail(render.error_text(exc)) from exc
    options = settings_of(workspace).options(
        answer_target_seconds=goal.seconds, answer_target_percent=goal.percent
    )
    overview = _run(workspace, lambda ws: channels_overview(ws, options, target=str(goal)))
    _print(as_json, overview.to_dict(), lambda: channels_tables(overview))


def channels_tables(overview: ChannelsOverview) -> Group:
    """Return the figures, the abandon curve, contacts per ticket, exclusions and notes."""
    rows = []
    assumed: dict[str, int] = {}
    for f in overview.figures:
        name = render.plain(find(f.metric).card.name(current_language()))
        value = figure(f.value, f.unit, average=f.statistic in ("mean", "median", "p90", "asa"))
        for a in f.assumptions:
            if a["count"]:
                assumed[f"{f.metric}: {render.plain(_(a['text']))}"] = int(a["count"])
        count = sum(int(a["count"]) for a in f.assumptions)
        rows.append(
            [
                f"{f.metric} {name}",
                render.plain(statistic_label(f.statistic)),
                value,
                whole(f.n),
                whole(f.excluded),
                whole(count),
            ]
        )
    parts: list[Table] = [
        simple_table(
            _("Reachability, target {target}").format(target=overview.target),
            [_("Metric"), _("Statistic"), _("Value"), "n", _("Excluded"), _("Assumptions")],
            rows,
            left=2,
        )
    ]
    curve = overview.curve
    parts.append(
        simple_table(
            _("Abandon curve ({estimator})").format(estimator=_(curve.estimator)),
            [_("Waited"), _("Still waiting"), _("Abandoned"), _("Answered"), _("Abandon share")],
            [
                [
                    f"{decimal(b.from_seconds, 0)}–{figure(b.to_seconds, 'seconds')}"
                    if b.to_seconds is not None
                    else f"≥ {figure(b.from_seconds, 'seconds')}",
                    whole(b.waiting),
                    whole(b.abandoned),
                    whole(b.answered),
                    share(b.abandon_share),
                ]
                for b in curve.buckets
            ],
        )
    )
    mix = overview.mix
    parts.append(
        simple_table(
            _("Contacts by channel"),
            [_("Channel"), _("Contacts"), _("Share"), _("Self-service")],
            [
                [v.channel, whole(v.contacts), share(v.share), _("yes") if v.self_service else ""]
                for v in mix.volumes
            ],
        )
    )
    repeats = overview.repeats
    if repeats.tickets:
        parts.append(
            simple_table(
                _("Contacts per ticket"),
                [_("Tickets"), _("Contacts per ticket"), _("Share with repeat contacts")],
                [
                    [
                        whole(repeats.tickets),
                        decimal(repeats.per_ticket, 2),
                        share(repeats.repeat_share),
                    ]
                ],
                left=0,
            )
        )
    excluded = [f"{reason_text(r)}: {whole(n)}" for r, n in curve.excluded.items()]
    if excluded:
        parts.append(notes_table(_("Contacts left out"), excluded))
    if assumed:
        parts.append(
            notes_table(_("Assumptions"), [f"{k}: {whole(n)}" for k, n in assumed.items()])
        )
    notes = [n for found in overview.notes.values() for n in found]
    notes += [f"{metric}: {why}" for metric, why in overview.no_data.items()]
    if curve.patience_seconds is not None:
        notes.append(
            _("Mean patience (abandons over time waited): {value}").format(
                value=duration(curve.patience_seconds)
            )
        )
    if notes:
        parts.append(notes_table(_("Notes"), notes))
    return Group(*parts)


def staffing_command(
    workspace: WorkspaceOption,
    target: TargetOption = "80/20",
    interval: Annotated[str, typer.Option(help=N_("Interval length, e.g. 30min."))] = "30min",
    shrinkage: Annotated[
        str, typer.Option(help=N_("Share of paid time not on the phones, e.g. 30%."))
    ] = "0%",
    what_if: Annotated[
        list[str] | None,
        typer.Option("--what-if", help=N_("Another target to size for, e.g. 90/20 (repeatable).")),
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Show per interval the arrivals, handling time, agents needed and predicted service."""
    try:
        goal = parse_target(target)
        minutes = parse_interval(interval)
        lost = parse_shrinkage(shrinkage)
        others = tuple(parse_target(t) for t in what_if or ())
    except ValueError as exc:
        raise render.fail(render.error_text(exc)) from exc
    options = settings_of(workspace).options(
        answer_target_seconds=goal.seconds, answer_target_percent=goal.percent
    )
    plan = _run(
        workspace,
        lambda ws: staffing_plan(
            ws, options, target=goal, shrinkage=lost, minutes=minutes, what_if=others
        ),
    )
    _print(as_json, plan.to_dict(), lambda: staffing_tables(plan))


def _agents(value: int | None) -> str:
    return "–" if value is None else whole(value)


def staffing_tables(plan: StaffingPlan) -> Group:
    """Return the weekly profile, the what-if and the model against the observed service."""
    rows = [
        [
            _(WEEKDAYS[p.weekday - 1]),
            p.start,
            decimal(p.offered, 1),
            duration(p.aht_seconds),
            _agents(p.required_agents),
            _agents(p.scheduled_agents),
            _agents(p.required_agents_erlang_a),
            decimal(p.observed_agents, 1),
            share(p.predicted_service_level),
            share(p.predicted_service_level_erlang_a),
            share(p.observed_service_level),
        ]
        for p in plan.profile
        if p.offered > 0
    ]
    parts: list[Table] = [
        simple_table(
            _("Staffing for {target}, shrinkage {shrinkage} (mean day per weekday)").format(
                target=plan.target, shrinkage=share(plan.shrinkage, 0)
            ),
            [
                _("Day"),
                _("Time"),
                _("Arrivals"),
                _("AHT"),
                _("Agents (C)"),
                _("Scheduled"),
                _("Agents (A)"),
                _("Observed agents"),
                _("Predicted (C)"),
                _("Predicted (A)"),
                _("Observed"),
            ],
            rows,
            left=2,
        ),
        simple_table(
            _("What if the target changes"),
            [_("Target"), _("Agent hours a week"), _("Peak scheduled agents")],
            [
                [w.target, decimal(w.agent_hours_per_week, 0), whole(w.peak_scheduled_agents)]
                for w in plan.what_if
            ],
        ),
    ]
    notes = [
        _(
            "Predicted against observed service level over {n} intervals with at least 10 "
            "calls: mean difference {c} (Erlang C), {a} (Erlang A)."
        ).format(
            n=plan.compared_intervals,
            c=share(plan.mean_abs_error_erlang_c),
            a=share(plan.mean_abs_error_erlang_a),
        ),
        _(plan.notes[0]),
    ]
    if plan.patience_seconds is not None:
        notes.append(
            _("Erlang A patience from the data: {value}").format(
                value=duration(plan.patience_seconds)
            )
        )
    if plan.unsized_intervals:
        notes.append(
            _("{n} intervals had calls but no handled call: no handling time to size by.").format(
                n=plan.unsized_intervals
            )
        )
    notes += [f"{reason_text(r)}: {whole(n)}" for r, n in plan.excluded.items()]
    parts.append(notes_table(_("Notes"), notes))
    return Group(*parts)
