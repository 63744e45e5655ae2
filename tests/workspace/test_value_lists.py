"""The values a workspace holds for the settings' pickers."""

from __future__ import annotations

from pathlib import Path

import karsta
from karsta.ingest import import_file, load_preset

LOG = (
    "case:concept:name,concept:name,time:timestamp,org:group,case:channel,case:category\n"
    "T1,New,2024-02-01 08:00:00,Desk,phone,Salasanat\n"
    "T1,Resolved,2024-02-01 09:00:00,Desk,phone,Salasanat\n"
    "T2,New,2024-02-02 08:00:00,Desk,email,Tulostus\n"
    "T2,Waiting,2024-02-02 09:00:00,Verkko,email,Verkko\n"
    "T3,New,2024-02-03 08:00:00,Verkko,,Salasanat\n"
)


def test_value_lists_are_the_values_most_used_first(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    with karsta.open(tmp_path / "w.karsta") as ws:
        import_file(log, workspace=ws, mapping=load_preset("event-log"))
        lists = ws.value_lists()
    # Categories at close: T1 Salasanat, T2 Verkko (its last), T3 Salasanat.
    assert lists.categories == ("Salasanat", "Verkko")
    # Events: New 3, Resolved 1, Waiting 1 (ties by name).
    assert lists.statuses == ("New", "Resolved", "Waiting")
    # Ticket channels: T1 phone, T2 email; T3 has none.
    assert lists.channels == ("email", "phone")
    # Events per group: Desk 3, Verkko 2.
    assert lists.groups == ("Desk", "Verkko")
    assert lists.to_dict()["groups"] == ["Desk", "Verkko"]
