"""The events of new tickets numbered in one sort: seq, ties, neighbours and next known values.

The first import of tickets sorts their events once, by ticket and time, and
reads off everything that depends on that order in the same window:

- `seq`, the event's place in its ticket (time, then the source's sequence, then
  the row of the file);
- `tied`: the event shares its time and sequence with a neighbour (only such
  events can be identical, and need their occurrences numbered);
- what the ticket facts read from an event's neighbours (`karsta.ingest.derive`):
  the previous event's group and agent, the next event's time, and the class of
  the ticket's last earlier event that has one (`karsta.ingest.course`);
- the next known activity, group, agent and level and their times, which
  `ticket_transitions` keeps (`karsta.ingest.transitions`).

It is DuckDB SQL, not an Ibis expression: "the last earlier value that is known"
is `lag(value IGNORE NULLS)`, which Ibis cannot say (as a frame aggregate it
costs a second sort). Columns the mapping leaves empty skip their window
functions: their neighbours are empty too.
"""

from __future__ import annotations

from karsta.ingest import transitions
from karsta.ingest.sqltext import quote

ORDER = 'PARTITION BY ticket_id ORDER BY "timestamp", source_sequence NULLS LAST, source_row'
"""Events of one ticket in the order they happened; rows of one import keep the file's order."""

SORTED = (
    "source_row",
    "ticket_id",
    "timestamp",
    "activity",
    "status_class",
    "is_pause",
    "group",
    "agent",
    "level",
)
"""The event columns the numbered table keeps (the others stay in the events, by row)."""

_TYPES = {"status_class": "VARCHAR", "group": "VARCHAR", "agent": "VARCHAR"}


def numbered(events: str, empty: frozenset[str], *, pauses: bool) -> str:
    """Return SQL numbering the events of `events` (a table or view of new tickets' events).

    `empty` names the event columns empty on every row; without `pauses` (no status
    stops the clock) no event needs the next one's time.
    """

    def lagged(column: str, name: str, *, ignore_nulls: bool = False) -> str:
        if column in empty:
            return f"CAST(NULL AS {_TYPES[column]}) AS {name}"
        nulls = " IGNORE NULLS" if ignore_nulls else ""
        return f"lag({quote(column)}{nulls}) OVER w AS {name}"

    same_time = ['"timestamp" = {f}("timestamp") OVER w']
    if "source_sequence" not in empty:
        same_time.append("source_sequence IS NOT DISTINCT FROM {f}(source_sequence) OVER w")
    tied = " OR ".join(
        f"coalesce({' AND '.join(same_time).format(f=f)}, false)" for f in ("lag", "lead")
    )
    next_ts = 'lead("timestamp") OVER w' if pauses else "CAST(NULL AS TIMESTAMPTZ)"
    columns = [
        *map(quote, SORTED),
        "row_number() OVER w AS seq",
        f"{tied} AS tied",
        lagged("group", "prev_group"),
        lagged("agent", "prev_agent"),
        f"{next_ts} AS next_ts",
        lagged("status_class", "prev_known_class", ignore_nulls=True),
        *transitions.next_known(empty),
    ]
    return f"SELECT {', '.join(columns)} FROM {events} WINDOW w AS ({ORDER})"
