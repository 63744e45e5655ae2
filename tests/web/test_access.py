"""Who may open what (the role × route matrix), and whose tickets the figures count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests.web.conftest import Site, csrf
from tests.web.process_site import PROCESS_MATRIX

ROLES = ("anonymous", "viewer", "analyst", "admin")
TOKEN = "no-such-upload-token"
SIGN_IN = 303  # an HTML page sends an anonymous visitor to the sign-in form
UNAUTHORISED = 401  # a JSON twin answers 401
FORBIDDEN = 403

# method, path, form or None, expected status for anonymous, viewer, analyst, admin.
MATRIX: list[tuple[str, str, dict[str, str] | None, tuple[int, int, int, int]]] = [
    ("GET", "/", None, (303, 303, 303, 303)),
    ("GET", "/overview", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/overview.json", None, (UNAUTHORISED, 200, 200, 200)),
    ("GET", "/reports", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/reports.json", None, (UNAUTHORISED, 200, 200, 200)),
    ("GET", "/reports/monthly.pdf?month=2024-03", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/reports/monthly.html?month=2024-03", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/reports/metrics.xlsx", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/reports/overview.html", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/metrics", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/metrics.json", None, (UNAUTHORISED, 200, 200, 200)),
    ("GET", "/metrics/I10", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/metrics/I10.json", None, (UNAUTHORISED, 200, 200, 200)),
    ("GET", "/metrics/I10/explain/A2", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/metrics/I10/explain/A2.json", None, (UNAUTHORISED, 200, 200, 200)),
    ("GET", "/admin/users", None, (SIGN_IN, FORBIDDEN, FORBIDDEN, 200)),
    ("GET", "/admin/users.json", None, (UNAUTHORISED, FORBIDDEN, FORBIDDEN, 200)),
    (
        "POST",
        "/admin/users",
        {"username": "new", "password": "0123456789ab", "role": "viewer"},
        (SIGN_IN, FORBIDDEN, FORBIDDEN, 303),
    ),
    ("POST", "/admin/users/3", {"role": "viewer"}, (SIGN_IN, FORBIDDEN, FORBIDDEN, 303)),
    ("POST", "/admin/users/3/delete", {}, (SIGN_IN, FORBIDDEN, FORBIDDEN, 303)),
    ("GET", "/login", None, (200, 200, 200, 200)),
    ("POST", "/login", {"username": "nobody", "password": "x"}, (401, 401, 401, 401)),
    ("GET", "/setup", None, (404, 404, 404, 404)),  # users exist
    (
        "POST",
        "/setup",
        {"username": "x", "password": "0123456789ab", "password_again": "0123456789ab"},
        (404, 404, 404, 404),
    ),
    ("POST", "/logout", {}, (303, 303, 303, 303)),
    ("POST", "/language", {"language": "sv"}, (303, 303, 303, 303)),
    # Data and settings: analysts and admins; a viewer gets nothing (403), past imports too.
    ("GET", "/data/upload", None, (SIGN_IN, FORBIDDEN, 200, 200)),
    ("GET", "/data/upload.json", None, (UNAUTHORISED, FORBIDDEN, 200, 200)),
    ("POST", "/data/upload", {}, (SIGN_IN, FORBIDDEN, 400, 400)),  # no file in the form
    ("GET", f"/data/uploads/{TOKEN}", None, (SIGN_IN, FORBIDDEN, 404, 404)),
    ("GET", f"/data/uploads/{TOKEN}.json", None, (UNAUTHORISED, FORBIDDEN, 404, 404)),
    ("GET", f"/data/uploads/{TOKEN}/mapping", None, (SIGN_IN, FORBIDDEN, 404, 404)),
    ("GET", f"/data/uploads/{TOKEN}/mapping.json", None, (UNAUTHORISED, FORBIDDEN, 404, 404)),
    ("POST", f"/data/uploads/{TOKEN}/mapping", {"name": "x"}, (SIGN_IN, FORBIDDEN, 404, 404)),
    (
        "POST",
        f"/data/uploads/{TOKEN}/import",
        {"mapping": "preset:event-log"},
        (SIGN_IN, FORBIDDEN, 404, 404),
    ),
    ("GET", "/data/jobs/1", None, (SIGN_IN, FORBIDDEN, 404, 404)),
    ("GET", "/data/jobs/1.json", None, (UNAUTHORISED, FORBIDDEN, 404, 404)),
    ("GET", "/data/imports", None, (SIGN_IN, FORBIDDEN, 200, 200)),
    ("GET", "/data/imports.json", None, (UNAUTHORISED, FORBIDDEN, 200, 200)),
    ("GET", "/data/imports/1", None, (SIGN_IN, FORBIDDEN, 404, 404)),
    ("GET", "/data/imports/1.json", None, (UNAUTHORISED, FORBIDDEN, 404, 404)),
    ("GET", "/data/imports/1/rejects.csv", None, (SIGN_IN, FORBIDDEN, 404, 404)),
    ("GET", "/data/mappings/oma.yaml", None, (SIGN_IN, FORBIDDEN, 404, 404)),
    ("GET", "/settings", None, (SIGN_IN, FORBIDDEN, 200, 200)),
    ("GET", "/settings.json", None, (UNAUTHORISED, FORBIDDEN, 200, 200)),
    ("POST", "/settings", {"version": "outdated"}, (SIGN_IN, FORBIDDEN, 409, 409)),
    ("GET", "/openapi.json", None, (200, 200, 200, 200)),
    ("GET", "/static/karsta.css", None, (200, 200, 200, 200)),
]
MATRIX += PROCESS_MATRIX
VISIT_PAGES = ["/visits", "/visits/compare"]
MATRIX += [("GET", path, None, (SIGN_IN, 200, 200, 200)) for path in VISIT_PAGES]
MATRIX += [("GET", path + ".json", None, (UNAUTHORISED, 200, 200, 200)) for path in VISIT_PAGES]
LISTENING_PAGES = ["/listening", "/listening/themes", "/listening/quiet-period"]
MATRIX += [("GET", path, None, (SIGN_IN, 200, 200, 200)) for path in LISTENING_PAGES]
MATRIX += [("GET", path + ".json", None, (UNAUTHORISED, 200, 200, 200)) for path in LISTENING_PAGES]
CHANNEL_PAGES = ["/channels", "/channels/staffing"]
MATRIX += [("GET", path, None, (SIGN_IN, 200, 200, 200)) for path in CHANNEL_PAGES]
MATRIX += [("GET", path + ".json", None, (UNAUTHORISED, 200, 200, 200)) for path in CHANNEL_PAGES]
MATRIX += [("GET", "/signals", None, (SIGN_IN, 200, 200, 200))]
MATRIX += [("GET", "/signals.json", None, (UNAUTHORISED, 200, 200, 200))]

READ = (SIGN_IN, 200, 200, 200)
READ_JSON = (UNAUTHORISED, 200, 200, 200)
EDIT = (SIGN_IN, FORBIDDEN, 303, 303)  # viewers read, analysts (and admins) edit
IMPROVEMENT_PAGES = [
    "/improve",
    "/improve/workshops",
    "/improve/workshops/1",
    "/improve/ideas",
    "/improve/gemba",
    "/improve/gemba/1",
    "/improve/a3",
    "/improve/a3/1",
    "/improve/pdca",
]
MATRIX += [("GET", path, None, READ) for path in IMPROVEMENT_PAGES]
MATRIX += [("GET", path + ".json", None, READ_JSON) for path in IMPROVEMENT_PAGES]
MATRIX += [
    ("GET", "/improve/a3/1/print", None, READ),
    ("GET", "/improve/a3/1/pdf", None, READ),
    ("POST", "/improve/workshops", {"team": "T", "held_on": "2024-04-02"}, EDIT),
    ("POST", "/improve/workshops/1/items/1", {"relevant": "yes", "times": "1"}, EDIT),
    ("POST", "/improve/ideas", {"title": "Idea"}, EDIT),
    ("POST", "/improve/ideas/1", {"impact": "3", "effort": "1"}, EDIT),
    ("POST", "/improve/gemba", {"title": "Gemba"}, EDIT),
    ("POST", "/improve/gemba/1/tap", {"step": "Soitto"}, EDIT),
    ("POST", "/improve/a3", {"title": "A3"}, EDIT),
    ("POST", "/improve/a3/1", {"title": "A3", "step": "2"}, EDIT),
    ("POST", "/improve/a3/1/actions", {"what": "Ohje"}, EDIT),
    ("POST", "/improve/a3/1/actions/1", {"status": "done"}, EDIT),
    (
        "POST",
        "/improve/pdca",
        {"title": "Muutos", "changed_on": "2024-03-01", "metric": "I10"},
        EDIT,
    ),
]


def add_improvement_records(site: Site) -> None:
    """Add one record of each kind (each id 1) for the improvement routes to work on."""
    from datetime import date

    from karsta.improve.models import A3, Action, Gemba, Idea
    from karsta.improve.records import ImprovementRecords

    with site.state.sessions.begin() as db:
        records = ImprovementRecords(db, "admin")
        records.new_workshop("Tuki", date(2024, 4, 2))
        records.add(Idea(title="Idea", description="", impact=2, effort=2, status="open"))
        records.add(Gemba(title="Gemba", place="", purpose="Soitto"))
        records.add(A3(title="A3", whys=[], fishbone={}))
        records.add(Action(a3_id=1, what="Ohje", who="", how="", status="planned"))


@pytest.mark.parametrize(("method", "path", "form", "expected"), MATRIX, ids=lambda v: str(v))
def test_role_route_matrix(
    site: Site, method: str, path: str, form: dict[str, str] | None, expected: tuple[int, ...]
) -> None:
    if path.startswith("/improve"):
        add_improvement_records(site)
    for role, status in zip(ROLES, expected, strict=True):
        browser = site.client() if role == "anonymous" else site.signed_in(role)
        if form is None:
            response = browser.request(method, path)
        else:
            response = browser.post(path, data={"csrftoken": csrf(browser), **form})
        assert response.status_code == status, f"{role} {method} {path}: {response.text[:300]}"
        if status == SIGN_IN and path != "/" and role == "anonymous" and method == "GET":
            assert response.headers["location"] == "/login"


EXAMPLES = {
    "{user_id}": "3",
    "{token}": TOKEN,
    "{job_id}": "1",
    "{import_id}": "1",
    "{name}": "oma",
    "{metric_id}": "I10",
    "{ticket_id:path}": "A2",
    "{workshop_id}": "1",
    "{item_id}": "1",
    "{idea_id}": "1",
    "{gemba_id}": "1",
    "{a3_id}": "1",
    "{action_id}": "1",
}
"""The value each path parameter has in MATRIX."""


def every_route(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Yield (method, path) of every route, also inside included routers.

    FastAPI keeps an included router's routes in its own list from 0.12x on, and
    copies them into the app's before; both are walked.
    """
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context_prefix = getattr(getattr(route, "include_context", None), "prefix", "")
            yield from every_route(included.routes, prefix + context_prefix)
        elif isinstance(route, Mount):
            yield ("GET", "/static/karsta.css")
        elif isinstance(route, APIRoute | Route):
            path = prefix + route.path
            for placeholder, value in EXAMPLES.items():
                path = path.replace(placeholder, value)
            yield from ((method, path) for method in route.methods or () if method != "HEAD")


def test_the_matrix_covers_every_route(site: Site) -> None:
    covered = {(method, path.split("?")[0]) for method, path, _form, _expected in MATRIX}
    routes = set(every_route(site.app.routes))
    assert ("GET", "/overview.json") in routes  # the walk finds the pages
    assert routes - covered == set(), "add the new routes to MATRIX"


def test_anonymous_visitors_are_sent_to_setup_while_no_user_exists(
    desk_file: object, tmp_path: object
) -> None:
    from tests.web.conftest import make_site

    fresh = make_site(desk_file, f"sqlite:///{tmp_path}/fresh.sqlite")  # type: ignore[arg-type]
    browser = fresh.client()
    assert browser.get("/overview").headers["location"] == "/setup"
    assert browser.get("/login").headers["location"] == "/setup"
    token = csrf(browser, "/setup")
    created = browser.post(
        "/setup",
        data={
            "csrftoken": token,
            "username": "first",
            "password": "0123456789ab",
            "password_again": "0123456789ab",
        },
    )
    assert created.status_code == 303
    assert browser.get("/admin/users").status_code == 200  # the first user is the admin
    assert fresh.client().get("/setup").status_code == 404  # and setup is gone


def i10(site: Site, username: str) -> dict[str, object]:
    """Return the I10 figure of the overview's JSON twin as `username` sees it."""
    data = site.signed_in(username).get("/overview.json").json()
    return next(f for f in data["figures"] if f["id"] == "I10")


def test_group_limits_restrict_the_overview_figures(site: Site) -> None:
    # March (the latest month) vs February, I10 = reopened / resolved:
    #   whole desk: March 1 of 5 (A2) = 20 %, February 1 of 2 (B1) = 50 %;
    #   group A:    March 1 of 2 (A2, A3) = 50 %, February 0 of 1 (A1) = 0 %;
    #   group B:    March 0 of 3 (B2, B3, B4) = 0 %, February 1 of 1 (B1) = 100 %;
    #   phone:      March 0 of 1 (B4) = 0 %, nothing in February.
    expected = {
        "admin": (20.0, 50.0, 5, True),
        "viewer": (20.0, 50.0, 5, True),
        "viewer_a": (50.0, 0.0, 2, False),
        "viewer_b": (0.0, 100.0, 3, True),
        "phone_only": (0.0, None, 1, True),
    }
    for username, (value, previous, n, met) in expected.items():
        figure = i10(site, username)
        assert (figure["value"], figure["previous"], figure["n"]) == (value, previous, n), username
        assert figure["target_met"] is met  # target <= 30 %
        assert figure["target"] == "<= 30 %"


def test_the_overview_page_names_the_limit_and_shows_only_its_figures(site: Site) -> None:
    page = site.signed_in("viewer_a").get("/overview", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "cover only the tickets of the groups A:" in page.text
    assert "50.0%" in page.text  # group A's March I10
    assert "20.0%" not in page.text  # the whole desk's is not shown


def test_the_json_twin_says_whose_tickets_it_counts(site: Site) -> None:
    data = site.signed_in("viewer_b").get("/overview.json").json()
    assert data["scope"] == {"groups": ["B"], "channels": None}
    assert data["period"] == "2024-03"
    assert data["previous_period"] == "2024-02"
