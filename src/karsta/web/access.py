"""Who may do what, and which tickets they see: the access rules, in this one place.

A user's role decides the pages they may open; their group and channel limits
become a restriction on the analyses' inputs (`ticket_attributes` of the metric
run, `ProcessFilters` of the process views), so no page, JSON twin, export or
report computes anything from the tickets of another group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from karsta.process.filters import ProcessFilters
from karsta.web.models import Role, User

GROUP_COLUMN = "responsible_group"
"""A ticket belongs to the group that resolves it (the metrics' "group" breakdown) and,
until it is resolved, to the group holding it: open tickets are seen by their group."""
CHANNEL_COLUMN = "channel"


@dataclass(frozen=True)
class DataScope:
    """The tickets a user may see: every ticket, or those of some groups and/or channels."""

    groups: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None

    @property
    def ticket_attributes(self) -> dict[str, tuple[str, ...]]:
        """Return the restriction as ticket column → values kept (empty: no restriction)."""
        restriction: dict[str, tuple[str, ...]] = {}
        if self.groups is not None:
            restriction[GROUP_COLUMN] = self.groups
        if self.channels is not None:
            restriction[CHANNEL_COLUMN] = self.channels
        return restriction

    @property
    def restricted(self) -> bool:
        """Return whether the user sees only some tickets."""
        return bool(self.ticket_attributes)

    def covers(self, other: DataScope) -> bool:
        """Return whether every ticket `other` sees is one this scope sees too."""
        theirs = other.ticket_attributes
        return all(
            column in theirs and set(theirs[column]) <= set(allowed)
            for column, allowed in self.ticket_attributes.items()
        )

    def to_dict(self) -> dict[str, list[str] | None]:
        """Return the scope as JSON data: {"groups": [...] or None, "channels": ...}."""
        return {
            "groups": None if self.groups is None else list(self.groups),
            "channels": None if self.channels is None else list(self.channels),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> DataScope:
        """Return the scope `to_dict` wrote; no data means every ticket."""
        data = data or {}
        groups, channels = data.get("groups"), data.get("channels")
        return cls(
            groups=None if groups is None else tuple(groups),
            channels=None if channels is None else tuple(channels),
        )

    def restrict(
        self, asked: dict[str, tuple[str, ...]] | None = None
    ) -> dict[str, tuple[str, ...]]:
        """Return `asked` (column → values) narrowed to what the user may see.

        A column the user is limited on keeps only the asked values among the allowed
        ones (all allowed ones when not asked); other asked columns stay as asked.
        """
        kept = dict(asked or {})
        for column, allowed in self.ticket_attributes.items():
            wanted = kept.get(column)
            kept[column] = allowed if wanted is None else tuple(v for v in wanted if v in allowed)
        return kept

    def contact_channels(self, asked: str | None = None) -> tuple[str, ...] | None:
        """Return the channels whose contacts the user sees: `asked` within their limit.

        On the channel pages a channel limit means the contact's own channel (a phone
        team lead sees every phone call, with or without a ticket); None is every
        channel, and an asked channel outside the limit leaves none.
        """
        if asked is None:
            return self.channels
        if self.channels is None:
            return (asked,)
        return tuple(c for c in self.channels if c.lower() == asked.lower())

    @property
    def group_limit(self) -> dict[str, tuple[str, ...]]:
        """Return the restriction of the group limit alone (ticket column → groups kept)."""
        return DataScope(groups=self.groups).ticket_attributes

    def metric_options(self, **options: Any) -> dict[str, Any]:
        """Return metric-run keyword arguments (ws.metrics, ws.scorecard) with the restriction."""
        attributes = self.restrict(options.pop("ticket_attributes", None))
        return {**options, "ticket_attributes": attributes} if attributes else options

    def process_filters(self, **filters: Any) -> ProcessFilters:
        """Return process filters (ProcessFilters fields) with the restriction."""
        attributes = self.restrict(filters.pop("ticket_attributes", None))
        return ProcessFilters(ticket_attributes=attributes, **filters)


EVERYTHING = DataScope()


def data_scope(user: User) -> DataScope:
    """Return the tickets `user` may see."""
    return DataScope(
        groups=None if user.groups is None else tuple(sorted(user.groups)),
        channels=None if user.channels is None else tuple(sorted(user.channels)),
    )


def may(user: User | None, role: Role) -> bool:
    """Return whether `user` has `role` or a higher one."""
    return user is not None and user.role_enum.rank >= role.rank


def sees_rejects(user: User) -> bool:
    """Return whether `user` may see the rejected rows of imports (in a report or a download).

    Rejected rows are raw lines of the export, of any group: analysts and admins who see
    every ticket may see them.
    """
    return may(user, Role.ANALYST) and not data_scope(user).restricted
