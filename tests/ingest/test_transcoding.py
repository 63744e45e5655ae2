"""Files DuckDB cannot read as they are: decoded without a plaintext copy left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import karsta
from karsta.ingest import ImportFailed, import_file, load_preset, streams

HEADER = "case:concept:name,concept:name,time:timestamp,org:resource,org:group"
CALLER = "Virtanen"
MAPPING = load_preset("event-log")


def windows_log(path: Path, rows: int) -> Path:
    """Write a Windows-1252 log (about 65 bytes a row) whose agents are named people."""
    lines = [HEADER]
    lines += [f"T{i},Työn alla,2024-02-01 08:00:00,Matti {CALLER} {i},SD" for i in range(rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    return path


def files_holding(root: Path, text: str) -> list[Path]:
    """Return every file under `root` whose bytes hold `text` (UTF-8 or Windows-1252)."""
    needles = {text.encode("utf-8"), text.encode("cp1252")}
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and any(n in p.read_bytes() for n in needles)
    ]


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import karsta
    from karsta.ingest import import_file, load_preset, streams

    decoded = streams.utf8_chunks

    def killed_mid_decoding(path, encoding):
        for number, chunk in enumerate(decoded(path, encoding)):
            yield chunk
            if number == 2:  # three of the file's four MiB are in the copy
                os.kill(os.getpid(), signal.SIGKILL)

    streams.utf8_chunks = killed_mid_decoding
    ws = karsta.open(sys.argv[1])
    import_file(Path(sys.argv[2]), workspace=ws, mapping=load_preset("event-log"),
                pseudonym_key=b"k" * 32)
    """
)


def test_killed_decoding_import_leaves_no_plaintext_and_is_swept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scenario: kill -9 while a Windows-1252 file is decoded for the reader, under
    # --pseudonymise. No copy of the file (every agent's name) may be left behind.
    temp = tmp_path / "tmp"
    temp.mkdir()
    source = windows_log(tmp_path / "export.csv", 64_000)  # about 4 MiB
    workspace = tmp_path / "t.karsta"
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(workspace), str(source)],
        capture_output=True,
        check=False,
        timeout=120,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert done.returncode == -9, done.stderr.decode()
    left = list(temp.glob(f"{streams.FOLDER_PREFIX}*"))
    assert len(left) == 1  # the private folder of the killed import, mode 0700
    assert left[0].stat().st_mode & 0o777 == 0o700
    assert files_holding(temp, CALLER) == []
    assert files_holding(workspace.parent, CALLER) == [source]
    # The next import sweeps what the killed one left.
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with karsta.open(workspace) as ws:
        report = import_file(source, workspace=ws, mapping=MAPPING, pseudonym_key=b"k" * 32)
    assert report.rows_loaded == 64_000
    assert list(temp.iterdir()) == []


def test_decoded_copy_is_removed_after_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    seen: list[list[Path]] = []
    decoded = streams.utf8_chunks

    def watched(path: Path, encoding: str):  # type: ignore[no-untyped-def]
        yield from decoded(path, encoding)
        seen.append([p for p in temp.rglob("*") if p.is_file()])

    monkeypatch.setattr(streams, "utf8_chunks", watched)
    with karsta.open(tmp_path / "t.karsta") as ws:
        report = import_file(windows_log(tmp_path / "e.csv", 10), workspace=ws, mapping=MAPPING)
        names = ws.connection.execute("SELECT DISTINCT activity FROM ticket_events").fetchall()
    assert report.rows_loaded == 10
    assert names == [("Työn alla",)]
    assert seen == [[]]  # while it was written, the copy had no name in the folder
    assert list(temp.iterdir()) == []


def test_where_a_copy_would_keep_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A system where an open file cannot be read once unlinked: the copy keeps its name
    # in the private folder until the import ends, and with --pseudonymise no copy is
    # written at all.
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(streams, "_nameless_path", lambda handle: None)
    log = windows_log(tmp_path / "e.csv", 10)
    with karsta.open(tmp_path / "t.karsta") as ws:
        with pytest.raises(ImportFailed, match="no copy of the file's identifiers"):
            import_file(log, workspace=ws, mapping=MAPPING, pseudonym_key=b"k" * 32)
        assert list(temp.iterdir()) == []
        report = import_file(log, workspace=ws, mapping=MAPPING)
    assert report.rows_loaded == 10
    assert list(temp.iterdir()) == []


def test_the_sweep_leaves_running_imports_alone(tmp_path: Path) -> None:
    mine = tmp_path / f"{streams.FOLDER_PREFIX}{os.getpid()}-abc"
    parent = tmp_path / f"{streams.FOLDER_PREFIX}{os.getppid()}-def"
    other = tmp_path / "karsta-something-else"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True
    )
    dead = tmp_path / f"{streams.FOLDER_PREFIX}{int(gone.stdout)}-ghi"
    for folder in (mine, parent, other, dead):
        folder.mkdir()
    assert streams.sweep_private_folders(tmp_path) == [dead]
    assert sorted(tmp_path.iterdir()) == sorted([mine, parent, other])
