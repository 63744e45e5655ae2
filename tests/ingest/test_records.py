"""Record imports on hand-written queue logs: the `acd` preset's rules, one at a time.

Every expected time below is worked out by hand from the row: the file's wall-clock
time on the row's date (or the next day where the mapping says the stay crossed
midnight), in Asia/Jerusalem, which is UTC+3 in August (summer time).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import karsta
from karsta.ingest import ImportFailed, import_file, load_preset
from karsta.ingest.mapping import load_mapping_file
from karsta.privacy import pseudonym
from karsta.workspace import Workspace

HEADER = (
    "vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,vru_time,"
    "q_start,q_exit,q_time,outcome,ser_start,ser_exit,ser_time,server"
)
ROWS = {
    # line 2: queued 30 s, served 120 s
    "answered": "AA0101,1,111,1,PS,2010-08-02,10:00:00,10:00:10,10,10:00:10,10:00:40,30,AGENT,"
    "10:00:40,10:02:40,120,ANNA",
    # line 3: the queue crosses midnight (exit 0:00:50 < start 23:59:20): exit and service next day
    "queue_midnight": "AA0102,2,222,2,PS,2010-08-02,23:59:00,23:59:20,20,23:59:20,0:00:50,90,"
    "AGENT,0:00:50,0:03:00,130,BEN",
    # line 4: only the service crosses midnight; customer 0 = unknown caller
    "service_midnight": "AA0103,3,0,1,PE,2010-08-02,23:58:00,23:58:10,10,23:58:10,23:59:00,50,"
    "AGENT,23:59:00,0:01:00,120,ANNA",
    # line 5: hung up after 60 s in the queue
    "abandoned": "AA0104,4,444,1,PS,2010-08-02,11:00:00,11:00:05,5,11:00:05,11:01:05,60,HANG,"
    "0:00:00,0:00:00,0,NO_SERVER",
    # line 6: hung up in the VRU, never queued
    "ivr": "AA0105,5,0,1,PS,2010-08-02,12:00:00,12:00:30,30,0:00:00,0:00:00,0,HANG,0:00:00,"
    "0:00:00,0,NO_SERVER",
    # line 7: not a call
    "phantom": "AA0106,6,0,1,PS,2010-08-02,13:00:00,13:00:01,1,0:00:00,0:00:00,0,PHANTOM,"
    "0:00:00,0:00:00,0,NO_SERVER",
    # line 8: VRU exit recorded 2 minutes before the entry: a clock mismatch, not midnight
    "clock_mismatch": "AA0107,7,777,1,PS,2010-08-02,14:00:00,13:58:00,-120,13:58:00,13:58:30,"
    "30,AGENT,13:58:30,14:00:00,90,BEN",
    # line 9: straight to an agent (no queue)
    "straight": "AA0108,8,888,1,PS,2010-08-02,15:00:00,15:00:20,20,0:00:00,0:00:00,0,AGENT,"
    "15:00:20,15:05:20,300,ANNA",
    # line 10: the same call_id as line 2 on another VRU line: another call
    "other_line": "AA0201,1,111,1,PS,2010-08-02,16:00:00,16:00:10,10,16:00:10,16:00:20,10,"
    "AGENT,16:00:20,16:01:20,60,ANNA",
}
BAD_ROWS = [
    # line 11: no call_id, so no key: rejected
    "AA0109,,999,1,PS,2010-08-02,16:00:00,16:00:10,10,0:00:00,0:00:00,0,HANG,0:00:00,0:00:00,"
    "0,NO_SERVER",
    # line 12: line 2 again: the same key, rejected
    ROWS["answered"],
]
ACD = load_preset("acd")


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def contacts(ws: Workspace) -> dict[str, dict[str, object]]:
    rows = ws.connection.execute("SELECT * FROM contacts").fetchall()
    names = [d[0] for d in ws.connection.description or ()]
    return {str(r[0]): dict(zip(names, r, strict=True)) for r in rows}


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    return write(tmp_path / "calls.csv", list(ROWS.values()))


def test_outcomes_times_and_midnight(calls: Path, workspace: Workspace) -> None:
    report = import_file(calls, workspace=workspace, mapping=ACD)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (9, 9, 0)
    assert report.records_new == 9
    got = contacts(workspace)
    answered = got["AA0101/1/2010-08-02"]
    assert answered["outcome"] == "answered"
    assert answered["entered_at"] == utc("2010-08-02 07:00:00")
    assert answered["arrived_at"] == utc("2010-08-02 07:00:10")  # q_start
    assert answered["answered_at"] == utc("2010-08-02 07:00:40")  # ser_start
    assert answered["ended_at"] == utc("2010-08-02 07:02:40")  # ser_exit
    assert answered["talk_seconds"] == 120
    assert (answered["agent"], answered["caller_id"]) == ("ANNA", "111")
    assert (answered["channel"], answered["realtime"]) == ("phone", True)
    assert (answered["contact_type"], answered["priority"]) == ("PS", "1")
    # 23:59:20 → 0:00:50 is 90 s across midnight: 3 Aug 00:00:50 local = 2 Aug 21:00:50 UTC.
    crossed = got["AA0102/2/2010-08-02"]
    assert crossed["arrived_at"] == utc("2010-08-02 20:59:20")
    assert crossed["answered_at"] == utc("2010-08-02 21:00:50")
    assert crossed["ended_at"] == utc("2010-08-02 21:03:00")
    service = got["AA0103/3/2010-08-02"]
    assert service["answered_at"] == utc("2010-08-02 20:59:00")
    assert service["ended_at"] == utc("2010-08-02 21:01:00")  # 3 Aug 00:01 local
    assert service["caller_id"] is None  # customer 0: not identified
    abandoned = got["AA0104/4/2010-08-02"]
    assert abandoned["outcome"] == "abandoned"
    assert abandoned["abandoned_at"] == utc("2010-08-02 08:01:05")  # q_exit
    assert abandoned["answered_at"] is None
    assert abandoned["agent"] is None  # NO_SERVER
    assert abandoned["special_routing"] is None
    ivr = got["AA0105/5/2010-08-02"]
    assert (ivr["outcome"], ivr["special_routing"]) == ("routed", "IVR")
    assert ivr["arrived_at"] == utc("2010-08-02 09:00:30")  # never queued: the VRU exit
    assert ivr["abandoned_at"] is None
    phantom = got["AA0106/6/2010-08-02"]
    assert phantom["outcome"] == "phantom"
    assert phantom["answered_at"] is None
    assert phantom["ended_at"] is None
    # 0:00:00 is "did not happen", never midnight: no time of this call is at 0:00 local.
    midnight = utc("2010-08-01 21:00:00")
    for row in got.values():
        for column in ("entered_at", "arrived_at", "answered_at", "abandoned_at", "ended_at"):
            assert row[column] != midnight
    straight = got["AA0108/8/2010-08-02"]
    assert straight["arrived_at"] == straight["answered_at"] == utc("2010-08-02 12:00:20")
    assert got["AA0201/1/2010-08-02"]["outcome"] == "answered"  # same call_id, other line


def test_clock_mismatch_stays_on_its_day_and_is_counted(calls: Path, workspace: Workspace) -> None:
    report = import_file(calls, workspace=workspace, mapping=ACD)
    row = contacts(workspace)["AA0107/7/2010-08-02"]
    # 13:58:00 is 2 minutes before the 14:00:00 entry: same day, not 86,400 s later.
    assert row["entered_at"] == utc("2010-08-02 11:00:00")
    assert row["arrived_at"] == utc("2010-08-02 10:58:00")
    counted = {(a.column, a.rows) for a in report.assumptions}
    assert ("vru_exit", 1) in counted


def test_reimport_adds_nothing_and_overlap_is_exact(
    calls: Path, tmp_path: Path, workspace: Workspace
) -> None:
    import_file(calls, workspace=workspace, mapping=ACD)
    before = workspace.connection.execute(
        "SELECT * EXCLUDE (import_id) FROM contacts ORDER BY ALL"
    ).fetchall()
    again = import_file(calls, workspace=workspace, mapping=ACD)
    assert (again.records_new, again.records_present, again.records_updated) == (0, 9, 0)
    assert workspace.count("contacts") == 9
    # Another export overlapping the first: 3 of its calls and one new one.
    rows = [ROWS["answered"], ROWS["ivr"], ROWS["phantom"]]
    new = ROWS["answered"].replace("AA0101,1,", "AA0301,9,")
    overlap = import_file(write(tmp_path / "b.csv", [*rows, new]), workspace=workspace, mapping=ACD)
    assert (overlap.records_new, overlap.records_present) == (1, 3)
    assert workspace.count("contacts") == 10
    after = workspace.connection.execute(
        "SELECT * EXCLUDE (import_id) FROM contacts WHERE contact_id NOT LIKE 'AA0301%' "
        "ORDER BY ALL"
    ).fetchall()
    assert after == before


def test_bad_rows_are_rejected_with_raw_text(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path / "calls.csv", [*ROWS.values(), *BAD_ROWS])
    report = import_file(path, workspace=workspace, mapping=ACD, max_rejects=2)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (11, 9, 2)
    assert report.balanced
    rejects = workspace.connection.execute(
        "SELECT line, reason, raw FROM rejects ORDER BY line"
    ).fetchall()
    assert [(line, reason) for line, reason, _raw in rejects] == [
        (11, "required value is missing"),
        (12, "the same key as line 2"),
    ]
    assert rejects[0][2] == BAD_ROWS[0]
    assert rejects[1][2] == ROWS["answered"]


def test_too_many_rejects_change_nothing(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path / "calls.csv", [*ROWS.values(), *BAD_ROWS])
    with pytest.raises(ImportFailed):
        import_file(path, workspace=workspace, mapping=ACD, max_rejects=1)
    assert workspace.count("contacts") == 0
    assert workspace.count("imports") == 0
    assert workspace.count("rejects") == 0


def test_pseudonymised_callers_and_agents(calls: Path, workspace: Workspace) -> None:
    key = b"k" * 32
    import_file(calls, workspace=workspace, mapping=ACD, pseudonym_key=key)
    row = contacts(workspace)["AA0101/1/2010-08-02"]
    assert row["caller_id"] == pseudonym(key, "111")
    assert row["agent"] == pseudonym(key, "ANNA")
    stored = workspace.connection.execute("SELECT caller_id, agent FROM contacts").fetchall()
    assert not {"111", "222", "ANNA", "BEN"} & {v for r in stored for v in r}
    # The unknown caller (0) and NO_SERVER stay empty: no pseudonym of a marker.
    assert contacts(workspace)["AA0105/5/2010-08-02"]["caller_id"] is None


def test_rejected_raw_text_is_pseudonymised(tmp_path: Path, workspace: Workspace) -> None:
    key = b"k" * 32
    path = write(tmp_path / "calls.csv", [*ROWS.values(), *BAD_ROWS])
    import_file(path, workspace=workspace, mapping=ACD, pseudonym_key=key, max_rejects=2)
    raws = [r for (r,) in workspace.connection.execute("SELECT raw FROM rejects").fetchall()]
    assert all("ANNA" not in r and ",111," not in r for r in raws)
    assert any(pseudonym(key, "ANNA") in r for r in raws)


def test_other_time_zone_is_refused_and_replace_reads_again(
    calls: Path, workspace: Workspace
) -> None:
    import_file(calls, workspace=workspace, mapping=ACD)
    with pytest.raises(ImportFailed, match="--replace"):
        import_file(calls, workspace=workspace, mapping=ACD.with_timezone("UTC"))
    report = import_file(calls, workspace=workspace, mapping=ACD.with_timezone("UTC"), replace=True)
    assert (report.records_removed, report.records_new) == (9, 9)
    assert contacts(workspace)["AA0101/1/2010-08-02"]["entered_at"] == utc("2010-08-02 10:00:00")
    assert workspace.count("contacts") == 9


def test_year_given_by_a_mapping_is_counted(calls: Path, tmp_path: Path) -> None:
    mapping_file = tmp_path / "technion.yaml"
    mapping_file.write_text("extends: acd\nname: technion-1999\nclock: {year: 1999}\n")
    mapping = load_mapping_file(mapping_file)
    with karsta.open(tmp_path / "y.karsta") as ws:
        report = import_file(calls, workspace=ws, mapping=mapping)
        row = contacts(ws)["AA0101/1/2010-08-02"]  # the key keeps the date as written
    assert row["entered_at"] == utc("1999-08-02 07:00:00")
    assert ("date", 9) in {(a.column, a.rows) for a in report.assumptions}


def test_ticket_facts_are_untouched(calls: Path, tmp_path: Path, workspace: Workspace) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "case:concept:name,concept:name,time:timestamp\n"
        "T1,New,2024-02-01 08:00:00\nT1,Resolved,2024-02-02 09:00:00\n"
    )
    import_file(log, workspace=workspace, mapping=load_preset("event-log"))
    tickets = workspace.connection.execute("SELECT * FROM tickets ORDER BY ALL").fetchall()
    events = workspace.connection.execute("SELECT * FROM ticket_events ORDER BY ALL").fetchall()
    import_file(calls, workspace=workspace, mapping=ACD)
    assert workspace.connection.execute("SELECT * FROM tickets ORDER BY ALL").fetchall() == tickets
    after = workspace.connection.execute("SELECT * FROM ticket_events ORDER BY ALL").fetchall()
    assert after == events


def test_the_report_spans_the_arrivals(calls: Path, workspace: Workspace) -> None:
    report = import_file(calls, workspace=workspace, mapping=ACD)
    # The first arrival is line 2's queue entry (10:00:10 local), the last line 3's (23:59:20).
    assert (report.first_event, report.last_event) == (
        utc("2010-08-02 07:00:10"),
        utc("2010-08-02 20:59:20"),
    )
