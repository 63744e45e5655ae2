"""The survey answers the customer experience metrics count (S4, O5, NPS, CSAT, CES).

An answer is one row of the `surveys` table with an answering time; it belongs to
the period it was answered in. Breakdowns come from the ticket the survey was
about. The response rate counts surveys sent (one per response) in the period
they were sent, and only where the data can say it: when the surveys hold sent,
unanswered surveys too, since an export of answers alone would show 100 %.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_, Message
from karsta.metrics.estimates import EstimatedMean, ScalePoint
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.intervals import wilson
from karsta.metrics.measure import Assumption, Interval, Measurement, Quantile, Statistic
from karsta.metrics.options import UNKNOWN
from karsta.metrics.registry import NoData

SCALE_ASSUMED = Assumption(
    id="survey_scale_assumed",
    text=N_("the answer records no scale: the instrument's standard scale is assumed"),
    applies="scale_assumed",
)


@dataclass(frozen=True)
class Scale:
    """The scale an instrument's answers must be on (None where any scale goes)."""

    low: float
    high: float
    off_scale: str
    """The reason of an answer on another scale (English, marked N_ where written)."""
    counted: str
    """The reason of an answer on the scale, counted (English, marked N_ where written)."""


def instrument_rows(inputs: MetricInputs, instruments: Sequence[str]) -> ir.Table:
    """Return the surveys rows of the instruments (case-insensitive) with the run's breakdowns."""
    surveys = inputs.table("surveys")
    wanted = sorted({name.lower() for name in instruments})
    rows = surveys.filter(surveys.instrument.lower().isin(wanted))
    dims = inputs.dimensions
    if not dims:
        return rows
    tickets = inputs.tickets.select(_ticket=inputs.tickets.ticket_id, **{d: d for d in dims})
    joined = rows.left_join(tickets, rows.ticket_id == tickets._ticket).drop("_ticket")
    return joined.mutate(**{d: joined[d].fill_null(UNKNOWN) for d in dims})


def require_answers(inputs: MetricInputs, rows: ir.Table, instrument: str) -> None:
    """Raise NoData when no row of the instrument has been answered."""
    if not inputs.has_rows_where(rows, rows.answered_at.notnull()):
        raise NoData(
            Message(
                "cannot be computed: no answered survey of instrument {instrument} — import "
                "survey answers (karsta import FILE --preset survey)",
                instrument=instrument,
            )
        )


def answers(inputs: MetricInputs, rows: ir.Table) -> ir.Table:
    """Return the answered rows in the run's periods (by answered_at), with `period`."""
    return inputs.in_period(rows.filter(rows.answered_at.notnull()), "answered_at")


def scale_columns(rows: ir.Table, scale: Scale | None) -> dict[str, ir.Value]:
    """Return whether each answer is on `scale` (where it records one) and whether assumed.

    An answer that records no scale is read on the instrument's standard scale: an
    assumption, counted with every figure.
    """
    if scale is None:
        return {"on_scale": ibis.literal(True), "scale_assumed": ibis.literal(False)}
    unrecorded = rows.scale_min.isnull() & rows.scale_max.isnull()
    recorded_ok = (rows.scale_min == scale.low) & (rows.scale_max == scale.high)
    score_ok = rows.score.between(scale.low, scale.high)
    return {
        "on_scale": ((unrecorded | recorded_ok) & score_ok.fill_null(True)).fill_null(False),
        "scale_assumed": unrecorded & rows.score.notnull(),
    }


def answer_units(
    rows: ir.Table,
    keys: Sequence[str],
    *,
    scale: Scale | None,
    counted: str,
    **columns: ir.Value,
) -> ir.Table:
    """Return one unit per answer: empty answers and answers off the scale excluded.

    `counted` is the reason of an answer in the population.
    """
    checks = scale_columns(rows, scale)
    empty = rows.score.isnull()
    off_scale = ~checks["on_scale"]
    reason = ibis.cases(
        (empty, ibis.literal(N_("excluded: empty answer"))),
        (off_scale, ibis.literal(scale.off_scale if scale else N_("excluded: not on the scale"))),
        else_=ibis.literal(counted),
    )
    return rows.select(
        *keys,
        unit_id=rows.response_id.concat(" / ", rows.question),
        included=~empty & ~off_scale,
        reason=reason,
        score=rows.score,
        scale_min=rows.scale_min,
        scale_max=rows.scale_max,
        question=rows.question,
        ticket_id=rows.ticket_id,
        sent_at=rows.sent_at,
        answered_at=rows.answered_at,
        scale_assumed=checks["scale_assumed"],
        **columns,
    )


EVIDENCE = ("answered_at", "score", "scale_min", "scale_max", "question", "ticket_id")


@dataclass(frozen=True)
class ResponseRate:
    """Surveys answered / surveys sent × 100, per period of sending (one survey per response)."""

    sent: ir.Table
    """One row per response sent: the keys and `answered`."""
    name: str = "response_rate"
    unit: str | None = "percent"

    def _agg(self, keys: Sequence[str]) -> ir.Table:
        sent = self.sent
        return sent.group_by(keys).aggregate(
            _hits=sent.answered.cast("int64").sum().fill_null(0),
            _n=sent.count(),
        )

    def aggregate(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return the response rate per key of sending (the answers' units are not read)."""
        agg = self._agg(keys)
        return agg.select(
            *keys,
            statistic=ibis.literal(self.name),
            value=ibis.cases(
                (agg._n == 0, ibis.null("float64")),
                else_=agg._hits.cast("float64") * 100 / agg._n.cast("float64"),
            ),
            numerator=agg._hits.cast("float64"),
            denominator=agg._n.cast("float64"),
            excluded=ibis.literal(0).cast("int64"),
            n=agg._n.cast("int64"),
        )

    def interval_counts(self, units: ir.Table, keys: Sequence[str]) -> ir.Table:
        """Return surveys answered and sent per key."""
        return self._agg(keys)

    def interval(self, counts: Mapping[str, Any]) -> Interval | None:
        """Return the Wilson interval of the rate."""
        return wilson(float(counts.get("_hits") or 0), float(counts.get("_n") or 0))


def response_rate(
    inputs: MetricInputs, rows: ir.Table, keys: Sequence[str] | None = None
) -> tuple[list[Statistic], tuple[str, ...]]:
    """Return the response-rate statistic where the data can say it, and the notes to show.

    Without a sent, unanswered survey among the rows the rate is not known (an export
    of answers alone); answers without a sending time are left out of the rate.
    """
    unanswered = rows.sent_at.notnull() & rows.answered_at.isnull()
    if not inputs.has_rows_where(rows, unanswered):
        return [], (
            Message(
                "Response rate not known: the surveys hold no sent, unanswered survey "
                "(sent_at without answered_at), so the surveys sent are not known."
            ),
        )
    keys = list(keys or inputs.keys)
    dims = [k for k in keys if k != "period"]
    per_response = rows.group_by(["response_id", *dims]).aggregate(
        sent_at=rows.sent_at.min(), answered=rows.answered_at.notnull().any()
    )
    placed = inputs.in_period(per_response, "sent_at")
    notes: tuple[str, ...] = ()
    unsent = rows.filter(rows.sent_at.isnull() & rows.answered_at.notnull())
    counted = unsent.select("response_id").distinct().count().name("n").as_table()
    count = int(inputs.source.to_arrow(counted).column("n")[0].as_py())
    if count:
        notes = (
            Message(
                "{count} answered surveys record no sending time and are not in the response rate.",
                count=count,
            ),
        )
    return [ResponseRate(placed.select(*keys, "answered"))], notes


MAX_SCALE_POINTS = 11
"""Scales with more points (e.g. 0–100) get no distribution, only the mean and median."""


def scale_points(inputs: MetricInputs, rows: ir.Table) -> tuple[list[float], tuple[str, ...]]:
    """Return the points of the answers' scales (whole numbers), and notes on scales left out.

    Answers that record no scale add the scores they hold.
    """
    answered = rows.filter(rows.answered_at.notnull() & rows.score.notnull())
    found = inputs.source.to_arrow(
        answered.select("scale_min", "scale_max", "score").distinct()
    ).to_pylist()
    points: set[float] = set()
    notes: list[str] = []
    for scale in sorted({(r["scale_min"], r["scale_max"]) for r in found}, key=str):
        low, high = scale
        if low is None or high is None:
            points |= {
                float(r["score"])
                for r in found
                if (r["scale_min"], r["scale_max"]) == scale and float(r["score"]).is_integer()
            }
        elif high - low + 1 > MAX_SCALE_POINTS:
            notes.append(
                Message(
                    "The scale {low}–{high} has too many points for a distribution; its mean "
                    "and median are shown.",
                    low=f"{low:g}",
                    high=f"{high:g}",
                )
            )
        else:
            points |= {float(p) for p in range(int(low), int(high) + 1)}
    return sorted(points), tuple(notes)


def _number_text(value: ir.NumericValue) -> ir.StringValue:
    """Return a number as text without a needless decimal (1, not 1.0)."""
    whole = value == value.floor()
    return ibis.ifelse(whole, value.cast("int64").cast("string"), value.cast("string"))


def with_question_and_scale(inputs: MetricInputs, rows: ir.Table) -> tuple[ir.Table, list[str]]:
    """Return rows with the breakdowns question and scale (the figures are per question)."""
    scale = ibis.cases(
        (
            rows.scale_min.notnull() & rows.scale_max.notnull(),
            _number_text(rows.scale_min).concat("–", _number_text(rows.scale_max)),
        ),
        else_=ibis.literal(UNKNOWN),
    )
    keys = [*inputs.keys, "dim_question", "dim_scale"]
    # Nullable like every breakdown column, so that all statistics' rows union.
    question = rows.question.cast(ibis.dtype("string").copy(nullable=True))
    return rows.mutate(dim_question=question, dim_scale=scale), keys


SYNTHETIC_PREFIX = "synthetic-"
"""Response ids of generated answers (the demo's) start with this; every view says so."""


def synthetic_note(inputs: MetricInputs, rows: ir.Table) -> tuple[str, ...]:
    """Return a note when some of the rows are generated answers, not customers' own."""
    generated = rows.filter(rows.response_id.startswith(SYNTHETIC_PREFIX))
    counted = generated.select("response_id").distinct().count().name("n").as_table()
    count = int(inputs.source.to_arrow(counted).column("n")[0].as_py())
    if not count:
        return ()
    return (
        Message(
            "Synthetic data: {count} survey responses are generated for the demonstration, "
            "not given by customers.",
            count=count,
        ),
    )


def scale_measurement(
    inputs: MetricInputs, instrument: str, *, median: bool = False
) -> Measurement:
    """Return per question and scale the mean, the share of each scale point (and median).

    The encounter survey (S4), the periodic satisfaction survey (O5) and the staff's
    own surveys are all summarised this way, on whatever scale they use.
    """
    rows = instrument_rows(inputs, [instrument])
    require_answers(inputs, rows, instrument)
    rows, keys = with_question_and_scale(inputs, rows)
    points, scale_notes = scale_points(inputs, rows)
    units = answer_units(answers(inputs, rows), keys, scale=None, counted=N_("counted: answered"))
    rate, notes = response_rate(inputs, rows, keys)
    middle: list[Statistic] = [Quantile("score", 0.5, unit="score")] if median else []
    statistics: list[Statistic] = [
        EstimatedMean("score", unit="score"),
        *middle,
        *(ScalePoint(point) for point in points),
        *rate,
    ]
    return Measurement(
        units=units,
        statistics=statistics,
        keys=keys,
        period_by="answered_at",
        evidence=EVIDENCE,
        notes=(*synthetic_note(inputs, rows), *scale_notes, *notes),
    )


def standard_scale_measurement(
    inputs: MetricInputs,
    instrument: str,
    scale: Scale,
    flags: Callable[[ir.Table], Mapping[str, ir.Value]],
    statistics: Sequence[Statistic],
) -> Measurement:
    """Return an instrument's answers on its standard `scale` measured by `statistics`.

    NPS, CSAT and CES are measured this way: `flags` gives the answer's columns the
    statistics read (promoter, satisfied, agreeing); the response rate follows them.
    An answer that records no scale is assumed to be on the standard one.
    """
    rows = instrument_rows(inputs, [instrument])
    require_answers(inputs, rows, instrument)
    answered = answers(inputs, rows)
    units = answer_units(
        answered, inputs.keys, scale=scale, counted=scale.counted, **flags(answered)
    )
    rate, notes = response_rate(inputs, rows)
    return Measurement(
        units=units,
        statistics=[*statistics, *rate],
        keys=inputs.keys,
        period_by="answered_at",
        evidence=EVIDENCE,
        notes=(*synthetic_note(inputs, rows), *notes),
        assumptions=(SCALE_ASSUMED,),
    )
