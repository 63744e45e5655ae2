"""What a running web app holds: its settings, the app database, the result cache, the writer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from karsta.web.config import WebConfig
from karsta.web.import_queue import ImportQueue
from karsta.web.results import WorkspaceResults
from karsta.web.uploads import Uploads
from karsta.web.workspace_gate import WorkspaceGate


@dataclass
class AppState:
    """The app's settings, database, the workspace's results, uploads and its one writer."""

    config: WebConfig
    engine: Engine
    sessions: sessionmaker[Session]
    results: WorkspaceResults
    gate: WorkspaceGate
    uploads: Uploads
    imports: ImportQueue
