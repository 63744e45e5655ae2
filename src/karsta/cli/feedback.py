"""The `karsta feedback` commands: what customers and staff say in surveys."""

from __future__ import annotations

import typer

from karsta.cli.feedback_demo import synthetic_command
from karsta.cli.feedback_scores import scores_command
from karsta.cli.feedback_staff import quiet_period_command, turnover_command
from karsta.cli.feedback_themes import themes_command
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
feedback_app.command(
    "quiet-period",
    help=N_(
        "How often the same respondent was surveyed, and the response rate by days since "
        "their previous survey."
    ),
)(quiet_period_command)
feedback_app.command(
    "turnover", help=N_("Staff turnover per period: starters, leavers and turnover %.")
)(turnover_command)
feedback_app.command(
    "synthetic",
    help=N_(
        "Write synthetic survey answers about a workspace's resolved tickets (for a demo), "
        "as a CSV for --preset survey."
    ),
)(synthetic_command)
feedback_app.command(
    "themes", help=N_("Themes in open answers, with trend, scores, examples and recurrence.")
)(themes_command)
