"""The catalog: every metric's card, and its function where Karsta can compute it.

A metric module in `karsta.metrics.catalog` registers its function with
``@metric("O2", headline="mean")``; the card comes from the YAML file beside it.
Metrics whose data Karsta does not import yet have a card and no function.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from karsta.i18n import Message
from karsta.metrics.cards import MetricCard, load_cards
from karsta.metrics.inputs import MetricInputs
from karsta.metrics.measure import Measurement
from karsta.workspace.coverage import Need

MeasureFunction = Callable[[MetricInputs], Measurement]


class NoData(Exception):
    """The metric cannot be computed from this source; the message says what is missing."""


@dataclass(frozen=True)
class MetricDefinition:
    """A card with its function (None until Karsta imports the data it needs)."""

    card: MetricCard
    function: MeasureFunction | None
    headline: str
    """The statistic a scorecard shows for this metric."""
    needs: tuple[Need, ...] = ()
    """Facts the source must have; without one the metric says what to map (NoData)."""

    @property
    def id(self) -> str:
        """Return the metric id (S1…S4, O1…O5, I1…I10, NPS, CSAT, CES, ESC)."""
        return self.card.id


_FUNCTIONS: dict[str, tuple[MeasureFunction, str, tuple[Need, ...]]] = {}


def metric(
    metric_id: str, *, headline: str, needs: tuple[Need, ...] = ()
) -> Callable[[MeasureFunction], MeasureFunction]:
    """Register `function` as the computation of the metric `metric_id`.

    `needs` names the facts (`karsta.workspace.coverage`) the function reads; on a
    source that lacks one, the metric is not computed and says what to map.
    """

    def register(function: MeasureFunction) -> MeasureFunction:
        if metric_id in _FUNCTIONS:
            raise ValueError(f"metric {metric_id} is registered twice")
        _FUNCTIONS[metric_id] = (function, headline, needs)
        return function

    return register


@cache
def catalog() -> dict[str, MetricDefinition]:
    """Return every metric of the catalog by id, in the spec's order."""
    package = importlib.import_module("karsta.metrics.catalog")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    cards = load_cards()
    orphans = set(_FUNCTIONS) - set(cards)
    if orphans:
        raise ValueError(f"metric functions without a card: {sorted(orphans)}")
    definitions = {}
    for metric_id, card in cards.items():
        function, headline, needs = _FUNCTIONS.get(metric_id, (None, "value", ()))
        definitions[metric_id] = MetricDefinition(card, function, headline, needs)
    return definitions


def find(metric_id: str) -> MetricDefinition:
    """Return the metric with `metric_id` (case-insensitive), or raise KeyError listing ids."""
    definitions = catalog()
    key = metric_id.upper()
    for definition in definitions.values():
        if key in (definition.id.upper(), definition.card.slug.upper()):
            return definition
    raise KeyError(
        Message(
            "Unknown metric '{metric}'. Known: {known}.",
            metric=metric_id,
            known=", ".join(definitions),
        )
    )
