"""The offices of the visits, as pickers list them."""

from __future__ import annotations

from karsta.visits.population import OfficeVisits, office_visits
from karsta.workspace import Workspace
from tests.visits.conftest import insert_visits


def test_offices_most_visits_first_and_visits_without_an_office_counted(
    workspace: Workspace,
) -> None:
    assert office_visits(workspace) == ()
    rows = [
        {"visit_id": "1", "kind": "walk-in", "office": "Kallio"},
        {"visit_id": "2", "kind": "walk-in", "office": "Itäkeskus"},
        {"visit_id": "3", "kind": "walk-in", "office": "Itäkeskus"},
        {"visit_id": "4", "kind": "walk-in"},
    ]
    insert_visits(workspace, rows)
    assert office_visits(workspace) == (
        OfficeVisits("Itäkeskus", 2),
        OfficeVisits("Kallio", 1),
        OfficeVisits(None, 1),
    )
