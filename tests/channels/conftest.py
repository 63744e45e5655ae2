"""Workspaces for the channel tests: hand-built contacts, and the real call month.

`bank` fills a workspace's contacts table from the real call log with code written
here (Python's csv module, row by row), separate from the pandas reference in
`callcentre_reference.py`, so a comparison of the two is not the same code twice.
The mapping, from the data's README:

- contact_id = vru+line, call_id and date ("unique together with vru+line+date");
  the date's year 2010 is 1999; times are Israel wall clock (Asia/Jerusalem), stored UTC.
- arrived_at = q_start when the call queued (q_start is not 0:00:00), else vru_exit as
  recorded; a time of day earlier than the VRU entry by more than 12 hours is the next day.
- AGENT: answered; answered_at = q_exit when queued (wall clock, next day if before
  q_start), else the arrival; talk_seconds = ser_time when ser_start is not 0:00:00.
- HANG that queued: abandoned at q_exit. HANG that never queued: routed, IVR.
- PHANTOM: phantom (kept, never measured).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

import karsta
from karsta.schema import CONTACTS
from karsta.workspace import Workspace
from tests.channels.callcentre_reference import CSV
from tests.metrics.conftest import Desk, _arrow

ISRAEL = ZoneInfo("Asia/Jerusalem")
NEVER = "0:00:00"


def _seconds(clock: str) -> int:
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return hours * 3600 + minutes * 60 + seconds


def _moment(day: datetime, clock: str, after: str) -> datetime:
    """Return the wall-clock `clock` on `day`, the next day if it lies 12 h before `after`."""
    seconds = _seconds(clock)
    if _seconds(after) - seconds > 12 * 3600:
        seconds += 86400
    return (day + timedelta(seconds=seconds)).replace(tzinfo=ISRAEL).astimezone(UTC)


def bank_rows(path: Path = CSV) -> list[dict[str, Any]]:
    """Return the call log as contacts rows."""
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for call in csv.DictReader(handle):
            day = datetime.strptime(call["date"].replace("2010", "1999", 1), "%Y-%m-%d")
            queued = call["q_start"] != NEVER
            arrived = _moment(
                day, call["q_start"] if queued else call["vru_exit"], call["vru_entry"]
            )
            row: dict[str, Any] = {
                "contact_id": f"{call['vru+line']}-{call['call_id']}-{call['date']}",
                "channel": "phone",
                "realtime": True,
                "queue": call["type"],
                "contact_type": call["type"],
                "priority": "priority" if call["priority"] == "2" else "regular",
                "entered_at": _moment(day, call["vru_entry"], call["vru_entry"]),
                "arrived_at": arrived,
            }
            left = _moment(day, call["q_exit"], call["q_start"]) if queued else arrived
            if call["outcome"] == "AGENT":
                served = call["ser_start"] != NEVER
                row |= {
                    "outcome": "answered",
                    "answered_at": left,
                    "talk_seconds": float(call["ser_time"]) if served else None,
                    "agent": None if call["server"] == "NO_SERVER" else call["server"],
                }
            elif call["outcome"] == "HANG" and queued:
                row |= {"outcome": "abandoned", "abandoned_at": left, "ended_at": left}
            elif call["outcome"] == "HANG":
                row |= {"outcome": "routed", "special_routing": "IVR", "ended_at": arrived}
            else:
                row |= {"outcome": "phantom"}
            rows.append(row)
    return rows


def insert_contacts(ws: Workspace, rows: list[dict[str, Any]]) -> None:
    """Write contacts rows into the workspace's contacts table."""
    table: pa.Table = _arrow(CONTACTS, rows)
    ws.connection.register("_contacts_rows", table)
    ws.connection.execute("INSERT INTO contacts BY NAME SELECT * FROM _contacts_rows")
    ws.connection.unregister("_contacts_rows")


@pytest.fixture(scope="session")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Return a workspace whose contacts are the real call month (filled once per session)."""
    if not CSV.exists():
        pytest.skip("../shared/data is not beside the checkout")
    ws = karsta.open(tmp_path_factory.mktemp("bank") / "bank.karsta")
    try:
        insert_contacts(ws, bank_rows())
        yield ws
    finally:
        ws.close()


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    """Return an empty desk in `tmp_path` (contacts written with `Desk.contact`)."""
    ws = karsta.open(tmp_path / "desk.karsta")
    try:
        yield Desk(ws)
    finally:
        ws.close()
