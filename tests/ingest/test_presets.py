"""The built-in presets on small exports written in each vendor's documented format.

Every expected value is computed by hand. Naive source times are Helsinki wall-clock
times: UTC+2 in winter, UTC+3 from the last Sunday of March (31 March 2024, 27 March 2016).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from karsta.ingest import (
    ImportReport,
    MappingError,
    import_file,
    load_mapping_file,
    load_preset,
    preset_names,
)
from karsta.workspace import Workspace


def utc(text: str) -> datetime:
    """Return an aware UTC datetime from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    """Write rows as an RFC 4180 CSV file (quoted where needed), empty cells for absent keys."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def tickets(ws: Workspace) -> dict[str, dict[str, Any]]:
    """Return the tickets table keyed by ticket id."""
    cursor = ws.connection.execute("SELECT * FROM tickets")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def events(ws: Workspace, ticket_id: str) -> list[tuple[Any, ...]]:
    """Return (seq, timestamp, activity, status_class, source_row) of a ticket's events."""
    return ws.connection.execute(
        "SELECT seq, timestamp, activity, status_class, source_row FROM ticket_events "
        "WHERE ticket_id = ? ORDER BY seq",
        [ticket_id],
    ).fetchall()


def pauses(ws: Workspace) -> list[tuple[Any, ...]]:
    """Return every pause as (ticket_id, status, started_at, ended_at)."""
    return ws.connection.execute(
        "SELECT ticket_id, status, started_at, ended_at FROM ticket_pauses ORDER BY 1, 3"
    ).fetchall()


def assert_clean(report: ImportReport, rows: int) -> None:
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (rows, rows, 0)
    assert report.reject_groups == []


# --- every preset ---------------------------------------------------------------------------


def test_the_vendor_presets_are_built_in() -> None:
    assert {"servicenow", "event-log", "jira-sm", "zendesk"} <= set(preset_names())


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_loads_and_is_documented(name: str) -> None:
    mapping = load_preset(name)
    assert mapping.name == name
    assert mapping.title
    assert mapping.title != name
    assert len(mapping.description) > 80
    if mapping.records is not None:  # a record table: its key filled, its people personal
        assert set(mapping.records.target.key) <= mapping.records.filled()
        people = {"caller_id", "agent", "customer_id", "adviser", "respondent_id"}
        assert mapping.personal >= people & set(mapping.records.target.column_names)
        return
    assert {"ticket_id"} <= set(mapping.columns)
    assert mapping.personal >= {"caller_id", "agent"} & set(mapping.columns)
    assert mapping.pause_statuses <= set(mapping.status_classes)
    for milestone in mapping.milestones:
        assert milestone.column in mapping.columns
        assert mapping.status_classes.get(milestone.activity) == milestone.status_class


def test_each_preset_says_whether_its_rows_are_snapshots_of_the_record(tmp_path: Path) -> None:
    # ServiceNow's audit rows and one-row-per-ticket exports hold the whole record; an
    # event log's rows record single events.
    tickets = [name for name in preset_names() if load_preset(name).records is None]
    snapshots = {name: load_preset(name).snapshots for name in tickets}
    assert snapshots == {"event-log": False, "jira-sm": True, "servicenow": True, "zendesk": True}
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: event-log\nrows: snapshot\n", encoding="utf-8")
    with pytest.raises(MappingError, match="rows must be 'events' or 'snapshots'"):
        load_mapping_file(bad)


@pytest.mark.parametrize("name", ["jira-sm", "zendesk"])
def test_ticket_exports_leave_the_locale_dependent_date_format_to_detection(name: str) -> None:
    mapping = load_preset(name)
    assert mapping.layout == "tickets"
    assert mapping.read.timestamp_format is None
    assert mapping.timezone == "Europe/Helsinki"


# --- ServiceNow (the UCI incident event log) -------------------------------------------------

SERVICENOW_HEADER = (
    "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,"
    "caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,"
    "sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,"
    "urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,"
    "problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at"
)


def servicenow_row(
    number: str,
    state: str,
    counts: tuple[str, str, int],
    updated: str,
    group: str,
    agent: str,
    *,
    contact: str = "Phone",
    resolved: str = "?",
    closed: str = "?",
    code: str = "?",
) -> str:
    """Return one row of the UCI log; counts = (reassignment_count, reopen_count, mod)."""
    reassigned, reopened, mod = counts
    active = "false" if state in ("Resolved", "Closed") else "true"
    return (
        f"{number},{state},{active},{reassigned},{reopened},{mod},true,Caller 2403,"
        f"Opened by  8,29/2/2016 01:16,Created by 6,29/2/2016 01:23,Updated by 21,{updated},"
        f"{contact},Location 143,Category 55,Subcategory 170,Symptom 72,?,2 - Medium,"
        f"2 - Medium,3 - Moderate,{group},{agent},true,false,Do Not Notify,?,?,?,?,{code},"
        f"Resolved by 149,{resolved},{closed}"
    )


@pytest.fixture
def servicenow(tmp_path: Path, workspace: Workspace) -> tuple[Workspace, ImportReport]:
    rows = [
        servicenow_row("INC0000045", "New", ("0", "0", 0), "29/2/2016 01:23", "Group 56", "?"),
        # Two updates in the same minute, written in the wrong order: sys_mod_count decides.
        servicenow_row(
            "INC0000045", "Active", ("1", "0", 2), "29/2/2016 08:53", "Group 70", "Resolver 89"
        ),
        servicenow_row(
            "INC0000045", "Active", ("0", "0", 1), "29/2/2016 08:53", "Group 56", "Resolver 17"
        ),
        servicenow_row(
            "INC0000045",
            "Awaiting User Info",
            ("1", "0", 3),
            "1/3/2016 09:00",
            "Group 70",
            "Resolver 89",
        ),
        servicenow_row(
            "INC0000045", "Active", ("1", "0", 4), "2/3/2016 10:30", "Group 70", "Resolver 89"
        ),
        servicenow_row(
            "INC0000045",
            "Resolved",
            ("1", "0", 5),
            "2/3/2016 11:29",
            "Group 70",
            "Resolver 89",
            resolved="2/3/2016 11:29",
            code="code 5",
        ),
        servicenow_row(
            "INC0000045",
            "Closed",
            ("1", "0", 6),
            "7/3/2016 12:00",
            "Group 70",
            "Resolver 89",
            resolved="2/3/2016 11:29",
            closed="7/3/2016 12:00",
            code="code 5",
        ),
        # Counters missing ("?"): reopenings and reassignments are derived from the events.
        servicenow_row(
            "INC0000047", "New", ("?", "?", 0), "1/3/2016 09:00", "Group A", "?", contact="Email"
        ),
        servicenow_row(
            "INC0000047",
            "Active",
            ("?", "?", 1),
            "1/3/2016 09:10",
            "Group A",
            "Agent X",
            contact="Email",
        ),
        servicenow_row(
            "INC0000047",
            "Active",
            ("?", "?", 2),
            "1/3/2016 10:00",
            "Group B",
            "Agent Y",
            contact="Email",
        ),
        servicenow_row(
            "INC0000047",
            "Resolved",
            ("?", "?", 3),
            "1/3/2016 11:00",
            "Group B",
            "Agent Y",
            contact="Email",
            resolved="1/3/2016 11:00",
        ),
        servicenow_row(
            "INC0000047",
            "Active",
            ("?", "?", 4),
            "2/3/2016 08:00",
            "Group B",
            "Agent Y",
            contact="Email",
        ),
        servicenow_row(
            "INC0000047",
            "Resolved",
            ("?", "?", 5),
            "2/3/2016 09:00",
            "Group C",
            "Agent Z",
            contact="Email",
            resolved="2/3/2016 09:00",
        ),
    ]
    path = tmp_path / "incident_event_log.csv"
    path.write_text("\n".join([SERVICENOW_HEADER, *rows]) + "\n", encoding="utf-8")
    report = import_file(path, workspace=workspace, mapping=load_preset("servicenow"))
    return workspace, report


def test_servicenow_accounting(servicenow: tuple[Workspace, ImportReport]) -> None:
    _ws, report = servicenow
    assert_clean(report, 13)
    assert report.events_new == 13
    assert report.tickets_created == 2


def test_servicenow_ties_are_ordered_by_sys_mod_count(
    servicenow: tuple[Workspace, ImportReport],
) -> None:
    ws, _ = servicenow
    # File lines 3 (mod 2) and 4 (mod 1) share 08:53; mod 1 comes first.
    assert [e[4] for e in events(ws, "INC0000045")] == [2, 4, 3, 5, 6, 7, 8]
    assert [e[0] for e in events(ws, "INC0000045")] == list(range(1, 8))


def test_servicenow_closed_ticket(servicenow: tuple[Workspace, ImportReport]) -> None:
    ws, _ = servicenow
    t = tickets(ws)["INC0000045"]
    assert t["opened_at"] == utc("2016-02-28 23:16")  # 29/2/2016 01:16 at UTC+2
    assert t["resolved_at"] == utc("2016-03-02 09:29")
    assert t["closed_at"] == utc("2016-03-07 10:00")
    assert t["first_response_at"] == utc("2016-02-29 06:53")
    assert (t["status"], t["status_class"]) == ("Closed", "closed")
    assert (t["reopen_count"], t["reassignment_count"]) == (0, 1)  # the source's counters
    assert (t["channel"], t["ticket_type"], t["caller_id"]) == ("phone", "incident", "Caller 2403")
    assert (t["intake_group"], t["resolving_group"], t["resolving_agent"]) == (
        "Group 56",
        "Group 70",
        "Resolver 89",
    )
    assert t["resolution_code"] == "code 5"
    assert t["pause_seconds"] == 25.5 * 3600  # 1/3 09:00 to 2/3 10:30
    assert t["event_count"] == 7


def test_servicenow_pause_interval(servicenow: tuple[Workspace, ImportReport]) -> None:
    ws, _ = servicenow
    assert pauses(ws) == [
        ("INC0000045", "Awaiting User Info", utc("2016-03-01 07:00"), utc("2016-03-02 08:30"))
    ]


def test_servicenow_counters_derived_when_missing(
    servicenow: tuple[Workspace, ImportReport],
) -> None:
    ws, _ = servicenow
    t = tickets(ws)["INC0000047"]
    assert t["reopen_count"] == 1  # Resolved -> Active on 2/3 08:00
    assert t["reassignment_count"] == 2  # Group A/Agent X -> Group B/Agent Y -> Group C/Agent Z
    assert (t["group_count"], t["agent_count"]) == (3, 3)
    assert t["resolved_at"] == utc("2016-03-02 07:00")  # the final resolution
    assert t["closed_at"] is None
    assert (t["status_class"], t["channel"]) == ("resolved", "email")
    assert (t["resolving_group"], t["resolving_level"]) == ("Group C", 2)


# --- Jira Service Management -------------------------------------------------------------------

# "Export CSV (all fields)": multi-value fields repeat their column (Component/s here).
JIRA_HEADER = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Priority",
    "Resolution",
    "Assignee",
    "Reporter",
    "Creator",
    "Created",
    "Updated",
    "Last Viewed",
    "Resolved",
    "Component/s",
    "Component/s",
    "Custom field (Request Type)",
    "Custom field (Request participants)",
    "Custom field (Time to resolution)",
]


def jira(key: str, **fields: str) -> dict[str, str]:
    return {"Issue key": key, "Issue id": str(10000 + int(key.split("-")[1])), **fields}


@pytest.fixture
def jira_import(tmp_path: Path, workspace: Workspace) -> tuple[Workspace, ImportReport]:
    rows = [
        jira(
            "ITS-1",
            Summary="Printer jams, again",
            **{
                "Issue Type": "Incident",
                "Status": "Closed",
                "Priority": "High",
                "Resolution": "Done",
                "Assignee": "anna.agent",
                "Reporter": "carl.customer",
                "Creator": "carl.customer",
                "Created": "04/Mar/24 9:05 AM",
                "Updated": "06/Mar/24 4:30 PM",
                "Resolved": "05/Mar/24 1:15 PM",
                "Component/s": "Printers",
                "Custom field (Request Type)": "Report a problem",
            },
        ),
        jira(
            "ITS-2",
            Summary="New laptop",
            **{
                "Issue Type": "Service request",
                "Status": "Waiting for customer",
                "Priority": "Medium",
                "Assignee": "ben.agent",
                "Reporter": "dora.customer",
                "Creator": "ben.agent",
                "Created": "11/Mar/24 10:00 AM",
                "Updated": "12/Mar/24 2:15 PM",
                "Custom field (Request Type)": "Request new hardware",
                "Custom field (Request participants)": "erik.customer",
            },
        ),
        jira(
            "ITS-3",
            Summary="Access to the HR system",
            **{
                "Issue Type": "Service request with approvals",
                "Status": "Resolved",
                "Priority": "Low",
                "Resolution": "Done",
                "Assignee": "anna.agent",
                "Reporter": "dora.customer",
                "Created": "28/Mar/24 11:00 PM",
                "Updated": "03/Apr/24 9:00 AM",  # a comment after the resolution
                "Resolved": "02/Apr/24 8:00 AM",  # summer time: UTC+3
                "Custom field (Request Type)": "Request access",
            },
        ),
        jira(
            "ITS-4",
            Summary="VPN question",
            **{
                "Issue Type": "Service request",
                "Status": "Waiting for support",
                "Priority": "Medium",
                "Reporter": "fred.customer",
                "Created": "12/Mar/24 12:00 PM",
                "Updated": "12/Mar/24 12:00 PM",
                "Custom field (Request Type)": "Get IT help",
            },
        ),
    ]
    path = write_csv(tmp_path / "Jira.csv", JIRA_HEADER, rows)
    report = import_file(path, workspace=workspace, mapping=load_preset("jira-sm"))
    return workspace, report


def test_jira_accounting_and_detected_format(jira_import: tuple[Workspace, ImportReport]) -> None:
    ws, report = jira_import
    assert_clean(report, 4)
    assert "Created: timestamps as %d/%b/%y %I:%M %p" in report.notes
    assert set(tickets(ws)) == {"ITS-1", "ITS-2", "ITS-3", "ITS-4"}


def test_jira_closed_incident(jira_import: tuple[Workspace, ImportReport]) -> None:
    ws, _ = jira_import
    t = tickets(ws)["ITS-1"]
    assert t["opened_at"] == utc("2024-03-04 07:05")
    assert t["resolved_at"] == utc("2024-03-05 11:15")
    assert t["closed_at"] == utc("2024-03-06 14:30")  # the Closed status at "Updated"
    assert (t["status"], t["status_class"], t["ticket_type"]) == ("Closed", "closed", "incident")
    assert (t["category_close"], t["subcategory_close"]) == ("Report a problem", "Printers")
    assert (t["priority"], t["resolution_code"]) == ("High", "Done")
    assert (t["caller_id"], t["resolving_agent"]) == ("carl.customer", "anna.agent")
    assert (t["reopen_count"], t["reassignment_count"], t["pause_seconds"]) == (0, 0, 0.0)
    assert events(ws, "ITS-1") == [
        (1, utc("2024-03-05 11:15"), "Resolved", "resolved", 2),
        (2, utc("2024-03-06 14:30"), "Closed", "closed", 2),
    ]


def test_jira_request_waiting_for_customer_is_paused(
    jira_import: tuple[Workspace, ImportReport],
) -> None:
    ws, _ = jira_import
    t = tickets(ws)["ITS-2"]
    assert (t["status"], t["status_class"], t["ticket_type"]) == (
        "Waiting for customer",
        "waiting",
        "request",
    )
    assert t["opened_at"] == utc("2024-03-11 08:00")
    assert t["resolved_at"] is None
    assert t["closed_at"] is None
    assert pauses(ws) == [("ITS-2", "Waiting for customer", utc("2024-03-12 12:15"), None)]


def test_jira_resolved_status_is_covered_by_the_resolution_time(
    jira_import: tuple[Workspace, ImportReport],
) -> None:
    ws, _ = jira_import
    t = tickets(ws)["ITS-3"]
    assert t["opened_at"] == utc("2024-03-28 21:00")  # winter time, UTC+2
    assert t["resolved_at"] == utc("2024-04-02 05:00")  # summer time, UTC+3
    assert (t["status"], t["ticket_type"], t["event_count"]) == ("Resolved", "request", 1)
    assert t["closed_at"] is None


def test_jira_untouched_request_is_new(jira_import: tuple[Workspace, ImportReport]) -> None:
    ws, _ = jira_import
    t = tickets(ws)["ITS-4"]
    assert (t["status"], t["status_class"]) == ("Waiting for support", "new")
    assert t["first_response_at"] is None
    assert t["resolving_agent"] is None


# --- Zendesk -------------------------------------------------------------------------------------

ZENDESK_HEADER = [
    "Summation column",
    "Id",
    "Requester",
    "Requester id",
    "Requester external id",
    "Requester email",
    "Requester domain",
    "Submitter",
    "Assignee",
    "Group",
    "Subject",
    "Tags",
    "Status",
    "Priority",
    "Via",
    "Ticket type",
    "Created at",
    "Updated at",
    "Assigned at",
    "Organization",
    "Due date",
    "Initially assigned at",
    "Solved at",
    "Resolution time",
    "Satisfaction Score",
    "Group stations",
    "Assignee stations",
    "Reopens",
    "Replies",
    "First reply time in minutes",
    "First reply time in minutes within business hours",
    "Full resolution time in minutes",
    "Agent wait time in minutes",
    "Requester wait time in minutes",
    "On hold time in minutes",
]


def seconds(text: str) -> str:
    """Return a naive time as Zendesk's CSV export writes it (account time zone)."""
    return text + ":00"


def zendesk(ticket_id: int, **fields: str) -> dict[str, str]:
    base = {
        "Summation column": "1",
        "Id": str(ticket_id),
        "Requester": "Maija Meikäläinen",
        "Requester id": f"36{ticket_id}",
        "Requester email": "maija@example.fi",
        "Requester domain": "example.fi",
        "Submitter": "Maija Meikäläinen",
        "Subject": f"Ticket {ticket_id}",
        "Tags": "vpn laptop",
        "Priority": "Normal",
        "Reopens": "0",
        "Replies": "1",
    }
    return base | fields


def zendesk_rows(stamp: Callable[[str], str]) -> list[dict[str, str]]:
    """Four tickets; `stamp` writes a naive 'YYYY-MM-DD HH:MM' time as the export does."""
    return [
        zendesk(
            101,
            **{
                "Assignee": "Anna Agent",
                "Group": "Support",
                "Status": "Closed",
                "Via": "Mail",
                "Ticket type": "Question",
                "Created at": stamp("2024-03-04 09:00"),
                "Updated at": stamp("2024-03-09 10:00"),
                "Assigned at": stamp("2024-03-04 09:30"),
                "Initially assigned at": stamp("2024-03-04 09:30"),
                "Solved at": stamp("2024-03-05 10:00"),
                "Group stations": "1",
                "Assignee stations": "1",
                "First reply time in minutes": "45",
            },
        ),
        zendesk(
            102,
            **{
                "Assignee": "Ben Agent",
                "Group": "Support",
                "Status": "Pending",
                "Priority": "High",
                "Via": "Web form",
                "Ticket type": "Incident",
                "Created at": stamp("2024-03-11 08:00"),
                "Updated at": stamp("2024-03-11 12:30"),
                "Solved at": "",
            },
        ),
        zendesk(
            103,
            **{
                "Assignee": "Ben Agent",
                "Group": "Tier 2",
                "Status": "Open",
                "Via": "Voice",
                "Ticket type": "Problem",
                "Created at": stamp("2024-03-01 08:00"),
                "Updated at": stamp("2024-03-04 10:00"),
                "Solved at": stamp("2024-03-02 09:00"),
                "Reopens": "2",
            },
        ),
        zendesk(
            104,
            **{
                "Assignee": "-",
                "Group": "-",
                "Status": "New",
                "Via": "Chat",
                "Ticket type": "-",
                "Created at": stamp("2024-03-12 14:15"),
                "Updated at": stamp("2024-03-12 14:15"),
                "Solved at": "-",
            },
        ),
    ]


@pytest.fixture
def zendesk_import(tmp_path: Path, workspace: Workspace) -> tuple[Workspace, ImportReport]:
    path = write_csv(tmp_path / "export.csv", ZENDESK_HEADER, zendesk_rows(seconds))
    report = import_file(path, workspace=workspace, mapping=load_preset("zendesk"))
    return workspace, report


def test_zendesk_accounting(zendesk_import: tuple[Workspace, ImportReport]) -> None:
    ws, report = zendesk_import
    assert_clean(report, 4)
    assert "Created at: ISO 8601 timestamps" in report.notes
    assert set(tickets(ws)) == {"101", "102", "103", "104"}


def test_zendesk_channels_and_types(zendesk_import: tuple[Workspace, ImportReport]) -> None:
    ws, _ = zendesk_import
    found = {k: (t["channel"], t["ticket_type"]) for k, t in tickets(ws).items()}
    assert found == {
        "101": ("email", "request"),
        "102": ("portal", "incident"),
        "103": ("phone", "incident"),
        "104": ("chat", None),
    }


def test_zendesk_closed_ticket(zendesk_import: tuple[Workspace, ImportReport]) -> None:
    ws, _ = zendesk_import
    t = tickets(ws)["101"]
    assert t["opened_at"] == utc("2024-03-04 07:00")
    assert t["resolved_at"] == utc("2024-03-05 08:00")
    assert t["closed_at"] == utc("2024-03-09 08:00")  # the Closed status at "Updated at"
    assert (t["status"], t["status_class"]) == ("Closed", "closed")
    assert (t["caller_id"], t["resolving_agent"], t["resolving_group"]) == (
        "36101",
        "Anna Agent",
        "Support",
    )
    assert (t["reopen_count"], t["reassignment_count"]) == (0, 0)
    assert [(e[2], e[1]) for e in events(ws, "101")] == [
        ("New", utc("2024-03-04 07:00")),
        ("Solved", utc("2024-03-05 08:00")),
        ("Closed", utc("2024-03-09 08:00")),
    ]


def test_zendesk_pending_ticket_is_paused(zendesk_import: tuple[Workspace, ImportReport]) -> None:
    ws, _ = zendesk_import
    t = tickets(ws)["102"]
    assert (t["status"], t["status_class"], t["priority"]) == ("Pending", "waiting", "High")
    assert t["resolved_at"] is None
    assert pauses(ws) == [("102", "Pending", utc("2024-03-11 10:30"), None)]


def test_zendesk_reopened_ticket(zendesk_import: tuple[Workspace, ImportReport]) -> None:
    ws, _ = zendesk_import
    t = tickets(ws)["103"]
    assert (t["status"], t["status_class"]) == ("Open", "active")
    assert t["reopen_count"] == 2  # the source's counter
    assert [e[2] for e in events(ws, "103")] == ["New", "Solved", "Open"]


def test_zendesk_reopened_ticket_is_unresolved(
    zendesk_import: tuple[Workspace, ImportReport],
) -> None:
    ws, _ = zendesk_import
    assert tickets(ws)["103"]["resolved_at"] is None


def test_zendesk_dash_is_missing(zendesk_import: tuple[Workspace, ImportReport]) -> None:
    ws, _ = zendesk_import
    t = tickets(ws)["104"]
    assert (t["status"], t["status_class"]) == ("New", "new")
    assert (t["resolving_agent"], t["intake_group"], t["ticket_type"]) == (None, None, None)
    assert t["opened_at"] == utc("2024-03-12 12:15")
    assert t["event_count"] == 1  # the New status is covered by "Created at"


def test_zendesk_iso_times_with_offsets(tmp_path: Path, workspace: Workspace) -> None:
    rows = zendesk_rows(lambda t: t.replace(" ", "T") + ":00+05:00")
    path = write_csv(tmp_path / "export.csv", ZENDESK_HEADER, rows)
    report = import_file(path, workspace=workspace, mapping=load_preset("zendesk"))
    assert report.rows_loaded == 4
    assert tickets(workspace)["101"]["opened_at"] == utc("2024-03-04 04:00")


def test_zendesk_times_with_a_spaced_utc_offset(tmp_path: Path, workspace: Workspace) -> None:
    path = write_csv(
        tmp_path / "export.csv", ZENDESK_HEADER, zendesk_rows(lambda t: t + ":00 +0500")
    )
    report = import_file(path, workspace=workspace, mapping=load_preset("zendesk"))
    assert report.rows_loaded == 4
    assert tickets(workspace)["101"]["opened_at"] == utc("2024-03-04 04:00")


def test_zendesk_reimport_of_a_later_export_adds_the_new_status(
    tmp_path: Path, workspace: Workspace
) -> None:
    first = write_csv(tmp_path / "monday.csv", ZENDESK_HEADER, zendesk_rows(seconds))
    import_file(first, workspace=workspace, mapping=load_preset("zendesk"))
    later = zendesk_rows(seconds)
    later[1] |= {
        "Status": "Solved",
        "Updated at": "2024-03-12 09:00:00",
        "Solved at": "2024-03-12 09:00:00",
    }
    second = write_csv(tmp_path / "tuesday.csv", ZENDESK_HEADER, later)
    report = import_file(second, workspace=workspace, mapping=load_preset("zendesk"))
    assert (report.events_new, report.tickets_updated) == (1, 1)
    t = tickets(workspace)["102"]
    assert (t["status"], t["resolved_at"]) == ("Solved", utc("2024-03-12 07:00"))
    assert t["pause_seconds"] == 20.5 * 3600  # Pending 11/3 12:30 -> 12/3 09:00
    assert pauses(workspace) == [
        ("102", "Pending", utc("2024-03-11 10:30"), utc("2024-03-12 07:00"))
    ]
