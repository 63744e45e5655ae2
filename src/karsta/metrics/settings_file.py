"""Writing the workspace's settings file: changed keys checked, the rest left as written.

The settings file (`<workspace>.yaml`) is the one the CLI and the web app read
(`karsta.metrics.config`). `update_settings` is the one writer: it applies changes to
top-level keys, checks the whole result as `load_config` would (a bad value is
refused and nothing is written), keeps every other key with its comments, and
replaces the file in one step, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from karsta.i18n import Message
from karsta.metrics.config import ConfigError, MetricConfig, load_config, parse_config

_WRITING = threading.Lock()
_TOP_LEVEL = re.compile(r"^(?P<key>[^\s#:][^:]*?)\s*:(?:\s|$)")


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    """Return the file's text and its keys (empty when the file does not exist)."""
    if not path.exists():
        return "", {}
    text = path.read_text(encoding="utf-8")
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
    return text, data


def _block(key: str, value: Any) -> list[str]:
    """Return the lines of one top-level key written as YAML."""
    text = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100)
    return text.splitlines(keepends=True)


def _rewritten(text: str, changes: Mapping[str, Any | None]) -> str:
    """Return `text` with the changed top-level keys replaced, removed or added at the end.

    A key's block is its line and the indented or blank lines after it.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    done: set[str] = set()
    skipping = False
    for line in lines:
        top = _TOP_LEVEL.match(line)
        if top is not None:
            key = top["key"].strip().strip("'\"")
            skipping = key in changes
            if skipping:
                done.add(key)
                if changes[key] is not None:
                    out += _block(key, changes[key])
                continue
        elif skipping and (not line.strip() or line[0] in " \t"):
            continue
        else:
            skipping = False
        out.append(line)
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    for key, value in changes.items():
        if key not in done and value is not None:
            out += _block(key, value)
    return "".join(out)


def update_settings(path: Path, changes: Mapping[str, Any | None]) -> MetricConfig:
    """Return the settings after writing `changes` (top-level key → value; None removes it).

    Raises ConfigError, naming the file and the key, when the result would not be
    valid settings; the file is then left as it was.
    """
    with _WRITING:
        text, data = _read(path)
        wanted = {k: v for k, v in {**data, **changes}.items() if v is not None}
        parse_config(wanted, str(path))
        new_text = _rewritten(text, changes)
        if (yaml.safe_load(new_text) or {}) != wanted:  # a layout the line edit cannot follow
            new_text = yaml.safe_dump(wanted, allow_unicode=True, sort_keys=False, width=100)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(new_text)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return load_config(path)
