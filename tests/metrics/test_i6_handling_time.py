"""I6 on hand-built calls: talk + hold + after-call work, missing parts counted."""

from __future__ import annotations

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")


def test_mean_median_p90_and_missing_parts(desk: Desk) -> None:
    desk.contact(
        "full",
        T0,
        outcome="answered",
        talk_seconds=100.0,
        hold_seconds=20.0,
        after_work_seconds=30.0,
    )  # 150 s
    desk.contact("talk_only", T0, outcome="answered", talk_seconds=200.0)  # 200 s, 2 assumptions
    desk.contact("no_acw", T0, outcome="answered", talk_seconds=300.0, hold_seconds=50.0)  # 350 s
    desk.contact("no_talk", T0, outcome="answered", hold_seconds=10.0)
    desk.contact("gave_up", T0, outcome="abandoned")
    desk.contact("chat", T0, channel="chat", outcome="answered", talk_seconds=999.0)
    run = desk.run("I6")
    mean = run.figure("mean")
    # (150 + 200 + 350) / 3 = 233.33...; no_talk excluded; gave_up and chat outside.
    assert (mean["n"], mean["excluded"]) == (3, 1)
    assert mean["value"] == (150 + 200 + 350) / 3
    assert run.figure("median")["value"] == 200.0
    assert run.figure("p90")["value"] == 200.0 + 0.8 * 150.0  # rank 1.8 between 200 and 350
    counts = {a["id"]: a["count"] for a in mean["assumptions"]}
    # hold missing: talk_only; after-call work missing: talk_only and no_acw.
    assert counts == {"hold_time_missing": 1, "after_work_missing": 2}
    assert run.reason("no_talk") == "excluded: answered call without talk time"
    assert run.reason("gave_up") == "outside: call not answered"
    assert run.reason("chat") == "outside: not a phone call"
    assert run.unit == "seconds"
