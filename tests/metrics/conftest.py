"""Hand-built desks for the metric tests: a few tickets with explicit values.

A test writes its tickets (and pauses) literally, runs one metric through the
public `compute_metrics`, and compares the figures with arithmetic it spells
out itself. `Run` gives the JSON records and the metric's unit table (one row
per ticket with the rule that decided it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

import karsta
from karsta.ingest import import_file, load_preset
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from karsta.schema import CONTACTS, TICKET_EVENTS, TICKET_PAUSES, TICKETS, Table
from karsta.workspace import Workspace

HELSINKI = ZoneInfo("Europe/Helsinki")
SERVICENOW = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "servicenow-incidents"
    / "incident_event_log.csv.gz"
)
HOUR = 3600.0

_ARROW_TYPES = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def utc(text: str) -> datetime:
    """Return an ISO date-time ('2024-03-04 10:00') read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def hki(text: str) -> datetime:
    """Return an ISO date-time read as Helsinki wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=HELSINKI)


def _arrow_type(dtype: str) -> pa.DataType:
    if dtype.startswith("timestamp"):
        return pa.timestamp("us", tz="UTC")
    return _ARROW_TYPES[dtype]


def _arrow(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    """Return rows as an Arrow table with every column of a canonical table."""
    schema = pa.schema([(c.name, _arrow_type(c.dtype)) for c in table.columns])
    return pa.Table.from_pylist(
        [{c.name: row.get(c.name) for c in table.columns} for row in rows], schema=schema
    )


@dataclass
class Run:
    """One metric's figures (JSON records) and its unit table, from `compute_metrics`."""

    records: list[dict[str, Any]]
    units: list[dict[str, Any]]
    unit: str
    notes: tuple[str, ...]
    no_data: str | None

    def figures(self, statistic: str) -> list[dict[str, Any]]:
        """Return every record of one statistic."""
        return [r for r in self.records if r["statistic"] == statistic]

    def figure(
        self, statistic: str, *, period: str | None = None, group: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Return the one record of a statistic, period and group (whole desk by default)."""
        found = [
            r
            for r in self.records
            if r["statistic"] == statistic and r["period"] == period and r["group"] == (group or {})
        ]
        assert len(found) == 1, f"{statistic} {period} {group}: {len(found)} records"
        return found[0]

    def unit_row(self, ticket_id: str, *, period: str | None = None) -> dict[str, Any]:
        """Return the unit-table row of a ticket (in `period`, when units repeat per period)."""
        found = [
            u
            for u in self.units
            if u["unit_id"] == ticket_id and (period is None or u["period"] == period)
        ]
        assert len(found) == 1, f"{ticket_id} {period}: {len(found)} unit rows"
        return found[0]

    def reason(self, ticket_id: str, *, period: str | None = None) -> str:
        """Return the rule that decided a ticket."""
        return str(self.unit_row(ticket_id, period=period)["reason"])

    def unit_ids(self) -> set[str]:
        """Return the tickets the unit table holds."""
        return {str(u["unit_id"]) for u in self.units}


@dataclass
class Desk:
    """A workspace that tickets, events and pauses are written into literally."""

    ws: Workspace
    _tickets: list[dict[str, Any]] = field(default_factory=list)
    _pauses: list[dict[str, Any]] = field(default_factory=list)
    _contacts: list[dict[str, Any]] = field(default_factory=list)

    def ticket(self, ticket_id: str, opened_at: datetime, **columns: Any) -> None:
        """Add a ticket; columns not given stay empty (type defaults to incident).

        The responsible group is the resolving group unless given, as the import derives it
        for a ticket whose group did not change after its resolution.
        """
        unknown = set(columns) - set(TICKETS.column_names)
        assert not unknown, f"not ticket columns: {unknown}"
        responsible = columns.get("resolving_group")
        row = {"ticket_type": "incident", "event_count": 1, "responsible_group": responsible}
        row.update(columns)
        self._tickets.append({"ticket_id": ticket_id, "opened_at": opened_at, **row})

    def contact(self, contact_id: str, arrived_at: datetime, **columns: Any) -> None:
        """Add a contact; columns not given stay empty (channel defaults to phone)."""
        unknown = set(columns) - set(CONTACTS.column_names)
        assert not unknown, f"not contact columns: {unknown}"
        row = {"channel": "phone", **columns}
        self._contacts.append({"contact_id": contact_id, "arrived_at": arrived_at, **row})

    def pause(self, ticket_id: str, started_at: datetime, ended_at: datetime | None) -> None:
        """Add a stay in a status that stops the SLA clock."""
        self._pauses.append(
            {
                "ticket_id": ticket_id,
                "status": "Awaiting User Info",
                "started_at": started_at,
                "ended_at": ended_at,
            }
        )

    def _flush(self) -> None:
        """Write the added rows; every ticket gets one opening event (metrics need events).

        The opening event records the ticket's first response and reopen count as a
        source that records them would, so the desk has those facts (see
        `karsta.workspace.coverage`).
        """
        events = [
            {
                "ticket_id": t["ticket_id"],
                "event_key": 1,
                "seq": 1,
                "timestamp": t["opened_at"],
                "activity": "New",
                "status_class": "new",
                "source_first_response_at": t.get("first_response_at"),
                "source_reopen_count": t.get("reopen_count") or 0,
                "source_file": "fixture",
                "source_row": row,
                "import_id": 1,
            }
            for row, t in enumerate(self._tickets, start=2)
        ]
        for table, rows in (
            (TICKETS, self._tickets),
            (TICKET_EVENTS, events),
            (TICKET_PAUSES, self._pauses),
            (CONTACTS, self._contacts),
        ):
            if rows:
                self.ws.connection.register("_fixture_rows", _arrow(table, rows))
                self.ws.connection.execute(
                    f"INSERT INTO {table.name} BY NAME SELECT * FROM _fixture_rows"
                )
                self.ws.connection.unregister("_fixture_rows")
        self._tickets, self._pauses, self._contacts = [], [], []

    def write(self) -> None:
        """Store everything added so far (a run does this itself)."""
        self._flush()

    def run(self, metric_id: str, **options: Any) -> Run:
        """Run one metric with `MetricOptions(**options)` on everything added so far."""
        self._flush()
        results = compute_metrics(self.ws, MetricOptions(**options), metrics=[metric_id])
        result = results[metric_id]
        units: list[dict[str, Any]] = []
        if result.measurement is not None:
            units = self.ws.to_arrow(result.measurement.units).to_pylist()
        return Run(results.records(), units, result.unit, result.notes, result.no_data)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    """Return an empty desk in `tmp_path`."""
    ws = karsta.open(tmp_path / "desk.karsta")
    try:
        yield Desk(ws)
    finally:
        ws.close()


@pytest.fixture(scope="session")
def servicenow_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Return one workspace holding the real ServiceNow log, imported once per session."""
    if not SERVICENOW.exists():
        pytest.skip("../shared/data is not beside the checkout")
    ws = karsta.open(tmp_path_factory.mktemp("servicenow") / "desk.karsta")
    try:
        import_file(SERVICENOW, workspace=ws, mapping=load_preset("servicenow"))
        yield ws
    finally:
        ws.close()
