"""The import page counts the names redacted in free text beside the other kinds."""

from __future__ import annotations

import re
from pathlib import Path

import karsta
from karsta.ingest import import_file
from karsta.web.models import Role
from tests.ingest.test_redaction import MAPPING, desk_file
from tests.web.conftest import make_site


def test_the_import_page_shows_the_names_redacted(tmp_path: Path) -> None:
    workspace = tmp_path / "w.karsta"
    with karsta.open(workspace) as ws:
        report = import_file(
            desk_file(tmp_path / "desk.csv"),
            workspace=ws,
            mapping=MAPPING,
            redact=True,
            max_rejects="50%",
        )
    site = make_site(workspace, f"sqlite:///{tmp_path / 'app.sqlite'}")
    try:
        site.add_user("analyst", Role.ANALYST)
        browser = site.signed_in("analyst")
        data = browser.get(f"/data/imports/{report.import_id}.json").json()["accounting"]
        # tests/ingest/test_redaction.py: Aihe has 2 codes, 1 e-mail, 1 phone and 1 name.
        assert {r["column"]: r["names"] for r in data["redactions"]} == {"Aihe": 1, "Ryhmä": 0}
        page = browser.get(f"/data/imports/{report.import_id}").text
        # The column of names, and the total over every kind: 2 + 1 + 1 + 1 (Aihe) + 1 (Ryhmä).
        rows = dict(re.findall(r'<tr><th scope="row">(Aihe|Ryhmä)</th>(.*?)</tr>', page))
        cells = {k: re.findall(r'<td class="num">(\d+)</td>', v) for k, v in rows.items()}
        assert cells == {"Aihe": ["2", "1", "1", "1"], "Ryhmä": ["0", "1", "0", "0"]}
        assert re.search(r'<th scope="row">[^<]+</th><td class="num">6</td>', page)
    finally:
        site.state.engine.dispose()
