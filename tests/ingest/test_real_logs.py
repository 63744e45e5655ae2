"""The real public logs in ../shared/data: accounting, and tickets checked by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import karsta
from karsta.ingest import ImportReport, import_file, load_preset
from karsta.workspace import Workspace

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SERVICENOW = DATA / "servicenow-incidents" / "incident_event_log.csv.gz"
HELPDESK = DATA / "helpdesk-italy" / "helpdesk_named_disco.csv"

pytestmark = pytest.mark.skipif(not SERVICENOW.exists(), reason="../shared/data is not beside")


@pytest.fixture(scope="module")
def servicenow(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Workspace, ImportReport]]:
    ws = karsta.open(tmp_path_factory.mktemp("sn") / "desk.karsta")
    report = import_file(SERVICENOW, workspace=ws, mapping=load_preset("servicenow"))
    yield ws, report
    ws.close()


def local(text: str) -> datetime:
    """Return a Helsinki wall-clock time of spring 2016 (UTC+2, before 27 March) in UTC."""
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=UTC) - pd.Timedelta(hours=2)


def ticket(ws: Workspace, ticket_id: str) -> dict[str, Any]:
    found = ws.table("tickets").filter(lambda t: t.ticket_id == ticket_id).to_pyarrow()
    return dict(found.to_pylist()[0])


def test_servicenow_accounting(servicenow: tuple[Workspace, ImportReport]) -> None:
    ws, report = servicenow
    assert report.rows_read == 141_712
    assert (report.rows_loaded, report.rows_rejected) == (141_712, 0)
    assert report.tickets_created == 24_918
    assert ws.count("tickets") == 24_918
    assert ws.count("ticket_events") == 141_712


def test_servicenow_plain_ticket(servicenow: tuple[Workspace, ImportReport]) -> None:
    # INC0000045: New 01:23, Resolved 08:53 and 11:29, Closed 5/3 12:00 (four rows).
    t = ticket(servicenow[0], "INC0000045")
    assert t["opened_at"] == local("29/2/2016 01:16")
    assert t["first_response_at"] == local("29/2/2016 08:53")
    assert t["resolved_at"] == local("29/2/2016 11:29")
    assert t["closed_at"] == local("5/3/2016 12:00")
    assert (t["channel"], t["priority"], t["event_count"]) == ("phone", "3 - Moderate", 4)
    assert (t["intake_group"], t["resolving_group"], t["resolving_level"]) == (
        "Group 56",
        "Group 56",
        1,
    )


def test_servicenow_ticket_with_tied_updates(servicenow: tuple[Workspace, ImportReport]) -> None:
    # INC0000130: Active (sys_mod_count 3) and Resolved (4) share 3/3/2016 10:16.
    ws = servicenow[0]
    t = ticket(ws, "INC0000130")
    events = ws.table("ticket_events").filter(lambda e: e.ticket_id == "INC0000130")
    order = events.order_by("seq").select("activity", "source_sequence").to_pyarrow().to_pylist()
    assert [(r["activity"], r["source_sequence"]) for r in order] == [
        ("New", 2),
        ("New", 1),
        ("Active", 2),
        ("Active", 3),
        ("Resolved", 4),
        ("Closed", 5),
    ]
    assert t["first_response_at"] == local("1/3/2016 14:13")
    assert (t["intake_group"], t["resolving_group"], t["resolving_level"]) == (
        "Group 72",
        "Group 73",
        2,
    )
    assert (t["reassignment_count"], t["group_count"], t["agent_count"]) == (1, 2, 1)


def test_servicenow_reopened_ticket(servicenow: tuple[Workspace, ImportReport]) -> None:
    # INC0000102: waits for the user twice, four groups, reopened once on 17/3.
    ws = servicenow[0]
    t = ticket(ws, "INC0000102")
    assert (t["reopen_count"], t["reassignment_count"], t["group_count"]) == (1, 4, 4)
    assert t["resolved_at"] == local("17/3/2016 16:28")
    assert t["resolving_group"] == "Group 23"
    # 29/2 20:09 -> 3/3 17:29 and 7/3 11:50 -> 14/3 08:13
    assert t["pause_seconds"] == 249_600 + 591_780
    pauses = ws.table("ticket_pauses").filter(lambda p: p.ticket_id == "INC0000102")
    stays = pauses.order_by("started_at").to_pyarrow().to_pylist()
    assert [(p["started_at"], p["ended_at"]) for p in stays] == [
        (local("29/2/2016 20:09"), local("3/3/2016 17:29")),
        (local("7/3/2016 11:50"), local("14/3/2016 08:13")),
    ]


def test_servicenow_facts_match_pandas(servicenow: tuple[Workspace, ImportReport]) -> None:
    """Per-ticket facts against a plain pandas reading of the same file."""
    raw = pd.read_csv(SERVICENOW, na_values=["?"], keep_default_na=False, low_memory=False)
    raw["t"] = pd.to_datetime(raw["sys_updated_at"], format="%d/%m/%Y %H:%M")
    last = raw.sort_values(["number", "t", "sys_mod_count"]).groupby("number").tail(1)
    expected = (
        pd.DataFrame(
            {
                "ticket_id": last["number"],
                "reopen_count": last["reopen_count"],
                "reassignment_count": last["reassignment_count"],
                "group_count": raw.groupby("number")["assignment_group"]
                .nunique()
                .loc[last["number"]]
                .values,
            }
        )
        .sort_values("ticket_id")
        .reset_index(drop=True)
    )
    got = (
        servicenow[0]
        .table("tickets")
        .select("ticket_id", "reopen_count", "reassignment_count", "group_count")
        .order_by("ticket_id")
        .to_pyarrow()
        .to_pandas()
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    resolved = raw.groupby("number")["resolved_at"].last().notna().sum()
    assert resolved == 23_362  # the rest are derived from their Resolved events


def test_helpdesk_event_log_imports(tmp_path: Path) -> None:
    with karsta.open(tmp_path / "italy.karsta") as ws:
        report = import_file(HELPDESK, workspace=ws, mapping=load_preset("event-log"))
        assert report.rows_read == 21_348
        assert report.balanced
        assert report.rows_rejected == 0
        assert ws.count("tickets") == 4_580
        # 127 fully duplicated rows are kept as published: each is its own event.
        assert ws.count("ticket_events") == 21_348
        agents = ws.table("tickets").agent_count.max().to_pyarrow().as_py()
        assert agents >= 1
