"""I9 classification correctness: category (and type) at close equal to those at intake."""

from __future__ import annotations

import ibis

from karsta.i18n import N_
from karsta.metrics.catalog.populations import needs_resolution, resolved, units
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement, Share
from karsta.metrics.registry import metric
from karsta.workspace.coverage import CATEGORIES, RESOLUTION


@metric("I9", headline="share", needs=(RESOLUTION, CATEGORIES))
def classification_correctness(inputs: MetricInputs) -> Measurement:
    """Return resolved tickets still classified as at intake / resolved tickets × 100."""
    t = resolved(inputs)
    known = t.category_intake.notnull() & t.category_close.notnull()
    same_category = (t.category_intake == t.category_close).fill_null(False)
    types_known = t.ticket_type_intake.notnull() & t.ticket_type.notnull()
    same_type = ~types_known | (t.ticket_type_intake == t.ticket_type).fill_null(False)
    correct = same_category & same_type
    reason = needs_resolution(
        t,
        ibis.cases(
            (~known, N_("excluded: category missing at intake or at close")),
            (~same_category, N_("not counted: category changed")),
            (~same_type, N_("not counted: type changed")),
            else_=N_("counted: classified at intake as at close"),
        ),
    )
    return Measurement(
        units=units(
            t,
            inputs.keys,
            included=known & ~t.closed_unresolved,
            reason=reason,
            correct=correct,
            category_intake=t.category_intake,
            category_close=t.category_close,
            type_intake=t.ticket_type_intake,
            type_close=t.ticket_type,
        ),
        statistics=[Share("correct")],
        keys=inputs.keys,
        period_by="resolved_at",
        evidence=("category_intake", "category_close", "type_intake", "type_close"),
    )
