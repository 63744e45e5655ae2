"""Reachability per channel on hand-built contacts: two phone-like channels and e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from karsta.channels.by_channel import reachability_by_channel
from karsta.channels.overview import channels_overview
from karsta.metrics.compute import compute_metrics
from karsta.metrics.options import MetricOptions
from tests.metrics.conftest import Desk, utc

START = utc("2024-03-04 08:00")


def seconds(n: float) -> object:
    return START + timedelta(seconds=n)


def write_contacts(desk: Desk) -> None:
    """Write four phone calls, one chat and two e-mails (target 20 s, 8 h for e-mail).

    Phone: p1 answered after 10 s (talk 100 s), p2 after 30 s (talk 200 s), p3 abandoned
    after 5 s (before the target: out of S1), p4 abandoned after 40 s.
    Chat: c1 answered after 15 s (talk 60 s). E-mail: e1 answered after 2 h, e2 after 10 h.
    A phantom phone record is left out of everything.
    """
    desk.contact("p1", START, outcome="answered", answered_at=seconds(10), talk_seconds=100.0)
    desk.contact("p2", START, outcome="answered", answered_at=seconds(30), talk_seconds=200.0)
    desk.contact("p3", START, outcome="abandoned", abandoned_at=seconds(5))
    desk.contact("p4", START, outcome="abandoned", abandoned_at=seconds(40))
    desk.contact("ghost", START, outcome="phantom")
    desk.contact(
        "c1", START, channel="chat", outcome="answered", answered_at=seconds(15), talk_seconds=60.0
    )
    desk.contact("e1", START, channel="email", outcome="answered", answered_at=seconds(7200))
    desk.contact("e2", START, channel="email", outcome="answered", answered_at=seconds(36000))
    desk.write()


def test_each_channel_has_the_figures_of_its_kind(desk: Desk) -> None:
    write_contacts(desk)
    channels = {c.channel: c for c in reachability_by_channel(desk.ws, MetricOptions())}
    assert sorted(channels) == ["chat", "email", "phone"]
    phone = channels["phone"]
    # S1: p1 within 20 s of p1, p2, p4 (p3 gave up before the target, the phantom is out).
    s1 = phone.figure("S1", "share")
    assert s1 is not None
    assert (s1.value, s1.n) == (pytest.approx(100 / 3), 3)
    # I7: ASA of the answered p1 and p2 = (10 + 30) / 2; abandon rate 2 of the 4 offered.
    asa = phone.figure("I7", "asa")
    assert asa is not None
    assert asa.value == pytest.approx(20.0)
    abandon = phone.figure("I7", "abandon_rate")
    assert abandon is not None
    assert abandon.value == pytest.approx(50.0)
    # I6: talk times 100 and 200 s.
    mean = phone.figure("I6", "mean")
    assert mean is not None
    assert mean.value == pytest.approx(150.0)
    assert phone.figure("S3", "share") is None  # phone is real-time
    # E-mail: S3 only, e1 within 8 hours, e2 not.
    email = channels["email"]
    s3 = email.figure("S3", "share")
    assert s3 is not None
    assert (s3.value, s3.n) == (pytest.approx(50.0), 2)
    assert email.figure("S1", "share") is None
    assert email.figure("I7", "asa") is None
    chat = channels["chat"].figure("S1", "share")
    assert chat is not None
    assert (chat.value, chat.n) == (pytest.approx(100.0), 1)


def test_the_figures_are_the_catalogs_own_breakdown(desk: Desk) -> None:
    write_contacts(desk)
    options = MetricOptions()
    rows = compute_metrics(desk.ws, MetricOptions(by=("channel",)), metrics=["S1"])["S1"].rows
    by_metrics = {r["group"]["channel"]: r["value"] for r in rows if r["n"]}
    by_page = {
        c.channel: f.value
        for c in reachability_by_channel(desk.ws, options)
        if (f := c.figure("S1", "share")) is not None
    }
    assert by_page == by_metrics
    # The whole range: phone and chat together, p1 and c1 within of 4.
    whole = channels_overview(desk.ws, options, target="80/20")
    s1 = next(f for f in whole.figures if f.metric == "S1")
    assert s1.value == pytest.approx(50.0)


def test_no_contacts_no_channels(desk: Desk) -> None:
    desk.write()
    assert reachability_by_channel(desk.ws, MetricOptions()) == []
