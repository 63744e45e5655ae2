"""What a running web app holds: its settings, the app database and the result cache."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from karsta.web.config import WebConfig
from karsta.web.results import WorkspaceResults


@dataclass
class AppState:
    """The app's settings, database engine and sessions, and the workspace's results."""

    config: WebConfig
    engine: Engine
    sessions: sessionmaker[Session]
    results: WorkspaceResults
