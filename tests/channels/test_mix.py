"""The channel mix on hand-built contacts and tickets."""

from __future__ import annotations

from karsta.channels.mix import channel_mix
from karsta.metrics.options import MetricOptions
from tests.metrics.conftest import Desk, utc

MARCH = utc("2024-03-04 08:00")
APRIL = utc("2024-04-02 08:00")


def test_volumes_shares_and_contacts_per_resolved_ticket(desk: Desk) -> None:
    desk.ticket("T1", MARCH, resolved_at=utc("2024-03-05 08:00"))
    desk.ticket("T2", MARCH)  # not resolved: its contacts are not counted per resolved matter
    # March: 3 phone (2 about T1, 1 about T2), 1 portal about T1; an IVR routing; a phantom.
    desk.contact("p1", MARCH, outcome="answered", answered_at=MARCH, ticket_id="T1")
    desk.contact("p2", MARCH, outcome="answered", answered_at=MARCH, ticket_id="T1")
    desk.contact("p3", MARCH, outcome="answered", answered_at=MARCH, ticket_id="T2")
    desk.contact(
        "w1", MARCH, channel="portal", outcome="answered", answered_at=MARCH, ticket_id="T1"
    )
    desk.contact("ivr", MARCH, outcome="routed", special_routing="IVR", ended_at=MARCH)
    desk.contact("ghost", MARCH, outcome="phantom")
    # April: 1 portal.
    desk.contact("w2", APRIL, channel="portal", outcome="answered", answered_at=APRIL)
    desk.write()
    mix = channel_mix(desk.ws, MetricOptions(period="month"))
    march = {v.channel: v for v in mix.volumes if v.period == "2024-03"}
    # 5 contacts in March (the phantom is out): phone 4 (3 + the IVR routing), portal 1.
    assert (march["phone"].contacts, march["portal"].contacts) == (4, 1)
    assert march["portal"].share == 1 / 5
    assert mix.self_service_share == {"2024-03": 1 / 5, "2024-04": 1.0}
    assert mix.phantom == 1
    # Resolved T1: 2 phone contacts and 1 portal contact.
    assert mix.per_resolved_ticket == {"phone": 2.0, "portal": 1.0}
    # Counting the IVR as self-service moves the routed call to its own channel.
    ivr = channel_mix(desk.ws, MetricOptions(period="month"), ivr_is_self_service=True)
    assert ivr.self_service_share["2024-03"] == 2 / 5
