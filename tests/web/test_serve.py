"""`karsta serve`, and the overview when the workspace is missing or busy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from karsta.cli.main import app as cli
from karsta.web.models import Role
from tests.web.conftest import Site, make_site


def test_serve_builds_the_app_with_its_database_beside_the_workspace(
    desk_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    result = CliRunner().invoke(cli, ["serve", "--workspace", str(desk_file), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served["port"] == 8123
    assert served["host"] == "127.0.0.1"
    assert served["access_log"] is False  # its log would name every client's address
    assert desk_file.with_name("desk.karsta.app.sqlite").exists()  # migrated on start
    assert served["app"].state.karsta.config.workspace == desk_file.resolve()


def test_serve_refuses_a_database_it_cannot_use(desk_file: Path) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--workspace", str(desk_file), "--database", "mysql://u@h/db"]
    )
    assert result.exit_code == 2  # the CLI's exit code for an error it explains
    assert "Unsupported app database 'mysql'" in result.output


def test_the_overview_of_a_workspace_not_yet_imported(tmp_path: Path) -> None:
    site = make_site(tmp_path / "new.karsta", f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    data = site.signed_in("viewer").get("/overview.json").json()
    assert data["has_data"] is False
    assert data["figures"] == []
    assert not (tmp_path / "new.karsta").exists()  # reading creates nothing


def test_a_workspace_held_by_a_writer_gives_a_clear_answer(site: Site) -> None:
    viewer = site.signed_in("viewer")
    # A writer in another process (an import) holds the file; inside one program a reader
    # would share the writer's connection instead.
    holder = (
        "import sys, time, karsta\n"
        "ws = karsta.open(sys.argv[1])\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", holder, str(site.workspace)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "held"
        page = viewer.get("/overview", headers={"accept-language": "en"})
        twin = viewer.get("/overview.json")
    finally:
        writer.kill()
        writer.wait()
        if writer.stdout is not None:
            writer.stdout.close()
    assert page.status_code == 503
    assert "The workspace cannot be read right now" in page.text
    assert twin.status_code == 503
    assert viewer.get("/overview.json").status_code == 200  # and reads again once it is free
