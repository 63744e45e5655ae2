"""Locust users for the web app's load benchmark (run by benchmarks/web_load.py).

Each user signs in once, then reads the pages and JSON twins named in the
KARSTA_LOAD_PATHS environment variable (comma-separated), one after another with a
think time of KARSTA_LOAD_WAIT seconds (min-max) between them. Only the page
requests are timed in the results; the sign-in is named apart.
"""

from __future__ import annotations

import os
import re

from locust import HttpUser, between, task

PATHS = [p for p in os.environ.get("KARSTA_LOAD_PATHS", "/overview").split(",") if p]
LOW, _, HIGH = os.environ.get("KARSTA_LOAD_WAIT", "0.5-1.5").partition("-")
USERNAME = os.environ.get("KARSTA_LOAD_USER", "bench")
PASSWORD = os.environ.get("KARSTA_LOAD_PASSWORD", "")
_TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


class Reader(HttpUser):
    """A signed-in viewer reading the pages in turn."""

    wait_time = between(float(LOW), float(HIGH or LOW))

    def on_start(self) -> None:
        """Sign in through the form, as a browser does."""
        form = self.client.get("/login", name="(sign-in form)")
        found = _TOKEN.search(form.text)
        token = found.group(1) if found else ""
        self.client.post(
            "/login",
            data={"csrftoken": token, "username": USERNAME, "password": PASSWORD},
            name="(sign in)",
            allow_redirects=False,
        )
        self.next_path = 0

    @task
    def read(self) -> None:
        """Read the next page of the list."""
        path = PATHS[self.next_path % len(PATHS)]
        self.next_path += 1
        with self.client.get(path, name=path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
