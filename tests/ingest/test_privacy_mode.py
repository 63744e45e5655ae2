"""A workspace's privacy mode: fixed at its first import, followed or refused by later ones.

Also the pseudonymisation of rejected values and the key file as a user meets it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from karsta.ingest import ImportFailed, import_file, load_preset
from karsta.ingest.mapping import SourceMapping
from karsta.privacy import key_fingerprint, pseudonym
from karsta.workspace import Workspace

runner = CliRunner(env={"COLUMNS": "200"})
HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
# Three tickets, two events each; agents "Agent 0" … "Agent 2".
ROWS = [
    f"T{i},{activity},2024-02-0{day} 0{day + 7}:00:00,Agent {i},SD"
    for i in range(3)
    for activity, day in (("New", 1), ("Resolved", 2))
]
EVENT_LOG = load_preset("event-log")


def write_log(path: Path, rows: list[str] = ROWS) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def cli(*args: str) -> tuple[int, str]:
    """Return the exit code and the output with the console's line wrapping undone."""
    result = runner.invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def agents(path: Path) -> list[str]:
    with Workspace.open(path, create=False, read_only=True) as ws:
        rows = ws.connection.execute("SELECT agent FROM ticket_events ORDER BY ALL").fetchall()
    return [str(a) for (a,) in rows]


def dump(ws: Workspace) -> str:
    """Return every stored value of the workspace's tables as text."""
    tables = ("ticket_events", "tickets", "rejects", "imports", "ticket_transitions")
    return "\n".join(repr(ws.connection.execute(f"SELECT * FROM {t}").fetchall()) for t in tables)


# --- the mixed workspace: a pseudonymised import, then a plain one of the same file ------------


def test_a_plain_import_into_a_pseudonymised_workspace_follows_its_mode(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv")
    ws, key = str(tmp_path / "w.karsta"), str(tmp_path / "key")
    code, _out = cli("import", str(log), "--preset", "event-log", "-w", ws, "--pseudonymise",
                     "--key-file", key)  # fmt: skip
    assert code == 0
    # The same file again, without --pseudonymise: the workspace's mode is applied.
    code, out = cli("import", str(log), "--preset", "event-log", "-w", ws, "--key-file", key)
    assert code == 0, out
    assert "followed the workspace" in out
    assert (
        "pseudonymised, free text redacted: the workspace's mode, fixed at its first import" in out
    )
    stored = agents(Path(ws))
    # 6 events, not 12: the second import found every event already there.
    assert len(stored) == 6
    assert all(a.startswith("p:") for a in stored)
    assert not any("Agent" in a for a in stored)


def test_the_mixed_workspace_through_the_api_is_refused(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv")
    with karsta.open(tmp_path / "w.karsta") as ws:
        import_file(log, workspace=ws, mapping=EVENT_LOG, pseudonym_key=b"k" * 32)
        before = dump(ws)
        with pytest.raises(ImportFailed, match="workspace is pseudonymised") as error:
            import_file(log, workspace=ws, mapping=EVENT_LOG)
        assert key_fingerprint(b"k" * 32) in str(error.value)
        assert dump(ws) == before
        assert ws.count("imports") == 1


def test_a_plain_workspace_refuses_a_pseudonymised_import(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv")
    ws, key = tmp_path / "w.karsta", tmp_path / "key"
    assert cli("import", str(log), "--preset", "event-log", "-w", str(ws))[0] == 0
    code, out = cli("import", str(log), "--preset", "event-log", "-w", str(ws), "--pseudonymise",
                    "--key-file", str(key))  # fmt: skip
    assert code == 2
    assert "is not pseudonymised" in out
    assert "new workspace with --pseudonymise" in out
    assert "Nothing was imported" in out
    assert not key.exists()  # refused before a key was made for it
    assert agents(ws) == sorted(f"Agent {i}" for i in range(3) for _ in range(2))


def test_redaction_cannot_start_after_the_first_import(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv")
    with karsta.open(tmp_path / "w.karsta") as ws:
        import_file(log, workspace=ws, mapping=EVENT_LOG)
        with pytest.raises(ImportFailed, match="not redacted"):
            import_file(log, workspace=ws, mapping=EVENT_LOG, redact=True)


def test_a_redacted_workspace_redacts_later_imports_too(tmp_path: Path) -> None:
    first = write_log(tmp_path / "first.csv")
    second = write_log(tmp_path / "second.csv", ["T9,Call 040 123 4567,2024-02-03 10:00:00,A,SD"])
    ws = str(tmp_path / "w.karsta")
    assert cli("import", str(first), "--preset", "event-log", "-w", ws, "--redact")[0] == 0
    code, out = cli("import", str(second), "--preset", "event-log", "-w", ws)
    assert code == 0, out
    assert "free text redacted: the workspace's mode, fixed at its first import" in out
    with Workspace.open(ws, create=False) as opened:
        activity = opened.connection.execute(
            "SELECT activity FROM ticket_events WHERE ticket_id = 'T9'"
        ).fetchone()
    assert activity == ("Call [phone]",)


def test_another_key_is_refused(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv")
    with karsta.open(tmp_path / "w.karsta") as ws:
        import_file(log, workspace=ws, mapping=EVENT_LOG, pseudonym_key=b"k" * 32)
        with pytest.raises(ImportFailed, match="another key"):
            import_file(log, workspace=ws, mapping=EVENT_LOG, pseudonym_key=b"x" * 32)


def test_summary_shows_the_mode(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv")
    ws = str(tmp_path / "w.karsta")
    cli("import", str(log), "--preset", "event-log", "-w", ws, "--pseudonymise",
        "--key-file", str(tmp_path / "key"))  # fmt: skip
    code, out = cli("summary", "-w", ws, "--format", "json")
    assert code == 0
    privacy = json.loads(out)["privacy"]
    fingerprint = key_fingerprint((tmp_path / "key").read_bytes().strip())
    assert privacy == {
        "mode": "pseudonymised",
        "pseudonymised": True,
        "redact": True,
        "key_fingerprint": fingerprint,
    }
    code, out = cli("summary", "-w", ws)
    assert f"pseudonymised (key fingerprint {fingerprint}), free text redacted" in out


def test_a_workspace_without_imports_has_no_mode_yet(tmp_path: Path) -> None:
    karsta.open(tmp_path / "w.karsta").close()
    code, out = cli("summary", "-w", str(tmp_path / "w.karsta"), "--format", "json")
    assert code == 0
    assert json.loads(out)["privacy"] is None


# --- the key: announced once when created; a bad key file is named ------------------------------


def test_a_new_key_is_announced_once_with_where_it_is(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.csv")
    ws, key = str(tmp_path / "w.karsta"), tmp_path / "keys" / "desk.key"
    args = ("import", str(log), "--preset", "event-log", "-w", ws, "--pseudonymise",
            "--key-file", str(key))  # fmt: skip
    code, out = cli(*args)
    assert code == 0
    assert "A new pseudonymisation key was created" in out
    assert str(key) in out
    assert "cannot be linked" in out
    assert key.stat().st_mode & 0o777 == 0o600
    code, out = cli(*args)
    assert code == 0
    assert "A new pseudonymisation key was created" not in out


def test_a_failed_import_leaves_no_new_key_and_the_next_one_announces_it(
    tmp_path: Path,
) -> None:
    # A third of the rows have no readable time: over the 1 % limit, nothing is imported.
    # The key made for it is removed with it, so the import that succeeds creates the key
    # and says so: the announcement is not lost in a failed run's output.
    bad = write_log(tmp_path / "bad.csv", [*ROWS, "T9,New,yesterday,Agent 9,SD"])
    ws, key = str(tmp_path / "w.karsta"), tmp_path / "keys" / "desk.key"
    options = ("--preset", "event-log", "-w", ws, "--pseudonymise", "--key-file", str(key))
    code, out = cli("import", str(bad), *options)
    assert code == 2
    assert "nothing was imported" in out
    assert "A new pseudonymisation key was created" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "keys"]
    assert not key.exists()
    code, out = cli("import", str(write_log(tmp_path / "log.csv")), *options)
    assert code == 0
    assert "A new pseudonymisation key was created" in out
    assert key.exists()


def test_the_default_key_is_used_and_a_missing_one_is_not_made_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("KARSTA_PSEUDONYM_KEY_FILE", raising=False)
    log = write_log(tmp_path / "log.csv")
    ws = str(tmp_path / "w.karsta")
    code, out = cli("import", str(log), "--preset", "event-log", "-w", ws, "--pseudonymise")
    assert code == 0
    default = tmp_path / "config" / "karsta" / "pseudonym.key"
    assert str(default) in out
    default.unlink()
    code, out = cli("import", str(log), "--preset", "event-log", "-w", ws)
    assert code == 2
    assert "needs the key of its earlier imports" in out
    assert str(default) in out
    assert not default.exists()  # a new key would not match the stored pseudonyms


@pytest.mark.parametrize("content", [b"", b"short\n", None])
def test_a_malformed_key_file_gets_a_clear_message(tmp_path: Path, content: bytes | None) -> None:
    log = write_log(tmp_path / "log.csv")
    key = tmp_path / "key"
    if content is None:
        key.mkdir()  # a folder where the key file should be
    else:
        key.write_bytes(content)
    code, out = cli("import", str(log), "--preset", "event-log", "-w", str(tmp_path / "w.karsta"),
                    "--pseudonymise", "--key-file", str(key))  # fmt: skip
    assert code == 2
    assert "Traceback" not in out
    assert f"The pseudonymisation key file {key}" in out
    assert "Nothing was imported" in out


# --- rejected rows under pseudonymisation -------------------------------------------------------

MAPPING = SourceMapping(
    name="desk",
    title="test mapping",
    layout="events",
    columns={
        "ticket_id": "Tiketti",
        "timestamp": "Aika",
        "activity": "Tila",
        "agent": "Käsittelijä",
        "caller_id": "Asiakas",
        "cost": "Hinta",
    },
)


def test_rejected_values_that_are_personal_get_their_pseudonyms(tmp_path: Path) -> None:
    path = tmp_path / "desk.csv"
    path.write_text(
        "\n".join(
            [
                "Tiketti;Aika;Tila;Käsittelijä;Asiakas;Hinta",
                "T1;5.3.2024 9.05;Uusi;Anna;Caller 2403;1",
                # line 3: the caller id landed in the date column
                "T2;Caller 2403;Uusi;Anna;Caller 2403;1",
                # line 4: the agent's name in the cost column
                "T3;6.3.2024 9.00;Uusi;Anna;Caller 77;Ben",
                "T4;6.3.2024 10.00;Uusi;Ben;Caller 77;2",
                # line 6: an identity code in the date column, a plain bad number in the cost
                "T5;131052-308T;Uusi;Ben;Caller 77;kymmenen",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    key = b"r" * 32
    with karsta.open(tmp_path / "w.karsta") as ws:
        report = import_file(
            path, workspace=ws, mapping=MAPPING, pseudonym_key=key, max_rejects="100%"
        )
        rejects = ws.connection.execute(
            "SELECT line, source_column, value, reason FROM rejects ORDER BY line, source_column"
        ).fetchall()
        stored = dump(ws)
    # Lines 3 and 6 have no readable time (required): rejected. Line 4's unreadable cost
    # (optional) is left empty and the row loaded; its value is kept in rejects all the same.
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 3, 2)
    assert [(line, column, value) for line, column, value, _reason in rejects] == [
        (3, "Aika", pseudonym(key, "Caller 2403")),  # as the loaded rows have it
        (4, "Hinta", pseudonym(key, "Ben")),
        (6, "Aika", "[hetu]"),
        (6, "Hinta", "kymmenen"),  # not personal: kept as it was
    ]
    assert all(reason for *_rest, reason in rejects)
    for secret in ("Caller 2403", "Caller 77", "Anna", "'Ben'", "131052-308T"):
        assert secret not in stored
