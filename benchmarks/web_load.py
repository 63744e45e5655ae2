"""The web app under load: `karsta serve` on a generated workspace, read by 20 Locust users.

    python benchmarks/web_load.py --log benchmarks/data/events-10M.parquet \\
        --scratch /tmp/karsta-web-load --users 20 --run-time 60

Imports the log into a scratch workspace (untimed; skipped when it is there), starts
`karsta serve` on 127.0.0.1 in its own process, creates the admin and a viewer, and
asks every page once (the first request computes and caches the analyses: its time
is reported apart). Then Locust, headless in a second process, runs `--users`
signed-in readers for `--run-time` seconds, each reading the pages and their JSON
twins in turn with a think time between them. The server and Locust stop by
themselves; the scratch folder is removed unless `--keep`.

The pages are the overview, the scorecard and the process map with their JSON
twins, where the app has them (a page that answers 404 is listed as missing).
Target: p95 under 200 ms and no errors. The table goes to `results/web.md`, the
raw figures to `results/web.json`, with the load average before and after.
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CANDIDATES = [
    ("overview", "/overview"),
    ("overview", "/overview.json"),
    ("scorecard", "/metrics"),
    ("scorecard", "/metrics.json"),
    ("process map", "/process/map"),
    ("process map", "/process/map.json"),
]
"""The pages the target names, page and JSON twin, as the app serves them."""
SETTINGS = 'targets:\n  O2: 80 % within 24 hours\n  I10: "<= 5 %"\n'
PASSWORD = "load benchmark password"
TARGET_P95_MS = 200.0
_TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Stay(urllib.request.HTTPRedirectHandler):
    """Do not follow redirects: a form's answer is its status, the next page is asked apart."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A cookie-keeping HTTP client that fills the app's forms with their CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Stay()
        )

    def get(self, path: str, timeout: float = 900) -> tuple[int, bytes]:
        """Return the status and body of GET `path`."""
        try:
            with self.opener.open(self.base + path, timeout=timeout) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def submit(self, path: str, fields: dict[str, str]) -> int:
        """Post the form on `path` with its CSRF token; return the status."""
        _status, page = self.get(path)
        found = _TOKEN.search(page.decode("utf-8", "replace"))
        data = urllib.parse.urlencode({**fields, "csrftoken": found.group(1) if found else ""})
        request = urllib.request.Request(self.base + path, data=data.encode(), method="POST")
        try:
            with self.opener.open(request, timeout=60) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code


def import_log(log: Path, workspace: Path, karsta: Path) -> float:
    """Import the generated log into `workspace` (event-log preset); return the seconds."""
    start = time.perf_counter()
    subprocess.run(
        [str(karsta), "import", str(log), "--preset", "event-log", "--workspace", str(workspace)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def start_server(karsta: Path, workspace: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start `karsta serve` on 127.0.0.1:`port`; return its process once it answers."""
    database = f"sqlite:///{workspace.parent / 'app.sqlite'}"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(karsta), "serve", "--workspace", str(workspace), "--port", str(port),
             "--host", "127.0.0.1", "--database", database],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"karsta serve stopped: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("karsta serve did not answer within 60 s")


def prepare_users(base: str) -> Browser:
    """Create the admin (the first visit's setup form) and return it signed in."""
    admin = Browser(base)
    status = admin.submit(
        "/setup", {"username": "admin", "password": PASSWORD, "password_again": PASSWORD}
    )
    if status not in (200, 303):  # an existing app database: sign in instead
        admin.submit("/login", {"username": "admin", "password": PASSWORD})
    return admin


def warm_up(browser: Browser) -> tuple[list[tuple[str, str]], dict[str, float], list[str]]:
    """Ask every candidate page once; return those served, first-request seconds, missing."""
    served, first, missing = [], {}, []
    for page, path in CANDIDATES:
        start = time.perf_counter()
        status, _body = browser.get(path)
        first[path] = time.perf_counter() - start
        if status == 200:
            served.append((page, path))
        elif status == 404:
            missing.append(path)
        else:
            raise RuntimeError(f"{path} answered {status} before the load")
    return served, first, missing


def run_locust(base: str, paths: list[str], args: argparse.Namespace, prefix: Path) -> float:
    """Run Locust headless in its own process; return its wall seconds."""
    locust = Path(sys.executable).parent / "locust"
    env = {
        **os.environ,
        "KARSTA_LOAD_PATHS": ",".join(paths),
        "KARSTA_LOAD_WAIT": args.wait,
        "KARSTA_LOAD_USER": "admin",
        "KARSTA_LOAD_PASSWORD": PASSWORD,
    }
    start = time.perf_counter()
    subprocess.run(
        [str(locust), "-f", str(HERE / "locust_web.py"), "--headless", "--only-summary",
         "-u", str(args.users), "-r", str(args.users), "-t", f"{args.run_time}s",
         "--stop-timeout", "10", "--host", base, "--csv", str(prefix)],
        env=env,
        check=False,
        timeout=args.run_time + 120,
    )  # fmt: skip
    return time.perf_counter() - start


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    """Return Locust's per-request statistics (its _stats.csv), times in ms."""
    rows = []
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as source:
        for row in csv.DictReader(source):
            rows.append(
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "median_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "p99_ms": float(row["99%"]),
                    "max_ms": float(row["Max Response Time"]),
                    "requests_per_s": float(row["Requests/s"]),
                }
            )
    return rows


def markdown(
    stats: list[dict[str, Any]],
    pages: dict[str, str],
    first: dict[str, float],
    facts: dict[str, Any],
) -> str:
    """Return the results table, with the target verdict and the conditions of the run."""
    lines = [
        f"{facts['users']} users, {facts['run_time_s']} s, think time {facts['wait_s']} s, "
        f"{facts['events']:,} events; load average {facts['load_before']:.2f} before, "
        f"{facts['load_after']:.2f} after.",
        "",
        "| page | requests | errors | median ms | p95 ms | p99 ms | max ms | first request s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in stats:
        if row["name"] not in pages:
            continue  # the sign-in, and Locust's total over it
        label = f"{pages[row['name']]} `{row['name']}`"
        seconds = first.get(row["name"])
        lines.append(
            f"| {label} | {row['requests']:,} | {row['failures']} | {row['median_ms']:.0f} | "
            f"{row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['max_ms']:.0f} | "
            + ("" if seconds is None else f"{seconds:.1f}")
            + " |"
        )
    timed = [r for r in stats if r["name"] in pages]
    met = all(r["p95_ms"] < TARGET_P95_MS for r in timed) and not any(r["failures"] for r in timed)
    lines += ["", ("Target met" if met else "Target MISSED") + ": p95 < 200 ms, 0 errors."]
    if facts["missing"]:
        lines.append("Not in the app yet (404): " + ", ".join(f"`{p}`" for p in facts["missing"]))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when the target is met, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", type=Path, default=HERE / "data" / "events-10M.parquet")
    parser.add_argument("--scratch", type=Path, required=True)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--run-time", type=int, default=60)
    parser.add_argument("--wait", default="0.5-1.5", help="think time in seconds, min-max")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--keep", action="store_true", help="keep the scratch workspace")
    args = parser.parse_args(argv)
    karsta = Path(sys.executable).parent / "karsta"
    args.scratch.mkdir(parents=True, exist_ok=True)
    workspace = args.scratch / "web.karsta"
    facts: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "log": str(args.log),
        "users": args.users,
        "run_time_s": args.run_time,
        "wait_s": args.wait,
    }
    if not workspace.exists():
        facts["import_s"] = import_log(args.log, workspace, karsta)
    workspace.with_name(workspace.name + ".yaml").write_text(SETTINGS, encoding="utf-8")
    count = subprocess.run(
        [str(karsta), "summary", "--workspace", str(workspace), "--format", "json"],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    facts["events"] = json.loads(count.stdout).get("events")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(karsta, workspace, port, args.scratch / "server.log")
    try:
        admin = prepare_users(base)
        served, first, missing = warm_up(admin)
        facts["missing"] = missing
        facts["first_request_s"] = first
        facts["load_before"] = os.getloadavg()[0]
        prefix = args.scratch / "locust"
        facts["locust_s"] = run_locust(base, [p for _page, p in served], args, prefix)
        facts["load_after"] = os.getloadavg()[0]
        stats = read_stats(prefix)
    finally:
        server.terminate()
        server.wait(timeout=30)
    pages = {path: page for page, path in served}
    table = markdown(stats, pages, first, facts)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "web.md").write_text(table, encoding="utf-8")
    (args.out / "web.json").write_text(
        json.dumps({**facts, "stats": stats}, indent=2, default=str), encoding="utf-8"
    )
    print(table)
    if not args.keep:
        shutil.rmtree(args.scratch, ignore_errors=True)
    return 0 if "Target met" in table else 1


if __name__ == "__main__":
    sys.exit(main())
