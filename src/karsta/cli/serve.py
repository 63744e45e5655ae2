"""`karsta serve`: the web app on a workspace."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from karsta.cli import render
from karsta.cli.options import LangOption
from karsta.i18n import _
from karsta.workspace.server_note import server_note


def serve(
    workspace: Annotated[
        Path, typer.Option("--workspace", "-w", help="Workspace file the pages read.")
    ],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database: Annotated[
        str | None,
        typer.Option(
            help="App database (users, settings history): sqlite:///FILE or "
            "postgresql://USER@HOST/DB (default: <workspace>.app.sqlite beside it)."
        ),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            help="Pseudonymisation key of the workspace's imports (uploads into a "
            "pseudonymised workspace need it; never uploaded by a user)."
        ),
    ] = None,
    upload_limit: Annotated[
        int, typer.Option(help="Largest export an upload may be, in megabytes.", min=1)
    ] = 200,
    lang: LangOption = None,
) -> None:
    """Serve the web app; the first visit creates the admin."""
    import uvicorn

    from karsta.web import WebConfig, create_app
    from karsta.web.database import DatabaseError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        app = create_app(
            WebConfig(
                workspace=workspace.resolve(),
                database_url=database,
                key_file=None if key_file is None else key_file.resolve(),
                upload_limit=upload_limit * 1024 * 1024,
            )
        )
    except DatabaseError as exc:
        raise render.fail(str(exc)) from exc
    render.console(stderr=True).print(
        _("Karsta serves {workspace} at http://{host}:{port}/ (Ctrl+C stops it).").format(
            workspace=workspace, host=host, port=port
        )
    )
    # No access log of uvicorn's own: it would name every client's address.
    url = f"http://{host}:{port}/"
    with server_note(workspace.resolve(), url):  # a refused CLI import names the server
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
