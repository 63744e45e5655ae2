"""The visits pages on the hand-built office day of tests/visits/office.py (plus two visits).

The figures are worked out by hand in tests/visits/test_measures.py; here the pages
and their JSON twins must give exactly what the Python API returns for the same
question, a few hand figures checked again. Office B holds two walk-ins on
2016-09-06 waiting 5 and 15 minutes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.visits import VisitFilters, VisitOptions, measure_visits
from karsta.visits.compare import compare_visits
from karsta.visits.distribution import duration_histogram
from karsta.visits.drivers import no_show_drivers
from karsta.visits.generate import GeneratorSettings, add_generated_visits, generate_office_log
from karsta.web.models import Role
from karsta.web.views.visits import IMPORT_COMMAND
from tests.visits.conftest import insert_visits, utc
from tests.visits.office import OFFICE_DAY
from tests.web.conftest import Site, make_site

OFFICE_B = [
    {
        "visit_id": f"b{i}",
        "kind": "walk-in",
        "office": "B",
        "arrived_at": utc("2016-09-06 10:00"),
        "service_started_at": utc(f"2016-09-06 10:{wait:02d}"),
        "service_ended_at": utc("2016-09-06 10:30"),
        "adviser": "Z",
        "resolved_in_visit": True,
    }
    for i, wait in enumerate((5, 15))
]


def add_visits(path: Path, rows: list[dict[str, Any]]) -> None:
    with karsta.open(path) as ws:
        insert_visits(ws, rows)  # type: ignore[arg-type]


@pytest.fixture
def office(site: Site) -> Site:
    """Return the two-group desk's site with the office day's visits and office B's."""
    add_visits(site.workspace, OFFICE_DAY + OFFICE_B)
    return site


def plain(data: Any) -> Any:
    """Return a result's dict as the JSON twin sends it (English texts, floats as they are)."""
    return json.loads(json.dumps(data))


def twin(site: Site, path: str, username: str = "viewer") -> dict[str, Any]:
    response = site.signed_in(username).get(path)
    assert response.status_code == 200, response.text[:300]
    data: dict[str, Any] = response.json()
    return data


def test_the_json_twin_is_what_the_api_returns(office: Site) -> None:
    data = twin(office, "/visits.json")
    assert data["available"]
    assert data["has_data"]
    assert not data["generated"]
    with karsta.open(office.workspace, create=False, read_only=True) as ws:
        measures = measure_visits(ws.source)
        drivers = no_show_drivers(ws.source)
        spread = duration_histogram(ws.source, "waiting_time")
    assert data["measures"] == plain(measures.to_dict())
    assert data["drivers"] == plain(drivers.to_dict())
    assert data["distribution"] == plain(spread.to_dict())
    assert data["offices"] == [{"office": "A", "visits": 8}, {"office": "B", "visits": 2}]
    # By hand: waits of a1 10, a3 10, w1 30, w3 40, b0 5, b1 15 minutes; a2 did not come,
    # a4 was cancelled, a5 has no arrival, w2 started before arriving.
    waiting = next(
        f
        for f in data["measures"]["durations"]
        if (f["measure"], f["group"]) == ("waiting_time", "all")
    )
    assert waiting["n"] == 6
    assert waiting["mean"] == pytest.approx((10 + 10 + 30 + 40 + 5 + 15) / 6)
    # No-shows: a2 of a1, a2, a3, a5 (a4 cancelled, left out and counted).
    no_show = next(f for f in data["measures"]["shares"] if f["measure"] == "no_show_rate")
    assert (no_show["hits"], no_show["n"]) == (1, 4)
    assert no_show["exclusions"] == [
        {"reason": "cancelled before the appointment (not expected to come)", "count": 1}
    ]
    # The bins hold the six waits (5-minute bins: 40 min / 12 → 5).
    assert data["distribution"]["measure"] == "waiting_time"
    assert data["distribution"]["visits"] == 6


def test_filters_period_office_and_options_reach_the_analyses(office: Site) -> None:
    path = (
        "/visits.json?first_day=2016-09-05&last_day=2016-09-05&office=A"
        "&late_cancel_hours=2&hours_per_adviser_day=7.5&matter_channel=card%3Dweb"
    )
    data = twin(office, path)
    filters = VisitFilters(first_day=date(2016, 9, 5), last_day=date(2016, 9, 5), offices=("A",))
    options = VisitOptions(
        late_cancel_hours=2, hours_per_adviser_day=7.5, matter_channels={"card": "web"}
    )
    with karsta.open(office.workspace, create=False, read_only=True) as ws:
        expected = measure_visits(ws.source, filters=filters, options=options)
    assert data["measures"] == plain(expected.to_dict())
    # a5's appointment is on 4 September: seven of office A's eight visits are left.
    assert data["measures"]["provenance"]["visits"] == 7
    assert data["filters"]["matter_channels"] == {"card": "web"}
    late = next(f for f in data["measures"]["shares"] if f["measure"] == "late_cancel_rate")
    assert late["hits"] == 0  # a4 was cancelled 4 h ahead: not late against 2 h


def test_the_page_shows_the_measures_drivers_and_charts(office: Site) -> None:
    browser = office.signed_in("viewer")
    html = browser.get("/visits", headers={"accept-language": "en"}).text
    assert 'aria-current="page">Appointments and visits</a>' in html  # the main menu's link
    assert 'data-spec-id="spread-spec"' in html
    assert 'data-spec-id="noshow-spec"' in html
    assert "Waiting time, visits per interval" in html
    assert "cancelled before the appointment (not expected to come) (1)" in html
    assert "25.0%" in html  # the no-show rate, 1 of 4
    assert "not configured" in html  # no matter → channel map given
    assert 'class="message error generated"' not in html
    overview = browser.get("/overview").text
    assert 'href="/visits"' in overview


def test_comparing_two_periods_and_two_offices(office: Site) -> None:
    data = twin(office, "/visits/compare.json?before=2016-09-05&after=2016-09-06")
    a = VisitFilters(last_day=date(2016, 9, 5))
    b = VisitFilters(first_day=date(2016, 9, 6))
    with karsta.open(office.workspace, create=False, read_only=True) as ws:
        expected = compare_visits(
            ws.source, a, b, label_a="until 2016-09-05", label_b="from 2016-09-06"
        )
        offices = compare_visits(
            ws.source,
            VisitFilters(offices=("A",)),
            VisitFilters(offices=("B",)),
            label_a="A",
            label_b="B",
        )
    assert data["comparison"] == plain(expected.to_dict())
    assert data["comparison"]["a"]["label"] == "until 2016-09-05"
    # By hand: period B is office B's two walk-ins waiting 5 and 15 minutes.
    wait = next(
        f
        for f in data["comparison"]["figures"]
        if (f["measure"], f["group"], f["statistic"]) == ("waiting_time", "all", "mean")
    )
    assert wait["b"]["value"] == pytest.approx(10.0)
    assert wait["b"]["n"] == 2
    data = twin(office, "/visits/compare.json?office_a=A&office_b=B")
    assert data["comparison"] == plain(offices.to_dict())
    html = office.signed_in("viewer").get(
        "/visits/compare?office_a=A&office_b=B", headers={"accept-language": "en"}
    )
    assert html.status_code == 200
    assert 'data-spec-id="compare-shares-spec"' in html.text
    assert 'data-spec-id="compare-minutes-spec"' in html.text
    assert "A vs B" in html.text


def test_the_form_as_sent_with_its_empty_fields_is_read(office: Site) -> None:
    fields = ("first_day", "last_day", "office", "late_cancel_hours", "hours_per_adviser_day")
    data = twin(office, "/visits.json?" + "&".join(f"{f}=" for f in (*fields, "matter_channel")))
    assert data["filters"]["late_cancel_hours"] == 24.0  # empty: the default
    assert data["filters"]["hours_per_adviser_day"] is None
    assert data["measures"]["provenance"]["visits"] == 10
    periods = "before=2016-09-05&after=2016-09-06&first_day=&last_day=&office="
    assert twin(office, "/visits/compare.json?" + periods)["asked"] is True


def test_the_compare_page_without_a_question_shows_the_form(office: Site) -> None:
    data = twin(office, "/visits/compare.json")
    assert data["asked"] is False
    assert data["comparison"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/visits.json?first_day=2016-09-06&last_day=2016-09-05",
        "/visits.json?first_day=not-a-day",
        "/visits.json?late_cancel_hours=-1",
        "/visits.json?late_cancel_hours=1e9",
        "/visits.json?hours_per_adviser_day=0",
        "/visits.json?hours_per_adviser_day=25",
        "/visits.json?matter_channel=card",
        "/visits/compare.json?before=2016-09-05",
        "/visits/compare.json?office_a=A",
        "/visits/compare.json?before=2016-09-05&after=2016-09-06&office_a=A&office_b=B",
        "/visits/compare.json?before=2016-09-01&after=2016-09-06&first_day=2016-09-03",
        "/visits?late_cancel_hours=abc",
        "/visits.json?office=" + "x" * 201,
    ],
)
def test_bad_parameters_are_refused_not_a_server_error(office: Site, path: str) -> None:
    assert office.signed_in("viewer").get(path).status_code == 422


def test_roles_and_limits(office: Site) -> None:
    assert office.client().get("/visits.json").status_code == 401
    assert office.client().get("/visits").status_code == 303  # to the sign-in page
    for username in ("viewer", "analyst", "admin"):
        assert twin(office, "/visits.json", username)["available"] is True
    # Visits have no ticket group or channel: a limited user sees none of them.
    for username in ("viewer_a", "phone_only"):
        limited = twin(office, "/visits.json", username)
        assert limited["available"] is False
        assert limited["measures"] is None
        assert limited["offices"] == []
        compared = twin(office, "/visits/compare.json?office_a=A&office_b=B", username)
        assert compared["available"] is False
        assert compared["comparison"] is None
    html = office.signed_in("viewer_a").get("/visits", headers={"accept-language": "en"}).text
    assert "not shown to users limited to some groups or channels" in html


def test_a_workspace_without_visits_tells_how_to_import_them(site: Site) -> None:
    data = twin(site, "/visits.json")
    assert data["available"] is True
    assert data["has_data"] is False
    assert data["measures"] is None
    html = site.signed_in("viewer").get("/visits", headers={"accept-language": "en"}).text
    assert "No visits yet" in html
    assert IMPORT_COMMAND in html
    assert twin(site, "/visits/compare.json?office_a=A&office_b=B")["comparison"] is None


def test_a_missing_workspace_file_is_an_empty_state(tmp_path: Path) -> None:
    built = make_site(tmp_path / "none.karsta", f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("viewer", Role.VIEWER)
    try:
        assert twin(built, "/visits.json")["has_data"] is False
    finally:
        built.state.engine.dispose()


@pytest.fixture
def generated_site(tmp_path: Path) -> Iterator[Site]:
    """Return a site whose only visits come from the seeded generator (three days)."""
    path = tmp_path / "generated.karsta"
    with karsta.open(path) as ws:
        add_generated_visits(ws, generate_office_log(GeneratorSettings(days=3)))  # type: ignore[arg-type]
    built = make_site(path, f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("viewer", Role.VIEWER)
    yield built
    built.state.engine.dispose()


def test_generated_data_is_labelled_as_such(generated_site: Site) -> None:
    data = twin(generated_site, "/visits.json")
    assert data["generated"] is True
    assert data["measures"]["provenance"]["label"].startswith("GENERATED DATA")
    html = generated_site.signed_in("viewer").get("/visits", headers={"accept-language": "en"})
    assert 'class="message error generated"' in html.text
    assert "GENERATED DATA: all" in html.text


def test_without_times_of_day_the_page_shows_the_lead_times(site: Site) -> None:
    # Three appointments on 10 September with no time of day, booked on 1, 8 and 10
    # September: lead times of 9, 2 and 0 calendar days; nobody's wait can be measured.
    day = utc("2016-09-10 00:00")
    rows = [
        {"visit_id": f"d{i}", "kind": "appointment", "office": "A", "booked_at": booked,
         "scheduled_at": day, "scheduled_day_only": True,
         "no_show": i == 0, "reminder_sent": i == 0}
        for i, booked in enumerate(
            (utc("2016-09-01 10:00"), utc("2016-09-08 09:00"), utc("2016-09-10 08:00"))
        )
    ]  # fmt: skip
    add_visits(site.workspace, rows)
    data = twin(site, "/visits.json")
    spread = data["distribution"]
    assert spread["measure"] == "lead_time"
    assert spread["width"] == 1.0  # p95 ≈ 8.3 days / 12 bins → 1-day bins
    assert {(b["start"], b["visits"]) for b in spread["bins"]} == {(0.0, 1), (2.0, 1), (9.0, 1)}
    html = site.signed_in("viewer").get("/visits", headers={"accept-language": "en"}).text
    assert "The data has no times of day" in html
    assert "Lead time to the appointment, appointments per interval" in html
