"""The improvement loop's pages: analysts change the records, viewers read them and their twins."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import karsta
from karsta.web.models import Role
from tests.web.conftest import Site, csrf, make_site


def post(browser: TestClient, path: str, form: dict[str, str], page: str) -> str:
    """Post `form` to `path` with the CSRF token of `page`; return where it leads."""
    response = browser.post(path, data={"csrftoken": csrf(browser, page), **form})
    assert response.status_code == 303, f"{path}: {response.status_code} {response.text[:300]}"
    return str(response.headers["location"])


def test_a_workshop_ranks_the_relevant_wastes_by_hours_a_year(site: Site) -> None:
    analyst = site.signed_in("analyst")
    place = post(
        analyst,
        "/improve/workshops",
        {"team": "Palvelupiste", "held_on": "2024-04-02"},
        "/improve/workshops",
    )
    workshop_id = int(place.rsplit("/", 1)[1])
    data = analyst.get(f"/improve/workshops/{workshop_id}.json").json()
    items = {i["waste"]: i["id"] for i in data["workshop"]["items"]}
    waiting = next(k for k in items if k.endswith(":waiting"))
    rework = next(k for k in items if k.endswith(":rework"))
    page = f"/improve/workshops/{workshop_id}"
    # waiting: 5 a week × 30 min × 1 person × 52 weeks = 7 800 min = 130 h a year;
    # rework: 2 a day × 10 min × 3 people = 60 min a day; a day is a fifth of a 52-week
    # year's 260 working days: 260 × 60 min = 15 600 min = 260 h a year, ranked first.
    for key, form in (
        (waiting, {"times": "5", "per": "week", "minutes": "30", "people": "1"}),
        (rework, {"times": "2", "per": "day", "minutes": "10", "people": "3"}),
    ):
        post(
            analyst,
            f"{page}/items/{items[key]}",
            {"relevant": "yes", "evidence": "jonot", "link": "finding:handoffs:ping-pong", **form},
            page,
        )
    ranking = analyst.get(f"{page}.json").json()["ranking"]
    assert [(r["waste"], r["hours_per_year"]) for r in ranking] == [
        (rework, 260.0),
        (waiting, 130.0),
    ]
    assert ranking[0]["links"] == ["finding:handoffs:ping-pong"]
    viewer = site.signed_in("viewer")
    assert (
        viewer.get(page.replace("/improve", "/improve", 1) + ".json").json()["ranking"] == ranking
    )
    html = viewer.get(page, headers={"accept-language": "fi"}).text
    assert "260" in html
    assert 'name="csrftoken"' in html
    assert f'action="{page}/items/' not in html


def test_an_idea_is_placed_on_the_grid_and_becomes_an_a3(site: Site) -> None:
    analyst = site.signed_in("analyst")
    post(
        analyst,
        "/improve/ideas",
        {"title": "Yksi jono", "description": "", "impact": "3", "effort": "1"},
        "/improve/ideas",
    )
    ideas = analyst.get("/improve/ideas.json").json()["ideas"]
    assert [(i["title"], i["impact"], i["effort"], i["author"]) for i in ideas] == [
        ("Yksi jono", 3, 1, "analyst")
    ]
    html = analyst.get("/improve/ideas", headers={"accept-language": "fi"}).text
    # high impact, low effort: the quick-win cell holds the idea
    cell = re.search(r'<td class="cell i3 e1">(.*?)</td>', html, re.S)
    assert cell
    assert "Yksi jono" in cell.group(1)
    idea_id = ideas[0]["id"]
    place = post(
        analyst,
        f"/improve/ideas/{idea_id}",
        {"impact": "3", "effort": "1", "status": "a3"},
        "/improve/ideas",
    )
    assert re.fullmatch(r"/improve/a3/\d+", place)
    sheet = analyst.get(place + ".json").json()["sheet"]
    assert sheet["title"] == "Yksi jono"
    assert analyst.get("/improve/ideas.json").json()["ideas"][0]["a3_id"] == sheet["id"]


def test_one_tap_starts_a_step_and_the_next_tap_stops_it(site: Site) -> None:
    analyst = site.signed_in("analyst")
    place = post(
        analyst,
        "/improve/gemba",
        {"title": "Puhelinpalvelu", "steps": "Soitto, Odotus", "observer": "Liisa"},
        "/improve/gemba",
    )
    post(analyst, place + "/tap", {"step": "Soitto", "kind": "value"}, place)
    running = analyst.get(place + ".json").json()
    assert running["running"] == "Soitto"
    assert running["open_notes"] == 1
    assert running["steps"] == ["Soitto", "Odotus"]
    post(analyst, place + "/tap", {"step": "Odotus", "kind": "waiting"}, place)  # stops Soitto
    post(analyst, place + "/tap", {"step": "Odotus", "kind": "waiting"}, place)  # stops Odotus
    data = analyst.get(place + ".json").json()
    assert data["running"] is None
    assert data["open_notes"] == 0
    notes = data["observation"]["notes"]
    assert [(n["step"], n["kind"], n["ended_at"] is not None) for n in notes] == [
        ("Soitto", "value", True),
        ("Odotus", "waiting", True),
    ]
    assert [s["step"] for s in data["summary"]] == ["Soitto", "Odotus"]
    assert data["log_compared"] is True  # the workspace's log stands beside the notes
    assert data["timezone"] == "Europe/Helsinki"  # the notes' clock, the workspace's zone
    assert site.signed_in("viewer").get(place).status_code == 200


def test_an_a3_sheet_is_saved_with_its_actions_and_downloads_as_one_page(site: Site) -> None:
    analyst = site.signed_in("analyst")
    place = post(analyst, "/improve/a3", {"title": "Pompottelu", "team": "Tuki"}, "/improve/a3")
    sheet = analyst.get(place + ".json").json()["sheet"]
    assert (sheet["title"], sheet["team"], sheet["owner"], sheet["step"]) == (
        "Pompottelu",
        "Tuki",
        "analyst",
        1,
    )
    post(
        analyst,
        place,
        {
            "title": "Pompottelu ryhmien välillä",
            "step": "5",
            "target": "alle 5 %",
            "whys": "Väärä ryhmä\nEi ohjetta\n",
            "methods": "Ohjaussäännöt puuttuvat",
        },
        place,
    )
    post(analyst, place + "/actions", {"what": "Ohje", "who": "Matti", "due": "2024-05-01"}, place)
    sheet = analyst.get(place + ".json").json()["sheet"]
    assert (sheet["title"], sheet["step"], sheet["target"]) == (
        "Pompottelu ryhmien välillä",
        5,
        "alle 5 %",
    )
    assert sheet["whys"] == ["Väärä ryhmä", "Ei ohjetta"]
    assert sheet["fishbone"] == {"methods": ["Ohjaussäännöt puuttuvat"]}
    action = sheet["actions"][0]
    assert (action["what"], action["who"], action["due"], action["status"]) == (
        "Ohje",
        "Matti",
        "2024-05-01",
        "planned",
    )
    post(analyst, f"{place}/actions/{action['id']}", {"status": "done"}, place)
    assert analyst.get(place + ".json").json()["sheet"]["actions"][0]["status"] == "done"

    viewer = site.signed_in("viewer")
    pdf = viewer.get(place + "/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    html = viewer.get(place, headers={"accept-language": "fi"}).text
    assert "Nykytilanne" in html
    assert "Tavoite" in html
    assert "<textarea" not in html
    assert "<textarea" in analyst.get(place, headers={"accept-language": "fi"}).text


def follow_i10(site: Site) -> None:
    """Follow a change of 1 March 2024 on I10 (reopened share), target <= 30 %."""
    analyst = site.signed_in("analyst")
    post(
        analyst,
        "/improve/pdca",
        {
            "title": "Ratkaisun tarkistus",
            "changed_on": "2024-03-01",
            "metric": "I10",
            "target": "<= 30 %",
        },
        "/improve/pdca",
    )


def test_the_pdca_board_computes_the_effect_from_each_visitors_tickets(site: Site) -> None:
    follow_i10(site)
    # I10 = reopened / resolved, before the change (February) and after it (March):
    #   whole desk: 1 of 2 (B1) = 50 % → 1 of 5 (A2) = 20 %, difference -30 points;
    #   group A:    0 of 1 = 0 %       → 1 of 2 (A2) = 50 %, +50 points;
    #   group B:    1 of 1 (B1) = 100 % → 0 of 3 = 0 %, -100 points.
    expected = {
        "viewer": (50.0, 20.0, 2, 5, True),
        "viewer_a": (0.0, 50.0, 1, 2, False),
        "viewer_b": (100.0, 0.0, 1, 3, True),
    }
    for username, (baseline, now, n_before, n_after, met) in expected.items():
        board = site.signed_in(username).get("/improve/pdca.json").json()
        (item,) = board["changes"]
        (effect,) = item["metrics"]
        assert (effect["baseline"], effect["now"]) == (baseline, now), username
        assert (effect["n_baseline"], effect["n_follow_up"]) == (n_before, n_after), username
        assert effect["difference"] == now - baseline, username
        assert effect["target_met"] is met, username
        assert item["status"] == effect["status"]
    # so few tickets show no change: the status is computed, and nobody can type it in
    assert effect["status"] in ("following up", "no change shown")


def test_the_status_of_a_change_cannot_be_typed_in(site: Site) -> None:
    follow_i10(site)
    analyst = site.signed_in("analyst")
    routes = {(r.path, m) for r in site.app.routes for m in getattr(r, "methods", ())}
    assert not any("pdca" in path and "status" in path for path, _ in routes)
    html = analyst.get("/improve/pdca", headers={"accept-language": "fi"}).text
    assert 'name="status"' not in html


def test_every_improvement_form_needs_its_csrf_token(site: Site) -> None:
    from tests.web.test_access import EDIT, MATRIX, add_improvement_records

    add_improvement_records(site)
    analyst = site.signed_in("analyst")
    forms = [
        (path, form)
        for method, path, form, expected in MATRIX
        if expected == EDIT and path.startswith("/improve")
    ]
    assert len(forms) == 11
    for path, form in forms:
        assert form is not None
        forged = analyst.post(path, data={"csrftoken": "forged", **form})
        assert forged.status_code == 403, path
        missing = analyst.post(path, data=form)
        assert missing.status_code == 403, path
    # nothing was changed by the refused posts
    assert [w["team"] for w in analyst.get("/improve/workshops.json").json()["workshops"]] == [
        "Tuki"
    ]


@pytest.fixture
def hand_site(tmp_path: Path) -> Iterator[Site]:
    """Return the web app on the hand-checked log: ticket A goes G1 → G2 → G1 (a ping-pong)."""
    from tests.process.fixtures import CATEGORIES, EVENTS
    from tests.process.logs import load

    path = tmp_path / "hand.karsta"
    with karsta.open(path) as ws:
        load(ws, EVENTS, CATEGORIES)
    built = make_site(path, f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("analyst", Role.ANALYST)
    built.add_user("analyst_g2", Role.ANALYST, groups=["G2"])
    yield built
    built.state.engine.dispose()


def test_an_a3_from_the_ping_pong_finding_carries_its_figures(hand_site: Site) -> None:
    analyst = hand_site.signed_in("analyst")
    listed = analyst.get("/improve/a3.json").json()["findings"]
    assert "handoffs:ping-pong" in [f["id"] for f in listed]
    place = post(
        analyst,
        "/improve/a3",
        {"title": "Pompottelu", "finding": "handoffs:ping-pong"},
        "/improve/a3",
    )
    sheet = analyst.get(place + ".json", headers={"accept-language": "fi"}).json()["sheet"]
    # ticket A: G1 → G2 → G1 is one return, in one ticket (tests.process.fixtures)
    assert (sheet["baseline"]["occurrences"], sheet["baseline"]["tickets"]) == (1, 1)
    assert sheet["source"] == "finding:handoffs:ping-pong"
    assert sheet["step"] == 2
    assert "Vuodessa:" in sheet["current_state"]  # written in the visitor's language (fi)
    html = analyst.get(place, headers={"accept-language": "fi"}).text
    assert "Lähtötaso datasta" in html


def test_a_group_limited_analyst_cannot_start_from_another_groups_finding(
    hand_site: Site,
) -> None:
    # Both tickets are resolved by G1: a user limited to G2 sees no ticket, so no ping-pong.
    limited = hand_site.signed_in("analyst_g2")
    ids = [f["id"] for f in limited.get("/improve/a3.json").json()["findings"]]
    assert "handoffs:ping-pong" not in ids
    refused = limited.post(
        "/improve/a3",
        data={
            "csrftoken": csrf(limited, "/improve/a3"),
            "title": "Pompottelu",
            "finding": "handoffs:ping-pong",
        },
    )
    assert refused.status_code == 422
    assert limited.get("/improve/a3.json").json()["sheets"] == []


def test_figures_from_every_ticket_are_withheld_from_a_group_limited_user(
    hand_site: Site,
) -> None:
    # The unrestricted analyst starts a sheet and an idea from the ping-pong finding
    # (ticket A, resolved by G1); the user limited to G2 sees neither ticket.
    analyst = hand_site.signed_in("analyst")
    place = post(
        analyst,
        "/improve/a3",
        {"title": "Pompottelu", "finding": "handoffs:ping-pong"},
        "/improve/a3",
    )
    post(
        analyst,
        "/improve/ideas",
        {"title": "Ei pompottelua", "finding": "handoffs:ping-pong"},
        "/improve/ideas",
    )
    own = analyst.get(place + ".json").json()
    assert own["sheet"]["baseline"]["scope"] == {"groups": None, "channels": None}
    assert own["withheld"] is False
    limited = hand_site.signed_in("analyst_g2")
    seen = limited.get(place + ".json").json()
    assert seen["withheld"] is True
    assert seen["sheet"]["baseline"] is None
    assert (seen["sheet"]["current_state"], seen["sheet"]["metrics"]) == ("", "")
    assert seen["sheet"]["title"] == "Pompottelu"
    listed = limited.get("/improve/a3.json").json()["sheets"]
    assert [s["baseline"] for s in listed] == [None]
    ideas = limited.get("/improve/ideas.json").json()["ideas"]
    assert [i["figures"] for i in ideas] == [None]
    assert analyst.get("/improve/ideas.json").json()["ideas"][0]["figures"]["tickets"] == 1
    html = limited.get(place, headers={"accept-language": "fi"}).text
    assert "Lähtötaso datasta" not in html
    for path in (place + "/print", place + "/pdf"):
        assert limited.get(path).status_code == 403, path
    token = csrf(limited, place)
    saved = limited.post(place, data={"csrftoken": token, "title": "X", "step": "3"})
    assert saved.status_code == 403
    assert analyst.get(place + ".json").json()["sheet"]["title"] == "Pompottelu"


def test_a_change_with_an_unreadable_target_or_metric_is_refused(site: Site) -> None:
    analyst = site.signed_in("analyst")
    for form in (
        {"metric": "I10", "target": "fewer please"},
        {"metric": "NOPE", "target": ""},
        {"metric": "I10", "a3_id": "x"},
    ):
        refused = analyst.post(
            "/improve/pdca",
            data={
                "csrftoken": csrf(analyst, "/improve/pdca"),
                "title": "Muutos",
                "changed_on": "2024-03-01",
                **form,
            },
        )
        assert refused.status_code == 422, form
    assert analyst.get("/improve/pdca.json").json()["changes"] == []


def test_a_calculator_figure_beyond_ten_to_the_28th_is_shown_in_full(site: Site) -> None:
    viewer = site.signed_in("viewer")
    huge = viewer.get("/improve?minutes=3.8e25", headers={"accept-language": "fi"})
    assert huge.status_code == 200
    # 5 a week × 3.8e25 min × 52 weeks = 9.88e27 min; an hour is 60 of them.
    assert viewer.get("/improve.json?minutes=3.8e25").json()["savings"]["minutes_per_year"] == (
        pytest.approx(9.88e27)
    )
