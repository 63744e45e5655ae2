"""Stages and customer value on the hand-checked log (tests/process/fixtures.py), by hand.

Stage of each event, proposed from the status classes (New: new, Active: active,
Awaiting User Info: waiting, Resolved: resolved, Closed: closed):

    A: intake 0, work 1, waiting 3, work 7, work 8, resolution 10, work 12,
       resolution 13, closing 37
    B: intake 0, work 2, resolution 5, closing 6
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from karsta.ingest.stages import (
    MAPPING_STAGES_SETTING,
    StageDeclaration,
    parse_stage_declaration,
    stages_json,
)
from karsta.process import ProcessAnalysis, ProcessFilters, WaitingRules
from karsta.process.stages import NO_STAGE
from karsta.workspace import Workspace
from tests.process.fixtures import HOUR
from tests.process.logs import Event


def edges(analysis: ProcessAnalysis, **options: object) -> dict[tuple[str, str], tuple[int, float]]:
    data = analysis.map(**options).to_dict()  # type: ignore[arg-type]
    return {(e["source"], e["target"]): (e["count"], e["wait_total_s"]) for e in data["edges"]}


def test_stages_and_marks_are_proposed_from_the_status_classes(hand_log: Workspace) -> None:
    found = ProcessAnalysis(hand_log).stages
    assert found.defined_by == "proposed"
    assert [(s.name, s.activities, s.events) for s in found.stages] == [
        ("intake", ("New",), 2),
        ("work", ("Active",), 5),
        ("waiting", ("Awaiting User Info",), 1),
        ("resolution", ("Resolved",), 3),
        ("closing", ("Closed",), 2),
    ]
    # The queue counts as waiting by default, so intake is waste; working adds value.
    assert found.stage_values() == {
        "intake": "waste",
        "work": "value-adding",
        "waiting": "waste",
        "resolution": "necessary",
        "closing": "necessary",
    }
    assert found.step_values()["Awaiting User Info"] == "waste"
    assert {s.value_from for s in [*found.stages, *found.steps]} == {"proposed"}
    # Without the queue counted as waiting, intake is necessary.
    rules = WaitingRules(queue_is_waiting=False)
    assert ProcessAnalysis(hand_log, waiting=rules).stages.stage_values()["intake"] == "necessary"


def test_the_stage_map_is_the_map_over_each_events_stage(hand_log: Workspace) -> None:
    found = edges(ProcessAnalysis(hand_log), by="stage")
    assert found == {
        ("intake", "work"): (2, 3 * HOUR),  # A 0→1, B 0→2
        ("work", "waiting"): (1, 2 * HOUR),  # A 1→3
        ("waiting", "work"): (1, 4 * HOUR),  # A 3→7
        ("work", "work"): (1, 1 * HOUR),  # A 7→8
        ("work", "resolution"): (3, 6 * HOUR),  # A 8→10, 12→13, B 2→5
        ("resolution", "work"): (1, 2 * HOUR),  # A 10→12
        ("resolution", "closing"): (2, 25 * HOUR),  # A 13→37, B 5→6
    }
    # Repeats collapsed: A's work runs 7→10 as one stay.
    collapsed = edges(ProcessAnalysis(hand_log), by="stage", collapse_repeats=True)
    assert collapsed[("work", "resolution")] == (3, 7 * HOUR)  # A 7→10, 12→13, B 2→5
    assert ("work", "work") not in collapsed
    data = ProcessAnalysis(hand_log).map(by="stage").to_dict()
    assert data["customer_value"]["waiting"] == "waste"
    assert data["stage_nodes"] == ["intake", "work", "waiting", "resolution", "closing"]


def test_a_stage_opens_into_its_steps_among_the_other_stages(hand_log: Workspace) -> None:
    declared = StageDeclaration(
        stages=(
            ("intake", ("New",)),
            ("handling", ("Active", "Awaiting User Info")),
            ("done", ("Resolved", "Closed")),
        )
    )
    analysis = ProcessAnalysis(hand_log, stages=declared)
    found = edges(analysis, by="stage", open_stage="handling")
    assert found == {
        ("intake", "Active"): (2, 3 * HOUR),
        ("Active", "Awaiting User Info"): (1, 2 * HOUR),
        ("Awaiting User Info", "Active"): (1, 4 * HOUR),
        ("Active", "Active"): (1, 1 * HOUR),
        ("Active", "done"): (3, 6 * HOUR),
        ("done", "Active"): (1, 2 * HOUR),
        ("done", "done"): (2, 25 * HOUR),  # Resolved → Closed inside the closed stage
    }
    data = analysis.map(by="stage", open_stage="handling").to_dict()
    assert data["open_stage"] == "handling"
    assert data["stage_nodes"] == ["intake", "done"]
    # The open stage's steps carry their own marks, the other stages theirs.
    assert data["customer_value"]["Active"] == "value-adding"
    assert data["customer_value"]["Awaiting User Info"] == "waste"
    with pytest.raises(ValueError, match="no stage named 'nowhere'"):
        analysis.map(by="stage", open_stage="nowhere")


def test_declared_stages_and_marks_win_and_the_rest_is_named(hand_log: Workspace) -> None:
    declared = parse_stage_declaration(
        {"before": ["New"], "doing": ["Active", "Awaiting User Info"]},
        {"steps": {"Active": "necessary"}, "stages": {"before": "waste"}},
        "settings",
    )
    found = ProcessAnalysis(hand_log, stages=declared).stages
    assert found.defined_by == "settings"
    assert found.unstaged == ("Resolved", "Closed")
    assert {s.activity: s.stage for s in found.steps}["Closed"] == NO_STAGE
    step = {s.activity: (s.value, s.value_from) for s in found.steps}
    assert step["Active"] == ("necessary", "settings")
    assert step["Awaiting User Info"] == ("waste", "proposed")
    stage = {s.name: (s.value, s.value_from) for s in found.stages}
    assert stage["before"] == ("waste", "settings")
    # doing: its steps disagree; its busiest step (Active, 5 events) is necessary.
    assert stage["doing"] == ("necessary", "proposed")
    nodes = {
        n["id"]
        for n in ProcessAnalysis(hand_log, stages=declared).map(by="stage").to_dict()["nodes"]
    }
    assert nodes == {"before", "doing", NO_STAGE}


def test_the_mapping_recorded_at_import_comes_after_the_settings(hand_log: Workspace) -> None:
    mapped = parse_stage_declaration({"all": ["New", "Active"]}, None, "my-desk")
    hand_log.set_setting(MAPPING_STAGES_SETTING, stages_json("my-desk", mapped))
    try:
        found = ProcessAnalysis(hand_log).stages
        assert (found.defined_by, found.mapping) == ("mapping", "my-desk")
        assert found.names() == ("all",)
        settings = StageDeclaration(stages=(("one", ("New",)),))
        assert ProcessAnalysis(hand_log, stages=settings).stages.names() == ("one",)
    finally:
        hand_log.connection.execute("DELETE FROM settings WHERE key = ?", [MAPPING_STAGES_SETTING])


def test_without_status_classes_stages_are_not_proposed(
    log_workspace: Callable[..., Workspace],
) -> None:
    ws = log_workspace([("T", 0, "Open", None, None, None), ("T", 1, "Done", None, None, None)])
    analysis = ProcessAnalysis(ws)
    found = analysis.stages
    assert found.stages == ()
    assert [n.figure for n in found.not_computed] == ["proposed stages and customer value"]
    assert {s.value for s in found.steps} == {None}
    data = analysis.map(by="stage").to_dict()
    assert data["nodes"] == []
    assert data["edges"] == []
    assert "proposed stages and customer value" in [n["figure"] for n in data["not_computed"]]


def test_stages_count_only_the_filtered_tickets(hand_log: Workspace) -> None:
    only_b = ProcessFilters(variants=(("New", "Active", "Resolved", "Closed"),))
    found = ProcessAnalysis(hand_log, filters=only_b).stages
    assert {s.activity: s.events for s in found.steps} == {
        "New": 1,
        "Active": 1,
        "Resolved": 1,
        "Closed": 1,
    }


def test_the_landscape_puts_services_side_by_side(hand_log: Workspace) -> None:
    found = ProcessAnalysis(hand_log).landscape(by="category_close", top=1)
    # Category at close: A Software, B Intake; one ticket each, top 1 by name.
    assert [(s.value, s.tickets, s.share) for s in found.services] == [("Intake", 1, 0.5)]
    assert (found.other_values, found.other_tickets, found.unknown_tickets) == (1, 1, 0)
    intake = {
        (e["source"], e["target"]): e["count"] for e in found.services[0].map.to_dict()["edges"]
    }
    assert intake == {
        ("intake", "work"): 1,
        ("work", "resolution"): 1,
        ("resolution", "closing"): 1,
    }
    # No column has two values among the intake columns: the first one, without values.
    default = ProcessAnalysis(hand_log).landscape()
    assert (default.by, default.services, default.unknown_tickets) == ("ticket_type", (), 2)
    with pytest.raises(ValueError, match="no column 'nothing'"):
        ProcessAnalysis(hand_log).landscape(by="nothing")


def test_ticket_values_list_what_a_filter_can_choose(hand_log: Workspace) -> None:
    assert ProcessAnalysis(hand_log).ticket_values(("category_close", "channel")) == {
        "category_close": [
            {"value": "Intake", "tickets": 1},
            {"value": "Software", "tickets": 1},
        ],
        "channel": [],
    }


def test_a_declaration_is_checked() -> None:
    with pytest.raises(ValueError, match="'Active' is in both 'a' and 'b'"):
        parse_stage_declaration({"a": ["Active"], "b": ["Active"]}, None, "x.yaml")
    with pytest.raises(ValueError, match="'great' is not one of"):
        parse_stage_declaration(None, {"steps": {"Active": "great"}}, "x.yaml")
    with pytest.raises(ValueError, match="must list the stage's activities"):
        parse_stage_declaration({"a": []}, None, "x.yaml")
    with pytest.raises(ValueError, match="has the name of an activity"):
        parse_stage_declaration({"New": ["Active"], "b": ["New"]}, None, "x.yaml")
    declared = parse_stage_declaration({"a": "Active"}, {"stages": {"a": "waste"}}, "x.yaml")
    assert declared.to_dict() == {
        "stages": {"a": ["Active"]},
        "customer_value": {"stages": {"a": "waste"}},
    }


def test_events_of_unclassified_status_are_work(log_workspace: Callable[..., Workspace]) -> None:
    events: list[Event] = [
        ("T", 0, "New", None, None, None),
        ("T", 1, "Triage", None, None, None),  # no class: a working stay
        ("T", 2, "Resolved", None, None, None),
    ]
    found = ProcessAnalysis(log_workspace(events)).stages
    step = {s.activity: (s.stage, s.kind, s.status_class, s.value) for s in found.steps}
    assert step["Triage"] == ("work", "working", None, "value-adding")
