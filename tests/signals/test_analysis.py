"""`signals` on generated workspaces and on the real ServiceNow log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pandas as pd
import pytest

from karsta.metrics.compute import compute_metrics
from karsta.signals import analysis
from karsta.signals.analysis import busy_periods, signals
from karsta.timespan import BUSY_PERIOD_SHARE
from karsta.workspace import Workspace
from tests.metrics.conftest import SERVICENOW, Desk, desk, servicenow_workspace
from tests.signals.generate import desk_months, staffing_months

__all__ = ["desk", "servicenow_workspace"]


@pytest.fixture
def falling(desk: Desk) -> Iterator[Desk]:
    """FCR falls from 75 % to 45 % while the slow tickets speed up from 60 to 5 hours,
    and staff turnover rises from 1 to 8 leavers a month of 40 (seeded, see generate)."""
    desk_months(desk, fcr=(0.75, 0.45), slow_hours=(60.0, 5.0), seed=21)
    staffing_months(desk.ws, [1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8])
    return desk


@pytest.fixture
def steady(desk: Desk) -> Iterator[Desk]:
    """FCR holds at 70 % and the slow tickets at 20 hours; turnover holds at 2 a month."""
    desk_months(desk, fcr=(0.7, 0.7), slow_hours=(20.0, 20.0), seed=22)
    staffing_months(desk.ws, [2] * 12)
    return desk


def test_falling_fcr_with_faster_resolution_is_found_and_ranked(falling: Desk) -> None:
    found = signals(falling.ws)
    status = {p.id: p.status for p in found.patterns}
    assert status["pace_over_quality"] == "present"
    assert status["turnover_with_quality"] == "present"
    # No surveys: the survey patterns say what is missing instead of staying silent.
    assert status["encounters_fine_whole_short"] == "cannot_assess"
    assert status["repeat_in_low_segment"] == "cannot_assess"
    # Every series of the twelve months is tested; the FCR trend is a worse-way signal.
    fcr = [s for s in found.signals if s.kind == "trend" and s.metric == "S2"]
    assert fcr
    assert fcr[0].worse is True
    assert fcr[0].links[0].query == {"period": "month", "at": "2024-12"}
    # Strongest first.
    strengths = [s.strength for s in found.signals]
    assert strengths == sorted(strengths, reverse=True)
    assert found.strongest(3) == found.signals[:3]
    # Staff turnover is a series of its own, read from the monthly staffing rows.
    turnover = [s for s in found.series if s.series.metric == "TURNOVER"]
    assert turnover[0].series.periods[0] == "2024-01"
    assert turnover[0].trend.direction == "increasing"
    json.dumps(found.to_dict())


def test_the_python_api_gives_the_same_signals(falling: Desk) -> None:
    direct = signals(falling.ws, falling.ws.config.options())
    found = falling.ws.signals()
    assert [(s.kind, s.subject, s.strength) for s in found.signals] == [
        (s.kind, s.subject, s.strength) for s in direct.signals
    ]


def test_a_run_by_month_of_the_same_options_is_reused_and_another_is_not(
    falling: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = falling.ws.config.options()
    same = compute_metrics(falling.ws, replace(options, period="month"))
    other = compute_metrics(falling.ws, replace(options, period="month", first_contact_minutes=10))
    expected = [s.subject for s in signals(falling.ws, options).signals]
    runs: list[object] = []
    original = analysis.compute_metrics

    def counted(*args: object, **kwargs: object) -> object:
        runs.append(args)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "compute_metrics", counted)
    assert [s.subject for s in signals(falling.ws, options, results=same).signals] == expected
    assert runs == []  # the given run was used
    # A run with other options (a 10-minute first-contact window) is not this run's.
    assert [s.subject for s in signals(falling.ws, options, results=other).signals] == expected
    assert len(runs) == 1


def test_a_steady_desk_shows_no_pattern(steady: Desk) -> None:
    found = signals(steady.ws)
    status = {p.id: p.status for p in found.patterns}
    assert status["pace_over_quality"] == "absent"
    assert status["turnover_with_quality"] == "absent"
    assert not [s for s in found.signals if s.kind == "pattern"]


def test_metrics_without_data_are_listed_with_why(steady: Desk) -> None:
    found = signals(steady.ws)
    assert "no contacts" in found.not_computed["S1"]
    assert found.to_dict()["not_computed"]["NPS"].startswith("cannot be computed")


def test_quiet_months_at_the_ends_are_left_out() -> None:
    # Busy: at least BUSY_PERIOD_SHARE of the busiest month's 100 tickets.
    low = int(BUSY_PERIOD_SHARE * 100) - 1
    volumes = {"2024-01": low, "2024-02": 100, "2024-03": low, "2024-04": 90, "2024-05": 1}
    assert busy_periods(volumes) == (
        ["2024-02", "2024-03", "2024-04"],
        ["2024-01", "2024-05"],
    )


def test_servicenow_months_and_why_no_trend_can_be_tested(servicenow_workspace: Workspace) -> None:
    found = signals(servicenow_workspace)
    # The README: almost all incidents were opened March-May 2016. Independently with
    # pandas: incidents by the month of opened_at (d/m/yyyy, Helsinki time as the
    # workspace counts it), busy when at least BUSY_PERIOD_SHARE of the busiest month.
    log = pd.read_csv(
        SERVICENOW, na_values=["?"], keep_default_na=False, usecols=["number", "opened_at"]
    )
    opened = pd.to_datetime(log.drop_duplicates("number").opened_at, format="%d/%m/%Y %H:%M")
    months = opened.dt.tz_localize("UTC").dt.tz_convert("Europe/Helsinki").dt.strftime("%Y-%m")
    counts = months.value_counts()
    busy = sorted(m for m, n in counts.items() if n >= BUSY_PERIOD_SHARE * counts.max())
    assert found.periods == busy == ["2016-03", "2016-04", "2016-05"]
    # Three months: every trend and chart says it cannot be computed, and why.
    s2 = [s for s in found.series if s.series.metric == "S2"]
    assert s2
    assert all(s.trend.cannot is not None for s in s2)
    assert "3 periods" in str(s2[0].trend.cannot)
    assert "3 periods" in str(s2[0].chart.cannot)
    assert not [s for s in found.signals if s.kind == "trend"]
    assert {p.status for p in found.patterns} == {"cannot_assess"}
