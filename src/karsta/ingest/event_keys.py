"""Event keys: the stored keys kept in step with the way this version computes them.

An event's key (`karsta.ingest.events.event_key`) is a 63-bit hash of its identity
and its occurrence number among identical events; an import finds the events it
already holds by it. Workspaces made by earlier versions hold text keys (an MD5
digest and `#occurrence`), and the hash is DuckDB's, which a new DuckDB release may
compute differently. Either way the stored keys would no longer match the keys of
the same rows read again, so an import first checks the workspace's key scheme (a
setting: the key of a fixed probe event) and, when it differs, computes every
stored event's key again in the import's transaction.

Identical events are interchangeable: their occurrence numbers are given again in
`seq` order, which keeps the keys of a ticket's k identical events the numbers
1 … k, as every import gives them.
"""

from __future__ import annotations

from karsta.ingest.events import IDENTITY, event_key
from karsta.ingest.sqltext import quote
from karsta.workspace import Workspace, query_one

KEY_SETTING = "event_key_scheme"
"""The workspace setting holding the key of the probe event under which its keys were made."""

_PROBE = (
    "SELECT {key} FROM (SELECT 'T-1' AS ticket_id, TIMESTAMPTZ '2025-01-02 03:04:05+00' "
    "AS timestamp, CAST(NULL AS BIGINT) AS source_sequence, 'New' AS activity, "
    "'Agent 1' AS agent, 'Service Desk' AS \"group\")"
)


def key_scheme(workspace: Workspace) -> str:
    """Return the key this version gives a fixed probe event: it names the key scheme."""
    row = query_one(workspace.connection, _PROBE.format(key=event_key("2")))
    return str(row[0]) if row else ""


def _key_type(workspace: Workspace) -> str:
    row = query_one(
        workspace.connection,
        "SELECT data_type FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = 'ticket_events' AND column_name = 'event_key'",
    )
    return str(row[0]).upper() if row else ""


def keys_current(workspace: Workspace) -> bool:
    """Return whether the stored event keys are made as this version makes them."""
    return _key_type(workspace) == "BIGINT" and workspace.setting(KEY_SETTING) == key_scheme(
        workspace
    )


def bring_keys_up_to_date(workspace: Workspace) -> int:
    """Make every stored event key as this version makes it; return how many were made again.

    Run inside the import's transaction, before the import compares keys.
    """
    if keys_current(workspace):
        return 0
    con = workspace.connection
    if _key_type(workspace) != "BIGINT":  # text keys of an earlier version
        con.execute("ALTER TABLE ticket_events ALTER event_key TYPE BIGINT USING 0")
    identity = ", ".join(quote(c) for c in IDENTITY)
    occurrence = f"row_number() OVER (PARTITION BY {identity} ORDER BY seq)"
    row = query_one(con, "SELECT count(*) FROM ticket_events")
    count = int(row[0]) if row else 0
    if count:
        con.execute(
            f"""UPDATE ticket_events SET event_key = k.event_key
            FROM (SELECT rowid AS place, {event_key(occurrence)} AS event_key
                  FROM ticket_events) k
            WHERE ticket_events.rowid = k.place"""
        )
    workspace.set_setting(KEY_SETTING, key_scheme(workspace))
    return count
