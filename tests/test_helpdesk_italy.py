"""The unseen helpdesk log with the generic event-log preset: plausible figures or what to map.

The log names its activities but no status classes, levels, groups or channels. The
import classifies the activities whose names leave no doubt; the summary shows them,
and every metric is either computed (and checked here against plain pandas over the
raw file) or says what to map.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import karsta
from karsta.ingest import import_file, load_preset
from karsta.metrics.compute import MetricResults, compute_metrics
from karsta.summary import WorkspaceSummary, summarise
from karsta.workspace import Workspace

HELPDESK = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "helpdesk-italy"
    / "helpdesk_named_disco.csv"
)  # fmt: skip
pytestmark = pytest.mark.skipif(not HELPDESK.exists(), reason="../shared/data is not beside")

# What the names say beyond doubt (the test's own reading of the activity list).
CLASSES = {
    "Resolve ticket": "resolved",
    "RESOLVED": "resolved",
    "Closed": "closed",
    "Wait": "waiting",
}


@pytest.fixture(scope="module")
def italy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = karsta.open(tmp_path_factory.mktemp("italy") / "italy.karsta")
    import_file(HELPDESK, workspace=ws, mapping=load_preset("event-log"))
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """Return the raw events in ticket order (time, then file row), with the test's classes."""
    events = pd.read_csv(HELPDESK)
    events["ts"] = pd.to_datetime(events["time:timestamp"], utc=True, format="ISO8601")
    events["row"] = range(len(events))
    events["cls"] = events["concept:name"].map(CLASSES)
    return events.sort_values(["case:concept:name", "ts", "row"], kind="stable")


@pytest.fixture(scope="module")
def summary(italy: Workspace) -> WorkspaceSummary:
    return summarise(italy)


@pytest.fixture(scope="module")
def results(italy: Workspace) -> MetricResults:
    return compute_metrics(italy)


def test_summary_shows_what_was_inferred_and_how_many_events_it_covers(
    summary: WorkspaceSummary, raw: pd.DataFrame
) -> None:
    inferred = {
        r.activity: (r.status_class, r.events) for r in summary.status_classes if r.inferred
    }
    counts = raw["concept:name"].value_counts()
    assert inferred == {name: (cls, int(counts[name])) for name, cls in CLASSES.items()}
    # Everything else is left unclassified, shown with its events.
    others = {r.activity: r.events for r in summary.status_classes if r.status_class is None}
    assert others == {name: int(n) for name, n in counts.items() if name not in CLASSES}


def test_summary_says_what_to_map(summary: WorkspaceSummary) -> None:
    lacking = {n.need for n in summary.needs if not n.present}
    assert lacking == {
        "first_response",  # no status means work has started (Take in charge is not named)
        "reopens",
        "levels",
        "resolving_level",
        "groups",
        "channels",
        "types",
        "categories",
        "costs",
    }
    assert all(n.to_map.startswith(("map ", "import ")) for n in summary.needs)


def test_every_metric_is_computed_or_says_what_to_map(results: MetricResults) -> None:
    computed = {r.id for r in results if r.no_data is None}
    assert computed == {"O2", "O3", "O4", "I2", "I3"}
    for result in results:
        if result.no_data is None or result.definition.function is None:
            continue
        assert result.no_data.startswith("cannot be computed: "), result.id
        assert " — map " in result.no_data or " — import " in result.no_data, result.id


def _figure(results: MetricResults, metric_id: str, statistic: str) -> dict[str, object]:
    (row,) = [r for r in results[metric_id].rows if r["statistic"] == statistic]
    return row


def test_open_and_closed_tickets_match_the_raw_log(
    results: MetricResults, raw: pd.DataFrame
) -> None:
    last = raw.groupby("case:concept:name").tail(1)
    done = last["cls"].isin(["resolved", "closed"])
    # Open at the end of the data: the last event is neither resolved nor closed (13).
    assert _figure(results, "O3", "count")["value"] == (~done).sum()
    # Closed: the last event is a closing one (4 557 of 4 580).
    assert _figure(results, "O4", "count")["value"] == (last["cls"] == "closed").sum()


def test_time_to_resolve_is_plausible_against_the_raw_log(
    results: MetricResults, raw: pd.DataFrame
) -> None:
    # By the card: opening (first event) to the start of the last stay in a resolved
    # status. Statuses without a class are passed over: a stay starts at a resolved event
    # whose previous *classified* event is not resolved. A ticket counts while resolved:
    # its last status is resolved, or closed after a resolution (closed without ever
    # being resolved is closed, not resolved).
    def resolution(events: pd.DataFrame) -> pd.Timestamp | None:
        last = events["cls"].iloc[-1]
        classified = events[events["cls"].notna()]
        classes, times = classified["cls"].tolist(), classified["ts"].tolist()
        starts = [
            t
            for i, t in enumerate(times)
            if classes[i] == "resolved" and (i == 0 or classes[i - 1] != "resolved")
        ]
        if last == "resolved" or (last == "closed" and starts):
            return starts[-1]
        return None

    grouped = raw.groupby("case:concept:name")
    resolved_at = grouped.apply(resolution, include_groups=False).dropna()
    hours = (resolved_at - grouped["ts"].min().loc[resolved_at.index]).dt.total_seconds() / 3600
    mean = _figure(results, "O2", "mean")
    assert int(mean["n"]) == len(hours)
    assert mean["value"] == pytest.approx(hours.mean(), rel=1e-9)
    assert _figure(results, "O2", "median")["value"] == pytest.approx(hours.median(), rel=1e-9)
