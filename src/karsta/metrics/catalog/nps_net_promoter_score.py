"""NPS: promoters (9–10) minus detractors (0–6) as a share of all answers, −100..100."""

from __future__ import annotations

import ibis.expr.types as ir

from karsta.i18n import N_
from karsta.metrics.catalog.surveys import Scale, standard_scale_measurement
from karsta.metrics.estimates import EstimatedShare, NetPromoter
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement
from karsta.metrics.registry import metric

NPS_SCALE = Scale(
    0, 10, N_("excluded: not on the 0–10 scale"), N_("counted: answered on the 0–10 scale")
)


def _groups(answered: ir.Table) -> dict[str, ir.Value]:
    """Return promoters (9–10), passives (7–8) and detractors (0–6)."""
    return {
        "promoter": answered.score >= 9,
        "passive": (answered.score >= 7) & (answered.score < 9),
        "detractor": answered.score <= 6,
    }


@metric("NPS", headline="nps")
def net_promoter_score(inputs: MetricInputs) -> Measurement:
    """Return the NPS with the shares of promoters, passives and detractors."""
    return standard_scale_measurement(
        inputs,
        "NPS",
        NPS_SCALE,
        _groups,
        [
            NetPromoter(),
            EstimatedShare("promoter", name="promoters"),
            EstimatedShare("passive", name="passives"),
            EstimatedShare("detractor", name="detractors"),
        ],
    )
