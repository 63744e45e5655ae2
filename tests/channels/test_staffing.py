"""Staffing per interval on hand-built calls, and on the real call month."""

from __future__ import annotations

from datetime import timedelta

import pytest

from karsta.channels.erlang import erlang_a, erlang_c, required_agents_a, required_agents_c
from karsta.channels.staffing import staffing_plan
from karsta.channels.targets import parse_target
from karsta.metrics.options import MetricOptions
from karsta.workspace import Workspace
from tests.metrics.conftest import Desk, utc

TARGET = parse_target("80/20")


def test_one_interval_sized_and_predicted(desk: Desk) -> None:
    # Monday 08:00–08:30 Helsinki (06:00 UTC): 12 calls of 150 s talk, 2 agents answering;
    # 10 answered at once, 2 answered after 40 s; and 2 abandoned after 50 s.
    start = utc("2024-03-04 06:00")
    for i in range(12):
        arrived = start + timedelta(minutes=2 * i)
        wait = 40 if i < 2 else 0
        desk.contact(
            f"c{i}",
            arrived,
            outcome="answered",
            agent="x" if i % 2 else "y",
            answered_at=arrived + timedelta(seconds=wait),
            talk_seconds=150.0,
        )
    for i in range(2):
        arrived = start + timedelta(minutes=2 * i + 1)
        desk.contact(
            f"x{i}", arrived, outcome="abandoned", abandoned_at=arrived + timedelta(seconds=50)
        )
    desk.write()
    plan = staffing_plan(desk.ws, MetricOptions(), target=TARGET, shrinkage=0.25)
    (interval,) = plan.profile
    assert (interval.weekday, interval.start, interval.offered) == (1, "08:00", 14.0)
    assert interval.aht_seconds == 150.0
    # Load: 14 calls × 150 s / 1800 s = 1.1667 Erlangs.
    assert interval.load_erlangs == pytest.approx(14 * 150 / 1800)
    raw, scheduled = required_agents_c(14, 150, 1800, 20, 0.8, shrinkage=0.25)
    assert (interval.required_agents, interval.scheduled_agents) == (raw, scheduled)
    assert scheduled == -(-raw // 0.75)  # ceil(raw / (1 − shrinkage))
    # Observed: 10 on time of 14 counted (abandons after 50 s stay in) = 71.4 %.
    assert interval.observed_service_level == pytest.approx(10 / 14)
    assert interval.observed_agents == 2
    assert interval.predicted_service_level == erlang_c(14, 150, 1800, 2, 20).service_level
    # Patience: waited 2 × 40 + 2 × 50 = 180 s over 2 abandons = 90 s.
    assert plan.patience_seconds == 90.0
    assert interval.predicted_service_level_erlang_a == pytest.approx(
        erlang_a(14, 150, 1800, 2, 20, 90.0).service_level
    )
    assert interval.required_agents_erlang_a == required_agents_a(14, 150, 1800, 20, 0.8, 90.0)
    # 14 offered ≥ 10: the one dated interval is compared.
    assert plan.compared_intervals == 1
    assert plan.mean_abs_error_erlang_c == pytest.approx(
        abs(interval.predicted_service_level - 10 / 14)
    )


def test_a_stricter_target_never_needs_fewer_agents(bank: Workspace) -> None:
    options = MetricOptions(timezone="Asia/Jerusalem")
    plan = staffing_plan(
        bank, options, target=TARGET, shrinkage=0.3, what_if=(parse_target("90/20"),)
    )
    base, stricter = plan.what_if
    assert stricter.agent_hours_per_week >= base.agent_hours_per_week
    assert stricter.peak_scheduled_agents >= base.peak_scheduled_agents
    # The comparison is shown over the busy intervals of the month.
    assert plan.compared_intervals > 500
    assert plan.mean_abs_error_erlang_c is not None
    # Each profile interval is sized by the same functions the tests above check.
    busy = max(plan.profile, key=lambda p: p.offered)
    assert busy.aht_seconds is not None
    assert (busy.required_agents, busy.scheduled_agents) == required_agents_c(
        busy.offered, busy.aht_seconds, 1800, 20, 0.8, shrinkage=0.3
    )
