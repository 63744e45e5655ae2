"""Contacts per ticket on hand-built contacts."""

from __future__ import annotations

from karsta.channels.repeat_contacts import repeat_contacts
from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")


def test_contacts_per_ticket(desk: Desk) -> None:
    # T1 three contacts, T2 two, T3 one; one contact without a ticket; a phantom on T3.
    for name, ticket in [
        ("a", "T1"),
        ("b", "T1"),
        ("c", "T1"),
        ("d", "T2"),
        ("e", "T2"),
        ("f", "T3"),
        ("g", None),
    ]:
        desk.contact(name, T0, outcome="answered", answered_at=T0, ticket_id=ticket)
    desk.contact("ghost", T0, outcome="phantom", ticket_id="T3")
    desk.write()
    found = repeat_contacts(desk.ws)
    assert (found.tickets, found.contacts_with_ticket, found.contacts_without_ticket) == (3, 6, 1)
    assert found.phantom == 1
    assert found.per_ticket == 2.0  # 6 contacts over 3 tickets
    assert found.tickets_by_contacts == {"1": 1, "2": 1, "3+": 1}
    assert found.repeat_share == 2 / 3
