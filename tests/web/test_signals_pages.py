"""The signals page (/signals, /signals.json) and the overview's strongest signals.

The desk is the generated one of tests.signals.generate (seeded): twelve months in which
FCR falls from 75 % to 45 % while the slow tickets speed up from 60 to 5 hours, and staff
turnover rises. The JSON twin must give exactly what `karsta.signals.signals` returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import karsta
from karsta.signals.analysis import signals
from karsta.web.models import Role
from karsta.web.views.signals import link_label
from tests.metrics.conftest import Desk
from tests.signals.generate import desk_months, staffing_months
from tests.web.conftest import Site, make_site


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signals-site") / "desk.karsta"
    with karsta.open(path) as ws:
        desk_months(Desk(ws), fcr=(0.75, 0.45), slow_hours=(60.0, 5.0), seed=21)
        staffing_months(ws, [1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8])
    return path


@pytest.fixture
def site(generated: Path, tmp_path: Path) -> Iterator[Site]:
    built = make_site(generated, f"sqlite:///{tmp_path / 'app.sqlite'}")
    built.add_user("viewer", Role.VIEWER)
    built.add_user("level_two", Role.VIEWER, groups=["L2"])
    yield built
    built.state.engine.dispose()


def twin(site: Site, path: str, username: str = "viewer") -> dict[str, Any]:
    response = site.signed_in(username).get(path)
    assert response.status_code == 200, response.text[:300]
    data: dict[str, Any] = response.json()
    return data


def test_the_json_twin_is_what_the_api_returns(site: Site, generated: Path) -> None:
    data = twin(site, "/signals.json")
    with karsta.open(generated, create=False, read_only=True) as ws:
        expected = signals(ws.source, ws.config.options())
    assert data["has_data"]
    assert data["periods"] == expected.periods
    assert [(s["kind"], s["subject"]) for s in data["signals"]] == [
        (s.kind, s.subject) for s in expected.signals
    ]
    assert [(p["id"], p["status"]) for p in data["patterns"]] == [
        (p.id, p.status) for p in expected.patterns
    ]
    assert len(data["series"]) == len(expected.series)
    # Each signal links to the metric page of the month behind it.
    fcr = next(s for s in data["signals"] if s["kind"] == "trend" and s["metric"] == "S2")
    assert fcr["links"] == ["/metrics/S2?period=month&at=2024-12"]
    assert fcr["worse"] is True


def test_the_page_lists_the_signals_and_every_combination(site: Site) -> None:
    page = site.signed_in("viewer").get("/signals", headers={"accept-language": "fi"})
    assert page.status_code == 200
    html = page.text
    assert 'aria-current="page"' in html
    assert "Ensikontaktin ratkaisuaste" in html  # the metric's Finnish card name
    assert 'href="/metrics/S2?period=month&amp;at=2024-12"' in html
    assert html.count('class="pattern ') == 6


def test_the_overview_lists_the_strongest_three(site: Site) -> None:
    data = twin(site, "/overview.json")
    full = twin(site, "/signals.json")
    assert data["signals"] == full["signals"][:3]
    assert data["signals_link"] == "/signals"
    html = site.signed_in("viewer").get("/overview").text
    assert 'href="/signals"' in html


def test_a_user_limited_to_a_group_gets_its_tickets_and_no_staff_turnover(site: Site) -> None:
    data = twin(site, "/signals.json", "level_two")
    assert data["scope"]["groups"] == ["L2"]
    assert not [s for s in data["series"] if s["metric"] == "TURNOVER"]
    assert any("staffing belongs to no ticket group" in n for n in data["not_computed"])
    # Level 2 resolves no ticket at first contact: its FCR is 0 % every month.
    s2 = [s for s in data["series"] if s["metric"] == "S2"]
    assert all(s["latest"] == 0 for s in s2)


def test_without_a_workspace_the_page_says_so(tmp_path: Path) -> None:
    site = make_site(tmp_path / "none.karsta", f"sqlite:///{tmp_path / 'app.sqlite'}")
    site.add_user("viewer", Role.VIEWER)
    data = twin(site, "/signals.json")
    assert data["has_data"] is False
    assert data["signals"] == []


def test_a_links_words_name_the_metric_and_the_segment() -> None:
    assert link_label("/metrics/S2?period=month&at=2024-12") == "S2"
    assert link_label("/metrics/S2?period=month&at=2024-12&by=category") == "S2 (category)"
    assert link_label("/metrics/I8?by=category&value=Tili%C3%B6t") == "I8 (Tiliöt)"
