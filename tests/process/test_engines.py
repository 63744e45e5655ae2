"""The process expressions give the same rows on DuckDB, DuckDB on Parquet and Spark."""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir
import pytest

from karsta.calendar import ServiceCalendar
from karsta.process import ProcessAnalysis, WaitingRules
from karsta.process.dfg import arrow_cases, edge_counts, node_counts
from karsta.process.handoffs import handoff_expressions, handoff_views
from karsta.process.period import daily_openings
from karsta.process.rework import reopen_summary, reopens, repeated_stays, repeats_by_activity
from karsta.process.transitions import steps, stored_steps
from karsta.process.variants import stored_variants, ticket_variants, variant_counts
from karsta.process.waiting import by_kind, classified_stays, shares
from karsta.workspace import TableSource
from tests.parity import assert_same_results

pytestmark = pytest.mark.spark

Build = Callable[[TableSource], ir.Table]


def events(source: TableSource) -> ir.Table:
    return source.table("ticket_events")


def stored(source: TableSource, by: str = "status") -> ir.Table:
    return stored_steps(source.table("ticket_transitions"), by=by)


BUILDS: dict[str, Build] = {
    "status map edges": lambda s: edge_counts(steps(events(s))),
    "group map edges, repeats collapsed": lambda s: edge_counts(
        steps(events(s), by="group", collapse_repeats=True)
    ),
    "status map nodes": lambda s: node_counts(steps(events(s))),
    "status map edges with the kind of stay": lambda s: edge_counts(
        steps(events(s), collapse_repeats=True), rules=WaitingRules()
    ),
    "variants": lambda s: variant_counts(ticket_variants(events(s))),
    "variants, repeats collapsed": lambda s: variant_counts(
        ticket_variants(events(s), collapse_repeats=True)
    ),
    "tickets opened per day": lambda s: daily_openings(s.table("tickets")),
    "hand-off network": lambda s: handoff_views(events(s), by="group", max_nodes=3)[0],
    "hand-off summary": lambda s: handoff_views(events(s), by="group", max_nodes=3)[1],
    "repeated activities": lambda s: repeats_by_activity(repeated_stays(events(s))),
    "reopens": lambda s: reopen_summary(reopens(events(s))),
    "waiting per status": lambda s: by_kind(classified_stays(events(s), WaitingRules())),
    "waiting per group": lambda s: shares(classified_stays(events(s), WaitingRules()), "group"),
    "status map edges, stored log": lambda s: edge_counts(stored(s)),
    "status map nodes, stored log": lambda s: node_counts(stored(s)),
    "status map edges, stored log, tickets from the variants": lambda s: edge_counts(
        stored(s), cases=arrow_cases(stored_variants(s.table("ticket_variants")))
    ),
    "variants, stored": lambda s: variant_counts(stored_variants(s.table("ticket_variants"))),
    "hand-off summary, stored log": lambda s: handoff_expressions(
        stored(s, "group"), stored(s, "level"), max_nodes=3
    )[1],
    "service-hour waits": lambda s: edge_counts(
        ProcessAnalysis(s, calendar=ServiceCalendar.parse("mon-fri 08:00-16:00")).steps()
    ),
}


@pytest.mark.parametrize("name", list(BUILDS))
def test_same_rows_on_every_engine(name: str) -> None:
    assert_same_results(BUILDS[name])
