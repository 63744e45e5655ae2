"""Signals on the real Italian helpdesk log (2010–2013, the event-log preset), checked
against plain pandas and the Mann–Kendall and XmR formulas written out here.

From the data's README: one row per event (case id, activity, timestamp, UTC). A ticket
is closed when its last event is "Closed" (the activity the import classifies as
closing, as tests/test_helpdesk_italy.py reads it); it was closed when its last stay in
a closing status began: the first of its trailing "Closed" events, passing over
activities without a class (as that test reads a resolution). Months are Helsinki
time. A month is kept from the first to the last month receiving at least
BUSY_PERIOD_SHARE (a quarter) of the busiest month's tickets (by the first event).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import combinations, pairwise
from statistics import median

import pandas as pd
import pytest
from scipy import stats

import karsta
from karsta.ingest import import_file, load_preset
from karsta.signals.analysis import signals
from karsta.timespan import BUSY_PERIOD_SHARE
from karsta.workspace import Workspace
from tests.test_helpdesk_italy import CLASSES, HELPDESK

pytestmark = pytest.mark.skipif(not HELPDESK.exists(), reason="../shared/data is not beside")


@pytest.fixture(scope="module")
def italy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = karsta.open(tmp_path_factory.mktemp("italy-signals") / "italy.karsta")
    import_file(HELPDESK, workspace=ws, mapping=load_preset("event-log"))
    yield ws
    ws.close()


def monthly_closed() -> tuple[list[str], pd.Series]:
    events = pd.read_csv(HELPDESK)
    events["ts"] = pd.to_datetime(events["time:timestamp"], utc=True, format="ISO8601")
    events["row"] = range(len(events))
    events = events.sort_values(["case:concept:name", "ts", "row"], kind="stable")
    month = events["ts"].dt.tz_convert("Europe/Helsinki").dt.strftime("%Y-%m")
    events["month"] = month
    first = events.groupby("case:concept:name").head(1)
    received = first["month"].value_counts()
    busy = sorted(m for m, n in received.items() if n >= BUSY_PERIOD_SHARE * received.max())
    kept = sorted(m for m in received.index if busy[0] <= m <= busy[-1])
    events["cls"] = events["concept:name"].map(CLASSES)

    def closing_month(case: pd.DataFrame) -> str | None:
        if case["cls"].iloc[-1] != "closed":
            return None
        classified = case[case["cls"].notna()]
        classes, months = classified["cls"].tolist(), classified["month"].tolist()
        start = len(classes) - 1
        while start > 0 and classes[start - 1] == "closed":
            start -= 1
        return str(months[start])

    closing = events.groupby("case:concept:name").apply(closing_month, include_groups=False)
    closed = closing.dropna().value_counts().sort_index()
    return kept, closed[closed.index.isin(kept)]


def test_closed_tickets_trend_and_chart_match_the_formulas(italy: Workspace) -> None:
    kept, closed = monthly_closed()
    found = signals(italy)
    assert found.periods == kept
    (o4,) = [s for s in found.series if s.series.metric == "O4"]
    assert o4.series.periods == list(closed.index)
    assert o4.series.values == [float(v) for v in closed.values]

    # Mann–Kendall: S over all pairs, its variance with the tie correction, the normal
    # approximation without continuity correction (as scipy's kendalltau computes it).
    x = [float(v) for v in closed.values]
    n = len(x)
    s = sum((b > a) - (b < a) for a, b in combinations(x, 2))
    ties = pd.Series(x).value_counts()
    variance = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18
    p = 2 * stats.norm.sf(abs(s) / math.sqrt(variance))
    assert o4.trend.p_value == pytest.approx(p, rel=1e-9)
    # Sen's slope: the median of every pairwise slope.
    slopes = [(x[j] - x[i]) / (j - i) for i, j in combinations(range(n), 2)]
    assert o4.trend.slope == pytest.approx(median(slopes))

    # XmR: mean ± 2.66 × the mean moving range; the months beyond.
    centre = sum(x) / n
    moving = sum(abs(b - a) for a, b in pairwise(x)) / (n - 1)
    upper, lower = centre + 2.66 * moving, centre - 2.66 * moving
    assert o4.chart.kind == "xmr"
    assert o4.chart.centre == pytest.approx(centre)
    beyond = [m for m, v in zip(closed.index, x, strict=True) if v > upper or v < lower]
    assert [pt.period for pt in o4.chart.outside] == beyond
