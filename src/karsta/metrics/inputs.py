"""The tables a metric reads, already cut to the asked periods and breakdowns.

`MetricInputs` is what every metric function receives. It hands out the
canonical tables of a `TableSource`, assigns rows to measurement periods,
adds the breakdown columns and counts service-hours time, all as Ibis
expressions, so a metric never sees which engine runs it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from karsta.i18n import Message
from karsta.metrics.options import UNKNOWN, MetricOptions
from karsta.metrics.periods import Period, periods_between, periods_table
from karsta.timespan import seconds_between
from karsta.workspace.coverage import SourceCoverage, source_coverage
from karsta.workspace.source import TableSource

PERIOD = "period"
WHOLE_RANGE = ""
"""The period value of a run without periods: one measurement over the whole range."""
_FAR_PAST = datetime(1900, 1, 1, tzinfo=UTC)
_FAR_FUTURE = datetime(2200, 1, 1, tzinfo=UTC)


class MetricInputError(ValueError):
    """The asked breakdown or period cannot be computed; the message says why."""


class MetricInputs:
    """Canonical tables for one metric run, with period, breakdown and clock helpers."""

    def __init__(self, source: TableSource, options: MetricOptions) -> None:
        self.source = source
        self.options = options
        self._has_rows: dict[str, bool] = {}

    # --- tables ---------------------------------------------------------------------------

    @cached_property
    def kept_ticket_ids(self) -> ir.Table | None:
        """Return the ids of the tickets `ticket_attributes` keeps (None: every ticket)."""
        restriction = self.options.ticket_attributes
        if not restriction:
            return None
        tickets = self.source.table("tickets")
        kept = tickets.filter(
            *(tickets[column].cast("string").isin(values) for column, values in restriction.items())
        )
        return kept.select("ticket_id")

    def restricted(self, table: ir.Table) -> ir.Table:
        """Return the rows of `table` (any table with ticket_id) of the kept tickets."""
        kept = self.kept_ticket_ids
        return table if kept is None else table.semi_join(kept, "ticket_id")

    @cached_property
    def tickets(self) -> ir.Table:
        """Return tickets with one `dim_<name>` text column per asked breakdown."""
        tickets = self.restricted(self.source.table("tickets"))
        columns = set(tickets.columns)
        extra = {}
        for name, column in self.options.dimension_columns.items():
            if column not in columns:
                known = ", ".join(sorted(columns))
                raise MetricInputError(
                    Message(
                        "Cannot break down by '{name}': tickets have no such column. "
                        "Known: {known}.",
                        name=name,
                        known=known,
                    )
                )
            extra[dimension(name)] = tickets[column].cast("string").fill_null(UNKNOWN)
        return tickets.mutate(**extra) if extra else tickets

    @cached_property
    def events(self) -> ir.Table:
        """Return the ticket events."""
        return self.restricted(self.source.table("ticket_events"))

    @cached_property
    def pauses(self) -> ir.Table:
        """Return the pause intervals (statuses that stop the SLA clock)."""
        return self.restricted(self.source.table("ticket_pauses"))

    def table(self, name: str) -> ir.Table:
        """Return any canonical table (of the kept tickets, where it has ticket_id)."""
        table = self.source.table(name)
        return self.restricted(table) if "ticket_id" in table.columns else table

    @cached_property
    def coverage(self) -> SourceCoverage:
        """Return which facts the source has (status classes, levels, groups, ...)."""
        return source_coverage(self.source)

    def has_rows(self, name: str) -> bool:
        """Return whether a canonical table holds any row (asked once per run and table)."""
        if name not in self._has_rows:
            table = self.source.table(name)
            self._has_rows[name] = self.has_rows_where(table, ibis.literal(True))
        return self._has_rows[name]

    def has_rows_where(self, table: ir.Table, condition: ir.BooleanValue) -> bool:
        """Return whether any row of `table` meets `condition`."""
        counted = table.filter(condition).limit(1).count().name("n").as_table()
        return int(self.source.to_arrow(counted).column("n")[0].as_py()) > 0

    # --- breakdowns -------------------------------------------------------------------------

    @property
    def dimensions(self) -> list[str]:
        """Return the breakdown column names every result carries, in asked order."""
        return [dimension(name) for name in self.options.by]

    @property
    def keys(self) -> list[str]:
        """Return the grouping keys of a result: the period and the breakdowns."""
        return [PERIOD, *self.dimensions]

    # --- periods --------------------------------------------------------------------------

    @cached_property
    def data_range(self) -> tuple[datetime, datetime]:
        """Return the first and last moment any kept ticket, contact or survey records (UTC)."""
        t = self.restricted(self.source.table("tickets"))
        moments = (
            t.opened_at,
            t.resolved_at.fill_null(t.opened_at),
            t.closed_at.fill_null(t.opened_at),
        )
        # A resolution or closing recorded before the opening can be the earliest moment.
        earliest, latest = ibis.least(*moments), ibis.greatest(*moments)
        row = self.source.to_arrow(
            t.aggregate(first=earliest.min(), last=latest.max())
        ).to_pylist()[0]
        first, end = _widened(
            _widened((row["first"], row["last"]), self.contact_range), self.survey_range
        )
        if first is None or end is None:
            now = datetime.now(UTC)
            return now, now
        return first.astimezone(UTC), end.astimezone(UTC)

    @cached_property
    def contact_range(self) -> tuple[datetime | None, datetime | None]:
        """Return the first and last moment a contact arrived, was answered or ended (UTC)."""
        contacts = self.table("contacts")
        moment = ibis.greatest(
            contacts.arrived_at,
            contacts.answered_at.fill_null(contacts.arrived_at),
            contacts.ended_at.fill_null(contacts.arrived_at),
        )
        row = self.source.to_arrow(
            contacts.aggregate(first=contacts.arrived_at.min(), last=moment.max())
        ).to_pylist()[0]
        return row["first"], row["last"]

    @cached_property
    def survey_range(self) -> tuple[datetime | None, datetime | None]:
        """Return the first and last moment a kept survey was sent or answered (UTC)."""
        s = self.table("surveys")
        moment = s.sent_at.fill_null(s.answered_at)
        last = s.answered_at.fill_null(s.sent_at)
        row = self.source.to_arrow(s.aggregate(first=moment.min(), last=last.max())).to_pylist()
        return row[0]["first"], row[0]["last"]

    @cached_property
    def periods(self) -> list[Period]:
        """Return the measurement periods the run covers (empty when no period is asked)."""
        kind = self.options.period
        if kind is None:
            return []
        first, last = self.data_range
        first = self.options.since or first
        last = (self.options.until - timedelta(microseconds=1)) if self.options.until else last
        zone = ZoneInfo(self.options.timezone)
        return periods_between(
            first.astimezone(zone).date(), last.astimezone(zone).date(), kind, self.options.timezone
        )

    @cached_property
    def periods_table(self) -> ir.Table:
        """Return the periods as a small in-memory table (period, period_start, period_end)."""
        return ibis.memtable(periods_table(self.periods))

    def within_range(self, table: ir.Table, moment: str) -> ir.Table:
        """Return the rows whose `moment` lies in [since, until)."""
        column = table[moment]
        if self.options.since is not None:
            table = table.filter(column >= self.options.since)
        if self.options.until is not None:
            table = table.filter(column < self.options.until)
        return table

    def in_period(self, table: ir.Table, moment: str) -> ir.Table:
        """Return the rows whose `moment` falls in a period, with a `period` label column.

        Without a period kind every row in [since, until) gets period WHOLE_RANGE (one
        measurement over the whole range). Rows whose `moment` is empty drop out.
        """
        table = self.within_range(table.filter(table[moment].notnull()), moment)
        if self.options.period is None:
            return table.mutate(**{PERIOD: ibis.literal(WHOLE_RANGE)})
        periods = self.periods_table
        joined = table.join(
            periods,
            [table[moment] >= periods.period_start, table[moment] < periods.period_end],
        )
        return joined.drop("period_start", "period_end")

    def moments(self) -> ir.Table:
        """Return the measurement moments of snapshot metrics: one per period, at its end.

        Without a period kind the moment is `until`, else the last moment in the data.
        """
        if self.options.period is not None:
            return self.periods_table.select(PERIOD, moment=self.periods_table.period_end)
        moment = self.options.until or self.data_range[1]
        stamp = pa.timestamp("us", tz="UTC")
        return ibis.memtable(
            pa.table(
                {PERIOD: pa.array([WHOLE_RANGE], pa.string()), "moment": pa.array([moment], stamp)}
            )
        )

    # --- service hours ----------------------------------------------------------------------

    @cached_property
    def _service_days(self) -> ir.Table:
        """Return the calendar's open intervals with the next interval's start, for range joins."""
        calendar = self.options.service_calendar
        if calendar is None:
            raise MetricInputError(Message("No service hours are set for this run."))
        first, last = self.data_range
        zone = ZoneInfo(calendar.timezone)
        start = first.astimezone(zone).date() - timedelta(days=1)
        end = max(last, datetime.now(UTC)).astimezone(zone).date() + timedelta(days=1)
        days = calendar.day_table(start, end)
        starts = [_FAR_PAST, *days.column("interval_start_utc").to_pylist()]
        stamp = pa.timestamp("us", tz="UTC")
        table = pa.table(
            {
                "_svc_start": pa.array(starts, stamp),
                "_svc_next": pa.array([*starts[1:], _FAR_FUTURE], stamp),
                "_svc_seconds": pa.array(
                    [0.0, *days.column("interval_seconds").to_pylist()], pa.float64()
                ),
                "_svc_before": pa.array(
                    [0.0, *days.column("cumulative_seconds_before").to_pylist()], pa.float64()
                ),
            }
        )
        return ibis.memtable(table)

    def with_service_clock(self, table: ir.Table, moment: str, name: str) -> ir.Table:
        """Return `table` with `name`: service seconds from the calendar's origin to `moment`.

        The difference of two such columns is the service-hours time between them.
        """
        days = self._service_days
        joined = table.left_join(
            days, [table[moment] >= days._svc_start, table[moment] < days._svc_next]
        )
        into = seconds_between(joined._svc_start, joined[moment])
        clock = joined._svc_before + ibis.least(ibis.greatest(into, 0.0), joined._svc_seconds)
        result = joined.mutate(
            **{name: ibis.cases((joined[moment].isnull(), ibis.null("float64")), else_=clock)}
        )
        return result.drop("_svc_start", "_svc_next", "_svc_seconds", "_svc_before")

    def local_date(self, moment: datetime) -> date:
        """Return the local calendar date of an instant in the run's time zone."""
        return moment.astimezone(ZoneInfo(self.options.timezone)).date()


def _widened(
    span: tuple[datetime | None, datetime | None], other: tuple[datetime | None, datetime | None]
) -> tuple[datetime | None, datetime | None]:
    """Return the span from the earlier first to the later last moment of two spans."""
    firsts = [m for m in (span[0], other[0]) if m is not None]
    lasts = [m for m in (span[1], other[1]) if m is not None]
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)


def dimension(name: str) -> str:
    """Return the result column of the breakdown `name`."""
    return f"dim_{name}"
