"""The channel pages on the two-group desk with hand-built contacts, and on the real call month.

The contacts are those of tests/channels/test_by_channel.py (figures worked out there by
hand), some tied to the desk's tickets: p1 to A2 (group A), p2 to B4 (group B, a phone
ticket), c1 to A3 (group A), e1 to B2 (group B); agent x1 answered p1, x2 p2 and c1.
The pages and their JSON twins must give exactly what the Python API returns for the
same question; a few hand figures are checked again. On the real month the page's
figures are set against plain pandas (tests/channels/callcentre_reference.py, written
from the data's README).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.channels.by_channel import reachability_by_channel
from karsta.channels.mix import channel_mix
from karsta.channels.overview import channels_overview
from karsta.channels.selection import of_channels
from karsta.channels.staffing import staffing_plan
from karsta.channels.targets import parse_target
from karsta.metrics.options import MetricOptions
from karsta.web.models import Role
from karsta.web.views.channels import IMPORT_COMMAND, NO_CONTACTS
from tests.channels import callcentre_reference as reference
from tests.channels.test_by_channel import write_contacts
from tests.metrics.conftest import Desk
from tests.web.conftest import Site, make_site

TICKETS = {"p1": "A2", "p2": "B4", "c1": "A3", "e1": "B2"}
AGENTS = {"p1": "x1", "p2": "x2", "c1": "x2"}
"""Who answered: two distinct agents in the one interval."""


@pytest.fixture
def contacts(site: Site) -> Site:
    """Return the two-group desk's site with the hand-built contacts."""
    with karsta.open(site.workspace) as ws:
        desk = Desk(ws)  # type: ignore[arg-type]
        write_contacts(desk)
        for contact, ticket in TICKETS.items():
            ws.connection.execute(
                "UPDATE contacts SET ticket_id = ? WHERE contact_id = ?", [ticket, contact]
            )
        for contact, agent in AGENTS.items():
            ws.connection.execute(
                "UPDATE contacts SET agent = ? WHERE contact_id = ?", [agent, contact]
            )
    return site


def plain(data: Any) -> Any:
    """Return a result's dict as the JSON twin sends it."""
    return json.loads(json.dumps(data))


def twin(site: Site, path: str, username: str = "viewer") -> dict[str, Any]:
    response = site.signed_in(username).get(path)
    assert response.status_code == 200, response.text[:300]
    data: dict[str, Any] = response.json()
    return data


def options(ws: Any, **more: Any) -> MetricOptions:
    """Return the options the page runs with: the settings and the 80/20 target."""
    return ws.config.options(answer_target_seconds=20.0, answer_target_percent=80.0, **more)


def figure(data: dict[str, Any], metric: str, statistic: str) -> dict[str, Any]:
    return next(
        f
        for f in data["overview"]["figures"]
        if (f["metric"], f["statistic"]) == (metric, statistic)
    )


def test_the_json_twin_is_what_the_api_returns(contacts: Site) -> None:
    data = twin(contacts, "/channels.json")
    assert data["has_data"]
    assert data["channels"] == [
        {"channel": "phone", "contacts": 5},
        {"channel": "email", "contacts": 2},
        {"channel": "chat", "contacts": 1},
    ]
    with karsta.open(contacts.workspace, create=False, read_only=True) as ws:
        run = options(ws)
        overview = channels_overview(ws.source, run, target="80/20")
        per_channel = reachability_by_channel(ws.source, run)
        mix = channel_mix(ws.source, MetricOptions(period="month"))
    assert data["overview"] == plain(overview.to_dict())
    assert data["by_channel"] == plain([c.to_dict() for c in per_channel])
    assert data["mix"] == plain(mix.to_dict())
    # By hand: S1 = p1 and c1 within 20 s of p1, p2, p4 and c1 (p3 gave up before 20 s).
    s1 = figure(data, "S1", "share")
    assert (s1["value"], s1["n"]) == (50.0, 4)
    # S3: e1 answered within 8 hours, e2 not.
    assert figure(data, "S3", "share")["value"] == 50.0
    # The abandon curve: 5 offered real-time contacts, p3 and p4 abandoned.
    curve = data["overview"]["abandon_curve"]
    assert (curve["offered"], curve["abandoned"]) == (5, 2)
    # Left out of the curve: the phantom, and the e-mails (S3 measures them).
    assert curve["excluded"] == {
        "excluded: phantom record, not a customer contact": 1,
        "outside: non-real-time contact (S3)": 2,
    }
    # Contacts per ticket: four tickets with one contact each.
    repeats = data["overview"]["repeat_contacts"]
    assert (repeats["tickets"], repeats["per_ticket"], repeats["repeat_share"]) == (4, 1.0, 0.0)


def test_filters_reach_the_analyses(contacts: Site) -> None:
    path = "/channels.json?channel=chat&target=90/15&first_day=2024-03-04&last_day=2024-03-04"
    data = twin(contacts, path + "&period=week")
    assert data["filters"] == {
        "first_day": "2024-03-04",
        "last_day": "2024-03-04",
        "channel": "chat",
        "target": "90/15",
    }
    with karsta.open(contacts.workspace, create=False, read_only=True) as ws:
        run = ws.config.options(
            answer_target_seconds=15.0,
            answer_target_percent=90.0,
            since=karsta_day(ws, "2024-03-04"),
            until=karsta_day(ws, "2024-03-05"),
        )
        chat = of_channels(ws.source, ("chat",))
        expected = channels_overview(chat, run, target="90/15")
        from dataclasses import replace

        mix = channel_mix(chat, replace(run, period="week"))
    assert data["overview"] == plain(expected.to_dict())
    assert data["mix"] == plain(mix.to_dict())
    # c1 waited 15 s: within 15 s.
    assert figure(data, "S1", "share")["value"] == 100.0
    # The next day holds no contact: no figure, and the page says why (never a silent 0).
    empty = twin(contacts, "/channels.json?first_day=2024-03-05")
    assert empty["overview"]["figures"] == []
    assert empty["not_computed"] == NO_CONTACTS
    assert empty["has_data"] is True  # the workspace has contacts, just not these days
    html = contacts.signed_in("viewer").get(
        "/channels?first_day=2024-03-05", headers={"accept-language": "en"}
    )
    assert NO_CONTACTS in html.text


def karsta_day(ws: Any, day: str) -> Any:
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(date.fromisoformat(day), time(0), ZoneInfo(ws.config.timezone))


def test_the_page_shows_figures_cards_exclusions_and_charts(contacts: Site) -> None:
    browser = contacts.signed_in("viewer")
    html = browser.get("/channels", headers={"accept-language": "en"}).text
    assert 'aria-current="page">Channels</a>' in html  # the main menu's link
    for chart in ("abandon-spec", "waits-spec", "mix-spec"):
        assert f'data-spec-id="{chart}"' in html
    assert 'href="/metrics/S1"' in html  # each figure links to its card
    assert "50.0%" in html  # S1
    assert "excluded: phantom record, not a customer contact (1)" in html
    assert "Per channel" in html
    # I6's mean, median and 90th percentile rest on the same assumptions: listed once.
    data = twin(contacts, "/channels.json")
    texts = [a["text"] for a in figure(data, "I6", "mean")["assumptions"] if a["count"]]
    assert texts  # no hold or after-call work recorded
    shown = unescape(html)
    assert all(shown.count(f"{t} (") == 1 for t in texts), texts
    overview = browser.get("/overview").text
    assert 'href="/channels"' in overview


def test_the_staffing_twin_is_what_the_api_returns(contacts: Site) -> None:
    path = "/channels/staffing.json?target=80/20&interval=15&shrinkage=30&model=erlang_a"
    data = twin(contacts, path)
    assert data["filters"]["interval_minutes"] == 15
    assert data["filters"]["shrinkage_percent"] == 30.0
    with karsta.open(contacts.workspace, create=False, read_only=True) as ws:
        plan = staffing_plan(
            ws.source, options(ws), target=parse_target("80/20"), shrinkage=0.3, minutes=15
        )
    assert data["plan"] == plain(plan.to_dict())
    assert data["erlang_a_available"] is True  # p3 and p4 abandoned: patience is known
    # By hand: every real-time contact arrived on Monday 4 March 2024 at 10:00 Helsinki
    # time: 5 offered (p1-p4, c1), handled p1, p2, c1 (100, 200, 60 s: AHT 120 s); S1 2 of 4.
    (dated,) = [d for d in data["plan"]["dated"] if d["offered"]]
    assert dated["start"] == "2024-03-04 10:00"
    assert (dated["offered"], dated["aht_seconds"]) == (5.0, 120.0)
    assert dated["observed_service_level"] == 0.5
    assert dated["observed_agents"] == 2.0  # x1 and x2 answered
    assert dated["predicted_service_level"] is not None
    html = contacts.signed_in("viewer").get(
        path.replace(".json", ""), headers={"accept-language": "en"}
    )
    assert 'data-spec-id="staffing-spec"' in html.text
    assert 'data-spec-id="compared-spec"' in html.text
    assert "Erlang A gives the agents on the phones" in html.text


def test_the_form_as_sent_with_its_empty_fields_is_read(contacts: Site) -> None:
    fields = ("first_day", "last_day", "channel", "target", "period")
    data = twin(contacts, "/channels.json?" + "&".join(f"{f}=" for f in fields))
    assert data["filters"]["target"] == "80/20"
    assert data["period"] == "month"
    fields = ("first_day", "last_day", "channel", "target", "interval", "shrinkage", "model")
    data = twin(contacts, "/channels/staffing.json?" + "&".join(f"{f}=" for f in fields))
    assert data["filters"]["model"] == "erlang_c"
    assert data["filters"]["interval_minutes"] == 30


@pytest.mark.parametrize(
    "path",
    [
        "/channels.json?target=abc",
        "/channels.json?target=0/20",
        "/channels.json?target=80/0",
        "/channels.json?target=120/20",
        "/channels?target=80-20",
        "/channels.json?target=" + "8" * 21,
        "/channels.json?first_day=2024-03-06&last_day=2024-03-05",
        "/channels.json?first_day=not-a-day",
        "/channels.json?first_day=0001-01-01",
        "/channels.json?last_day=9999-12-31",
        "/channels.json?period=year",
        "/channels.json?channel=" + "x" * 201,
        "/channels/staffing.json?interval=45",
        "/channels/staffing.json?interval=0",
        "/channels/staffing.json?shrinkage=-1",
        "/channels/staffing.json?shrinkage=96",
        "/channels/staffing.json?shrinkage=nan",
        "/channels/staffing.json?model=erlang_x",
        "/channels/staffing.json?target=80",
        "/channels/staffing?first_day=2024-03-06&last_day=2024-03-05",
    ],
)
def test_bad_parameters_are_refused_not_a_server_error(contacts: Site, path: str) -> None:
    assert contacts.signed_in("viewer").get(path).status_code == 422


def test_roles(contacts: Site) -> None:
    assert contacts.client().get("/channels.json").status_code == 401
    assert contacts.client().get("/channels").status_code == 303  # to the sign-in page
    for username in ("viewer", "analyst", "admin"):
        assert twin(contacts, "/channels.json", username)["overview"] is not None
        assert twin(contacts, "/channels/staffing.json", username)["plan"] is not None


def test_a_channel_limited_user_sees_only_their_channels_contacts(contacts: Site) -> None:
    data = twin(contacts, "/channels.json", "phone_only")
    assert data["scope"] == {"groups": None, "channels": ["phone"]}
    assert data["channels"] == [{"channel": "phone", "contacts": 5}]
    assert [c["channel"] for c in data["by_channel"]] == ["phone"]
    assert {v["channel"] for v in data["mix"]["volumes"]} == {"phone"}
    # By hand: p1 within 20 s of p1, p2, p4 (the chat's c1 and the e-mails are not theirs).
    assert figure(data, "S1", "share")["value"] == pytest.approx(100 / 3)
    assert figure(data, "S1", "share")["n"] == 3
    assert all(f["metric"] != "S3" for f in data["overview"]["figures"])
    with karsta.open(contacts.workspace, create=False, read_only=True) as ws:
        phone = channels_overview(of_channels(ws.source, ("phone",)), options(ws), target="80/20")
    assert data["overview"] == plain(phone.to_dict())
    # Asking for another channel gives nothing of it.
    chat = twin(contacts, "/channels.json?channel=chat", "phone_only")
    assert chat["overview"]["figures"] == []
    assert chat["not_computed"] == NO_CONTACTS
    assert chat["by_channel"] == []
    staffing = twin(contacts, "/channels/staffing.json", "phone_only")
    offered = sum(d["offered"] for d in staffing["plan"]["dated"])
    assert offered == 4  # p1-p4, not the chat
    html = contacts.signed_in("phone_only").get("/channels", headers={"accept-language": "en"})
    assert "cover only the contacts of the channels: phone." in html.text
    assert ">chat<" not in html.text
    assert ">email<" not in html.text


def test_a_group_limited_user_sees_the_contacts_of_their_groups_tickets(contacts: Site) -> None:
    # Group A: p1 (A2) and c1 (A3), both answered within 20 s.
    a = twin(contacts, "/channels.json", "viewer_a")
    assert a["channels"] == [
        {"channel": "chat", "contacts": 1},
        {"channel": "phone", "contacts": 1},
    ]
    assert (figure(a, "S1", "share")["value"], figure(a, "S1", "share")["n"]) == (100.0, 2)
    # Group B: p2 (B4) answered after 30 s; e1 (B2) within 8 hours.
    b = twin(contacts, "/channels.json", "viewer_b")
    assert (figure(b, "S1", "share")["value"], figure(b, "S1", "share")["n"]) == (0.0, 1)
    assert figure(b, "S3", "share")["value"] == 100.0
    with karsta.open(contacts.workspace, create=False, read_only=True) as ws:
        run = options(ws, ticket_attributes={"resolving_group": ("B",)})
        expected = channels_overview(ws.source, run, target="80/20")
    assert b["overview"] == plain(expected.to_dict())
    html = contacts.signed_in("viewer_a").get("/channels", headers={"accept-language": "en"})
    assert "Contacts tied to no ticket belong to no group and are not shown." in html.text


def test_a_workspace_without_contacts_tells_how_to_import_them(site: Site) -> None:
    for path in ("/channels.json", "/channels/staffing.json"):
        data = twin(site, path)
        assert data["has_data"] is False
        assert data["import_command"] == IMPORT_COMMAND
    assert twin(site, "/channels.json")["overview"] is None
    assert twin(site, "/channels/staffing.json")["plan"] is None
    html = site.signed_in("viewer").get("/channels", headers={"accept-language": "en"}).text
    assert "No contacts yet" in html
    assert IMPORT_COMMAND in html
    limited = site.signed_in("phone_only").get("/channels", headers={"accept-language": "en"})
    assert "No contacts to show" in limited.text
    assert IMPORT_COMMAND not in limited.text


def test_a_missing_workspace_file_is_an_empty_state(tmp_path: Path) -> None:
    built = make_site(tmp_path / "none.karsta", f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("viewer", Role.VIEWER)
    try:
        assert twin(built, "/channels.json")["has_data"] is False
        assert twin(built, "/channels/staffing.json")["has_data"] is False
    finally:
        built.state.engine.dispose()


@pytest.fixture(scope="module")
def bank_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the real call month imported with the acd preset, in Israel's time zone."""
    if not reference.CSV.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{reference.CSV} is missing in CI")
        pytest.skip("../shared/data is not beside the checkout")
    from karsta.ingest import import_file, load_preset

    path = tmp_path_factory.mktemp("bank-web") / "calls.karsta"
    with karsta.open(path) as ws:
        import_file(reference.CSV, workspace=ws, mapping=load_preset("acd"))
    path.with_name("calls.karsta.yaml").write_text("timezone: Asia/Jerusalem\n", encoding="utf-8")
    return path


@pytest.fixture
def bank_site(bank_file: Path, tmp_path: Path) -> Iterator[Site]:
    built = make_site(bank_file, f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("viewer", Role.VIEWER)
    yield built
    built.state.engine.dispose()


@pytest.mark.slow
def test_the_real_call_month_against_pandas(bank_site: Site) -> None:
    expected = reference.figures(reference.calls())
    data = twin(bank_site, "/channels.json")
    s1 = figure(data, "S1", "share")
    assert math.isclose(s1["value"], expected["s1"], rel_tol=1e-9)
    assert s1["n"] == expected["s1_denominator"]
    assert math.isclose(figure(data, "I7", "asa")["value"], expected["asa"], rel_tol=1e-9)
    rate = figure(data, "I7", "abandon_rate")["value"]
    assert math.isclose(rate, expected["abandon_rate"], rel_tol=1e-9)
    assert math.isclose(figure(data, "I6", "mean")["value"], expected["talk_mean"])
    assert data["overview"]["abandon_curve"]["offered"] == expected["offered"]
    # The offered calls per 30 minutes of the staffing page, against pandas.
    plan = twin(bank_site, "/channels/staffing.json?interval=30")["plan"]
    want = reference.per_interval(reference.calls(), 30)
    # The preset keeps the file's year (2010), the reference the real one (1999): the
    # README's quirk 1; days of the month and weekdays are the same.
    got = {d["start"][5:]: d["offered"] for d in plan["dated"] if d["offered"]}
    assert got == {t.strftime("%m-%d %H:%M"): float(n) for t, n in want["offered"].items()}


def test_a_time_zone_off_the_intervals_is_said_not_a_server_error(contacts: Site) -> None:
    # Nepal is 5 h 45 min from UTC: no whole number of 30-minute intervals.
    settings = contacts.workspace.with_name(contacts.workspace.name + ".yaml")
    settings.write_text(settings.read_text() + "timezone: Asia/Kathmandu\n", encoding="utf-8")
    data = twin(contacts, "/channels/staffing.json")
    assert data["plan"] is None
    assert data["error"] == (
        "The time zone Asia/Kathmandu is not a whole number of 30-minute intervals "
        "from UTC: choose another interval."
    )
    assert twin(contacts, "/channels/staffing.json?interval=15")["plan"] is not None
    html = contacts.signed_in("viewer").get("/channels/staffing", headers={"accept-language": "en"})
    assert "choose another interval." in html.text
