"""What the process pages share: the ticket filters of a request, the analysis, the sub-menu.

Every process page reads the same query parameters (opening period, ticket
attributes, variant). They become `ProcessFilters` through the visitor's data scope
(`access.DataScope.process_filters`), so a limited user's filters are narrowed, never
widened; results are computed once per workspace version, scope and question.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Query
from pydantic import BaseModel, BeforeValidator

from karsta.api import Analyses
from karsta.i18n import N_, Message, localized
from karsta.process import ProcessAnalysis, ProcessFilters
from karsta.process.stages import stage_label
from karsta.schema import VARIANT_SEPARATOR
from karsta.web.rendering import TEMPLATES
from karsta.web.requests import Visitor

T = TypeVar("T")

ATTRIBUTE_FILTERS: dict[str, str] = {
    "channel": "channel",
    "category": "category_intake",
    "priority": "priority",
    "type": "ticket_type",
    "group": "resolving_group",
}
"""Query parameter → the ticket column it filters on."""
ATTRIBUTE_NAMES = {
    "channel": N_("Channel"),
    "category": N_("Category at intake"),
    "priority": N_("Priority"),
    "type": N_("Ticket type"),
    "group": N_("Resolving group"),
}
SECTIONS: tuple[tuple[str, str], ...] = (
    ("/process/landscape", N_("Landscape")),
    ("/process/map?by=stage", N_("Process by stage")),
    ("/process/map", N_("Steps")),
    ("/process/stages", N_("Stages and value")),
    ("/process/variants", N_("Variants")),
    ("/process/handoffs", N_("Hand-offs")),
    ("/process/rework", N_("Rework")),
    ("/process/waiting", N_("Waiting vs working")),
    ("/process/waste", N_("Waste")),
)
"""The process pages in the order of the method: the four levels, then the findings."""


@dataclass(frozen=True)
class ProcessQuery:
    """The ticket filters a process page was asked for (query parameters)."""

    opened_from: date | None
    opened_before: date | None
    attributes: tuple[tuple[str, str], ...]
    """(query parameter, value) of each attribute filter given."""
    variant: str | None
    """Activities joined by ' → ' (as the variants page shows them)."""

    def key(self) -> Hashable:
        """Return the filters as a cache key."""
        return (self.opened_from, self.opened_before, self.attributes, self.variant)

    def params(self) -> dict[str, str]:
        """Return the filters as query parameters (for links that keep them)."""
        found: dict[str, str] = {}
        if self.opened_from:
            found["opened_from"] = self.opened_from.isoformat()
        if self.opened_before:
            found["opened_before"] = self.opened_before.isoformat()
        found |= dict(self.attributes)
        if self.variant:
            found["variant"] = self.variant
        return found


def blank_is_none(value: object) -> object:
    """Return None for an empty form field (a form sends every field, filled or not)."""
    return None if value == "" else value


FormDate = Annotated[date | None, BeforeValidator(blank_is_none)]
"""A day from a form: YYYY-MM-DD, or an empty field for none."""


def process_query(
    opened_from: Annotated[
        FormDate, Query(description="Tickets opened on or after this day (UTC).")
    ] = None,
    opened_before: Annotated[
        FormDate, Query(description="Tickets opened before this day (UTC).")
    ] = None,
    channel: Annotated[str | None, Query(description="Only tickets of this channel.")] = None,
    category: Annotated[
        str | None, Query(description="Only tickets of this category at intake.")
    ] = None,
    priority: Annotated[str | None, Query(description="Only tickets of this priority.")] = None,
    type: Annotated[str | None, Query(description="Only tickets of this type.")] = None,
    group: Annotated[str | None, Query(description="Only tickets resolved by this group.")] = None,
    variant: Annotated[
        str | None, Query(description="Only tickets following this variant (A → B → C).")
    ] = None,
) -> ProcessQuery:
    """Return the filters of a process page's query parameters (empty values: not given)."""
    given = {"channel": channel, "category": category, "priority": priority}
    given |= {"type": type, "group": group}
    return ProcessQuery(
        opened_from=opened_from,
        opened_before=opened_before,
        attributes=tuple((k, v) for k, v in given.items() if v),
        variant=variant or None,
    )


Filters = Annotated[ProcessQuery, Depends(process_query)]


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), tzinfo=UTC)


def process_filters(visitor: Visitor, query: ProcessQuery) -> ProcessFilters:
    """Return the visitor's filters: what they asked for, within what they may see."""
    asked = {ATTRIBUTE_FILTERS[k]: (v,) for k, v in query.attributes}
    variants: tuple[tuple[str, ...], ...] = ()
    if query.variant:
        variants = (tuple(a.strip() for a in query.variant.split(" → ")),)
    try:
        return visitor.scope.process_filters(
            opened_from=_midnight(query.opened_from),
            opened_before=_midnight(query.opened_before),
            ticket_attributes=asked,
            variants=variants,
        )
    except ValueError as exc:
        raise HTTPException(status_code=422) from exc


def computed(
    visitor: Visitor,
    question: Hashable,
    query: ProcessQuery | None,
    compute: Callable[[ProcessAnalysis], T],
) -> T:
    """Return `compute(analysis)` of the visitor's filtered tickets, kept per workspace version."""
    filters = process_filters(visitor, query or process_query())

    def run(ws: Analyses) -> T:
        return compute(ws.process_analysis(filters=filters))

    key = (question, None if query is None else query.key())
    return visitor.state.results.get(key, visitor.scope, run)


def workspace_exists(visitor: Visitor) -> bool:
    """Return whether the app's workspace file exists (no data yet otherwise)."""
    return visitor.state.config.workspace.exists()


class ScopeInfo(BaseModel):
    """The tickets the figures cover: null = every group (channel)."""

    groups: list[str] | None
    channels: list[str] | None


def scope_info(visitor: Visitor) -> ScopeInfo:
    """Return the visitor's data scope as pages show it."""
    scope = visitor.scope
    return ScopeInfo(
        groups=None if scope.groups is None else list(scope.groups),
        channels=None if scope.channels is None else list(scope.channels),
    )


class NotComputedInfo(BaseModel):
    """A figure the log cannot give, and what to map so that it can."""

    figure: str
    needs: str
    text: str


class AppliedFilters(BaseModel):
    """The ticket filters the page applies (as asked; the data scope narrows them)."""

    opened_from: date | None = None
    opened_before: date | None = None
    attributes: dict[str, str] = {}
    variant: str | None = None


def applied(query: ProcessQuery) -> AppliedFilters:
    """Return the query's filters as the page model states them."""
    return AppliedFilters(
        opened_from=query.opened_from,
        opened_before=query.opened_before,
        attributes=dict(query.attributes),
        variant=query.variant,
    )


def not_computed(items: list[dict[str, Any]]) -> list[NotComputedInfo]:
    """Return a result's `not_computed` entries for the page model."""
    return [NotComputedInfo(**{k: str(n[k]) for k in ("figure", "needs", "text")}) for n in items]


def variant_text(activities: list[str] | tuple[str, ...]) -> str:
    """Return a variant as the pages and the variant filter write it: 'A → B → C'."""
    return " → ".join(activities)


def variant_of(joined: str) -> str:
    """Return a stored variant (activities joined by the unit separator) as 'A → B → C'."""
    return variant_text(joined.split(VARIANT_SEPARATOR))


def not_computed_text(item: NotComputedInfo) -> str:
    """Return 'FIGURE cannot be computed: map NEEDS' in the reader's language."""
    return str(
        localized(
            Message(
                "{figure} cannot be computed: map {needs}",
                figure=Message(item.figure),
                needs=Message(item.needs),
            )
        )
    )


TEMPLATES.globals.update(
    process_sections=SECTIONS,
    attribute_names=ATTRIBUTE_NAMES,
    stage_label=stage_label,
    not_computed_text=not_computed_text,
)
