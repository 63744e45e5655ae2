"""What a source's tables can tell: the facts analyses need, and what to map where one lacks.

A figure computed from facts the source never recorded is a silent 0: every ticket
"open" when no status means resolved, 0 % first-level resolution when no level is
known. This module is the one place that answers "does this source have status
classes, levels, groups, ...?" for every analysis (metrics, process views, summary).
It asks the canonical tables themselves, so a workspace and its Parquet export
answer alike, on any engine.

    coverage = source_coverage(source)
    if not coverage.has(LEVELS):
        ...  # say so: cannot_compute([LEVELS]) names what is missing and what to map
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from karsta.i18n import Message, joined
from karsta.workspace.source import TableSource


@dataclass(frozen=True)
class Need:
    """A fact some figures need: what the data lacks without it, and what to map to have it."""

    name: str
    lacks: Message
    to_map: Message


STATUS_CLASSES = Need(
    "status_classes",
    Message("no event has a status class"),
    Message("map the status classes of the activities (status_classes: resolved, closed, …)"),
)
RESOLUTION = Need(
    "resolution",
    Message("no ticket is resolved"),
    Message(
        "map which statuses mean resolved (status_classes: resolved) "
        "or the column of the resolution time (source_resolved_at)"
    ),
)
CLOSING = Need(
    "closing",
    Message("no ticket is closed"),
    Message(
        "map which statuses mean closed (status_classes: closed) "
        "or the column of the closing time (source_closed_at)"
    ),
)
FIRST_RESPONSE = Need(
    "first_response",
    Message("no first response is recorded and no status says work has started"),
    Message(
        "map which statuses mean work has started (status_classes: active) "
        "or the column of the first response time (source_first_response_at)"
    ),
)
REOPENS = Need(
    "reopens",
    Message("no status is classified as work going on, so a reopen does not show"),
    Message(
        "map which statuses mean work goes on (status_classes: active) "
        "or the reopen counter (source_reopen_count)"
    ),
)
WAITING = Need(
    "waiting",
    Message("no event has a waiting status"),
    Message("map which statuses mean waiting (status_classes: waiting)"),
)
LEVELS = Need(
    "levels",
    Message("no event has a support level"),
    Message("map the support level (columns: level, or group_levels)"),
)
RESOLVING_LEVEL = Need(
    "resolving_level",
    Message("no ticket has the level where it was resolved"),
    Message(
        "map the support level (columns: level, or group_levels) "
        "or the assignment group (columns: group)"
    ),
)
GROUPS = Need(
    "groups",
    Message("no event has an assignment group"),
    Message("map the assignment group (columns: group)"),
)
AGENTS = Need("agents", Message("no event has an agent"), Message("map the agent (columns: agent)"))
CHANNELS = Need(
    "channels",
    Message("no ticket has a channel"),
    Message("map the channel (columns: channel)"),
)
TYPES = Need(
    "types",
    Message("no ticket has a type"),
    Message("map the ticket type (columns: ticket_type) or give every ticket one (ticket_type:)"),
)
CATEGORIES = Need(
    "categories",
    Message("no ticket has a category"),
    Message("map the category (columns: category)"),
)
COSTS = Need(
    "costs",
    Message("no ticket records a cost"),
    Message("import cost data (columns: cost)"),
)

NEEDS = (
    STATUS_CLASSES,
    RESOLUTION,
    CLOSING,
    FIRST_RESPONSE,
    REOPENS,
    WAITING,
    LEVELS,
    RESOLVING_LEVEL,
    GROUPS,
    AGENTS,
    CHANNELS,
    TYPES,
    CATEGORIES,
    COSTS,
)
"""Every fact this module answers for, in the order a summary lists them."""


@dataclass(frozen=True)
class SourceCoverage:
    """How many events and tickets of a source carry each fact analyses need."""

    events: Mapping[str, int]
    tickets: Mapping[str, int]

    def has(self, need: Need) -> bool:
        """Return whether the source has what `need` names."""
        e, t = self.events, self.tickets
        answers = {
            STATUS_CLASSES: e["classified"] > 0,
            RESOLUTION: t["resolved"] > 0,
            CLOSING: t["closed"] > 0,
            # A response is a recorded one, or the first status past the queue: with no
            # active status known the first "response" would be a wait or the solve.
            FIRST_RESPONSE: t["first_response"] > 0
            and (e["source_first_response"] > 0 or e["active"] > 0),
            # A reopen is a move from resolved back to work: both must be known.
            REOPENS: e["source_reopen_count"] > 0
            or (e["active"] > 0 and e["resolved"] + e["closed"] > 0),
            WAITING: e["waiting"] > 0,
            LEVELS: e["level"] > 0,
            RESOLVING_LEVEL: t["resolving_level"] > 0,
            GROUPS: t["grouped"] > 0,
            AGENTS: t["with_agent"] > 0,
            CHANNELS: t["channel"] > 0,
            TYPES: t["ticket_type"] > 0,
            CATEGORIES: t["category"] > 0,
            COSTS: t["cost"] > 0,
        }
        return bool(answers[need])

    def lacking(self, needs: Iterable[Need]) -> list[Need]:
        """Return the `needs` the source lacks, in the given order."""
        return [need for need in needs if not self.has(need)]


def what_lacks(needs: Iterable[Need]) -> Message:
    """Return what the data lacks and what to map, for each of `needs` (views translate it)."""
    parts = [Message("{lacks} — {to_map}", lacks=n.lacks, to_map=n.to_map) for n in needs]
    texts: list[str] = list(parts)
    return joined(texts, "; ") if len(parts) > 1 else parts[0]


def cannot_compute(needs: Iterable[Need]) -> Message:
    """Return why a figure cannot be computed without `needs`, saying what to map."""
    return Message("cannot be computed: {why}", why=what_lacks(needs))


def source_coverage(source: TableSource) -> SourceCoverage:
    """Return what the source's events and tickets carry (two aggregates, any engine)."""
    e = source.table("ticket_events")
    cls = e.status_class
    events = e.aggregate(
        classified=cls.count(),
        **{name: (cls == name).sum() for name in ("active", "waiting", "resolved", "closed")},
        level=e.level.count(),
        source_first_response=e.source_first_response_at.count(),
        source_reopen_count=e.source_reopen_count.count(),
    )
    t = source.table("tickets")
    tickets = t.aggregate(
        resolved=t.resolved_at.count(),
        closed=t.closed_at.count(),
        first_response=t.first_response_at.count(),
        resolving_level=t.resolving_level.count(),
        grouped=(t.group_count > 0).sum(),
        with_agent=((t.agent_count > 0) | t.resolving_agent.notnull()).sum(),
        channel=t.channel.count(),
        ticket_type=t.ticket_type.count(),
        category=(t.category_close.notnull() | t.category_intake.notnull()).sum(),
        cost=t.cost.count(),
    )
    return SourceCoverage(_counts(source, events), _counts(source, tickets))


def _counts(source: TableSource, aggregate: Any) -> dict[str, int]:
    row = source.to_arrow(aggregate).to_pylist()[0]
    return {name: int(value or 0) for name, value in row.items()}


@dataclass(frozen=True)
class ValueLists:
    """The values a source holds for the settings' pickers, each sorted, most used first."""

    categories: tuple[str, ...]
    """Ticket categories: at close, else at intake (as desk-resolvable categories compare)."""
    statuses: tuple[str, ...]
    """Activities (statuses) of the events."""
    channels: tuple[str, ...]
    """Ticket channels."""
    groups: tuple[str, ...]
    """Assignment groups of the events."""

    def to_dict(self) -> dict[str, list[str]]:
        """Return the lists as JSON-ready data."""
        return {
            "categories": list(self.categories),
            "statuses": list(self.statuses),
            "channels": list(self.channels),
            "groups": list(self.groups),
        }


def _distinct(source: TableSource, table: str, column: str, limit: int) -> tuple[str, ...]:
    """Return a column's distinct values, the most used first (then by name), at most `limit`."""
    t = source.table(table)
    value = t.category_close.fill_null(t.category_intake) if column == "category" else t[column]
    kept = t.select(value=value.cast("string")).filter(lambda r: r.value.notnull())
    counts = kept.group_by("value").aggregate(n=kept.count())
    rows = source.to_arrow(counts.order_by([counts.n.desc(), counts.value]).limit(limit))
    return tuple(str(v) for v in rows.column("value").to_pylist())


def value_lists(source: TableSource, *, limit: int = 500) -> ValueLists:
    """Return the categories, statuses, channels and groups the source holds (pickers' values)."""
    return ValueLists(
        categories=_distinct(source, "tickets", "category", limit),
        statuses=_distinct(source, "ticket_events", "activity", limit),
        channels=_distinct(source, "tickets", "channel", limit),
        groups=_distinct(source, "ticket_events", "group", limit),
    )
