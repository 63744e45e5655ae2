"""The settings people type: a target pair "80/20", a shrinkage "30%", an interval "30min"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from karsta.i18n import Message

_PAIR = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%?\s*/\s*(\d+(?:[.,]\d+)?)\s*s?\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")
_INTERVAL = re.compile(r"^\s*(\d+)\s*(min|m|h)?\s*$")


@dataclass(frozen=True)
class ServiceTarget:
    """A service level target: `percent` % of contacts answered within `seconds`."""

    percent: float
    seconds: float

    @property
    def level(self) -> float:
        """Return the target share as a fraction (0–1)."""
        return self.percent / 100.0

    def __str__(self) -> str:
        return f"{self.percent:g}/{self.seconds:g}"


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_target(text: str) -> ServiceTarget:
    """Return the target of "80/20" (80 % within 20 s); raise ValueError saying the form."""
    found = _PAIR.match(text)
    if found:
        percent, seconds = _number(found.group(1)), _number(found.group(2))
        if 0 < percent <= 100 and seconds > 0:
            return ServiceTarget(percent, seconds)
    raise ValueError(
        Message(
            "The target '{value}' is not a pair like 80/20 (80 % answered within 20 seconds).",
            value=text,
        )
    )


def parse_shrinkage(text: str) -> float:
    """Return a shrinkage of "30%" (or "30") as a fraction in [0, 1)."""
    found = _PERCENT.match(text)
    if found:
        value = _number(found.group(1)) / 100.0
        if 0 <= value < 1:
            return value
    raise ValueError(
        Message("The shrinkage '{value}' is not a percentage from 0 to 99, like 30%.", value=text)
    )


def parse_interval(text: str) -> int:
    """Return the minutes of an interval "30min", "15m" or "1h" that divides a day."""
    found = _INTERVAL.match(text)
    if found:
        minutes = int(found.group(1)) * (60 if found.group(2) == "h" else 1)
        if 0 < minutes <= 1440 and 1440 % minutes == 0:
            return minutes
    raise ValueError(
        Message("The interval '{value}' is not one that divides a day, like 30min.", value=text)
    )
