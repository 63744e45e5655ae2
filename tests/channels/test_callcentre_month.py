"""The real call month: Karsta's figures from the contacts table against plain pandas.

The contacts are filled by `conftest.bank_rows` (csv module); the expected figures come
from `callcentre_reference` (pandas, from the README's words). Once the `acd` import
preset exists, `test_the_acd_preset_gives_the_same_figures` imports the file with it.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pytest

from karsta.channels.abandon_curve import abandon_curve
from karsta.channels.intervals import interval_table
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.workspace import Workspace
from tests.channels import callcentre_reference as reference

OPTIONS = MetricOptions(timezone="Asia/Jerusalem", answer_target_seconds=20)


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return reference.figures(reference.calls())


def _figure(ws: Workspace, metric: str, statistic: str) -> dict[str, Any]:
    records = compute_metrics(ws, OPTIONS, metrics=[metric]).records()
    (found,) = [r for r in records if r["statistic"] == statistic]
    return found


def test_s1_80_20(bank: Workspace, expected: dict[str, Any]) -> None:
    share = _figure(bank, "S1", "share")
    assert share["numerator"] == expected["s1_numerator"]
    assert share["denominator"] == expected["s1_denominator"]
    assert math.isclose(share["value"], expected["s1"], rel_tol=1e-12)
    # Excluded: 310 phantom records, the VRU hang-ups (IVR, excluded by default) and the
    # queued hang-ups before 20 s.
    assert share["excluded"] == 42078 - expected["s1_denominator"]


def test_i7_speed_of_answer_and_abandon_rate(bank: Workspace, expected: dict[str, Any]) -> None:
    asa = _figure(bank, "I7", "asa")
    assert math.isclose(asa["value"], expected["asa"], rel_tol=1e-12)
    rate = _figure(bank, "I7", "abandon_rate")
    assert rate["denominator"] == expected["offered"]
    assert math.isclose(rate["value"], expected["abandon_rate"], rel_tol=1e-12)


def test_i6_talk_time(bank: Workspace, expected: dict[str, Any]) -> None:
    mean = _figure(bank, "I6", "mean")
    assert math.isclose(mean["value"], expected["talk_mean"], rel_tol=1e-12)
    assert mean["excluded"] == expected["talk_missing"]
    assert _figure(bank, "I6", "median")["value"] == expected["talk_median"]
    assert math.isclose(_figure(bank, "I6", "p90")["value"], expected["talk_p90"])
    # Talk only: every counted call rests on missing hold and after-call work.
    counts = {a["id"]: a["count"] for a in mean["assumptions"]}
    assert counts == {"hold_time_missing": mean["n"], "after_work_missing": mean["n"]}


def test_arrivals_and_handling_per_30_minutes(bank: Workspace) -> None:
    table = interval_table(bank, OPTIONS, minutes=30)
    want = reference.per_interval(reference.calls(), 30)
    got = {datetime.fromisoformat(i.start): i for i in table.dated}
    # Karsta also lists intervals where only VRU hang-ups or phantoms arrived: none offered.
    offered = {start for start, interval in got.items() if interval.offered > 0}
    assert offered == {t.to_pydatetime() for t in want.index}
    for start, row in want.iterrows():
        interval = got[start.to_pydatetime()]
        assert interval.offered == row["offered"], start
        if math.isnan(row["aht"]):
            assert interval.aht_seconds is None, start
        else:
            assert interval.aht_seconds is not None
            assert math.isclose(interval.aht_seconds, row["aht"], rel_tol=1e-12), start
    assert table.excluded["excluded: phantom record, not a customer contact"] == 310


def test_abandon_curve_adds_up(bank: Workspace, expected: dict[str, Any]) -> None:
    curve = abandon_curve(bank, OPTIONS)
    assert curve.offered == expected["offered"]
    assert curve.abandoned == round(expected["offered"] * expected["abandon_rate"] / 100)
    assert curve.buckets[0].waiting == expected["offered"]
    survival = [b.patience_survival for b in curve.buckets if b.patience_survival is not None]
    assert survival == sorted(survival, reverse=True)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Return the call month imported with the `acd` preset."""
    import karsta
    from karsta.ingest import import_file, load_preset

    ws = karsta.open(tmp_path_factory.mktemp("acd") / "acd.karsta")
    import_file(reference.CSV, workspace=ws, mapping=load_preset("acd"))
    yield ws
    ws.close()


def test_the_acd_preset_gives_the_same_figures(imported: Any, expected: dict[str, Any]) -> None:
    share = _figure(imported, "S1", "share")
    assert (share["numerator"], share["denominator"]) == (
        expected["s1_numerator"],
        expected["s1_denominator"],
    )
    assert math.isclose(_figure(imported, "I7", "asa")["value"], expected["asa"], rel_tol=1e-9)
    assert math.isclose(
        _figure(imported, "I7", "abandon_rate")["value"], expected["abandon_rate"], rel_tol=1e-9
    )
    assert math.isclose(_figure(imported, "I6", "mean")["value"], expected["talk_mean"])
