"""The workspace's settings file (`<workspace>.yaml`): read, checked field by field, saved safely.

The file the CLI reads (`karsta.metrics.config`) is changed only through `save`:
the changes are merged into the file as it is, every field is checked with the
rules the CLI applies (a message per field, nothing written while any is wrong),
and the new text is written to a temporary file beside it and moved into place
in one step, so a reader never sees half a file. One lock per file inside the
process makes every save (the settings page, the process map's stage editor)
the only writer of its moment; `expected` refuses a save whose editor started
from a file another save has changed since.

    saved = save(Path("desk.karsta"), {"targets": {"I10": "<= 2 %"}}, expected=before.text)
    saved.before, saved.after   # the file's text before and after, for the history

Comments of a hand-written file are not kept: the new file starts with a line
saying where it came from (the history of the web app keeps every earlier text).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from karsta.calendar import ServiceCalendar
from karsta.i18n import Message
from karsta.metrics.config import (
    KNOWN_KEYS,
    ConfigError,
    MetricConfig,
    config_path,
    parse_config,
    parse_target,
)

ORDER = (
    "targets",
    "service_hours",
    "holidays",
    "timezone",
    "desk_resolvable_categories",
    "waiting_statuses",
    "hourly_cost",
    "waiting_hourly_cost",
    "workaround_codes",
    "realtime_channels",
    "first_contact_minutes",
    "repeat_contact_days",
)
"""The keys in the order the file is written (keys not listed follow, sorted)."""
HEADER = (
    "# Settings of this workspace, read by karsta metrics, waste, process and the web app.\n"
    "# Saved by the web app's settings page; its history keeps every earlier version.\n"
)
CALENDAR_KEYS = ("service_hours", "holidays", "timezone")
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class SettingsInvalid(ValueError):
    """Some fields are wrong; `errors` maps each field ('targets.O2') to what is wrong."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class SettingsConflict(RuntimeError):
    """The file changed since the editor read it: saving would undo another change."""


@dataclass(frozen=True)
class SettingsFile:
    """A workspace's settings file as it is: its text (None: no file yet) and its keys."""

    path: Path
    text: str | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SavedSettings:
    """A save: the file's text before (None: it did not exist) and after, and its settings."""

    path: Path
    before: str | None
    after: str
    config: MetricConfig


def settings_path(workspace: Path) -> Path:
    """Return the settings file of the workspace at `workspace`."""
    return config_path(Path(workspace))


def read_settings(workspace: Path) -> SettingsFile:
    """Return the workspace's settings file; raise ConfigError when it is not valid YAML."""
    path = settings_path(workspace)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SettingsFile(path, None, {})
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(
            Message("{path}: not valid YAML: {error}", path=str(path), error=str(exc))
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            Message("{path}: expected a mapping of settings at the top level", path=str(path))
        )
    return SettingsFile(path, text, data)


def _problem(exc: Exception, source: str) -> str:
    """Return a config error's message (a Message naming `source` and the key)."""
    text = exc.args[0] if exc.args else str(exc)
    return text if isinstance(text, str) else str(text)


def check_settings(data: Mapping[str, Any], *, source: str = "settings") -> dict[str, str]:
    """Return what is wrong with each field of `data` ('targets.O2' → message); {} if nothing.

    Each field is checked by the rules `karsta metrics` reads the file with, so a
    file that passes here is read by the CLI too. Messages are `Message`s naming
    `source` (the file) and the key: English, shown translated.
    """
    errors: dict[str, str] = {}
    for key in sorted(set(data) - KNOWN_KEYS):
        errors[key] = Message(
            "{source}: {key}: unknown setting; known: {known}",
            source=source,
            key=key,
            known=", ".join(sorted(KNOWN_KEYS)),
        )
    calendar: dict[str, Any] = {"holidays": None}
    for key in ("holidays", "timezone"):
        value = data.get(key)
        if value is None:
            continue
        try:  # checked with any hours: without service hours the config reader skips them
            ServiceCalendar.parse("mon 08:00-16:00", **{**calendar, key: str(value)})
        except (ValueError, KeyError) as exc:
            errors[key] = Message(
                "{source}: {key}: {error}", source=source, key=key, error=exc.args[0]
            )
        else:
            calendar[key] = value
    for key, value in data.items():
        if key in errors or key in ("targets", "holidays", "timezone") or value is None:
            continue
        given = {**calendar, key: value} if key == "service_hours" else {key: value}
        try:
            parse_config(given, source)
        except ConfigError as exc:
            errors[key] = _problem(exc, source)
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        errors["targets"] = Message(
            "{source}: targets must be a mapping of metric ids to targets", source=source
        )
        return errors
    for metric, text in targets.items():
        try:
            parse_target(str(metric), str(text), service_hours=bool(data.get("service_hours")))
        except KeyError as exc:
            errors[f"targets.{metric}"] = Message(
                "{source}: targets.{metric}: {error}",
                source=source,
                metric=metric,
                error=exc.args[0],
            )
        except ConfigError as exc:
            errors[f"targets.{metric}"] = Message(
                "{source}: {error}", source=source, error=exc.args[0]
            )
    return errors


def _ordered(data: Mapping[str, Any]) -> dict[str, Any]:
    keys = [k for k in ORDER if k in data] + sorted(k for k in data if k not in ORDER)
    return {k: data[k] for k in keys}


def settings_text(data: Mapping[str, Any]) -> str:
    """Return the settings file's text for `data`: the header line, then the keys in order."""
    body = yaml.safe_dump(_ordered(data), allow_unicode=True, sort_keys=False, width=100)
    return HEADER + ("" if not data else body)


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.Lock())


def _write(path: Path, text: str) -> None:
    """Write `text` to `path` in one step: a temporary file beside it, then renamed."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_UNCHANGED = object()


def save(
    workspace: Path, changes: Mapping[str, Any], *, expected: str | object | None = _UNCHANGED
) -> SavedSettings:
    """Merge `changes` into the workspace's settings file and write it; return before and after.

    A change to None removes the key (its default applies); `targets` is replaced
    whole (give every target to keep). `expected` is the file's text the editor
    started from (None: no file): when the file changed since, `SettingsConflict`
    is raised and nothing is written. Raises `SettingsInvalid` with a message per
    wrong field (nothing written), `ConfigError` when the present file is not YAML.
    """
    path = settings_path(workspace)
    with _lock(path):
        current = read_settings(workspace)
        if expected is not _UNCHANGED and expected != current.text:
            raise SettingsConflict(
                Message(
                    "{path} was changed by someone else since this page was opened; "
                    "reload it and make the change again.",
                    path=path.name,
                )
            )
        merged = dict(current.data)
        for key, value in changes.items():
            if value is None or value == [] or value == {}:
                merged.pop(key, None)
            else:
                merged[key] = value
        errors = check_settings(merged, source=path.name)
        if errors:
            raise SettingsInvalid(errors)
        text = settings_text(merged)
        config = parse_config(merged, str(path))
        if text != current.text:
            _write(path, text)
        return SavedSettings(path, current.text, text, config)
