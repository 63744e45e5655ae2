"""The period yearly figures are scaled from: the months in which the log is complete.

An export often holds a few busy months and a thin trail of tickets before and after
them (opened earlier, or still open when the export was taken). Scaling hours over
the whole span between the first and the last event would spread a few months' hours
over a year or more. So the waste findings look at the tickets opened in the
*observed period* and scale their hours by its length:

- given: the tickets' opening bounds the analysis is filtered to (`opened_from`,
  `opened_before`: `--opened-from`, `--opened-before`);
- detected, where a bound is not given: from the tickets opened per month (UTC). A
  month is complete when at least `COMPLETE_MONTH_SHARE` of the busiest month's
  tickets were opened in it; thin months at the start and at the end are left out,
  thin months in between are kept and named in a warning. Where the first (last)
  complete month is the first (last) month of the log, the period starts (ends) at
  the day of the first (last) ticket rather than at the month's edge.

The period says how many of the tickets it holds and warns when it is shorter than
a year, when thin months lie inside it, and when tickets are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import ibis.expr.types as ir

from karsta.i18n import Message
from karsta.timespan import BUSY_PERIOD_SHARE

DAYS_PER_YEAR = 365.25
COMPLETE_MONTH_SHARE = BUSY_PERIOD_SHARE
"""A month is complete with at least this share of the busiest month's opened tickets."""
FULL_YEAR_DAYS = 365
"""A period shorter than this does not cover the seasons: the yearly figures say so."""

ChosenBy = Literal["given", "detected", "partly given"]


def daily_openings(tickets: ir.Table) -> ir.Table:
    """Return tickets opened per UTC day (day, tickets): the volume the period is found from."""
    return tickets.group_by(day=tickets.opened_at.date()).aggregate(tickets=tickets.count())


@dataclass(frozen=True, kw_only=True)
class ObservedPeriod:
    """The tickets' opening period [start, end) yearly figures are scaled from, with its basis.

    `tickets` were opened in it, of the `tickets_selected` the filters keep;
    `thin_inside` are months inside it below the completeness share, `left_out` the
    thin months before or after it.
    """

    start: datetime | None
    end: datetime | None
    chosen_by: ChosenBy = "detected"
    tickets: int = 0
    tickets_selected: int = 0
    thin_inside: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()

    @property
    def days(self) -> float:
        """Return the period's length in days (0 when there is no period)."""
        if self.start is None or self.end is None:
            return 0.0
        return max((self.end - self.start).total_seconds() / 86_400, 0.0)

    @property
    def per_year(self) -> float:
        """Return the factor from the period to a year (0 when there is no period to scale)."""
        return DAYS_PER_YEAR / self.days if self.days else 0.0

    @property
    def share(self) -> float | None:
        """Return the share of the selected tickets opened in the period."""
        return self.tickets / self.tickets_selected if self.tickets_selected else None

    @property
    def last_day(self) -> date | None:
        """Return the period's last day (the day before its exclusive end)."""
        return None if self.end is None else (self.end - timedelta(microseconds=1)).date()

    def basis(self) -> Message:
        """Return the sentence that says what the yearly figures are scaled from."""
        if self.start is None or self.end is None:
            return Message("no tickets: nothing to scale to a year")
        how = {
            "given": Message("the period given"),
            "detected": Message(
                "the period detected from the monthly volume (months with at least "
                "{share:.0f} % of the busiest month's tickets)",
                share=100 * COMPLETE_MONTH_SHARE,
            ),
            "partly given": Message(
                "the period given, its open end detected from the monthly volume (months "
                "with at least {share:.0f} % of the busiest month's tickets)",
                share=100 * COMPLETE_MONTH_SHARE,
            ),
        }[self.chosen_by]
        return Message(
            "scaled to a year from {days:.0f} days, {start} to {end} (UTC): the {tickets} "
            "tickets opened then, {share:.1f} % of {total}; {how}",
            days=self.days,
            start=self.start.date().isoformat(),
            end=(self.last_day or self.start.date()).isoformat(),
            tickets=self.tickets,
            share=100 * (self.share or 0.0),
            total=self.tickets_selected,
            how=how,
        )

    def warnings(self) -> list[Message]:
        """Return what makes the yearly figures less certain, as sentences."""
        if self.start is None:
            return []
        found = []
        if self.days < FULL_YEAR_DAYS:
            found.append(
                Message(
                    "the period is {days:.0f} days, less than a year: the yearly figures "
                    "assume every month is like these and leave out seasonal variation",
                    days=self.days,
                )
            )
        outside = self.tickets_selected - self.tickets
        if outside:
            found.append(
                Message(
                    "{outside} tickets ({share:.1f} %) opened outside the period are left out"
                    "{months}",
                    outside=outside,
                    share=100 * outside / self.tickets_selected,
                    months=Message(" (thin months: {months})", months=_months(self.left_out))
                    if self.left_out
                    else "",
                )
            )
        if self.thin_inside:
            found.append(
                Message(
                    "{n} months inside the period have fewer than {share:.0f} % of the "
                    "busiest month's tickets ({months}): the log may be incomplete there, "
                    "and the yearly figures too low",
                    n=len(self.thin_inside),
                    share=100 * COMPLETE_MONTH_SHARE,
                    months=_months(self.thin_inside),
                )
            )
        return found

    def to_dict(self) -> dict[str, Any]:
        """Return the period, its basis and warnings (JSON-ready)."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "days": self.days,
            "per_year": self.per_year,
            "chosen_by": self.chosen_by,
            "complete_month_share": COMPLETE_MONTH_SHARE,
            "tickets": self.tickets,
            "tickets_selected": self.tickets_selected,
            "share_of_tickets": self.share,
            "thin_months_inside": list(self.thin_inside),
            "thin_months_left_out": list(self.left_out),
            "basis": self.basis(),
            "warnings": self.warnings(),
        }


def _months(labels: Sequence[str]) -> str:
    """Return month labels (YYYY-MM, in order) with runs of consecutive months as 'A … B'."""
    runs: list[list[str]] = []
    for label in labels:
        year, month = int(label[:4]), int(label[5:])
        if runs:
            last_year, last_month = int(runs[-1][-1][:4]), int(runs[-1][-1][5:])
            if year * 12 + month == last_year * 12 + last_month + 1:
                runs[-1].append(label)
                continue
        runs.append([label])
    return ", ".join(
        run[0]
        if len(run) == 1
        else f"{run[0]}, {run[1]}"
        if len(run) == 2
        else f"{run[0]} … {run[-1]}"
        for run in runs
    )


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    index = month.year * 12 + month.month
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def complete_period(
    daily: Sequence[tuple[date, int]],
    *,
    opened_from: datetime | None = None,
    opened_before: datetime | None = None,
) -> ObservedPeriod:
    """Return the observed period of tickets opened per UTC day (`daily`), before counting.

    The bounds given win; a bound not given is detected from the monthly volume. The
    returned period's `tickets` are counted from `daily` (exact for midnight bounds);
    the analysis counts them again at the exact bounds.
    """
    days = sorted((d, n) for d, n in daily if n)
    if not days:
        return ObservedPeriod(start=None, end=None)
    volume = Counter[date]()
    for day, n in days:
        volume[_month(day)] += n
    months = [_month(days[0][0])]
    while months[-1] < _month(days[-1][0]):
        months.append(_next_month(months[-1]))
    threshold = COMPLETE_MONTH_SHARE * max(volume.values())
    complete = [m for m in months if volume[m] >= threshold]
    first, last = complete[0], complete[-1]
    start = _midnight(days[0][0] if first == months[0] else first)
    end = _midnight(days[-1][0] + timedelta(days=1) if last == months[-1] else _next_month(last))
    given = (opened_from is not None, opened_before is not None)
    if opened_from is not None:
        start = opened_from
    if opened_before is not None:
        end = opened_before
    chosen: ChosenBy = "given" if all(given) else "partly given" if any(given) else "detected"
    inside = [m for m in months if start <= _midnight(m) and _midnight(_next_month(m)) <= end]
    outside = [m for m in months if _midnight(_next_month(m)) <= start or _midnight(m) >= end]
    return ObservedPeriod(
        start=start,
        end=end,
        chosen_by=chosen,
        tickets=sum(n for d, n in days if start <= _midnight(d) < end),
        tickets_selected=sum(n for _d, n in days),
        thin_inside=tuple(f"{m:%Y-%m}" for m in inside if volume[m] < threshold),
        left_out=tuple(f"{m:%Y-%m}" for m in outside),
    )
