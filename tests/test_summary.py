"""The summary says why tickets lack a derived fact, counting the tickets that lack it.

The log (groups SD and L2; "Pending" has no status class):

T1  New SD → Resolved SD                 resolved, not closed
T2  New SD → Resolved SD → Closed SD     resolved and closed
T3  New SD → Closed                      closed without being resolved
T4  New SD                               still open
T5  New SD → Pending                     its last status has no class
T6  New → Resolved                       resolved, no group on any event
T7  New → Cancelled                      cancelled

resolved_at is missing for T3, T4, T5, T7: one each of closed without being resolved,
still open, last status without a class, cancelled. closed_at is missing for T1, T4,
T5, T6, T7: resolved and not closed are T1 and T6 (2), then one each. The resolving
group is missing for the four unresolved tickets and T6 (no group on any event).
"""

from __future__ import annotations

from pathlib import Path

import karsta
from karsta.ingest import import_file, load_mapping_file
from karsta.summary import summarise

LOG = """case:concept:name,concept:name,time:timestamp,org:group
T1,New,2024-01-08 09:00:00,SD
T1,Resolved,2024-01-08 10:00:00,SD
T2,New,2024-01-08 09:00:00,SD
T2,Resolved,2024-01-08 10:00:00,SD
T2,Closed,2024-01-08 11:00:00,SD
T3,New,2024-01-08 09:00:00,SD
T3,Closed,2024-01-08 10:00:00,
T4,New,2024-01-08 09:00:00,SD
T5,New,2024-01-08 09:00:00,SD
T5,Pending,2024-01-08 10:00:00,SD
T6,New,2024-01-08 09:00:00,
T6,Resolved,2024-01-08 10:00:00,
T7,New,2024-01-08 09:00:00,
T7,Cancelled,2024-01-08 10:00:00,
"""
MAPPING = """
extends: event-log
name: summary-log
infer_status_classes: false  # Pending stays without a class
status_classes:
  new: [New]
  resolved: [Resolved]
  closed: [Closed]
  cancelled: [Cancelled]
"""


def test_each_missing_fact_says_why_for_the_tickets_that_lack_it(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(log, workspace=ws, mapping=load_mapping_file(mapping))
        facts = {f.fact: f for f in summarise(ws).facts}
    resolved, closed = facts["resolved_at"], facts["closed_at"]
    assert resolved.missing == 4
    assert resolved.why_missing == (
        "closed without being resolved: 1; still open: 1; cancelled: 1; "
        "last status without a class: 1"
    )
    assert closed.missing == 5
    assert closed.why_missing == (
        "resolved, not closed: 2; still open: 1; cancelled: 1; last status without a class: 1"
    )
    group = facts["resolving_group"]
    assert group.missing == 4 + 1
    assert group.why_missing == "not resolved: 4; no group on any event: 1"
