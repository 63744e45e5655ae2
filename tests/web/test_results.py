"""Results are computed once per workspace version, from a read-only workspace."""

from __future__ import annotations

import os
from pathlib import Path

from karsta.web.access import EVERYTHING, DataScope
from karsta.web.results import WorkspaceResults, file_version


def test_results_are_kept_until_the_workspace_or_its_settings_change(desk_file: Path) -> None:
    settings = desk_file.with_name("desk.karsta.yaml")
    results = WorkspaceResults(desk_file, settings)
    calls: list[str] = []

    def count(ws: object) -> int:
        calls.append("computed")
        return len(calls)

    assert results.get("q", EVERYTHING, count) == 1
    assert results.get("q", EVERYTHING, count) == 1  # kept
    assert results.get("q", DataScope(groups=("A",)), count) == 2  # another scope
    stat = settings.stat()
    os.utime(settings, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert results.get("q", EVERYTHING, count) == 3  # the settings changed


def test_pages_leave_the_workspace_file_as_it_was(desk_file: Path) -> None:
    before = file_version(desk_file)
    results = WorkspaceResults(desk_file, desk_file.with_name("desk.karsta.yaml"))
    card = results.get("scorecard", EVERYTHING, lambda ws: ws.scorecard())  # type: ignore[attr-defined]
    assert card.period == "2024-03"
    assert file_version(desk_file) == before
    assert not desk_file.with_name("desk.karsta.wal").exists()


def test_a_settings_change_of_the_same_size_and_time_is_a_new_version(desk_file: Path) -> None:
    settings = desk_file.with_name("desk.karsta.yaml")
    results = WorkspaceResults(desk_file, settings)
    before = results.version()
    stat = settings.stat()
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("30 %", "10 %"), encoding="utf-8")  # same size
    os.utime(settings, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    assert settings.stat().st_size == stat.st_size
    assert results.version() != before
