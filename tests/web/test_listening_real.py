"""The feedback page on the demo's surveys: synthetic answers about the real ServiceNow log.

The surveys are written by `karsta feedback synthetic` from the real log and imported
with the `survey` preset into a workspace of their own, as the demo does. The page's
NPS and response rate per month are checked against plain pandas written from the
metric card's words: NPS = % of answers 9–10 − % of answers 0–6 on the 0–10 scale,
an answer in the month it was answered (Helsinki time); the response rate = surveys
answered / surveys sent in the month they were sent × 100.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import karsta
from karsta.feedback.synthetic import write_synthetic_surveys
from karsta.ingest import import_file, load_preset
from karsta.web.models import Role
from karsta.workspace import Workspace
from tests.metrics.conftest import servicenow_workspace as servicenow_workspace
from tests.web.conftest import Site, make_site

pytestmark = pytest.mark.slow
HELSINKI = "Europe/Helsinki"


@pytest.fixture
def surveyed(servicenow_workspace: Workspace, tmp_path: Path) -> Iterator[tuple[Site, Path]]:
    """Return a site on a workspace holding the demo's surveys, and the surveys' CSV."""
    csv = tmp_path / "surveys.csv"
    write_synthetic_surveys(servicenow_workspace, csv)
    path = tmp_path / "surveys.karsta"
    with karsta.open(path) as ws:
        import_file(csv, workspace=ws, mapping=load_preset("survey"))  # type: ignore[arg-type]
    site = make_site(path, f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    yield site, csv
    site.state.engine.dispose()


def _month(moments: pd.Series) -> pd.Series:  # type: ignore[type-arg]
    return moments.dt.tz_convert(HELSINKI).dt.strftime("%Y-%m")


def test_the_page_gives_the_nps_and_response_rate_pandas_gives(
    surveyed: tuple[Site, Path],
) -> None:
    site, csv = surveyed
    frame = pd.read_csv(csv, dtype={"respondent_id": str, "free_text": str, "language": str})
    for column in ("sent_at", "answered_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    nps = frame[frame["instrument"] == "NPS"]
    answered = nps[nps["answered_at"].notna()].assign(month=lambda f: _month(f["answered_at"]))
    by_month = answered.groupby("month")["score"]
    expected = (
        100
        * (by_month.apply(lambda s: (s >= 9).sum()) - by_month.apply(lambda s: (s <= 6).sum()))
        / by_month.size()
    )
    sent = nps.assign(month=_month(nps["sent_at"]))
    rate = 100 * sent.groupby("month")["answered_at"].apply(lambda s: s.notna().mean())

    data: dict[str, Any] = site.signed_in("viewer").get("/listening.json").json()
    (page_nps,) = [i for i in data["scores"]["instruments"] if i["instrument"] == "NPS"]
    rows = {r["period"]: r for r in page_nps["rows"]}
    assert set(rows) == set(expected.index)
    for month, value in expected.items():
        assert rows[month]["value"] == pytest.approx(value), month
        assert rows[month]["n"] == by_month.size()[month]
        assert rows[month]["too_few"] is bool(by_month.size()[month] < 30)
        assert rows[month]["response_rate"] == pytest.approx(rate[month]), month
    assert any("Synthetic data" in note for note in page_nps["notes"])
    html = site.signed_in("viewer").get("/listening", headers={"accept-language": "fi"}).text
    assert "Synteettistä" in html or "synteettis" in html.lower()
