"""Status classes inferred from activity names at import: safe names only, the mapping wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from karsta.ingest import import_file, load_mapping_file, load_preset
from karsta.ingest.status_names import infer_status_classes, status_class_of
from karsta.workspace import Workspace


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Resolve ticket", "resolved"),
        ("RESOLVED", "resolved"),
        ("Solved", "resolved"),
        ("Ratkaistu", "resolved"),
        ("Ärendet löst", "resolved"),
        ("Closed", "closed"),
        ("Close case", "closed"),
        ("Suljettu", "closed"),
        ("Stängd", "closed"),
        ("Avslutad", "closed"),
        ("Cancelled", "cancelled"),
        ("Peruttu", "cancelled"),
        ("Avbruten", "cancelled"),
        ("Wait", "waiting"),
        ("Pending", "waiting"),
        ("On hold", "waiting"),
        ("Waiting for customer", "waiting"),
        ("Awaiting vendor", "waiting"),
        ("Odottaa asiakasta", "waiting"),
        ("Väntar på kund", "waiting"),
        # Other words make a name ambiguous: left unclassified.
        ("Resolve SW anomaly", None),
        ("Waiting for support", None),
        ("Resolved and closed", None),
        ("Take in charge ticket", None),
        ("Closed loop feedback sent", None),
        ("Assign seriousness", None),
        ("INVALID", None),
        ("-100", None),
    ],
)
def test_a_name_gives_a_class_only_beyond_doubt(name: str, expected: str | None) -> None:
    assert status_class_of(name) == expected


def test_the_mappings_own_classes_are_never_inferred() -> None:
    inferred = infer_status_classes(["Closed", "Wait", "Resolve ticket"], {"Closed": "resolved"})
    assert inferred == {"Resolve ticket": "resolved", "Wait": "waiting"}


HEADER = "case:concept:name,concept:name,time:timestamp"
ROWS = [
    # T1: resolved 11:00, closed 12:00. T2: waits 1 h, resolved 11:30.
    "T1,Insert ticket,2024-03-04 09:00:00",
    "T1,Resolve ticket,2024-03-04 11:00:00",
    "T1,Closed,2024-03-04 12:00:00",
    "T2,Insert ticket,2024-03-04 09:00:00",
    "T2,Wait,2024-03-04 10:00:00",
    "T2,Resolve SW anomaly,2024-03-04 11:00:00",
    "T2,Resolve ticket,2024-03-04 11:30:00",
]


def write_log(path: Path) -> Path:
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def classes(ws: Workspace) -> dict[str, str | None]:
    return dict(
        ws.connection.execute(
            "SELECT DISTINCT activity, status_class FROM ticket_events"
        ).fetchall()
    )


def test_an_event_log_without_classes_gets_them_from_its_names(
    tmp_path: Path, workspace: Workspace
) -> None:
    report = import_file(
        write_log(tmp_path / "log.csv"), workspace=workspace, mapping=load_preset("event-log")
    )
    assert report.inferred_status_classes == {
        "Closed": "closed",
        "Resolve ticket": "resolved",
        "Wait": "waiting",
    }
    assert (
        "status classes inferred from activity names: "
        "Closed → closed, Resolve ticket → resolved, Wait → waiting"
    ) in report.notes
    assert classes(workspace) == {
        "Insert ticket": None,
        "Resolve ticket": "resolved",
        "Closed": "closed",
        "Wait": "waiting",
        "Resolve SW anomaly": None,
    }
    recorded = workspace.connection.execute(
        "SELECT import_id, activity, status_class FROM inferred_status_classes ORDER BY 2"
    ).fetchall()
    assert recorded == [
        (1, "Closed", "closed"),
        (1, "Resolve ticket", "resolved"),
        (1, "Wait", "waiting"),
    ]
    resolved = dict(
        workspace.connection.execute("SELECT ticket_id, resolved_at FROM tickets").fetchall()
    )
    assert {k: v.strftime("%H:%M") for k, v in resolved.items()} == {"T1": "09:00", "T2": "09:30"}


def test_the_mapping_overrides_an_inferred_class(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("extends: event-log\nstatus_classes:\n  active: [Wait]\n", encoding="utf-8")
    report = import_file(
        write_log(tmp_path / "log.csv"), workspace=workspace, mapping=load_mapping_file(path)
    )
    assert report.inferred_status_classes == {"Closed": "closed", "Resolve ticket": "resolved"}
    assert classes(workspace)["Wait"] == "active"


def test_inference_can_be_turned_off(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("extends: event-log\ninfer_status_classes: false\n", encoding="utf-8")
    report = import_file(
        write_log(tmp_path / "log.csv"), workspace=workspace, mapping=load_mapping_file(path)
    )
    assert report.inferred_status_classes == {}
    assert set(classes(workspace).values()) == {None}
