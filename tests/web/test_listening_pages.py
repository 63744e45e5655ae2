"""The listening pages on the survey answers of tests/web/listening_data.py.

The pages and their JSON twins must give exactly what the Python API returns for the
same question; the hand-computed NPS table of listening_data.py is checked again, and
recomputed here with plain pandas from the rows as written (promoters 9–10 minus
detractors 0–6, in % of the month's answers).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import karsta
from karsta.feedback.quiet_period import quiet_period
from karsta.feedback.scores import survey_scores
from karsta.feedback.themes import workspace_themes
from karsta.feedback.turnover import staff_turnover
from karsta.metrics.registry import find
from karsta.web.models import Role
from karsta.web.views import listening as listening_view
from karsta.web.views.listening import IMPORT_COMMAND
from tests.web.conftest import Site, make_site
from tests.web.listening_data import (
    NPS_BY_MONTH,
    PLANTED_EMAIL,
    PLANTED_HETU,
    PLANTED_PHONE,
    RESPONDENTS,
    SURVEYS,
    add_listening_data,
    survey_rows,
)

PAGES = ["/listening", "/listening/themes", "/listening/quiet-period"]
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def answers(site: Site) -> Site:
    """Return the two-group desk's site with the survey answers and staffing rows."""
    add_listening_data(site.workspace)
    return site


def plain(data: Any) -> Any:
    """Return a result's dict as the JSON twin sends it (English texts, floats as they are)."""
    return json.loads(json.dumps(data))


def twin(site: Site, path: str, username: str = "viewer") -> dict[str, Any]:
    response = site.signed_in(username).get(path)
    assert response.status_code == 200, response.text[:300]
    data: dict[str, Any] = response.json()
    return data


def _instrument(data: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [i for i in data["scores"]["instruments"] if i["instrument"] == name]
    return found


def test_the_scores_twin_is_what_the_api_returns(answers: Site) -> None:
    data = twin(answers, "/listening.json")
    assert data["available"]
    assert data["has_data"]
    assert (data["period"], data["min_answers"]) == ("month", 30)
    with karsta.open(answers.workspace, create=False, read_only=True) as ws:
        scores = survey_scores(ws.source, ws.config.options(period="month"))
        turnover = staff_turnover(ws.source)
    assert data["scores"] == plain(scores.to_dict())
    assert data["turnover"] == plain(turnover.to_dict())
    assert [i["instrument"] for i in data["scores"]["instruments"]] == ["CSAT", "NPS", "staff"]


def test_the_nps_figures_are_the_hand_computed_ones(answers: Site) -> None:
    nps = _instrument(twin(answers, "/listening.json"), "NPS")
    rows = {r["period"]: r for r in nps["rows"]}
    # Plain pandas from the rows as written: NPS = (promoters − detractors) / answers × 100.
    frame = pd.DataFrame([r for r in survey_rows() if r["instrument"] == "NPS"])
    frame = frame[frame["answered_at"].notna()]
    frame["month"] = pd.to_datetime(frame["answered_at"], utc=True).dt.strftime("%Y-%m")
    by_month = frame.groupby("month")["score"]
    expected = (by_month.apply(lambda s: (s >= 9).sum() - (s <= 6).sum()) / by_month.size()) * 100
    assert expected.to_dict() == NPS_BY_MONTH
    assert {p: r["value"] for p, r in rows.items()} == pytest.approx(NPS_BY_MONTH)
    assert rows["2024-01"]["response_rate"] == pytest.approx(80.0)  # 40 of 50 sent
    assert rows["2024-01"]["surveys_sent"] == 50
    assert rows["2024-02"]["response_rate"] == pytest.approx(100 * 40 / 60)
    # March has 10 answers: too few; its change and April's (against March) are not tested.
    assert rows["2024-03"]["too_few"] is True
    assert rows["2024-03"]["change"]["too_few"] is True
    assert rows["2024-04"]["change"]["too_few"] is True
    february = rows["2024-02"]["change"]
    assert (february["test"], february["too_few"]) == ("nps_z", False)
    assert february["change"] == pytest.approx(10.0 - 25.0)
    staff = _instrument(twin(answers, "/listening.json"), "staff")
    assert {r["group"]["question"] for r in staff["rows"]} == {"workload", "team spirit"}
    (turnover,) = twin(answers, "/listening.json")["turnover"]["rows"]
    assert turnover["turnover"] == pytest.approx(400 / 21)  # 4 left of 22 → 20


def test_the_period_and_the_fewest_answers_reach_the_analysis(answers: Site) -> None:
    data = twin(answers, "/listening.json?period=quarter&min_answers=5")
    with karsta.open(answers.workspace, create=False, read_only=True) as ws:
        expected = survey_scores(ws.source, ws.config.options(period="quarter"), min_answers=5)
    assert data["scores"] == plain(expected.to_dict())
    nps = _instrument(data, "NPS")
    # Q1: 90 answers, (41 − 27) / 90; Q2: 80 answers, (44 − 18) / 80.
    assert [(r["period"], r["n"]) for r in nps["rows"]] == [("2024-Q1", 90), ("2024-Q2", 80)]
    assert nps["rows"][0]["value"] == pytest.approx(100 * 14 / 90)
    blank = twin(answers, "/listening.json?period=&min_answers=")
    assert (blank["period"], blank["min_answers"]) == ("month", 30)


def test_a_ticket_breakdown_tests_each_group_against_the_other_answers(answers: Site) -> None:
    data = twin(answers, "/listening.json?by=channel")
    assert data["by"] == "channel"
    with karsta.open(answers.workspace, create=False, read_only=True) as ws:
        expected = survey_scores(ws.source, ws.config.options(period="month", by=("channel",)))
    assert data["scores"] == plain(expected.to_dict())
    nps = _instrument(data, "NPS")
    january = [r for r in nps["rows"] if r["period"] == "2024-01"]
    # January's answers are r001 … r040; those numbered 6, 13, 20, 27 and 34 (number
    # mod 7 = 6) are about B4, the phone ticket: 5 by phone, 35 by e-mail.
    by_channel = {r["group"]["channel"]: r["n"] for r in january}
    assert by_channel == {"email": 35, "phone": 5}
    assert all(r["versus_rest"] is not None for r in january)
    html = answers.signed_in("viewer").get("/listening?by=channel", headers=ENGLISH).text
    assert "difference from the other answers" in html
    assert "channel: phone" in html


def test_the_scores_page_draws_bands_and_says_too_few(answers: Site) -> None:
    html = answers.signed_in("viewer").get("/listening", headers=ENGLISH).text
    assert 'aria-current="page">Feedback</a>' in html  # the main menu's link
    assert 'data-spec-id="score-1-spec"' in html
    assert 'data-spec-id="score-staff-1-spec"' in html
    assert "Recommendation index (NPS)" in html
    assert "too few answers" in html
    assert "<strong>25.0</strong>" in html  # January's NPS, one decimal
    assert "80.0%" in html  # January's response rate
    assert "not significant" in html or "significant" in html
    assert "The staff&#39;s view" in html
    # What the NPS card leaves out, in its own words, beside the count of answers left out.
    assert escape(find("NPS").card.field("exclusions", "en"), quote=True) in html
    assert "19.0%" in html or "19.1%" in html  # turnover 4 / 21


def test_the_themes_twin_is_what_the_api_returns(answers: Site) -> None:
    data = twin(answers, "/listening/themes.json")
    assert (data["language"], data["themes_asked"]) == ("all", 8)
    with karsta.open(answers.workspace, create=False, read_only=True) as ws:
        found = workspace_themes(ws, themes=8, examples=3)
    assert data["themes"] == plain(found.to_dict())
    # 85 Finnish answers (every second of 170) and 5 Swedish ones: too few for themes.
    assert data["themes"]["languages"] == {"fi": 85, "sv": 5}
    assert data["themes"]["too_few_answers"] == {"sv": 5}
    assert data["themes"]["redactions"]["hetu"] == 1
    assert data["themes"]["redactions"]["email"] == 1
    assert {t["language"] for t in data["themes"]["themes"]} == {"fi"}
    words = [set(t["words"]) for t in data["themes"]["themes"]]
    assert any("jonotusaika" in w or "jonottaa" in w or "jonotus" in w for w in words)
    fewer = twin(answers, "/listening/themes.json?themes=2&language=fi")
    with karsta.open(answers.workspace, create=False, read_only=True) as ws:
        two = workspace_themes(ws, themes=2, examples=3)
    assert fewer["themes"] == plain(two.to_dict())
    assert twin(answers, "/listening/themes.json?language=sv")["themes"]["themes"] == []


def test_identity_codes_e_mails_and_phones_never_reach_a_page(answers: Site) -> None:
    browser = answers.signed_in("viewer")
    for path in PAGES:
        for shown in (path, path + ".json", path + "?language=fi"):
            if "language" in shown and "themes" not in shown:
                continue
            text = browser.get(shown, headers=ENGLISH).text
            for planted in (PLANTED_HETU, PLANTED_EMAIL, PLANTED_PHONE, "meikalainen"):
                assert planted not in text, (shown, planted)
    html = browser.get("/listening/themes", headers=ENGLISH).text
    found = browser.get("/listening/themes.json").json()["themes"]
    examples = [e for t in found["themes"] for e in t["examples"]]
    assert examples
    assert all(escape(e, quote=True) in html for e in examples)  # as the analysis gave them
    assert found["redactions"]["hetu"] == found["redactions"]["email"] == 1
    if any(t["recurring"] for t in found["themes"]):
        assert "recurring complaint" in html
    if any(t["drags_score_down"] for t in found["themes"]):
        assert "drags the score down" in html


def test_the_quiet_period_twin_is_what_the_api_returns(answers: Site) -> None:
    data = twin(answers, "/listening/quiet-period.json?quiet_days=45")
    with karsta.open(answers.workspace, create=False, read_only=True) as ws:
        expected = quiet_period(ws.source, quiet_days=45)
    assert data["quiet_period"] == plain(expected.to_dict())
    assert data["quiet_period"]["surveys"] == SURVEYS  # every NPS survey has a sending time
    assert data["quiet_period"]["respondents"] == RESPONDENTS
    assert data["quiet_period"]["response_rate_known"] is True
    html = answers.signed_in("viewer").get("/listening/quiet-period", headers=ENGLISH).text
    assert 'data-spec-id="quiet-spec"' in html
    assert "first survey" in html


def test_themes_are_found_once_per_workspace_version(
    answers: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = listening_view.workspace_themes

    def counted(ws: Any, **options: Any) -> Any:
        calls.append(options)
        return real(ws, **options)

    monkeypatch.setattr(listening_view, "workspace_themes", counted)
    browser = answers.signed_in("viewer")
    for path in ("/listening/themes.json", "/listening/themes", "/listening/themes?language=fi"):
        assert browser.get(path).status_code == 200
    assert len(calls) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/listening.json?period=day",
        "/listening.json?period=decade",
        "/listening.json?min_answers=0",
        "/listening.json?min_answers=10001",
        "/listening.json?min_answers=abc",
        "/listening.json?by=agent_name",
        "/listening/themes.json?themes=0",
        "/listening/themes.json?themes=21",
        "/listening/themes.json?language=de",
        "/listening/quiet-period.json?quiet_days=0",
        "/listening/quiet-period.json?quiet_days=366",
        "/listening/quiet-period.json?quiet_days=nan",
        "/listening/quiet-period.json?quiet_days=inf",
        "/listening/quiet-period?quiet_days=abc",
    ],
)
def test_bad_parameters_are_refused_not_a_server_error(answers: Site, path: str) -> None:
    assert answers.signed_in("viewer").get(path).status_code == 422


def test_roles_and_limits(answers: Site) -> None:
    for path in PAGES:
        assert answers.client().get(path + ".json").status_code == 401
        assert answers.client().get(path).status_code == 303  # to the sign-in page
        for username in ("viewer", "analyst", "admin"):
            assert twin(answers, path + ".json", username)["available"] is True
        # Answers are not all tied to a group or channel: a limited user sees none.
        for username in ("viewer_a", "phone_only"):
            limited = twin(answers, path + ".json", username)
            assert limited["available"] is False
            assert limited["has_data"] is False
            figures = {"scores", "turnover", "themes", "quiet_period"} & set(limited)
            assert all(limited[name] is None for name in figures)
        html = answers.signed_in("viewer_a").get(path, headers=ENGLISH).text
        assert "not shown to users limited to some groups or channels" in html
        assert PLANTED_HETU not in html


def test_a_workspace_without_answers_tells_how_to_import_them(site: Site) -> None:
    for path in PAGES:
        data = twin(site, path + ".json")
        assert (data["available"], data["has_data"]) == (True, False)
        html = site.signed_in("viewer").get(path, headers=ENGLISH).text
        assert "No survey answers yet" in html
        assert IMPORT_COMMAND in html
    assert twin(site, "/listening.json")["scores"] is None


def test_a_missing_workspace_file_is_an_empty_state(tmp_path: Path) -> None:
    built = make_site(tmp_path / "none.karsta", f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("viewer", Role.VIEWER)
    try:
        for path in PAGES:
            assert twin(built, path + ".json")["has_data"] is False
    finally:
        built.state.engine.dispose()


def test_no_generated_request_to_the_listening_pages_gets_a_server_error(answers: Site) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_asgi("/openapi.json", answers.app)
    browser = answers.signed_in("viewer")
    signed_in: dict[str, Any] = {"cookies": dict(browser.cookies)}
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [o for o in operations if o.path.startswith("/listening")]
    assert len(operations) == 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def no_server_error(case: Any) -> None:
            response = case.call(**signed_in)
            assert response.status_code < 500, f"{case.method} {case.path}: {response.text[:200]}"

        no_server_error()
