"""The settings file's one writer in the web app: `karsta.settings.save`, with its history.

Every page that changes the workspace's settings (the settings page, the process
map's stage editor) saves through `save_settings`: the file is written by
`karsta.settings.save` (checked field by field, in one step, one save at a time)
and the change — who, when, the file's text before and after — is recorded in
the app database's settings history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from karsta import settings
from karsta.web.models import SettingsChange
from karsta.web.state import AppState

UNCHANGED = object()


def save_settings(
    state: AppState,
    user_id: int | None,
    changes: Mapping[str, Any],
    *,
    expected: str | object | None = UNCHANGED,
) -> settings.SavedSettings:
    """Save `changes` into the workspace's settings file and record the change in its history.

    `expected` is the file's text the editor started from (see `karsta.settings.save`).
    Raises `SettingsInvalid` (a message per field) or `SettingsConflict`; nothing is
    written or recorded then. A save that changes nothing records nothing.
    """
    if expected is UNCHANGED:
        saved = settings.save(state.config.workspace, changes)
    else:
        saved = settings.save(state.config.workspace, changes, expected=expected)
    if saved.before != saved.after:
        with state.sessions.begin() as db:
            db.add(SettingsChange(user_id=user_id, before=saved.before, after=saved.after))
    return saved
