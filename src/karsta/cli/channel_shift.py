"""`karsta channels shift`: who used a personal channel for a matter self-service handles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Group
from rich.table import Table

from karsta.channels.shift import (
    ChannelShift,
    ShiftGroup,
    ShiftOptions,
    channel_shift,
    parse_matter_channels,
)
from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.cli.process_shared import (
    emit,
    fail,
    notes_table,
    settings_of,
    simple_table,
    working,
)
from karsta.formatting import period, share, whole
from karsta.i18n import N_, _
from karsta.metrics.periods import PERIOD_KINDS, PeriodKind
from karsta.workspace import Workspace, WorkspaceError

BY = {"segment": N_("Segment"), "matter": N_("Matter")}
NOT_RECORDED = {"segment": N_("(segment not recorded)"), "matter": N_("(matter not recorded)")}


def shift_command(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help=N_("Workspace file."))],
    matter_channel: Annotated[
        list[str] | None,
        typer.Option(
            "--matter-channel",
            help=N_(
                "A matter a self-service channel handles, as MATTER=CHANNEL (repeat; added "
                "to the settings' matter_channels)."
            ),
        ),
    ] = None,
    by: Annotated[str, typer.Option(help=N_("Rows per segment or per matter."))] = "segment",
    per: Annotated[
        str, typer.Option("--period", help=N_("Period of the trend: day, week, month, …"))
    ] = "month",
    as_json: Annotated[
        bool, typer.Option("--json", help=N_("Print JSON instead of tables."))
    ] = False,
    lang: LangOption = None,
) -> None:
    """Print per segment or matter the personal-channel contacts and visits a self-service
    channel could have handled, the customers who used only personal channels, and the trend."""
    if by not in BY:
        raise fail(_("--by: choose segment or matter; got {by!r}.").format(by=by))
    if per not in PERIOD_KINDS:
        raise fail(
            _("--period: choose one of {kinds}; got {per!r}.").format(
                kinds=", ".join(PERIOD_KINDS), per=per
            )
        )
    settings = settings_of(workspace)
    try:
        options = ShiftOptions(
            matter_channels=settings.matter_channels | parse_matter_channels(matter_channel or []),
            period=cast(PeriodKind, per),
            timezone=settings.timezone,
        )
        with Workspace.open(workspace, create=False, read_only=True) as ws:
            result = working(_("Reading the contacts"), lambda: channel_shift(ws, options))
    except (WorkspaceError, ValueError) as exc:
        raise fail(render.error_text(exc)) from exc
    emit("json" if as_json else "table", result.to_dict(), lambda: shift_tables(result, by))


def _row(label: str, g: ShiftGroup) -> list[str]:
    interval = "" if g.low is None else f"{share(g.low)} – {share(g.high)}"
    return [
        label,
        whole(g.personal_contacts),
        whole(g.personal_visits),
        whole(g.matter_missing),
        whole(g.shiftable),
        share(g.share),
        interval,
        whole(g.customers),
        whole(g.personal_only_customers),
        whole(g.shiftable_customers),
    ]


def _label(g: ShiftGroup, by: str) -> str:
    if g.key is None:
        return _(NOT_RECORDED[by])
    if by == "matter" and g.channel:
        return f"{render.plain(g.key)} → {render.plain(g.channel)}"
    return render.plain(g.key)


def shift_tables(result: ChannelShift, by: str = "segment") -> Group:
    """Return the groups of `by` with the whole, the trend and what was left out or assumed."""
    groups = result.by_segment if by == "segment" else result.by_matter
    rows = [_row(_label(g, by), g) for g in groups]
    rows.append(_row(_("All"), result.total))
    columns = [
        _(BY[by]),
        _("Personal contacts"),
        _("Visits"),
        _("No matter"),
        _("Self-service matter"),
        _("Share"),
        _("95 % interval (Wilson)"),
        _("Customers"),
        _("Only personal channels"),
        _("With a self-service matter"),
    ]
    parts: list[Table] = [
        simple_table(
            _("Channel shift: personal-channel contacts and visits whose matter self-service "
              "handles"),
            columns,
            rows,
        )
    ]  # fmt: skip
    if result.trend:
        parts.append(
            simple_table(
                _("Personal-channel share of the matters self-service handles"),
                [_("Period"), _("Personal"), _("Contacts and visits"), _("Share"),
                 _("95 % interval (Wilson)")],
                [
                    [period(p.period), whole(p.personal), whole(p.n), share(p.share),
                     f"{share(p.low)} – {share(p.high)}"]
                    for p in result.trend
                ],
            )
        )  # fmt: skip
    left_out = [f"{render.plain(c.reason)}: {whole(c.count)}" for c in result.exclusions]
    if left_out:
        parts.append(notes_table(_("Left out"), left_out))
    notes = [f"{render.plain(c.reason)}: {whole(c.count)}" for c in result.assumptions]
    notes += [render.plain(n) for n in result.notes]
    notes.append(
        _("Self-service channels: {channels}").format(
            channels=", ".join(result.options.self_service_channels)
        )
    )
    if result.not_computed is not None:
        notes.insert(0, render.plain(result.not_computed))
    parts.append(notes_table(_("Notes"), notes))
    return Group(*parts)
