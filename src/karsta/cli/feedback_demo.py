"""`karsta feedback synthetic`: write the demo's synthetic survey answers as a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.cli.process_shared import fail
from karsta.feedback.synthetic import write_synthetic_surveys
from karsta.i18n import N_, _
from karsta.workspace import WorkspaceError, open_source


def synthetic_command(
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help=N_("Workspace with the tickets."))
    ],
    out: Annotated[Path, typer.Option(help=N_("CSV file to write (for --preset survey)."))],
    seed: Annotated[int, typer.Option(help=N_("Seed of the random numbers."))] = 20160301,
    lang: LangOption = None,
) -> None:
    """Write synthetic survey answers about the workspace's resolved tickets."""
    try:
        with open_source(workspace) as source:
            result = write_synthetic_surveys(source, out, seed=seed)
    except (WorkspaceError, OSError) as exc:
        raise fail(render.error_text(exc)) from exc
    render.console().print(
        _(
            "Wrote {rows} rows: {sent} synthetic surveys sent, {answered} answered, to {path}. "
            "They are generated, not customers' answers: import them with --preset survey "
            "only into a demonstration workspace."
        ).format(
            rows=result.rows, sent=result.surveys_sent, answered=result.surveys_answered, path=out
        ),
        markup=False,
    )
