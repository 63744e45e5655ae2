"""Parsing the target pair, the shrinkage and the interval people type."""

from __future__ import annotations

import pytest

from karsta.channels.targets import ServiceTarget, parse_interval, parse_shrinkage, parse_target


def test_good_values() -> None:
    assert parse_target("80/20") == ServiceTarget(80.0, 20.0)
    assert parse_target("90 % / 30 s") == ServiceTarget(90.0, 30.0)
    assert parse_target("80/20").level == 0.8
    assert str(parse_target("80,5/20")) == "80.5/20"
    assert parse_shrinkage("30%") == 0.3
    assert parse_shrinkage("0") == 0.0
    assert (parse_interval("30min"), parse_interval("15m"), parse_interval("1h")) == (30, 15, 60)


@pytest.mark.parametrize("text", ["80", "0/20", "120/20", "80/0", "eighty/20"])
def test_bad_targets(text: str) -> None:
    with pytest.raises(ValueError, match="80/20"):
        parse_target(text)


@pytest.mark.parametrize("text", ["100%", "-5%", "lots"])
def test_bad_shrinkage(text: str) -> None:
    with pytest.raises(ValueError, match="shrinkage"):
        parse_shrinkage(text)


@pytest.mark.parametrize("text", ["7min", "0min", "2d"])
def test_bad_interval(text: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_interval(text)
