"""The `karsta` command as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from karsta.cli.main import app

runner = CliRunner()
# One row of three is rejected (a third): imports of it raise --max-rejects.
LOG = (
    "case:concept:name,concept:name,time:timestamp,org:resource\n"
    "T1,New,2024-01-08 09:00:00,A1\n"
    "T1,Done,2024-01-09 09:00:00,A1\n"  # no status class in the name
    "T2,New,not a time,A2\n"
)


def test_import_prints_the_accounting_and_summary_shows_it(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    ws = tmp_path / "t.karsta"
    # One of three rows is rejected: a third, so the limit is raised for it.
    args = ["import", str(log), "--preset", "event-log", "--workspace", str(ws)]
    result = runner.invoke(app, [*args, "--max-rejects", "50%"])
    assert result.exit_code == 0, result.output
    for text in ("rows read", "rows loaded", "rows rejected", "read = loaded + rejected", "✓"):
        assert text in result.output
    assert "not a date and time" in result.output
    summary = runner.invoke(app, ["summary", "--workspace", str(ws), "--format", "json"])
    data = json.loads(summary.output)
    assert (data["tickets"], data["events"]) == (1, 2)
    assert data["imports"][0]["rows_read"] == 3
    assert data["rejects"] == [["time:timestamp", data["rejects"][0][1], 1]]
    facts = {f["fact"]: f for f in data["facts"]}
    assert "no status classes" in facts["resolved_at"]["why_missing"]


def test_export_writes_parquet(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    ws = tmp_path / "t.karsta"
    args = ["import", str(log), "--preset", "event-log", "--workspace", str(ws)]
    runner.invoke(app, [*args, "--max-rejects", "50%"])
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "--workspace", str(ws), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pq.read_table(out / "tickets.parquet").num_rows == 1
    assert pq.read_table(out / "ticket_events.parquet").num_rows == 2


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    ws = tmp_path / "t.karsta"
    result = runner.invoke(
        app, ["import", str(bad), "--preset", "servicenow", "--workspace", str(ws)]
    )
    assert result.exit_code == 2
    assert "bad.csv" in result.output
    assert "'number'" in result.output
    assert "workspace is unchanged" in result.output
    missing = runner.invoke(app, ["summary", "--workspace", str(tmp_path / "none.karsta")])
    assert missing.exit_code == 2
    assert "No workspace" in missing.output
    both = runner.invoke(app, ["import", str(bad), "--workspace", str(ws)])
    assert both.exit_code == 2
    assert "--preset or --mapping" in both.output


def test_presets_are_listed() -> None:
    result = runner.invoke(app, ["presets"])
    assert "servicenow" in result.output
    assert "event-log" in result.output


def test_summary_shows_inferred_classes_and_what_to_map(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "case:concept:name,concept:name,time:timestamp,org:resource\n"
        "T1,Registered,2024-01-08 09:00:00,A1\n"
        "T1,Resolve ticket,2024-01-08 10:00:00,A1\n",
        encoding="utf-8",
    )
    ws = tmp_path / "t.karsta"
    imported = runner.invoke(app, ["import", str(log), "--preset", "event-log", "-w", str(ws)])
    assert imported.exit_code == 0, imported.output
    assert "status classes inferred from activity names" in imported.output
    result = runner.invoke(app, ["summary", "--workspace", str(ws)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Status classes of the activities" in result.output
    assert "inferred from the name" in result.output
    assert "What the figures need and the data lacks" in result.output
    assert "map the assignment group (columns: group)" in result.output
    data = json.loads(runner.invoke(app, ["summary", "-w", str(ws), "--format", "json"]).output)
    assert data["status_classes"] == [
        {"activity": "Resolve ticket", "status_class": "resolved", "events": 1, "inferred": True},
        {"activity": "Registered", "status_class": None, "events": 1, "inferred": False},
    ]
    assert {n["need"] for n in data["needs"] if not n["present"]} >= {"levels", "groups"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a;b\n1;2\n", "'number'"),  # the preset's columns are missing
        ("", "is empty"),
        ("number,sys_updated_at\nINC1,eilen\n", "rows were rejected"),
    ],
)
def test_failed_first_import_creates_no_workspace(
    tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    ws = tmp_path / "new.karsta"
    result = runner.invoke(
        app, ["import", str(bad), "--preset", "servicenow", "--workspace", str(ws)]
    )
    assert result.exit_code == 2, result.output
    # The terminal wraps the message anywhere (the temporary path's length varies).
    assert message in " ".join(result.output.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]  # no .karsta, no .wal


def test_failed_import_keeps_the_workspace_it_had(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    ws = tmp_path / "t.karsta"
    args = ["import", str(log), "--preset", "event-log", "--workspace", str(ws)]
    assert runner.invoke(app, [*args, "--max-rejects", "50%"]).exit_code == 0
    refused = runner.invoke(app, args)  # a third of the rows rejected: over the 1 % limit
    assert refused.exit_code == 2
    assert "First rejects:" in refused.output
    assert "line 4, time:timestamp: not a date and time in the format ISO 8601" in refused.output
    assert ws.exists()
    summary = runner.invoke(app, ["summary", "--workspace", str(ws), "--format", "json"])
    assert json.loads(summary.output)["events"] == 2


def test_max_rejects_that_is_no_limit_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    ws = tmp_path / "t.karsta"
    args = ["import", str(log), "--preset", "event-log", "--workspace", str(ws)]
    result = runner.invoke(app, [*args, "--max-rejects", "lots"])
    assert result.exit_code == 2
    assert "--max-rejects 'lots' is neither a share" in result.output
    assert not ws.exists()


def test_same_file_with_other_options_is_refused_and_replaced(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    ws = tmp_path / "t.karsta"
    args = ["import", str(log), "--preset", "event-log", "--workspace", str(ws)]
    runner.invoke(app, [*args, "--max-rejects", "50%"])
    again = [*args, "--max-rejects", "50%", "--timezone", "UTC"]
    refused = runner.invoke(app, again)
    assert refused.exit_code == 2
    assert "import 1 of" in refused.output
    assert "--replace" in refused.output
    replaced = runner.invoke(app, [*again, "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "replaced imports" in replaced.output
    summary = json.loads(runner.invoke(app, ["summary", "-w", str(ws), "--format", "json"]).output)
    assert summary["events"] == 2


def test_a_record_import_prints_its_table_and_summary_counts_it(tmp_path: Path) -> None:
    calls = tmp_path / "calls.csv"
    calls.write_text(
        "vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,vru_time,"
        "q_start,q_exit,q_time,outcome,ser_start,ser_exit,ser_time,server\n"
        "AA0101,1,111,1,PS,2010-08-02,10:00:00,10:00:10,10,10:00:10,10:00:40,30,AGENT,"
        "10:00:40,10:02:40,120,ANNA\n"
        "AA0107,7,777,1,PS,2010-08-02,14:00:00,13:58:00,-120,13:58:00,13:58:30,30,AGENT,"
        "13:58:30,14:00:00,90,BEN\n",
        encoding="utf-8",
    )
    ws = tmp_path / "t.karsta"
    result = runner.invoke(app, ["import", str(calls), "--preset", "acd", "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert "contacts: rows new" in result.output
    assert "events new" not in result.output
    # The progress names what a record import does: it adds rows and derives nothing.
    assert "Adding rows" in result.output
    assert "Deriving ticket facts" not in result.output
    # The VRU exit written two minutes before the entry is counted as an assumption.
    assert "Assumptions" in result.output
    assert "vru_exit" in result.output
    summary = runner.invoke(app, ["summary", "--workspace", str(ws), "--format", "json"])
    data = json.loads(summary.output)
    assert dict(map(tuple, data["records"]))["contacts"] == 2
    assert data["imports"][0]["canonical_table"] == "contacts"
    assert data["imports"][0]["records_new"] == 2
    table = runner.invoke(app, ["summary", "--workspace", str(ws)])
    assert "contacts (rows)" in table.output
