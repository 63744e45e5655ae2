"""A workshop's result: the relevant wastes ranked by their estimated hours a year."""

from __future__ import annotations

from dataclasses import dataclass

from karsta.improve.catalog import WASTES
from karsta.improve.models import Workshop, WorkshopItem
from karsta.improve.savings import Savings, SavingsAssumptions, time_savings


@dataclass(frozen=True)
class RankedWaste:
    """A relevant waste of the workshop with its estimate a year (None when not estimated)."""

    item: WorkshopItem
    family: str
    text: str
    savings: Savings | None


def estimate(item: WorkshopItem, assumptions: SavingsAssumptions | None = None) -> Savings | None:
    """Return the item's hours a year by its frequency and minutes (None until both are given)."""
    if item.times is None or item.minutes is None:
        return None
    return time_savings(
        times=item.times,
        per=item.per,  # type: ignore[arg-type]
        minutes=item.minutes,
        people=item.people,
        assumptions=assumptions,
    )


def ranked(workshop: Workshop, assumptions: SavingsAssumptions | None = None) -> list[RankedWaste]:
    """Return the wastes marked relevant, most hours a year first; those not estimated last."""
    found = []
    for item in workshop.items:
        if not item.relevant:
            continue
        family, text = WASTES.get(item.waste, (None, item.waste))
        found.append(
            RankedWaste(
                item=item,
                family="" if family is None else family.name,
                text=text,
                savings=estimate(item, assumptions),
            )
        )
    return sorted(
        found,
        key=lambda r: (
            r.savings is None,
            -(r.savings.hours_per_year if r.savings else 0),
            r.item.id,
        ),
    )
