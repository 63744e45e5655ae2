"""Assumptions are counted like exclusions: per figure, in JSON and CSV, and on each ticket.

The desk (4 March 2024, UTC; Helsinki is UTC+2): four tickets opened 08:00.
"carried" resolved 10:00 at level 1 by group SD, its group carried forward from the
event at 09:00 (11:00 Helsinki); "plain" resolved 10:00 at level 1 by SD, read from
the resolving event; "unknown" resolved 10:00 at an unknown level; "open" unresolved.
O1 formula 1: 4 received, 2 at level 1 (carried, plain); the figure rests on one
carried-forward group and counts one unknown level as not level 1.
"""

from __future__ import annotations

import json

import pytest

from karsta.metrics.compute import compute_metrics
from karsta.metrics.explain import explain
from karsta.metrics.options import MetricOptions
from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")
RESOLVED = utc("2024-03-04 10:00")
CARRIED_FROM = utc("2024-03-04 09:00")


@pytest.fixture
def assumed_desk(desk: Desk) -> Desk:
    common = {"resolved_at": RESOLVED, "reopen_count": 0}
    desk.ticket("carried", T0, resolving_level=1, resolving_group="SD",
                resolving_group_carried_from=CARRIED_FROM, **common)  # fmt: skip
    desk.ticket("plain", T0, resolving_level=1, resolving_group="SD", **common)
    desk.ticket("unknown", T0, **common)
    desk.ticket("open", T0, status_class="active")
    return desk


def _counts(record: dict[str, object]) -> dict[str, int]:
    assumptions = record["assumptions"]
    assert isinstance(assumptions, list)
    return {a["id"]: a["count"] for a in assumptions}


def test_o1_counts_the_tickets_resting_on_each_assumption(assumed_desk: Desk) -> None:
    run = assumed_desk.run("O1")
    figure = run.figure("share_all_received")
    assert (figure["numerator"], figure["denominator"], figure["excluded"]) == (2, 4, 0)
    assert _counts(figure) == {"resolving_group_carried_forward": 1, "resolving_level_unknown": 1}
    texts = [a["text"] for a in figure["assumptions"]]
    assert texts == [
        "resolving group carried forward from an earlier event",
        "level where resolved is unknown: counted as not resolved at level 1",
    ]


def test_a_breakdown_by_group_carries_the_assumption_into_any_metric(assumed_desk: Desk) -> None:
    run = assumed_desk.run("I10", by=("group",))
    # I10 itself assumes nothing; by group it rests on the carried-forward group of "carried".
    sd = run.figure("share", group={"group": "SD"})
    assert (sd["n"], _counts(sd)) == (2, {"resolving_group_carried_forward": 1})
    unknown = run.figure("share", group={"group": "unknown"})
    assert (unknown["n"], _counts(unknown)) == (1, {"resolving_group_carried_forward": 0})
    assert _counts(assumed_desk.run("I10").figure("share")) == {}


def test_json_document_carries_the_counts(assumed_desk: Desk) -> None:
    assumed_desk.run("O1")
    document = compute_metrics(assumed_desk.ws, MetricOptions(), metrics=["O1"]).to_json_document()
    (record,) = json.loads(json.dumps(document))["metrics"]
    assert record["assumptions"][0] == {
        "id": "resolving_group_carried_forward",
        "text": "resolving group carried forward from an earlier event",
        "count": 1,
    }


def test_explain_names_the_assumption_and_the_event(assumed_desk: Desk) -> None:
    assumed_desk.run("O1")
    (verdict,) = explain(assumed_desk.ws, "O1", "carried").verdicts
    assert verdict["reason"] == "counted: resolved at level 1"
    assert verdict["assumptions"] == [
        {
            "id": "resolving_group_carried_forward",
            "text": "resolving group carried forward from an earlier event",
            "detail": "resolving group carried forward from the event at {at}",
            "at": CARRIED_FROM,
        }
    ]
    assert explain(assumed_desk.ws, "O1", "plain").verdicts[0]["assumptions"] == []
    (unknown,) = explain(assumed_desk.ws, "O1", "unknown").verdicts[0]["assumptions"]
    assert (unknown["id"], unknown["at"]) == ("resolving_level_unknown", None)
