"""What a metric run is asked for: periods, breakdowns, clock and the desk's own rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from karsta.calendar import ServiceCalendar
from karsta.i18n import Message
from karsta.metrics.periods import PeriodKind
from karsta.schema import TICKETS

DIMENSIONS: dict[str, str] = {
    "type": "ticket_type",
    "category": "category_close",
    "intake_category": "category_intake",
    "group": "resolving_group",
    "level": "resolving_level",
    "agent": "resolving_agent",
}
"""Short names users give to --by, and the tickets column each one means."""

REALTIME_CHANNELS = frozenset({"phone", "chat", "video", "walk-in", "ivr", "sms"})
"""Real-time channels by default: the guide's phone, chat and video, plus walk-in service."""

ROUTING_RULES = ("answered", "excluded", "abandoned")
ROUTED_AS_ANSWERED, ROUTED_AS_EXCLUDED, ROUTED_AS_ABANDONED = ROUTING_RULES
"""How S1, S3 and I7 may count a contact a special routing function ended (outcome routed)."""

UNKNOWN = "unknown"
"""The group value shown where a ticket has no value for a breakdown dimension."""


@dataclass(frozen=True, kw_only=True)
class MetricOptions:
    """Options of one metric run; every field has the default the cards describe."""

    period: PeriodKind | None = None
    by: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    timezone: str = "Europe/Helsinki"
    service_calendar: ServiceCalendar | None = None
    """Agreed service hours; when set, durations are counted in service hours (SLA clock)."""
    desk_resolvable_categories: frozenset[str] | None = None
    """Categories the service desk is expected to resolve; None = not configured."""
    first_contact_minutes: float = 60.0
    repeat_contact_days: float = 7.0
    resolve_target_hours: float | None = None
    """Threshold for O2's share over target, in the clock's hours; None = no threshold."""
    age_buckets_days: tuple[float, ...] = field(default=(1.0, 7.0, 30.0))
    workaround_codes: frozenset[str] | None = None
    """Resolution codes that mean a workaround was used (O4); None = not configured."""
    realtime_channels: frozenset[str] = REALTIME_CHANNELS
    """Channels where an answer is expected in seconds or minutes (S1, I7)."""
    answer_target_seconds: float = 20.0
    """S1's target time: a real-time contact answered within this many seconds is on time."""
    answer_target_percent: float = 80.0
    """S1's target share (the 80 of "80/20"): what staffing sizes for."""
    nonrealtime_target_hours: float = 8.0
    """S3's target time in the clock's hours (service hours when a calendar is set)."""
    special_routing: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Per special routing value (IVR, outage message, ...): answered, excluded or abandoned."""
    special_routing_default: str = "excluded"
    """How a routed contact counts when its routing is not in `special_routing`."""
    min_contacts: int = 30
    """Volume sufficiency: a period and group with fewer contacts is flagged (S1, S3)."""
    satisfaction_instrument: str | None = None
    """The instrument of the periodic satisfaction survey O5 counts; None = not chosen."""
    ticket_attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    """Only tickets whose column holds one of these values, e.g. {"channel": ("phone",)}.

    Every table the run reads keeps only these tickets' rows, as if the others did not
    exist: a user limited to some groups or channels sees figures of their tickets only.
    """

    def __post_init__(self) -> None:
        """Reject options that cannot mean anything."""
        attributes: dict[str, tuple[str, ...]] = {}
        for column, values in self.ticket_attributes.items():
            if column not in TICKETS.column_names:
                raise ValueError(f"tickets has no column {column!r} to restrict on")
            if isinstance(values, str):
                raise ValueError(f"{column}: give a tuple of values, not the string {values!r}")
            attributes[column] = tuple(values)
        object.__setattr__(self, "ticket_attributes", MappingProxyType(attributes))
        if self.since and self.until and self.since >= self.until:
            raise ValueError(
                Message(
                    "since ({since}) must be before until ({until})",
                    since=str(self.since),
                    until=str(self.until),
                )
            )
        for moment, name in ((self.since, "since"), (self.until, "until")):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"{name} must carry a time zone")
        rules = {str(k): str(v) for k, v in self.special_routing.items()}
        for rule in (*rules.values(), self.special_routing_default):
            if rule not in ROUTING_RULES:
                raise ValueError(
                    Message(
                        "special routing rule '{rule}' is not one of {known}",
                        rule=rule,
                        known=", ".join(ROUTING_RULES),
                    )
                )
        object.__setattr__(self, "special_routing", MappingProxyType(rules))
        if self.answer_target_seconds <= 0 or self.nonrealtime_target_hours <= 0:
            raise ValueError("answer targets must be positive")
        if not 0 < self.answer_target_percent <= 100:
            raise ValueError("the target share must be above 0 and at most 100 %")
        if self.min_contacts < 1:
            raise ValueError("min_contacts must be at least 1")
        if self.first_contact_minutes <= 0 or self.repeat_contact_days <= 0:
            raise ValueError("first_contact_minutes and repeat_contact_days must be positive")

    @property
    def dimension_columns(self) -> dict[str, str]:
        """Return each requested breakdown with the tickets column it reads."""
        return {name: DIMENSIONS.get(name, name) for name in self.by}

    @property
    def clock(self) -> str:
        """Return 'service_hours' when a service calendar is set, else 'calendar'."""
        return "calendar" if self.service_calendar is None else "service_hours"
