"""Presets proposed by how many of their columns an export's header has."""

from __future__ import annotations

from pathlib import Path

from karsta.ingest import propose_mapping
from karsta.ingest.mapping import load_preset

HELPDESK = Path(__file__).resolve().parents[2].parent / "shared/data/helpdesk-italy"


def test_the_helpdesk_log_is_proposed_the_event_log_preset() -> None:
    header = (HELPDESK / "helpdesk_named_disco.csv").read_text().splitlines()[0].split(",")
    proposal = propose_mapping(header)
    assert proposal.best is not None
    assert proposal.best.preset == "event-log"
    # event-log reads 9 columns; the log has 4 of them: case, activity, timestamp, resource.
    assert proposal.best.found == (
        "case:concept:name",
        "concept:name",
        "time:timestamp",
        "org:resource",
    )
    assert proposal.best.score == 4
    assert len(proposal.best.wanted) == 9
    others = [s for s in proposal.scores if s.preset != "event-log"]
    assert all(not s.usable for s in others)  # none has its ticket id and time columns


def test_a_servicenow_header_is_proposed_servicenow_over_a_partial_match() -> None:
    servicenow = load_preset("servicenow")
    header = [*servicenow.columns.values(), "case:concept:name", "concept:name", "time:timestamp"]
    proposal = propose_mapping(header)
    assert proposal.best is not None
    # servicenow finds all 17 of its columns, event-log 3 of 9.
    assert [(s.preset, s.score) for s in proposal.scores[:2]] == [
        ("servicenow", 17),
        ("event-log", 3),
    ]


def test_a_preset_missing_its_required_columns_is_never_proposed() -> None:
    # Many of Zendesk's columns, but not its ticket id ("Id") nor its opening time.
    header = ["Status", "Updated at", "Assignee", "Group", "Priority", "Via"]
    proposal = propose_mapping(header)
    zendesk = next(s for s in proposal.scores if s.preset == "zendesk")
    assert zendesk.score == 6
    assert zendesk.missing_required == ("Id", "Created at")
    assert proposal.best is None


def test_an_unknown_export_gets_no_proposal() -> None:
    assert propose_mapping(["Tiketti", "Tila", "Aikaleima"]).best is None


def test_a_column_named_twice_counts_for_its_numbered_reading() -> None:
    jira = load_preset("jira-sm")
    header = [c.removesuffix("[1]") for c in jira.columns.values()]
    score = next(s for s in propose_mapping(header).scores if s.preset == "jira-sm")
    assert "Component/s[1]" in score.found


def test_record_exports_are_proposed_their_presets() -> None:
    calls = [
        "vru+line",
        "call_id",
        "customer_id",
        "priority",
        "type",
        "date",
        "vru_entry",
        "vru_exit",
        "vru_time",
        "q_start",
        "q_exit",
        "q_time",
        "outcome",
        "ser_start",
        "ser_exit",
        "ser_time",
        "server",
    ]
    assert propose_mapping(calls).scores[0].preset == "acd"
    assert propose_mapping(calls).scores[0].usable
    visits = [
        "PatientId",
        "AppointmentID",
        "Gender",
        "ScheduledDay",
        "AppointmentDay",
        "Age",
        "Neighbourhood",
        "Scholarship",
        "Hipertension",
        "Diabetes",
        "Alcoholism",
        "Handcap",
        "SMS_received",
        "No-show",
    ]
    assert propose_mapping(visits).scores[0].preset == "visits"
    # Without its key's columns a record preset cannot read the file.
    assert not propose_mapping(["call_id", "date"]).scores[0].usable
