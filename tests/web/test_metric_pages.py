"""The scorecard, the metric page and explain on the two-group desk, figures worked out by hand.

The desk (tests.web.conftest.two_groups), I10 = reopened / resolved, target <= 30 %:
  February: A1 (group A), B1 (group B, reopened)                 -> 1 of 2 = 50 %
  March:    A2 (A, reopened), A3 (A), B2, B3 (B), B4 (B, phone)    -> 1 of 5 = 20 %
  group A:  February 0 of 1 = 0 %,   March 1 of 2 = 50 %
  group B:  February 1 of 1 = 100 %, March 0 of 3 = 0 %
  phone:    March 0 of 1 (B4)
Every March ticket was resolved on 5 March (week 10), every February one on 5 February.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from karsta import formatting
from karsta.web.views import metric
from tests.web.conftest import Site

NBSP = "\N{NO-BREAK SPACE}"
REOPENED = "counted: reopened at least once"
NEVER = "not counted: never reopened"


def get(site: Site, username: str, path: str, **headers: str) -> Any:
    """Return the JSON twin `path` as `username` sees it (asserting it answered)."""
    response = site.signed_in(username).get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def i10(page: dict[str, Any]) -> dict[str, Any]:
    """Return I10's figure of the scorecard's twin (or the overview's)."""
    return next(f for f in page.get("metrics", page.get("figures")) if f["id"] == "I10")


# --- the scorecard ------------------------------------------------------------------------


def test_the_scorecard_of_the_latest_month(site: Site) -> None:
    card = get(site, "viewer", "/metrics.json")
    assert (card["period_kind"], card["period"], card["previous_period"]) == (
        "month",
        "2024-03",
        "2024-02",
    )
    assert card["periods"] == ["2024-02", "2024-03"]
    assert card["asked"] is False
    figure = i10(card)
    assert (figure["value"], figure["previous"], figure["change"]) == (20.0, 50.0, -30.0)
    assert (figure["direction"], figure["desired_direction"]) == ("better", "lower")
    assert (figure["target"], figure["target_met"], figure["unit"]) == ("<= 30 %", True, "percent")
    assert (figure["n"], figure["excluded"], figure["assumed"]) == (5, 0, 0)
    assert figure["statistic"] == "share"
    # Every metric of the catalog is there; one that cannot be computed says why.
    s1 = next(f for f in card["metrics"] if f["id"] == "S1")
    assert s1["value"] is None
    assert "contacts" in s1["no_data"]


@pytest.mark.parametrize(
    ("username", "value", "previous", "direction", "met"),
    [
        ("viewer_a", 50.0, 0.0, "worse", False),
        ("viewer_b", 0.0, 100.0, "better", True),
        ("phone_only", 0.0, None, None, True),
    ],
)
def test_the_scorecard_counts_only_the_users_tickets(
    site: Site,
    username: str,
    value: float,
    previous: float | None,
    direction: str | None,
    met: bool,
) -> None:
    figure = i10(get(site, username, "/metrics.json"))
    assert (figure["value"], figure["previous"]) == (value, previous)
    assert (figure["direction"], figure["target_met"]) == (direction, met)


def test_another_period_and_kind(site: Site) -> None:
    february = get(site, "viewer", "/metrics.json?at=2024-02")
    assert (february["period"], february["previous_period"], february["asked"]) == (
        "2024-02",
        None,
        True,
    )
    assert (i10(february)["value"], i10(february)["target_met"]) == (50.0, False)
    weekly = get(site, "viewer", "/metrics.json?period=week")
    assert weekly["period"] == "2024-W10"  # 5 March 2024 is in ISO week 10
    assert i10(weekly)["value"] == 20.0
    quarterly = get(site, "viewer", "/metrics.json?period=quarter")
    assert (quarterly["period"], quarterly["previous_period"]) == ("2024-Q1", None)
    assert i10(quarterly)["value"] == pytest.approx(100 * 2 / 7)  # A2, B1 of seven


def test_an_unknown_period_is_no_page(site: Site) -> None:
    browser = site.signed_in("viewer")
    assert browser.get("/metrics.json?at=2099-01").status_code == 404
    assert browser.get("/metrics?at=2099-01").status_code == 404
    assert browser.get("/metrics.json?period=decade").status_code == 422


def test_the_scorecard_page_shows_its_twins_figures(site: Site) -> None:
    card = get(site, "viewer", "/metrics.json")
    page = site.signed_in("viewer").get("/metrics", headers={"accept-language": "en"}).text
    for figure in card["metrics"]:
        rows = _rows(page, figure["id"])
        if figure["no_data"]:
            assert rows == []  # listed under "cannot be computed" instead
            assert figure["no_data"] in page
            continue
        values = [
            formatting.figure(v, figure["unit"], average=figure["average"], lang="en")
            for v in (figure["value"], figure["previous"])
        ]
        values.append(f">{formatting.whole(figure['n'], lang='en')}<")
        # A metric always split (I4 by channel) has a row per value: one of them shows it.
        assert any(all(v in row for v in values) for row in rows), (figure["id"], values)
    (row,) = _rows(page, "I10")
    assert f"≤{NBSP}30.0%" in row
    assert f"-30.0{NBSP}pp" in row


def _rows(page: str, metric_id: str) -> list[str]:
    """Return the scorecard table's rows of one metric."""
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    return [r for r in rows if f'<span class="metric-id">{metric_id}</span>' in r]


def test_a_target_changed_in_the_settings_changes_the_status(site: Site) -> None:
    # The scorecard reads the targets from <workspace>.yaml, where settings are written.
    assert i10(get(site, "viewer", "/metrics.json"))["target_met"] is True  # 20 % <= 30 %
    settings = site.workspace.with_name(site.workspace.name + ".yaml")
    settings.write_text('targets:\n  I10: "<= 10 %"\n', encoding="utf-8")
    figure = i10(get(site, "viewer", "/metrics.json"))
    assert (figure["target"], figure["target_met"]) == ("<= 10 %", False)


def test_a_target_changed_in_the_settings_changes_the_overviews_card(site: Site) -> None:
    # March's I10 is 20 %: on the <= 30 % target, off a <= 10 % one; the overview, already
    # computed once, reads the new target as soon as the settings file says it.
    browser = site.signed_in("viewer")
    overview = browser.get("/overview.json").json()
    assert (i10(overview)["target"], i10(overview)["target_met"]) == ("<= 30 %", True)
    settings = site.workspace.with_name(site.workspace.name + ".yaml")
    settings.write_text('targets:\n  I10: "<= 10 %"\n', encoding="utf-8")
    overview = browser.get("/overview.json").json()
    assert (i10(overview)["target"], i10(overview)["target_met"]) == ("<= 10 %", False)
    html = browser.get("/overview", headers={"accept-language": "fi"}).text
    card = re.search(r'<li class="card [^"]*">(?:(?!</li>).)*?I10.*?</li>', html, flags=re.S)
    assert card, "no I10 card on the overview"
    assert 'class="card missed"' in card.group(0)
    assert "ei tavoitteessa" in card.group(0)
    assert f"≤{NBSP}10,0{NBSP}%" in card.group(0)


# --- the metric page ----------------------------------------------------------------------


def test_the_metric_page_of_i10(site: Site) -> None:
    page = get(site, "viewer", "/metrics/I10.json")
    assert (page["id"], page["computed"], page["period"]) == ("I10", True, "2024-03")
    assert page["card"]["name"] == "Reopened tickets"
    assert page["card"]["direction"] == "lower"
    (figure,) = page["figures"]
    assert (figure["value"], figure["previous"], figure["target_met"]) == (20.0, 50.0, True)
    trend = [(p["period"], p["value"], p["n"], p["excluded"]) for p in figure["trend"]]
    assert trend == [("2024-02", 50.0, 2, 0), ("2024-03", 20.0, 5, 0)]
    statistics = {s["statistic"]: s for s in page["statistics"]}
    assert statistics["share"]["numerator"] == 1.0
    assert statistics["share"]["denominator"] == 5.0
    tickets = page["tickets"]
    assert [r["ticket_id"] for r in tickets["rows"]] == ["A2", "A3", "B2", "B3", "B4"]
    assert (tickets["total"], tickets["page"], tickets["pages"]) == (5, 1, 1)
    a2 = tickets["rows"][0]
    assert (a2["included"], a2["reason"], a2["evidence"]["reopen_count"]) == (True, REOPENED, 1)
    assert a2["explain_link"] == "/metrics/I10/explain/A2?period=month"
    assert tickets["reasons"] == [
        {"reason": NEVER, "included": True, "excluded": False, "count": 4},
        {"reason": REOPENED, "included": True, "excluded": False, "count": 1},
    ]
    assert page["breakdown"] is None
    assert page["breakdowns"] == ["channel", "category", "group", "priority", "level"]


def test_a_limited_user_sees_only_their_tickets_behind_the_figure(site: Site) -> None:
    page = get(site, "viewer_a", "/metrics/I10.json")
    assert page["scope"] == {"groups": ["A"], "channels": None}
    assert page["figures"][0]["value"] == 50.0
    assert [r["ticket_id"] for r in page["tickets"]["rows"]] == ["A2", "A3"]
    assert sum(r["count"] for r in page["tickets"]["reasons"]) == 2
    asked_b = get(site, "viewer_a", "/metrics/I10.json?by=group&value=B")
    assert asked_b["tickets"]["rows"] == []
    assert [r["group"] for r in asked_b["breakdown"]["rows"]] == [{"group": "A"}]
    phone = get(site, "phone_only", "/metrics/I10.json")
    assert [r["ticket_id"] for r in phone["tickets"]["rows"]] == ["B4"]


def test_breakdowns_by_group_and_channel(site: Site) -> None:
    by_group = get(site, "viewer", "/metrics/I10.json?by=group")["breakdown"]
    # March: group B 0 of 3, group A 1 of 2; most tickets first.
    rows = [(r["group"], r["value"], r["n"]) for r in by_group["rows"]]
    assert rows == [({"group": "B"}, 0.0, 3), ({"group": "A"}, 50.0, 2)]
    assert (by_group["statistic"], by_group["unit"]) == ("share", "percent")
    by_channel = get(site, "viewer", "/metrics/I10.json?by=channel")["breakdown"]
    rows = [(r["group"], r["value"], r["n"]) for r in by_channel["rows"]]
    assert rows == [({"channel": "email"}, 25.0, 4), ({"channel": "phone"}, 0.0, 1)]


def test_the_tickets_of_one_breakdown_value_and_status(site: Site) -> None:
    page = get(site, "viewer", "/metrics/I10.json?by=group&value=B")
    tickets = page["tickets"]
    assert [r["ticket_id"] for r in tickets["rows"]] == ["B2", "B3", "B4"]
    assert {str(r["group"]) for r in tickets["rows"]} == {"{'group': 'B'}"}
    assert tickets["value"] == "B"
    excluded = get(site, "viewer", "/metrics/I10.json?status=excluded")["tickets"]
    assert (excluded["rows"], excluded["total"], excluded["status"]) == ([], 0, "excluded")
    february = get(site, "viewer", "/metrics/I10.json?at=2024-02")["tickets"]
    assert [r["ticket_id"] for r in february["rows"]] == ["A1", "B1"]


def test_the_tickets_come_a_page_at_a_time(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metric, "PER_PAGE", 2)
    pages = [get(site, "viewer", f"/metrics/I10.json?page={n}")["tickets"] for n in (1, 2, 3)]
    assert [[r["ticket_id"] for r in p["rows"]] for p in pages] == [
        ["A2", "A3"],
        ["B2", "B3"],
        ["B4"],
    ]
    assert {(p["total"], p["pages"]) for p in pages} == {(5, 3)}
    html = site.signed_in("viewer").get("/metrics/I10?page=2", headers={"accept-language": "en"})
    assert "Page 2 of 3" in html.text
    assert 'href="/metrics/I10?period=month&amp;at=2024-03&amp;page=3#tickets"' in html.text


def test_the_metric_page_shows_its_twins_figures(site: Site) -> None:
    data = get(site, "viewer_b", "/metrics/I10.json?by=channel")
    page = site.signed_in("viewer_b").get(
        "/metrics/I10?by=channel", headers={"accept-language": "fi"}
    )
    html = page.text
    assert "Uudelleen avatut tukipyynnöt" in html  # the card's name in Finnish
    assert f"0,0{NBSP}%" in html  # group B's March
    positions = [html.index(f">{r['ticket_id']}</a>") for r in data["tickets"]["rows"]]
    assert positions == sorted(positions)  # the twin's tickets, in its order
    for row in data["breakdown"]["rows"]:
        assert formatting.figure(row["value"], "percent", lang="fi") in html
    for name in ("A2", "A3", "A1"):
        assert f">{name}<" not in html  # group A's tickets are nowhere on B's page


def test_a_breakdown_swaps_in_place(site: Site) -> None:
    fragment = site.signed_in("viewer").get(
        "/metrics/I10?by=group", headers={"hx-request": "true", "hx-target": "breakdown"}
    )
    assert fragment.text.lstrip().startswith('<div id="breakdown">')
    assert "<html" not in fragment.text
    tickets = site.signed_in("viewer").get(
        "/metrics/I10?page=1", headers={"hx-request": "true", "hx-target": "tickets"}
    )
    assert tickets.text.lstrip().startswith('<section id="tickets"')


def test_unknown_metrics_are_no_page(site: Site) -> None:
    browser = site.signed_in("viewer")
    assert browser.get("/metrics/NOPE").status_code == 404
    assert browser.get("/metrics/NOPE.json").status_code == 404
    assert browser.get("/metrics/I10.json?at=2099-01").status_code == 404


def test_a_metric_without_data_shows_its_card_and_why(site: Site) -> None:
    page = get(site, "viewer", "/metrics/S1.json")
    assert (page["computed"], page["tickets"], page["breakdown"]) == (False, None, None)
    assert "contacts" in page["no_data"]
    html = site.signed_in("viewer").get("/metrics/S1", headers={"accept-language": "en"}).text
    assert "cannot be computed from the workspace" in html
    assert "Collection and reporting responsibility" in html  # the card's fields


# --- explain ------------------------------------------------------------------------------


def test_explain_a_ticket(site: Site) -> None:
    data = get(site, "viewer", "/metrics/I10/explain/A2.json")
    (verdict,) = data["verdicts"]
    assert (verdict["period"], verdict["included"], verdict["reason"]) == (
        "2024-03",
        True,
        REOPENED,
    )
    assert verdict["evidence"] == {"resolved_at": "2024-03-05T12:00:00Z", "reopen_count": 1}
    page = site.signed_in("viewer").get(
        "/metrics/I10/explain/A2", headers={"accept-language": "fi"}
    )
    assert "laskettu: avattu uudelleen vähintään kerran" in page.text
    assert "5.3.2024 14.00" in page.text  # 12:00 UTC is 14:00 in Helsinki


def test_a_limited_user_cannot_explain_another_groups_ticket(site: Site) -> None:
    # A2 is group A's: group B's user gets the answer of a ticket that does not exist.
    other = site.signed_in("viewer_b").get("/metrics/I10/explain/A2.json")
    missing = site.signed_in("viewer_b").get("/metrics/I10/explain/NOPE.json")
    assert (other.status_code, missing.status_code) == (404, 404)
    assert other.json() == missing.json()
    html = site.signed_in("viewer_b").get("/metrics/I10/explain/A2")
    assert html.status_code == 404
    assert "A2" not in html.text.replace("/metrics/I10/explain/A2", "")
    assert site.signed_in("viewer_a").get("/metrics/I10/explain/A2.json").status_code == 200
    phone = site.signed_in("phone_only")
    assert phone.get("/metrics/I10/explain/B3.json").status_code == 404  # by e-mail
    assert phone.get("/metrics/I10/explain/B4.json").status_code == 200
