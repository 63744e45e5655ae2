"""The Python API analysts use: karsta.open(...).metrics(...), scorecard and explain."""

from __future__ import annotations

from pathlib import Path

import ibis.expr.types as ir
import pytest

import karsta
from tests.metrics.conftest import Desk, utc


@pytest.fixture
def ws(tmp_path: Path) -> karsta.Workspace:
    """Return a workspace with three tickets: two resolved in March 2024, one reopened."""
    workspace = karsta.open(tmp_path / "desk.karsta")
    desk = Desk(workspace)
    desk.ticket("A", utc("2024-03-04 07:00"), resolved_at=utc("2024-03-04 09:00"), reopen_count=1)
    desk.ticket("B", utc("2024-03-05 07:00"), resolved_at=utc("2024-03-05 08:00"), reopen_count=0)
    desk.ticket("C", utc("2024-03-06 07:00"))
    desk.run("I10")
    return workspace


def test_metrics_to_pandas_and_expressions(ws: karsta.Workspace) -> None:
    results = ws.metrics(["I10", "O2"], period="month")
    frame = results.to_pandas()
    reopened = frame[(frame["id"] == "I10") & (frame["statistic"] == "share")]
    assert reopened["value"].tolist() == [50.0]
    assert reopened["period"].tolist() == ["2024-03"]
    assert isinstance(results.expr["O2"], ir.Table)
    assert results["o2"].unit == "hours"
    ws.close()


def test_service_hours_switch_the_clock(ws: karsta.Workspace) -> None:
    # A: 07:00-09:00 UTC = 09:00-11:00 Helsinki, all inside 08-16 -> 2 h;
    # B: 09:00-10:00 Helsinki -> 1 h. Mean 1.5 service hours.
    results = ws.metrics(["O2"], service_hours="mon-fri 08:00-16:00")
    mean = next(r for r in results.records() if r["statistic"] == "mean")
    assert (mean["value"], mean["unit"]) == (1.5, "service_hours")
    ws.close()


def test_settings_file_is_read_and_explain_works(ws: karsta.Workspace) -> None:
    (ws.path.parent / "desk.karsta.yaml").write_text("targets:\n  I10: '<= 40 %'\n", "utf-8")
    card = ws.scorecard()
    i10 = next(r for r in card.rows if r.result.id == "I10")
    assert (i10.value, i10.target_met) == (50.0, False)
    assert ws.explain("I10", "A").verdicts[0]["reason"] == "counted: reopened at least once"
    ws.close()


def test_results_as_polars(ws: karsta.Workspace) -> None:
    import polars as pl

    frame = ws.metrics(["I10"]).to_polars()
    assert isinstance(frame, pl.DataFrame)
    assert frame["value"].to_list() == [50.0]
    ws.close()


def test_an_export_folder_has_the_same_analyses(ws: karsta.Workspace, tmp_path: Path) -> None:
    ws.export(tmp_path / "export")
    expected = ws.metrics(["I10"]).records()
    ws.close()
    with karsta.open(tmp_path / "export") as export:
        assert isinstance(export, karsta.api.Export)
        assert export.metrics(["I10"]).records()[0]["value"] == expected[0]["value"] == 50.0


def test_process_views_from_the_workspace(ws: karsta.Workspace) -> None:
    # Every fixture ticket has one "New" event: one node, no arrows.
    mapped = ws.process.map(by="status").to_dict()
    assert [(n["id"], n["events"], n["cases"]) for n in mapped["nodes"]] == [("New", 3, 3)]
    assert mapped["edges"] == []
    ws.close()
