"""The `karsta feedback` commands: what customers and staff say in surveys."""

from __future__ import annotations

import typer

from karsta.cli.feedback_scores import scores_command
from karsta.i18n import N_

feedback_app = typer.Typer(
    help=N_("Survey scores and what customers and staff say."), no_args_is_help=True
)
feedback_app.command(
    "scores",
    help=N_(
        "Every survey instrument's score per period: interval, answers, response rate and "
        "change from the previous period with its test."
    ),
)(scores_command)
