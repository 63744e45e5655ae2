"""The `karsta feedback` commands: what customers and staff say in surveys."""

from __future__ import annotations

import typer

from karsta.cli.feedback_themes import themes_command
from karsta.i18n import N_

feedback_app = typer.Typer(
    help=N_("Survey scores and what customers and staff say."), no_args_is_help=True
)
feedback_app.command(
    "themes", help=N_("Themes in open answers, with trend, scores, examples and recurrence.")
)(themes_command)
