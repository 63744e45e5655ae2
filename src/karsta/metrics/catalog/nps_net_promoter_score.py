"""NPS: promoters (9–10) minus detractors (0–6) as a share of all answers, −100..100."""

from __future__ import annotations

from karsta.i18n import N_
from karsta.metrics.catalog.surveys import (
    EVIDENCE,
    SCALE_ASSUMED,
    Scale,
    answer_units,
    answers,
    instrument_rows,
    require_answers,
    response_rate,
    synthetic_note,
)
from karsta.metrics.estimates import EstimatedShare, NetPromoter
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, Statistic
from karsta.metrics.registry import metric

NPS_SCALE = Scale(0, 10, N_("excluded: not on the 0–10 scale"))


@metric("NPS", headline="nps")
def net_promoter_score(inputs: MetricInputs) -> Measurement:
    """Return the NPS with the shares of promoters, passives and detractors."""
    rows = instrument_rows(inputs, ["NPS"])
    require_answers(inputs, rows, "NPS")
    answered = answers(inputs, rows)
    units = answer_units(
        answered,
        inputs.keys,
        scale=NPS_SCALE,
        counted=N_("counted: answered on the 0–10 scale"),
        promoter=answered.score >= 9,
        passive=(answered.score >= 7) & (answered.score < 9),
        detractor=answered.score <= 6,
    )
    rate, notes = response_rate(inputs, rows)
    statistics: list[Statistic] = [
        NetPromoter(),
        EstimatedShare("promoter", name="promoters"),
        EstimatedShare("passive", name="passives"),
        EstimatedShare("detractor", name="detractors"),
        *rate,
    ]
    return Measurement(
        units=units,
        statistics=statistics,
        keys=inputs.keys,
        period_by="answered_at",
        evidence=EVIDENCE,
        notes=(*synthetic_note(inputs, rows), *notes),
        assumptions=(SCALE_ASSUMED,),
    )
