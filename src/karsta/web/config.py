"""What one running web app serves: the workspace, the app database, the login rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from karsta.web.database import default_database_url


@dataclass(frozen=True, kw_only=True)
class WebConfig:
    """The web app's settings; `karsta serve` fills them from its options."""

    workspace: Path
    database_url: str | None = None
    """The app database; None = SQLite beside the workspace (`<workspace>.app.sqlite`)."""
    session_lifetime: timedelta = timedelta(hours=12)
    max_login_failures: int = 5
    """Failed sign-ins per account, or per client address, before it must wait."""
    login_lockout: timedelta = timedelta(minutes=15)
    """How long failures count, and so how long a locked account or address waits."""
    upload_limit: int = 200 * 1024 * 1024
    """The largest export an upload may be, in bytes."""
    key_file: Path | None = None
    """The pseudonymisation key the server's imports use (never uploaded by a user)."""

    @property
    def database(self) -> str:
        """Return the app database URL."""
        return self.database_url or default_database_url(self.workspace)

    @property
    def mappings_folder(self) -> Path:
        """Return where the mapping wizard keeps its files (`<workspace>.mappings/`)."""
        return self.workspace.with_name(self.workspace.name + ".mappings")

    @property
    def settings_file(self) -> Path:
        """Return the workspace's settings file (`<workspace>.yaml`)."""
        return self.workspace.with_name(self.workspace.name + ".yaml")
