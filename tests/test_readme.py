"""Every code block of the README runs, on the real data, as a reader would run it.

Shell blocks run with bash in a folder beside `shared/` (so `../shared/data/...` is the
real data), with the virtualenv's `karsta` on the PATH; the workspace they read is
imported once per session. Python blocks run as scripts in that folder. The mapping
example is written to the file its comment names and imported. `text` blocks are
diagrams. A block that needs Graphviz says so in an HTML comment just above it
(`<!-- needs: graphviz -->`): it is skipped where `dot` is missing, except in CI. A block
of `karsta serve` commands says `<!-- needs: server -->`: each server is started on a free
port, must answer, and is stopped (a PostgreSQL app database is the one
`KARSTA_TEST_POSTGRESQL` names: without it that line is skipped, except in CI).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from karsta.ingest import load_mapping_file

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHARED = ROOT.parent / "shared"
LANGUAGES = ("sh", "python", "yaml", "text")
_FENCE = re.compile(
    r"(?P<marks>(?:<!-- needs: \w+ -->\n)*)```(?P<lang>\w*)\n(?P<code>.*?)```", re.S
)


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README."""

    line: int
    language: str
    code: str
    needs: tuple[str, ...]

    @property
    def name(self) -> str:
        """Return a test id: the language and the line where the block starts."""
        return f"{self.language}-line{self.line}"


def readme_blocks() -> list[Block]:
    """Return the README's fenced code blocks in order."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for found in _FENCE.finditer(text):
        line = text.count("\n", 0, found.start("lang")) + 1
        needs = tuple(re.findall(r"<!-- needs: (\w+) -->", found["marks"]))
        blocks.append(Block(line, found["lang"], found["code"], needs))
    return blocks


BLOCKS = readme_blocks()
SLOW = pytest.mark.slow


@pytest.fixture(scope="session")
def beside_shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder beside a `shared/` that is the real one, holding desk.karsta imported."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared/data is not beside the checkout")
    base = tmp_path_factory.mktemp("readme")
    (base / "shared").symlink_to(SHARED, target_is_directory=True)
    folder = base / "work"
    folder.mkdir()
    run_shell(
        "karsta import ../shared/data/servicenow-incidents/incident_event_log.csv.gz "
        "--preset servicenow --workspace desk.karsta",
        folder,
    )
    return folder


def _environment() -> dict[str, str]:
    """Return the environment of a reader who activated the virtualenv (English, no colour)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["KARSTA_LANG"] = "en"
    env.pop("NO_COLOR", None)
    return env


def run_shell(code: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run shell code with bash in `folder`, stopping at the first failing command."""
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", code],
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"{code}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done


def _skip_unless_available(block: Block) -> None:
    if "graphviz" in block.needs and shutil.which("dot") is None and not os.environ.get("CI"):
        pytest.skip("needs Graphviz's dot (CI installs it)")


def test_every_block_has_a_known_language() -> None:
    assert BLOCKS, "no code blocks found"
    unknown = [(b.line, b.language) for b in BLOCKS if b.language not in LANGUAGES]
    assert not unknown, f"README code blocks without a runnable language: {unknown}"


QUICK_START = BLOCKS[0]


@SLOW
def test_the_quick_start_commands_are_true(tmp_path: Path) -> None:
    """`make demo` runs as written (into a scratch workspace); `make test` is CI's target."""
    assert QUICK_START.code.splitlines()[0].startswith("make demo")
    assert QUICK_START.code.splitlines()[1].startswith("make test")
    venv = Path(sys.prefix)
    stamp = venv / "bin" / ".installed"
    make = ["make", "-C", str(ROOT), f"VENV={venv}", f"SHARED={SHARED}", f"--assume-old={stamp}"]
    demo = subprocess.run(
        [*make, "demo", f"DEMO={tmp_path / 'demo.karsta'}"],
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=900,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    assert "Scorecard" in demo.stdout
    assert ".venv/bin/karsta" in demo.stdout or "bin/karsta --help" in demo.stdout
    test = subprocess.run([*make, "-n", "test"], capture_output=True, text=True, check=False)
    assert test.returncode == 0, test.stderr
    assert "pytest" in test.stdout
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


RUNNABLE = [b for b in BLOCKS[1:] if b.language in ("sh", "python", "yaml")]


@SLOW
@pytest.mark.parametrize("block", RUNNABLE, ids=[b.name for b in RUNNABLE])
def test_the_block_runs(block: Block, beside_shared: Path) -> None:
    _skip_unless_available(block)
    if "server" in block.needs:
        for line in block.code.splitlines():
            if line.strip():
                _serve_once(line, beside_shared)
    elif block.language == "sh":
        run_shell(block.code, beside_shared)
    elif block.language == "python":
        script = beside_shared / f"readme_line{block.line}.py"
        script.write_text(block.code, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, script.name],
            cwd=beside_shared,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, f"{block.code}\n--- stderr\n{done.stderr}"
    else:
        _import_with_the_mapping(block.code, beside_shared)


def _import_with_the_mapping(code: str, folder: Path) -> None:
    """Write the mapping where its first comment says, and run the import that comment shows.

    The export it imports is written too: one ticket's three events in the columns the
    mapping names, with statuses from its own status classes.
    """
    first = code.splitlines()[0]
    match = re.match(
        r"# (?P<file>\S+\.yaml) — (?P<command>karsta import (?P<export>\S+) .+)$", first
    )
    assert match, f"the mapping example's first line names its file and command: {first!r}"
    mapping_file = folder / match["file"]
    mapping_file.write_text(code, encoding="utf-8")
    mapping = load_mapping_file(mapping_file)
    named: dict[str, str] = {}
    for status, status_class in mapping.status_classes.items():
        named.setdefault(status_class, status)
    activities = [
        named.get("new", "New"),
        named.get("waiting", named.get("active", "In progress")),
        named.get("resolved", "Resolved"),
    ]
    times = ["2024-01-08 09:00:00", "2024-01-08 10:00:00", "2024-01-09 09:00:00"]
    values = {"ticket_id": "T1", "group": "Service Desk", "agent": "A1", "level": "L1"}
    columns = [c for c in ("ticket_id", "activity", "timestamp", "group", "agent", "level")
               if c in mapping.columns]  # fmt: skip
    header = [mapping.columns[c] for c in columns]
    rows = [
        [{"activity": activity, "timestamp": at}.get(c, values.get(c, "")) for c in columns]
        for activity, at in zip(activities, times, strict=True)
    ]
    lines = [",".join(header), *(",".join(row) for row in rows)]
    (folder / match["export"]).write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = match["command"].replace("desk.karsta", "mine.karsta")
    done = run_shell(command, folder)
    assert "read = loaded + rejected" in done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_once(line: str, folder: Path) -> None:
    """Start the `karsta serve` command of `line` on a free port; check it answers; stop it."""
    args = shlex.split(line, comments=True)
    assert args[:2] == ["karsta", "serve"], f"a server block holds only karsta serve: {line!r}"
    if "--port" in args:
        del args[args.index("--port") : args.index("--port") + 2]
    if "--database" in args:
        at = args.index("--database") + 1
        url = os.environ.get("KARSTA_TEST_POSTGRESQL")
        if args[at].startswith("postgresql") and not url:
            if os.environ.get("CI"):
                pytest.fail("KARSTA_TEST_POSTGRESQL is not set in CI")
            pytest.skip(f"no PostgreSQL server for {line!r} (the lines before it ran)")
        args[at] = url or args[at]
    port = _free_port()
    server = subprocess.Popen(
        [*args, "--port", str(port)],
        cwd=folder,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        status = _status(f"http://127.0.0.1:{port}/")
        while status is None:
            assert server.poll() is None, f"{line}: the server stopped"
            assert time.monotonic() < deadline, f"{line}: no answer in 60 s"
            time.sleep(0.5)
            status = _status(f"http://127.0.0.1:{port}/")
        assert status < 500, f"{line}: answered {status}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _status(url: str) -> int | None:
    """Return the HTTP status `url` answers with, or None while nothing listens."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)
    except (urllib.error.URLError, ConnectionError):
        return None
