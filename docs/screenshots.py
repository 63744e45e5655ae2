"""Take the README's screenshot of the overview page, in Finnish, from the real ServiceNow log.

Run by `make screenshots`: the log is imported into a temporary workspace as `make demo`
imports it (preset servicenow, the settings and targets of demo.karsta.yaml beside it),
`karsta serve` serves it on a free local port, Debian's chromium (driven by Playwright)
creates the admin through the first-visit setup form and saves the overview, 1280 px wide,
full page, as a palette PNG. The server is stopped and the workspace removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT.parent / "shared" / "data" / "servicenow-incidents" / "incident_event_log.csv.gz"
OUT = ROOT / "docs" / "images" / "overview-fi.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
KARSTA = Path(sys.executable).parent / "karsta"
ADMIN = "pääkäyttäjä"
PASSWORD = "kuvakaappaus-2026"  # a throwaway admin of a throwaway workspace


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def import_demo(log: Path, folder: Path) -> Path:
    """Return a workspace in `folder` holding `log`, imported with the demo's settings."""
    workspace = folder / "demo.karsta"
    shutil.copyfile(ROOT / "demo.karsta.yaml", folder / "demo.karsta.yaml")
    subprocess.run(
        [str(KARSTA), "import", str(log), "--preset", "servicenow", "--workspace", str(workspace)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return workspace


def wait_until_answering(base: str, server: subprocess.Popen[bytes]) -> None:
    """Return once the server answers at `base`; fail if it stops or stays silent."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"karsta serve stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/setup", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"karsta serve did not answer at {base} within a minute")


def shoot_overview(base: str, out: Path) -> None:
    """Create the admin through the setup form and save the overview in Finnish to `out`."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/")
        page.wait_for_url(f"{base}/setup")
        page.get_by_label("Käyttäjätunnus").fill(ADMIN)
        page.get_by_label("Salasana", exact=True).fill(PASSWORD)
        page.get_by_label("Salasana uudelleen").fill(PASSWORD)
        page.get_by_role("button", name="Luo ja kirjaudu sisään").click()
        page.wait_for_url(f"{base}/overview", timeout=300_000)
        page.locator("#trend svg").first.wait_for(timeout=60_000)  # vega-embed drew the chart
        page.wait_for_load_state("networkidle")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=True)
        browser.close()


def shrink(png: Path) -> None:
    """Rewrite `png` with a 256-colour palette, which the page's flat colours survive."""
    with Image.open(png) as image:
        palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    palette.save(png, optimize=True)


def main() -> None:
    """Import, serve, shoot, stop and clean up; print where the picture went and its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, default=LOG, help="the ServiceNow incident log")
    parser.add_argument("--out", type=Path, default=OUT, help="the PNG to write")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="karsta-shots-") as folder:
        workspace = import_demo(args.log.resolve(), Path(folder))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "NO_COLOR": "1"}
        server = subprocess.Popen(
            [str(KARSTA), "serve", "--workspace", str(workspace), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_until_answering(base, server)
            shoot_overview(base, args.out)
        finally:
            server.terminate()
            server.wait(timeout=30)
    shrink(args.out)
    print(f"{args.out}: {args.out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
