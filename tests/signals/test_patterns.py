"""Each cross-metric pattern on generated series: present, absent, and not assessable.

The series come from `tests.signals.generate.trending`: a straight line from a start to
an end value over twelve months plus seeded normal noise. "Falls" is a line that drops
by many times the noise (a clear Mann–Kendall trend); "flat" is the same noise around
a constant level (the seeds were chosen once and are fixed, so the tests are stable).
"""

from __future__ import annotations

from karsta.signals.derived import EASY, ESCALATION_DELAY
from karsta.signals.patterns import (
    Inputs,
    encounters_fine_whole_short,
    fewer_easy_tickets,
    level_one_delays_escalation,
    pace_over_quality,
    turnover_with_quality,
)
from karsta.signals.series import TURNOVER
from tests.signals.generate import flat, observed, trending

FCR_FALLS = trending("S2", 72, 48, noise=2.0, seed=1)
FCR_FLAT = flat("S2", 70, noise=2.0, seed=2)
RESOLUTION_FALLS = trending("O2", 30, 15, noise=1.5, seed=3, statistic="mean", unit="hours")
RESOLUTION_RISES = trending("O2", 15, 30, noise=1.5, seed=4, statistic="mean", unit="hours")
RESOLUTION_FLAT = flat("O2", 20, noise=1.5, seed=5, statistic="mean", unit="hours")


def inputs(*series: object, no_data: dict[str, str] | None = None) -> Inputs:
    return Inputs([observed(s) for s in series], no_data or {})  # type: ignore[arg-type]


def test_the_generated_lines_have_the_trends_the_tests_name() -> None:
    assert observed(FCR_FALLS).trend.direction == "decreasing"
    assert observed(FCR_FLAT).trend.direction == "none"
    assert observed(RESOLUTION_FALLS).trend.direction == "decreasing"
    assert observed(RESOLUTION_RISES).trend.direction == "increasing"
    assert observed(RESOLUTION_FLAT).trend.direction == "none"


def test_pace_over_quality_present_when_fcr_and_resolution_time_both_fall() -> None:
    pattern = pace_over_quality(inputs(FCR_FALLS, RESOLUTION_FALLS))
    assert pattern.status == "present"
    assert pattern.strength > 0
    # The evidence names the series, the months and the test of each.
    fcr = pattern.conditions[0].evidence[0]
    assert fcr["metric"] == "S2"
    assert fcr["periods"][0] == "2024-01"
    assert fcr["trend"]["direction"] == "decreasing"
    assert fcr["trend"]["p_value"] < 0.05
    # Links: each metric's page in its latest month.
    assert [(link.metric, link.query) for link in pattern.links] == [
        ("S2", {"period": "month", "at": "2024-12"}),
        ("O2", {"period": "month", "at": "2024-12"}),
    ]


def test_pace_over_quality_absent_when_fcr_holds() -> None:
    pattern = pace_over_quality(inputs(FCR_FLAT, RESOLUTION_FALLS))
    assert pattern.status == "absent"
    assert pattern.conditions[0].met is False
    assert pattern.conditions[1].met is True
    assert pattern.strength == 0.0


def test_pace_over_quality_names_the_missing_input() -> None:
    pattern = pace_over_quality(
        inputs(FCR_FALLS, no_data={"O2": "cannot be computed: no resolutions"})
    )
    assert pattern.status == "cannot_assess"
    assert pattern.missing == [
        "time to resolve (O2): cannot be computed: no resolutions; handling time (I6): no data"
    ]


def test_too_few_months_make_a_pattern_not_assessable_and_say_why() -> None:
    short = trending("S2", 70, 50, months=4, seed=6)
    pattern = pace_over_quality(inputs(short, RESOLUTION_FALLS))
    assert pattern.status == "cannot_assess"
    assert pattern.missing == [
        "first-contact resolution (S2): cannot be computed: 4 periods with a figure, "
        "a trend needs at least 6"
    ]


def test_fewer_easy_tickets_present_when_fcr_and_the_easy_share_fall() -> None:
    easy_falls = trending(EASY, 55, 35, noise=2.0, seed=7, lower_is_better=None)
    pattern = fewer_easy_tickets(inputs(FCR_FALLS, easy_falls))
    assert pattern.status == "present"
    assert pattern.conditions[1].evidence[0]["metric"] == EASY
    # The easy share links to FCR by category: which categories shrank.
    assert pattern.links[1].metric == "S2"
    assert pattern.links[1].query["by"] == "category"


def test_fewer_easy_tickets_absent_when_the_mix_holds() -> None:
    easy_flat = flat(EASY, 50, noise=2.0, seed=8, lower_is_better=None)
    assert fewer_easy_tickets(inputs(FCR_FALLS, easy_flat)).status == "absent"


def test_level_one_delaying_escalation_present_when_all_three_move() -> None:
    o1_rises = trending("O1", 55, 75, noise=2.0, seed=9, statistic="share_desk_resolvable")
    delay_grows = trending(
        ESCALATION_DELAY, 2, 8, noise=0.5, seed=10, statistic="mean", unit="hours"
    )
    pattern = level_one_delays_escalation(inputs(o1_rises, delay_grows, RESOLUTION_RISES))
    assert pattern.status == "present"
    assert {link.metric for link in pattern.links} == {"O1", "ESC", "O2"}


def test_level_one_delaying_escalation_absent_when_escalations_are_not_slower() -> None:
    o1_rises = trending("O1", 55, 75, noise=2.0, seed=9, statistic="share_desk_resolvable")
    delay_flat = flat(ESCALATION_DELAY, 4, noise=0.5, seed=11, statistic="mean", unit="hours")
    pattern = level_one_delays_escalation(inputs(o1_rises, delay_flat, RESOLUTION_RISES))
    assert pattern.status == "absent"
    assert [c.met for c in pattern.conditions] == [True, False, True]


def test_turnover_with_falling_fcr_present() -> None:
    turnover = trending(TURNOVER, 5, 20, noise=1.5, seed=12, lower_is_better=True)
    pattern = turnover_with_quality(inputs(turnover, FCR_FALLS))
    assert pattern.status == "present"


def test_turnover_with_falling_satisfaction_alone_is_enough() -> None:
    turnover = trending(TURNOVER, 5, 20, noise=1.5, seed=12, lower_is_better=True)
    csat_falls = trending("CSAT", 85, 65, noise=2.0, seed=13)
    pattern = turnover_with_quality(inputs(turnover, FCR_FLAT, csat_falls))
    assert pattern.status == "present"
    assert [e["metric"] for e in pattern.conditions[1].evidence] == ["CSAT"]


def test_turnover_without_falling_quality_is_absent() -> None:
    turnover = trending(TURNOVER, 5, 20, noise=1.5, seed=12, lower_is_better=True)
    csat_flat = flat("CSAT", 80, noise=2.0, seed=14)
    assert turnover_with_quality(inputs(turnover, FCR_FLAT, csat_flat)).status == "absent"


def test_turnover_without_staffing_data_is_not_assessable() -> None:
    pattern = turnover_with_quality(
        inputs(FCR_FALLS, no_data={TURNOVER: "the staffing table is empty"})
    )
    assert pattern.status == "cannot_assess"
    assert pattern.missing == ["staff turnover: the staffing table is empty"]


def _survey(metric: str, level: float, seed: int) -> object:
    # 200 answers a month; the 95 % interval ±8 points around each monthly value.
    unit = "score" if metric == "NPS" else "percent"
    statistic = "nps" if metric == "NPS" else "share"
    return flat(
        metric, level, noise=2.0, seed=seed, n=200, interval=8.0, unit=unit, statistic=statistic
    )


def test_csat_high_while_nps_low_present() -> None:
    pattern = encounters_fine_whole_short(inputs(_survey("CSAT", 88, 15), _survey("NPS", -15, 16)))
    assert pattern.status == "present"
    csat, nps = (c.evidence[0] for c in pattern.conditions)
    assert csat["metric"] == "CSAT"
    assert csat["period"] == "2024-12"
    assert csat["value"] >= 80
    assert nps["metric"] == "NPS"
    assert nps["value"] <= 0
    assert len(csat["months_with_pattern"]) == 12
    assert pattern.strength > 0


def test_csat_high_and_nps_high_is_absent() -> None:
    pattern = encounters_fine_whole_short(inputs(_survey("CSAT", 88, 15), _survey("NPS", 35, 17)))
    assert pattern.status == "absent"
    assert [c.met for c in pattern.conditions] == [True, False]


def test_without_surveys_the_csat_nps_pattern_says_so() -> None:
    pattern = encounters_fine_whole_short(
        inputs(FCR_FALLS, no_data={"CSAT": "no answered survey", "NPS": "no answered survey"})
    )
    assert pattern.status == "cannot_assess"
    assert pattern.missing == [
        "customer satisfaction (CSAT): no answered survey",
        "Net Promoter Score (NPS): no answered survey",
    ]


def test_too_few_answers_leave_the_csat_nps_pattern_unassessed() -> None:
    few = Inputs(
        [observed(_survey("CSAT", 88, 15)), observed(_survey("NPS", -15, 16))], {}, min_answers=500
    )
    pattern = encounters_fine_whole_short(few)
    assert pattern.status == "cannot_assess"
    assert pattern.missing[0] == "no month with at least 500 answers to both CSAT and NPS"
