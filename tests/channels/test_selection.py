"""The contacts of some channels: the channel filter and a user's channel limit."""

from __future__ import annotations

from karsta.channels.abandon_curve import abandon_curve
from karsta.channels.selection import ChannelCount, contact_channels, of_channels
from karsta.metrics.options import MetricOptions
from tests.channels.test_by_channel import write_contacts
from tests.metrics.conftest import Desk, utc


def test_only_the_chosen_channels_contacts_are_read(desk: Desk) -> None:
    write_contacts(desk)
    options = MetricOptions()
    # By hand: 5 phone rows (p1-p4 and the phantom), 1 chat, 2 e-mails.
    assert contact_channels(desk.ws, options) == [
        ChannelCount("phone", 5),
        ChannelCount("email", 2),
        ChannelCount("chat", 1),
    ]
    chat = of_channels(desk.ws, ("Chat",))  # without regard to case
    assert contact_channels(chat, options) == [ChannelCount("chat", 1)]
    # The abandon curve of the chat alone: one offered contact, none abandoned.
    curve = abandon_curve(chat, options)
    assert (curve.offered, curve.abandoned) == (1, 0)
    # Of every real-time channel: phone p1, p2, p3, p4 and chat c1.
    assert abandon_curve(desk.ws, options).offered == 5
    assert of_channels(desk.ws, None) is desk.ws
    assert contact_channels(of_channels(desk.ws, ()), options) == []


def test_the_range_limits_the_channels_listed(desk: Desk) -> None:
    write_contacts(desk)
    later = MetricOptions(since=utc("2024-03-05 00:00"))
    assert contact_channels(desk.ws, later) == []
