"""The process pages on the three-ticket desk (tests/web/process_site.py), figures by hand."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from karsta.web.models import Role
from tests.web.conftest import Site, csrf, make_site
from tests.web.process_site import PROCESS_PAGES, process_site

EN = {"accept-language": "en"}
PER_YEAR = 365.25  # every ticket opened on 1 January 2024: a one-day period scaled to a year


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    built = process_site(tmp_path)
    yield built
    built.state.engine.dispose()


def twin(site: Site, username: str, path: str) -> dict[str, Any]:
    response = site.signed_in(username).get(path)
    assert response.status_code == 200, response.text[:300]
    data: dict[str, Any] = response.json()
    return data


def arrows(data: dict[str, Any]) -> dict[tuple[str, str], int]:
    return {(e["source"], e["target"]): e["count"] for e in data["edges"]}


def test_a_group_limited_user_maps_only_the_tickets_of_the_group(site: Site) -> None:
    # Whole desk: New → Active A, B, C; Active → Resolved A, B (5 → 6), C; Resolved → Closed
    # A, B, C; B's Active → Awaiting User Info → Active. G1 resolved A only.
    assert arrows(twin(site, "viewer", "/process/map.json")) == {
        ("New", "Active"): 3,
        ("Active", "Resolved"): 3,
        ("Resolved", "Closed"): 3,
        ("Active", "Awaiting User Info"): 1,
        ("Awaiting User Info", "Active"): 1,
    }
    limited = twin(site, "viewer_g1", "/process/map.json")
    assert arrows(limited) == {
        ("New", "Active"): 1,
        ("Active", "Resolved"): 1,
        ("Resolved", "Closed"): 1,
    }
    assert {n["id"]: n["cases"] for n in limited["nodes"]} == {
        "New": 1,
        "Active": 1,
        "Resolved": 1,
        "Closed": 1,
    }
    assert limited["scope"] == {"groups": ["G1"], "channels": None}
    # The filter can offer only the group the user sees; asking for G2 gives nothing.
    assert [c["value"] for c in limited["choices"]["attributes"]["group"]] == ["G1"]
    assert twin(site, "viewer_g1", "/process/map.json?group=G2")["edges"] == []
    # The stage map and the landscape count the same tickets.
    stage = twin(site, "viewer_g1", "/process/map.json?by=stage")
    assert {n["id"]: n["cases"] for n in stage["nodes"]} == {
        "intake": 1,
        "work": 1,
        "resolution": 1,
        "closing": 1,
    }


def test_a_group_limited_user_sees_only_the_variants_and_waste_of_the_group(site: Site) -> None:
    assert twin(site, "viewer", "/process/variants.json")["total_cases"] == 3
    limited = twin(site, "viewer_g1", "/process/variants.json")
    assert limited["total_cases"] == 1
    assert [v["activities"] for v in limited["variants"]] == [
        ["New", "Active", "Resolved", "Closed"]
    ]
    # Customer waiting before resolution: A queues 0→1 (1 h); B queues 0→2 and waits for
    # the user 3→5 (4 h); C queues 1→2 (1 h). Staff time: B's hand-off G1 → G2 (10 min)
    # and B's Active entered again (15 min). One day scaled to a year: × 365.25.
    whole = twin(site, "viewer", "/process/waste.json")["headline"]
    assert whole["customer_waiting_hours_per_year"] == pytest.approx(6 * PER_YEAR)
    assert whole["staff_hours_per_year"] == pytest.approx(25 / 60 * PER_YEAR)
    g1 = twin(site, "viewer_g1", "/process/waste.json")["headline"]
    assert g1["customer_waiting_hours_per_year"] == pytest.approx(1 * PER_YEAR)
    assert g1["staff_hours_per_year"] == 0
    assert twin(site, "viewer_g1", "/process/handoffs.json")["summary"]["handoffs"] == 0
    assert twin(site, "viewer", "/process/handoffs.json")["summary"]["handoffs"] == 1
    assert twin(site, "viewer_g1", "/process/waiting.json")["overall"]["tickets"] == 1
    assert twin(site, "viewer_g1", "/process/rework.json")["tickets_with_repeats"] == 0

    # The landscape's services are ticket types: incidents A and C, request B; G1 has A.
    def services(username: str) -> dict[str, int]:
        data = twin(site, username, "/process/landscape.json")
        return {s["value"]: s["tickets"] for s in data["services"]}

    assert services("viewer") == {"incident": 2, "request": 1}
    assert services("viewer_g1") == {"incident": 1}
    # Incidents queue A 0→1 and C 1→2 (2 h in all); G1's A alone 1 h.
    for username, hours in (("viewer", 2), ("viewer_g1", 1)):
        incident = twin(site, username, "/process/landscape.json")["services"][0]
        queue = {(e["source"], e["target"]): e["wait_total_s"] for e in incident["edges"]}
        assert queue[("intake", "work")] == hours * 3600, username
    steps = {
        s["activity"]: s["events"] for s in twin(site, "viewer_g1", "/process/stages.json")["steps"]
    }
    assert steps == {"New": 1, "Active": 1, "Resolved": 1, "Closed": 1}  # no Awaiting User Info


def test_the_pages_show_what_their_json_twins_serve(site: Site) -> None:
    browser = site.signed_in("viewer")
    for path in PROCESS_PAGES:
        page = browser.get(path, headers=EN)
        data = browser.get(path + ".json").json()
        assert page.status_code == 200, path
        text = re.sub(r"\s+", " ", page.text)
        if path == "/process/map":
            for e in data["edges"]:
                row = f"<td>{e['source']}</td><td>{e['target']}</td>"
                assert f'{row} <td class="num">{e["count"]}</td>' in text
        if path == "/process/variants":
            for v in data["variants"]:
                assert " → ".join(v["activities"]) in text
        if path == "/process/waste":
            hours = data["headline"]["customer_waiting_hours_per_year"]
            assert f"{hours:,.0f} h" in text  # 2,192 h
        if path == "/process/stages":
            for s in data["steps"]:
                assert f'<th scope="row">{s["activity"]}' in text
        if path == "/process/landscape":
            assert data["by"] == "ticket_type"  # the first column with two values
            for service in data["services"]:
                assert service["value"] in text
    # The map's HTMX fragment holds the same arrows without the page around it.
    fragment = browser.get("/process/map?by=stage", headers={"hx-request": "true", **EN})
    assert fragment.text.lstrip().startswith('<section id="process-map"')
    assert "<svg" in fragment.text
    assert "intake" in fragment.text


def test_a_submitted_form_leaves_its_blank_fields_unset(site: Site) -> None:
    # A form sends every field, filled or not: blank days, attributes, variant and waiting
    # price mean "not given", as if the field were left out.
    browser = site.signed_in("viewer")
    blank = "opened_from=&opened_before=&channel=&category=&priority=&type=&variant="
    filtered = browser.get(f"/process/map.json?{blank}&group=G1&stage=")
    assert filtered.status_code == 200, filtered.text[:300]
    assert arrows(filtered.json()) == arrows(browser.get("/process/map.json?group=G1").json())
    priced = browser.get(f"/process/waste.json?{blank}&group=&waiting_hourly_cost=")
    assert priced.status_code == 200, priced.text[:300]
    assert priced.json()["headline"]["waiting_hourly_cost"] is None
    # A day that is not a day is still refused.
    assert browser.get("/process/map.json?opened_from=2024-13-01").status_code == 422


def test_a_stage_opens_into_its_steps_and_links_to_them(site: Site) -> None:
    browser = site.signed_in("viewer")
    page = browser.get("/process/map?by=stage", headers=EN)
    assert 'href="/process/map?by=stage&amp;stage=work"' in page.text
    opened = browser.get("/process/map.json?by=stage&stage=work").json()
    assert opened["open_stage"] == "work"
    assert {n["id"] for n in opened["nodes"] if not n["stage"]} == {"Active"}
    assert browser.get("/process/map?by=stage&stage=nowhere").status_code == 404


def test_an_analyst_changes_the_stages_in_the_settings_file(site: Site) -> None:
    settings = site.workspace.with_name("process.karsta.yaml")
    browser = site.signed_in("analyst")
    token = csrf(browser, "/process/stages")
    # The proposal: intake New (0), work Active (1), waiting Awaiting User Info (2),
    # resolution Resolved (3), closing Closed (4); steps busiest first.
    steps = [s["activity"] for s in browser.get("/process/stages.json").json()["steps"]]
    form = {"csrftoken": token, "action": "save"}
    stage_of = {
        "New": "0",
        "Active": "1",
        "Awaiting User Info": "1",
        "Resolved": "2",
        "Closed": "2",
    }
    # The form shows the proposed names in Finnish: 'vastaanotto' left as shown stays the
    # proposal's 'intake'; the others are renamed.
    for i, name in enumerate(["vastaanotto", "hoito", "valmis", "", "", ""]):
        form[f"stage-{i}-name"] = name
    form["stage-0-value"] = "necessary"
    for i, activity in enumerate(steps):
        form[f"step-{i}-activity"] = activity
        form[f"step-{i}-stage"] = stage_of[activity]
    saved = browser.post("/process/stages", data=form)
    assert saved.status_code == 303
    written = yaml.safe_load(settings.read_text(encoding="utf-8"))
    assert written["stages"] == {
        "intake": ["New"],
        "hoito": [a for a in steps if a in ("Active", "Awaiting User Info")],
        "valmis": [a for a in steps if a in ("Resolved", "Closed")],
    }
    assert written["customer_value"] == {"stages": {"intake": "necessary"}}
    data = browser.get("/process/stages.json").json()
    assert data["defined_by"] == "settings"
    # Saved by the settings' one writer: the change is in the settings page's history.
    (change,) = browser.get("/settings.json").json()["history"]
    assert change["user"] == "analyst"
    assert "hoito:" in change["after"]
    assert "hoito:" not in (change["before"] or "")
    assert {n["id"] for n in browser.get("/process/map.json?by=stage").json()["nodes"]} == {
        "intake",
        "hoito",
        "valmis",
    }
    # A bad form is refused with the reason and the file stays as it was.
    before = settings.read_text(encoding="utf-8")
    bad = {**form, "stage-1-name": "Closed"}  # a stage named like a step of another
    refused = browser.post("/process/stages", data=bad, headers=EN)
    assert refused.status_code == 422
    assert "has the name of an activity" in refused.text
    assert str(settings.parent) not in refused.text  # the file is named, not its folder
    assert settings.read_text(encoding="utf-8") == before
    # Back to the proposal: the keys leave the file.
    browser.post("/process/stages", data={"csrftoken": token, "action": "reset"})
    assert "stages" not in (yaml.safe_load(settings.read_text(encoding="utf-8")) or {})
    assert browser.get("/process/stages.json").json()["defined_by"] == "proposed"


def test_only_analysts_who_see_every_ticket_change_the_stages(site: Site) -> None:
    for username, status in (("viewer", 403), ("analyst_g1", 403)):
        browser = site.signed_in(username)
        form = {"csrftoken": csrf(browser, "/process/stages"), "action": "reset"}
        assert browser.post("/process/stages", data=form).status_code == status, username
    assert twin(site, "analyst_g1", "/process/stages.json")["may_edit"] is False
    assert twin(site, "analyst", "/process/stages.json")["may_edit"] is True


def test_a_page_without_a_workspace_says_so(tmp_path: Path) -> None:
    empty = make_site(tmp_path / "none.karsta", f"sqlite:///{tmp_path / 'app.sqlite'}")
    empty.add_user("viewer", Role.VIEWER)
    browser = empty.signed_in("viewer")
    for path in PROCESS_PAGES:
        assert browser.get(path + ".json").json()["has_data"] is False, path
        assert browser.get(path).status_code == 200, path
    empty.state.engine.dispose()


@pytest.mark.slow
def test_the_servicenow_map_answers_within_a_second_once_cached(tmp_path: Path) -> None:
    from karsta.ingest import import_file, load_preset
    from tests.process.conftest import SERVICENOW

    if not SERVICENOW.exists():
        pytest.skip("../shared/data is not beside the checkout")
    import karsta

    workspace = tmp_path / "demo.karsta"
    with karsta.open(workspace) as ws:
        import_file(SERVICENOW, workspace=ws, mapping=load_preset("servicenow"))
    demo = Path(__file__).resolve().parents[2] / "demo.karsta.yaml"
    workspace.with_name("demo.karsta.yaml").write_text(demo.read_text("utf-8"), "utf-8")
    site = make_site(workspace, f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    browser = site.signed_in("viewer")
    for path in ("/process/map", "/process/map.json", "/process/map?by=stage"):
        assert browser.get(path).status_code == 200  # computed and drawn once
        started = time.perf_counter()
        response = browser.get(path)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        assert elapsed < 1.0, f"{path}: {elapsed:.2f} s"
    site.state.engine.dispose()


def test_a_huge_minimum_arrow_count_is_refused_not_a_server_error(site: Site) -> None:
    # 2**63 does not fit the engine's integers: refused as a bad parameter (422), not a 500.
    browser = site.signed_in("analyst")
    assert browser.get("/process/map.json?min_count=9223372036854775808").status_code == 422
    assert browser.get("/process/map.json?min_count=1000000000").status_code == 200
