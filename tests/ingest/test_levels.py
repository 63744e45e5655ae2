"""Support levels from a mapped column: used, read from text forms and value maps, or left empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from karsta.ingest import MappingError, import_file, load_mapping_file
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:group,Tukitaso"


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def mapping(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return load_mapping_file(path)


def levels(ws: Workspace) -> list[tuple[str, int | None]]:
    return ws.connection.execute(
        "SELECT ticket_id, level FROM ticket_events ORDER BY source_row"
    ).fetchall()


TEXT_LEVELS = """
extends: event-log
columns:
  level: Tukitaso
values:
  level:
    Service desk: 1
    Asiantuntijat: 3
"""


def test_text_levels_are_read_from_common_forms_and_the_value_map(
    tmp_path: Path, workspace: Workspace
) -> None:
    forms = [
        "L1", "Level 2", "2nd line", "Taso 3", "1", "T2", "first line", "1. taso",
        "Nivå 2", "2:a linjen", "toisen tason tuki", "Service desk", "Asiantuntijat",
    ]  # fmt: skip
    expected = [1, 2, 2, 3, 1, 2, 1, 1, 2, 2, 2, 1, 3]
    rows = [f"T{i},Work,2024-03-04 09:{i:02d}:00,SD,{form}" for i, form in enumerate(forms)]
    report = import_file(
        write(tmp_path / "log.csv", rows),
        workspace=workspace,
        mapping=mapping(tmp_path, TEXT_LEVELS),
    )
    assert (report.rows_loaded, report.rows_rejected, report.values_left_empty) == (13, 0, 0)
    assert [level for _t, level in levels(workspace)] == expected


def test_an_unreadable_level_is_left_empty_and_counted_not_the_row_rejected(
    tmp_path: Path, workspace: Workspace
) -> None:
    rows = [
        "T1,New,2024-03-04 09:00:00,SD,L1",
        "T1,Work,2024-03-04 10:00:00,Experts,Expert team",  # no level in it, not in the map
        "T1,Done,2024-03-04 11:00:00,Experts,L3",
    ]
    report = import_file(
        write(tmp_path / "log.csv", rows),
        workspace=workspace,
        mapping=mapping(tmp_path, TEXT_LEVELS),
    )
    # 3 rows read, 3 loaded, none rejected; one value left empty, named with its line.
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    reason = "not a support level (name its number under values: level)"
    assert [(g.column, g.reason, g.rows, g.first_line) for g in report.empty_groups] == [
        ("Tukitaso", reason, 1, 3)
    ]
    assert levels(workspace) == [("T1", 1), ("T1", None), ("T1", 3)]
    stored = workspace.connection.execute(
        "SELECT line, source_column, canonical_column, value, reason, row_loaded FROM rejects"
    ).fetchall()
    assert stored == [(3, "Tukitaso", "level", "Expert team", reason, True)]


def test_a_mapped_level_column_is_used_and_group_levels_fill_its_gaps(
    tmp_path: Path, workspace: Workspace
) -> None:
    text = TEXT_LEVELS + "group_levels:\n  SD: 1\n  Network: 2\n"
    rows = [
        "T1,New,2024-03-04 09:00:00,SD,",  # no level written: SD is level 1 by the group map
        "T1,Work,2024-03-04 10:00:00,SD,3",  # the column wins over the group map
        "T1,Resolve ticket,2024-03-04 11:00:00,Network,",  # Network: level 2
        "T2,New,2024-03-04 09:00:00,Other,",  # neither: unknown
    ]
    import_file(
        write(tmp_path / "log.csv", rows), workspace=workspace, mapping=mapping(tmp_path, text)
    )
    assert levels(workspace) == [("T1", 1), ("T1", 3), ("T1", 2), ("T2", None)]
    resolving = workspace.connection.execute(
        "SELECT resolving_level FROM tickets WHERE ticket_id = 'T1'"
    ).fetchone()
    assert resolving == (2,)  # the level at the resolving event (resolved inferred from its name)


def test_integer_levels_without_groups_decide_where_a_ticket_was_resolved(
    tmp_path: Path, workspace: Workspace
) -> None:
    rows = [
        "T1,New,2024-03-04 09:00:00,,1",
        "T1,Work,2024-03-04 10:00:00,,2",
        "T1,Resolved,2024-03-04 11:00:00,,2",
        "T2,New,2024-03-04 09:00:00,,1",
        "T2,Resolved,2024-03-04 09:30:00,,1",
    ]
    import_file(
        write(tmp_path / "log.csv", rows),
        workspace=workspace,
        mapping=mapping(tmp_path, "extends: event-log\ncolumns:\n  level: Tukitaso\n"),
    )
    found = dict(
        workspace.connection.execute("SELECT ticket_id, resolving_level FROM tickets").fetchall()
    )
    assert found == {"T1": 2, "T2": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("group_levels:\n  SD: first\n", "group_levels.SD: the level must be a whole number"),
        ("group_levels:\n  SD: 0\n", "group_levels.SD: the level must be a whole number"),
        ("values:\n  level:\n    Desk: first\n", "values.level.Desk: the level must be"),
    ],
)
def test_levels_in_the_mapping_must_be_whole_numbers(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(MappingError, match=message):
        mapping(tmp_path, "extends: event-log\n" + text)
