"""The import as a whole: accounting, idempotency, increments, all-or-nothing, privacy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import karsta
from karsta.ingest import ImportFailed, MissingColumns, import_file, load_preset
from karsta.workspace import Workspace

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
TABLES = ("tickets", "ticket_events", "ticket_pauses", "rejects")
ANY_SHARE = "100%"  # the tests of the rejects themselves, not of their limit


def write_log(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def snapshot(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    """Return every row of the canonical tables, sorted, minus import bookkeeping."""
    out = {}
    for name in TABLES:
        drop = ", ".join(c for c in ("import_id", "source_file") if c in ws.table(name).columns)
        select = f"SELECT * EXCLUDE ({drop})" if drop else "SELECT *"
        out[name] = sorted(ws.connection.execute(f"{select} FROM {name}").fetchall(), key=repr)
    return out


def rows(n_tickets: int) -> list[str]:
    out = []
    for i in range(n_tickets):
        out += [
            f"T{i},New,2024-02-01 08:{i % 60:02d}:00,Agent {i % 7},SD",
            f"T{i},Resolved,2024-02-02 09:{i % 60:02d}:00,Agent {i % 5},L2",
        ]
    return out


def test_bad_rows_are_rejected_and_accounted(tmp_path: Path) -> None:
    log = write_log(
        tmp_path / "log.csv",
        [
            "T1,New,2024-02-01 08:00:00,A,SD",
            "T1,Resolved,not a date,A,SD",
            ",New,2024-02-01 08:00:00,A,SD",
            "T2,New,2024-02-01 09:00:00,B,SD",
            "T2,Resolved,31.02.2024 10:00,B,SD",
        ],
    )
    with karsta.open(tmp_path / "t.karsta") as ws:
        report = import_file(
            log, workspace=ws, mapping=load_preset("event-log"), max_rejects=ANY_SHARE
        )
        rejects = ws.connection.execute(
            "SELECT source_file, line, source_column, value, reason FROM rejects ORDER BY line"
        ).fetchall()
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 2, 3)
    assert report.balanced
    assert [(r[1], r[2], r[3]) for r in rejects] == [
        (3, "time:timestamp", "not a date"),
        (4, "case:concept:name", None),
        (6, "time:timestamp", "31.02.2024 10:00"),
    ]
    assert rejects[0][0] == str(log)
    assert rejects[1][4] == "required value is missing"
    assert "ISO 8601" in rejects[0][4]
    assert {(g.column, g.rows) for g in report.reject_groups} == {
        ("time:timestamp", 2),
        ("case:concept:name", 1),
    }


def test_reimport_changes_nothing(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", [*rows(30), "T1,Resolved,bad,A,SD"])
    with karsta.open(tmp_path / "t.karsta") as ws:
        first = import_file(
            log, workspace=ws, mapping=load_preset("event-log"), max_rejects=ANY_SHARE
        )
        before = snapshot(ws)
        second = import_file(
            log, workspace=ws, mapping=load_preset("event-log"), max_rejects=ANY_SHARE
        )
        assert snapshot(ws) == before
    assert (first.events_new, first.tickets_created) == (60, 30)
    assert (second.events_new, second.events_present, second.tickets_created) == (0, 60, 0)
    assert second.rows_rejected == 1
    assert second.balanced


def test_import_in_parts_equals_import_at_once(tmp_path: Path) -> None:
    all_rows = rows(20)
    whole = write_log(tmp_path / "whole.csv", all_rows)
    # The second part holds the later events of tickets the first part started.
    part1 = write_log(tmp_path / "part1.csv", all_rows[0::2])
    part2 = write_log(tmp_path / "part2.csv", all_rows[1::2])
    with karsta.open(tmp_path / "a.karsta") as at_once:
        import_file(whole, workspace=at_once, mapping=load_preset("event-log"))
        expected = snapshot(at_once)
    with karsta.open(tmp_path / "b.karsta") as in_parts:
        import_file(part1, workspace=in_parts, mapping=load_preset("event-log"))
        report = import_file(part2, workspace=in_parts, mapping=load_preset("event-log"))
        got = snapshot(in_parts)
    assert report.tickets_updated == 20
    assert report.tickets_created == 0
    assert got["tickets"] == expected["tickets"]
    strip = [tuple(r[:2]) + tuple(r[3:-1]) for r in got["ticket_events"]]  # source_row differs
    assert strip == [tuple(r[:2]) + tuple(r[3:-1]) for r in expected["ticket_events"]]


def test_missing_column_changes_nothing(tmp_path: Path) -> None:
    good = write_log(tmp_path / "good.csv", rows(3))
    bad = tmp_path / "bad.csv"
    bad.write_text("case:concept:name,concept:name\nT9,New\n", encoding="utf-8")
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(good, workspace=ws, mapping=load_preset("event-log"))
        before = snapshot(ws)
        imports = ws.count("imports")
        with pytest.raises(MissingColumns, match="'time:timestamp'"):
            import_file(bad, workspace=ws, mapping=load_preset("event-log"))
        assert snapshot(ws) == before
        assert ws.count("imports") == imports


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    with karsta.open(tmp_path / "t.karsta") as ws, pytest.raises(ImportFailed) as err:
        import_file(tmp_path / "nope.csv", workspace=ws, mapping=load_preset("event-log"))
    assert "nope.csv" in str(err.value)
    assert "no such file" in str(err.value)


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import karsta
    from karsta.ingest import import_file, load_preset

    def progress(stage, fraction):
        if stage == sys.argv[3] and fraction == 0.0:
            os.kill(os.getpid(), signal.SIGKILL)

    ws = karsta.open(sys.argv[1])
    import_file(Path(sys.argv[2]), workspace=ws, mapping=load_preset("event-log"),
                progress=progress)
    """
)


@pytest.mark.parametrize("stage", ["parse", "merge", "derive"])
def test_killed_import_leaves_workspace_unchanged(tmp_path: Path, stage: str) -> None:
    workspace = tmp_path / "t.karsta"
    first = write_log(tmp_path / "first.csv", rows(50))
    second = write_log(tmp_path / "second.csv", [r.replace("T", "U", 1) for r in rows(400)])
    with karsta.open(workspace) as ws:
        import_file(first, workspace=ws, mapping=load_preset("event-log"))
        before = snapshot(ws)
        imports = ws.count("imports")
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(workspace), str(second), stage],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr.decode()
    with karsta.open(workspace) as ws:
        assert snapshot(ws) == before
        assert ws.count("imports") == imports
        # and the workspace still takes the import afterwards
        report = import_file(second, workspace=ws, mapping=load_preset("event-log"))
        assert report.tickets_created == 400


def test_pseudonymised_import_keeps_no_raw_identifiers(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", [*rows(10), "T1,Resolved,bad,Agent 3,SD"])
    key = b"k" * 32
    with karsta.open(tmp_path / "t.karsta") as ws:
        report = import_file(
            log,
            workspace=ws,
            mapping=load_preset("event-log"),
            pseudonym_key=key,
            max_rejects=ANY_SHARE,
        )
        assert report.rows_rejected == 1
        dump = repr(snapshot(ws)) + repr(ws.connection.execute("SELECT * FROM imports").fetchall())
        agents = ws.connection.execute("SELECT DISTINCT agent FROM ticket_events").fetchall()
        with pytest.raises(ImportFailed, match="another key"):
            import_file(
                log, workspace=ws, mapping=load_preset("event-log"), pseudonym_key=b"x" * 32
            )
    assert "Agent " not in dump
    assert all(a.startswith("p:") for (a,) in agents)
    assert len(agents) == 7  # distinct agents stay distinct


def test_same_key_gives_same_pseudonyms(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv", rows(5))
    key = b"s" * 32
    seen = []
    for name in ("a", "b"):
        with karsta.open(tmp_path / f"{name}.karsta") as ws:
            import_file(log, workspace=ws, mapping=load_preset("event-log"), pseudonym_key=key)
            seen.append(
                ws.connection.execute(
                    "SELECT ticket_id, agent FROM ticket_events ORDER BY ALL"
                ).fetchall()
            )
    assert seen[0] == seen[1]
