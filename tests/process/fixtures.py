"""The hand-checked log most process tests use, and its figures worked out by hand.

Ticket A (hours after Monday 1 January 2024 00:00 UTC):

     0 New                 G1 a1 L1
     1 Active              G1 a1 L1
     3 Awaiting User Info  G1 a1 L1
     7 Active              G2 a2 L2   hand-off G1 → G2, escalation to L2
     8 Active              G1 a1 L1   back to G1 and L1: ping-pong and bounce
    10 Resolved            G1 a1 L1
    12 Active              G1 a3 L1   reopened; Active entered a third time
    13 Resolved            G1 a1 L1   Resolved entered again, by the same person
    37 Closed              G1 a1 L1

Ticket B: New 0 → Active 2 → Resolved 5 → Closed 6, all G1 a1 L1.
A's category is corrected from "Intake" to "Software" by its last event.
"""

from __future__ import annotations

from tests.process.logs import Event

A = "A"
B = "B"
EVENTS: list[Event] = [
    (A, 0, "New", "G1", "a1", 1),
    (A, 1, "Active", "G1", "a1", 1),
    (A, 3, "Awaiting User Info", "G1", "a1", 1),
    (A, 7, "Active", "G2", "a2", 2),
    (A, 8, "Active", "G1", "a1", 1),
    (A, 10, "Resolved", "G1", "a1", 1),
    (A, 12, "Active", "G1", "a3", 1),
    (A, 13, "Resolved", "G1", "a1", 1),
    (A, 37, "Closed", "G1", "a1", 1),
    (B, 0, "New", "G1", "a1", 1),
    (B, 2, "Active", "G1", "a1", 1),
    (B, 5, "Resolved", "G1", "a1", 1),
    (B, 6, "Closed", "G1", "a1", 1),
]
CATEGORIES = {A: "Software"}
HOUR = 3600.0
PER_YEAR = 365.25 * 24 / 37  # the log spans 37 hours
