"""The office model calibrated on a workspace: what came from the data, what is a default."""

from __future__ import annotations

from karsta.visits.calibrate import calibrate
from karsta.visits.simulate import simulate_office
from karsta.workspace import Workspace
from tests.visits.conftest import insert_visits
from tests.visits.office import OFFICE_DAY


def test_calibration_counts_every_default(workspace: Workspace) -> None:
    insert_visits(workspace, OFFICE_DAY)
    model, inputs, provenance = calibrate(workspace, advisers=2, appointment_share=0.5)
    source = {i.name: i.from_data for i in inputs}
    # Eight visits over two office-days; a4 was cancelled beforehand and is no demand:
    # 1 visit on 4.9. and 6 on 5.9., mean 3.5 a day from the data; too few of the rest.
    assert source == {
        "customers_per_day": True,
        "open_minutes": False,
        "no_show_rate": False,
        "service_minutes": False,
    }
    assert model.customers_per_day == 3.5
    assert model.no_show_rate == 0.10
    assert provenance.visits == 8
    result = simulate_office(model, replications=2, days=1, inputs=inputs, provenance=provenance)
    assert len(result.to_dict()["assumptions"]) == 3
