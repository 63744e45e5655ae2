"""Hand-written event logs loaded into a workspace as an import would store them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from karsta.ingest import transitions
from karsta.ingest.derive import ticket_facts
from karsta.schema import TICKET_EVENTS
from karsta.workspace import Workspace

START = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday

CLASSES = {
    "New": "new",
    "Active": "active",
    "Awaiting User Info": "waiting",
    "Awaiting Vendor": "waiting",
    "Resolved": "resolved",
    "Closed": "closed",
}


def at(hours: float) -> datetime:
    """Return the moment `hours` after Monday 1 January 2024 00:00 UTC."""
    return START + timedelta(hours=hours)


Event = tuple[str, float, str, str | None, str | None, int | None]
"""(ticket, hours after START, status, group, agent, level) — listed in ticket order."""


def load(ws: Workspace, events: Sequence[Event], categories: dict[str, str] | None = None) -> None:
    """Insert events (seq in the order given) and derive what an import derives from them.

    `categories` maps a ticket to the category its last event records (the first
    event records "Intake"), so a ticket can change category after intake.
    """
    seq: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for line, (ticket, hours, status, group, agent, level) in enumerate(events, start=2):
        seq[ticket] = seq.get(ticket, 0) + 1
        rows.append(
            {
                "ticket_id": ticket,
                "event_key": line,
                "seq": seq[ticket],
                "timestamp": at(hours),
                "activity": status,
                "status_class": CLASSES.get(status),
                "is_pause": status == "Awaiting User Info",
                "agent": agent,
                "group": group,
                "level": level,
                "category": "Intake",
                "source_file": "fixture.csv",
                "source_row": line,
                "import_id": 1,
            }
        )
    last = {r["ticket_id"]: r for r in rows}
    for ticket, category in (categories or {}).items():
        last[ticket]["category"] = category
    schema = TICKET_EVENTS.ibis_schema().to_pyarrow()
    table = pa.Table.from_pylist(rows, schema=schema)
    ws.connection.register("fixture_events", table)
    ws.connection.execute("INSERT INTO ticket_events BY NAME SELECT * FROM fixture_events")
    ws.connection.unregister("fixture_events")
    ws.insert("tickets", ticket_facts(ws.table("ticket_events")))
    transitions.derive(ws, ws.table("ticket_events"))
