"""What a source has, asked of its tables: the same answers from a workspace and its export."""

from __future__ import annotations

from pathlib import Path

from karsta.ingest import import_file, load_mapping_file
from karsta.workspace import Workspace, open_source
from karsta.workspace.coverage import (
    AGENTS,
    CHANNELS,
    FIRST_RESPONSE,
    GROUPS,
    LEVELS,
    NEEDS,
    REOPENS,
    RESOLUTION,
    RESOLVING_LEVEL,
    STATUS_CLASSES,
    WAITING,
    cannot_compute,
    source_coverage,
)

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
# T1 waits, then is resolved by group L2; T2 is still new. No channel, no level column.
ROWS = [
    "T1,New,2024-03-04 09:00:00,A,SD",
    "T1,Wait,2024-03-04 10:00:00,A,SD",
    "T1,Resolved,2024-03-04 12:00:00,B,L2",
    "T2,New,2024-03-05 09:00:00,A,SD",
]


def test_what_a_small_log_has(tmp_path: Path, workspace: Workspace) -> None:
    log = tmp_path / "log.csv"
    log.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("extends: event-log\nstatus_classes:\n  new: [New]\n", encoding="utf-8")
    import_file(log, workspace=workspace, mapping=load_mapping_file(mapping))
    coverage = source_coverage(workspace)
    # Classified: 2 New (mapping), Wait and Resolved (inferred from the names) = 4 events.
    assert (coverage.events["classified"], coverage.events["waiting"]) == (4, 1)
    assert (coverage.tickets["resolved"], coverage.tickets["resolving_level"]) == (1, 1)
    present = {need for need in NEEDS if coverage.has(need)}
    # No active status: neither a first response nor a reopen can be told; levels only
    # from the groups (intake SD, resolved by L2: level 2), none on the events.
    assert present >= {STATUS_CLASSES, RESOLUTION, WAITING, RESOLVING_LEVEL, GROUPS, AGENTS}
    assert coverage.lacking([FIRST_RESPONSE, REOPENS, LEVELS, CHANNELS]) == [
        FIRST_RESPONSE,
        REOPENS,
        LEVELS,
        CHANNELS,
    ]
    assert cannot_compute([LEVELS]) == (
        "cannot be computed: no event has a support level — "
        "map the support level (columns: level, or group_levels)"
    )
    # The export answers alike (another source of the same tables).
    out = tmp_path / "export"
    workspace.export(out)
    with open_source(out) as exported:
        assert source_coverage(exported) == coverage
