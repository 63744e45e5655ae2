"""The settings page: the CLI's settings file, checked per field, saved with its history."""

from __future__ import annotations

import re

from karsta.metrics.config import load_config
from tests.web.conftest import Site, csrf


def form(browser: object, **fields: object) -> dict[str, object]:
    """Return the settings form as the page fills it, with `fields` changed."""
    page = browser.get("/settings.json").json()  # type: ignore[attr-defined]
    values: dict[str, object] = {
        "csrftoken": csrf(browser, "/settings"),  # type: ignore[arg-type]
        "version": page["version"],
        "metric": [t["metric_id"] for t in page["targets"]],
        "target": [t["target"] or "" for t in page["targets"]],
    }
    values.update(fields)
    return values


def with_target(browser: object, metric: str, text: str) -> dict[str, object]:
    values = form(browser)
    targets = list(values["target"])  # type: ignore[call-overload]
    targets[list(values["metric"]).index(metric)] = text  # type: ignore[call-overload]
    values["target"] = targets
    return values


def test_a_target_change_is_saved_read_by_the_cli_and_turns_the_overview(site: Site) -> None:
    analyst = site.signed_in("analyst")
    i10 = next(f for f in analyst.get("/overview.json").json()["figures"] if f["id"] == "I10")
    assert (i10["value"], i10["target_met"]) == (20.0, True)  # March: 1 of 5 reopened; <= 30 %
    saved = analyst.post("/settings", data=with_target(analyst, "I10", "<= 10 %"))
    assert saved.status_code == 303, saved.text[:500]
    config = load_config(site.workspace.with_name("desk.karsta.yaml"))
    assert config.targets["I10"].text == "<= 10 %"
    i10 = next(f for f in analyst.get("/overview.json").json()["figures"] if f["id"] == "I10")
    assert (i10["value"], i10["target"], i10["target_met"]) == (20.0, "<= 10 %", False)
    history = analyst.get("/settings.json").json()["history"]
    assert len(history) == 1
    assert history[0]["user"] == "analyst"
    assert history[0]["before"] == 'targets:\n  I10: "<= 30 %"\n'
    assert '-  I10: "<= 30 %"' in history[0]["diff"]
    assert "+  I10: <= 10 %" in history[0]["diff"]
    # Two comment lines added at the top, the I10 line removed and added again: 4 lines.
    assert history[0]["lines_changed"] == 4


def test_wrong_fields_are_named_beside_them_and_nothing_is_saved(site: Site) -> None:
    analyst = site.signed_in("analyst")
    before = site.workspace.with_name("desk.karsta.yaml").read_text(encoding="utf-8")
    values = with_target(analyst, "I10", "paljon")
    values.update(holidays="ZZ", hourly_cost="-5", service_hours="joskus")
    refused = analyst.post("/settings", data=values, headers={"accept-language": "en"})
    assert refused.status_code == 400
    errors = re.findall(r'<p class="field-error" id="error-([\w-]+)">([^<]+)</p>', refused.text)
    named = {key for key, _text in errors}
    assert named == {"targets-I10", "holidays", "hourly_cost", "service_hours"}
    assert 'value="paljon"' in refused.text  # what was entered stays in the field
    assert site.workspace.with_name("desk.karsta.yaml").read_text(encoding="utf-8") == before
    assert analyst.get("/settings.json").json()["history"] == []


def test_a_save_from_an_outdated_page_is_refused(site: Site) -> None:
    analyst, admin = site.signed_in("analyst"), site.signed_in("admin")
    stale = with_target(analyst, "I10", "<= 5 %")
    assert admin.post("/settings", data=with_target(admin, "I10", "<= 1 %")).status_code == 303
    assert analyst.post("/settings", data=stale).status_code == 409
    assert load_config(site.workspace.with_name("desk.karsta.yaml")).targets["I10"].value == 1.0


def test_the_pickers_offer_the_workspace_s_values_and_costs_are_saved(site: Site) -> None:
    analyst = site.signed_in("analyst")
    page = analyst.get("/settings.json").json()
    # Every event of the desk is 'New' and no ticket has a category; the page offers no
    # more than its pickers show (no groups or channels: a group-limited analyst reads it too).
    assert page["choices"] == {"categories": [], "statuses": ["New"]}
    values = form(analyst, hourly_cost="52,50", waiting_hourly_cost="", waiting_statuses=[])
    assert analyst.post("/settings", data=values).status_code == 303
    assert load_config(site.workspace.with_name("desk.karsta.yaml")).hourly_cost == 52.5
    finnish = analyst.get("/settings", headers={"accept-language": "fi"}).text
    assert 'value="52,50"' in finnish
