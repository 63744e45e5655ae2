"""The seeded office log: repeatable, labelled as generated, and shaped as documented."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from karsta.visits import measure_visits
from karsta.visits.drivers import no_show_drivers
from karsta.visits.generate import (
    GeneratorSettings,
    add_generated_visits,
    generate_office_log,
    no_show_probability,
)
from karsta.visits.population import GENERATED_PREFIX
from karsta.workspace import Workspace, WorkspaceError

SMALL = GeneratorSettings(seed=5, days=10, customers_per_day=60, appointment_share=0.6)


def test_same_seed_same_log() -> None:
    assert generate_office_log(SMALL).equals(generate_office_log(SMALL))
    other = GeneratorSettings(seed=6, days=10, customers_per_day=60, appointment_share=0.6)
    assert not generate_office_log(SMALL).equals(generate_office_log(other))


def test_every_visit_is_marked_generated_and_shaped_as_documented() -> None:
    log = generate_office_log(SMALL)
    ids = log.column("visit_id").to_pylist()
    assert all(i.startswith(GENERATED_PREFIX) for i in ids)
    assert len(set(ids)) == len(ids)
    kinds = log.column("kind").to_pylist()
    # 60 customers a day, 60 % booked: 36 bookings each of the 10 weekdays.
    assert kinds.count("appointment") == 36 * 10
    # Walk-ins are Poisson with a mean of 24 a day: 240 expected over 10 days.
    assert 200 < kinds.count("walk-in") < 280
    # Every walk-in and every booked customer who came has a time of day for each step.
    came = log.filter(pc.invert(pc.fill_null(log.column("no_show"), True)))
    assert came.column("service_started_at").null_count == 0
    assert came.column("arrived_at").null_count == 0


def test_results_built_on_it_say_it_is_generated(workspace: Workspace) -> None:
    rows = add_generated_visits(workspace, generate_office_log(SMALL))
    measures = measure_visits(workspace)
    assert measures.provenance.generated == rows
    assert measures.provenance.label.startswith("GENERATED DATA")
    assert measures.to_dict()["provenance"]["generated"] is True
    assert no_show_drivers(workspace).to_dict()["provenance"]["generated"] is True


def test_the_same_log_twice_is_refused(workspace: Workspace) -> None:
    log = generate_office_log(SMALL)
    add_generated_visits(workspace, log)
    with pytest.raises(WorkspaceError, match="already holds"):
        add_generated_visits(workspace, log)
    assert workspace.count("visits") == log.num_rows


def test_reminders_and_lead_time_confound_as_in_real_data() -> None:
    # The generator's own rule: more no-shows the longer ahead, fewer after a reminder.
    assert no_show_probability(0, False) == pytest.approx(0.04)
    assert no_show_probability(20, False) == pytest.approx(0.04 + 0.24)
    assert no_show_probability(20, True) == pytest.approx(0.7 * 0.28)


def test_a_pseudonymised_workspace_gets_no_generated_visits(workspace: Workspace) -> None:
    from karsta.ingest.protection import PSEUDONYMISED

    workspace.set_setting(PSEUDONYMISED, "true")
    with pytest.raises(WorkspaceError, match="pseudonymised"):
        add_generated_visits(workspace, generate_office_log(SMALL))
    assert workspace.count("visits") == 0
