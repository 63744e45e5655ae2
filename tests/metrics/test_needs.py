"""Metrics on a log that lacks what they need: 'cannot be computed' with what to map, never 0.

The log (Helsinki winter time) has two tickets and names neither status classes,
levels nor groups, so before the needs were checked it gave 0 % first-contact and
first-level resolution, 0 % escalation and both tickets open.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from karsta.ingest import import_file, load_mapping_file
from karsta.metrics.compute import MetricResult, compute_metrics
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource"
ROWS = [
    "T1,Registered,2024-03-04 09:00:00,A",
    "T1,Working,2024-03-04 10:00:00,B",
    "T1,Done,2024-03-04 12:00:00,B",
    "T2,Registered,2024-03-05 09:00:00,A",
    "T2,Done,2024-03-05 09:30:00,A",
]
BARE = "extends: event-log\ninfer_status_classes: false\n"
# The same log with its statuses named: T1 resolved after 3 h, T2 after 0.5 h.
CLASSES = BARE + "status_classes:\n  new: [Registered]\n  active: [Working]\n  resolved: [Done]\n"

NO_RESOLUTION = (
    "no ticket is resolved — map which statuses mean resolved (status_classes: resolved) "
    "or the column of the resolution time (source_resolved_at)"
)
NO_LEVEL = (
    "no ticket has the level where it was resolved — map the support level (columns: level, "
    "or group_levels) or the assignment group (columns: group)"
)
NO_GROUP = "no event has an assignment group — map the assignment group (columns: group)"
NO_REOPENS = (
    "no status is classified as work going on, so a reopen does not show — map which statuses "
    "mean work goes on (status_classes: active) or the reopen counter (source_reopen_count)"
)


def run(
    tmp_path: Path, workspace: Workspace, mapping: str, metric_ids: str
) -> dict[str, MetricResult]:
    log = tmp_path / "log.csv"
    log.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text(mapping, encoding="utf-8")
    import_file(log, workspace=workspace, mapping=load_mapping_file(mapping_file))
    results = compute_metrics(workspace, metrics=metric_ids.split(","))
    return {r.id: r for r in results}


@pytest.mark.parametrize(
    ("metric_id", "reason"),
    [
        ("S2", f"{NO_RESOLUTION}; {NO_LEVEL}; {NO_REOPENS}"),
        ("I10", f"{NO_RESOLUTION}; {NO_REOPENS}"),
        ("O1", f"{NO_RESOLUTION}; {NO_LEVEL}"),
        ("O2", NO_RESOLUTION),
        ("O3", NO_RESOLUTION),
        ("ESC", NO_GROUP),
    ],
)
def test_without_status_classes_levels_or_groups_the_figures_say_what_to_map(
    tmp_path: Path, workspace: Workspace, metric_id: str, reason: str
) -> None:
    result = run(tmp_path, workspace, BARE, metric_id)[metric_id]
    assert result.rows == []
    assert result.no_data == f"cannot be computed: {reason}"


def test_with_the_classes_named_the_time_figures_come_and_levels_are_still_asked_for(
    tmp_path: Path, workspace: Workspace
) -> None:
    results = run(tmp_path, workspace, CLASSES, "O2,O1,O3")
    o2 = {r["statistic"]: r for r in results["O2"].rows}
    assert (o2["mean"]["value"], o2["mean"]["n"]) == (1.75, 2)  # (3 h + 0.5 h) / 2
    assert results["O1"].no_data == f"cannot be computed: {NO_LEVEL}"
    o3 = {r["statistic"]: r for r in results["O3"].rows}
    assert o3["count"]["value"] == 0.0  # both resolved by the end of the data: none open
