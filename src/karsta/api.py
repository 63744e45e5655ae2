"""The Python API for analysts: a workspace with its analyses one call away.

    >>> import karsta
    >>> ws = karsta.open("desk.karsta")
    >>> ws.metrics(["O2", "I10"], period="month").to_pandas()
    >>> ws.process.map(by="group").to_dict()

The same calls work on a Parquet export read by Spark:
``karsta.open("export/", engine="spark")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from karsta.calendar import ServiceCalendar
from karsta.i18n import Message
from karsta.metrics.compute import MetricResults, compute_metrics
from karsta.metrics.config import MetricConfig, config_path, load_config
from karsta.metrics.explain import Explanation, explain
from karsta.metrics.periods import PeriodKind
from karsta.metrics.scorecard import Scorecard, build_scorecard, received_per_period
from karsta.metrics.units import UnitPage, UnitStatus, unit_rows
from karsta.process.analysis import ProcessAnalysis
from karsta.process.filters import ProcessFilters
from karsta.process.waiting import WaitingRules
from karsta.process.waste import WasteAssumptions
from karsta.signals.analysis import Signals, signals
from karsta.workspace import Workspace as _Workspace
from karsta.workspace import WorkspaceError, open_source
from karsta.workspace.coverage import ValueLists, value_lists
from karsta.workspace.source import Closing, TableSource


def waiting_rules(config: MetricConfig) -> WaitingRules:
    """Return the process views' waiting rules with the settings' waiting statuses."""
    return WaitingRules(waiting_statuses=config.waiting_statuses or frozenset())


def waste_assumptions(config: MetricConfig, **overrides: Any) -> WasteAssumptions:
    """Return the waste's figures: the settings' hourly costs, then `overrides` (fields)."""
    given: dict[str, Any] = {}
    if config.hourly_cost is not None:
        given["hourly_cost"] = config.hourly_cost
    if config.waiting_hourly_cost is not None:
        given["waiting_hourly_cost"] = config.waiting_hourly_cost
    given.update({k: v for k, v in overrides.items() if v is not None})
    return WasteAssumptions(**given)


class Analyses:
    """Metrics (and the other analyses) on one source of canonical tables."""

    source: TableSource
    config: MetricConfig

    def metrics(
        self,
        metrics: Iterable[str] | None = None,
        *,
        period: PeriodKind | None = None,
        by: Iterable[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        service_hours: str | None = None,
        holidays: str | None = None,
        **options: Any,
    ) -> MetricResults:
        """Return the figures of `metrics` (all by default) with their cards.

        `service_hours` (e.g. 'mon-fri 08:00-16:00') counts durations in service
        hours; other keyword arguments are MetricOptions fields.
        """
        overrides: dict[str, Any] = {
            "period": period,
            "by": tuple(by),
            "since": since,
            "until": until,
            **options,
        }
        if service_hours is not None:
            overrides["service_calendar"] = ServiceCalendar.parse(
                service_hours,
                holidays=holidays if holidays is not None else self.config.holidays,
                timezone=self.config.timezone,
            )
        return compute_metrics(
            self.source,
            self.config.options(**overrides),
            metrics=None if metrics is None else list(metrics),
        )

    def scorecard(
        self,
        *,
        period: PeriodKind = "month",
        at: str | None = None,
        service_hours: str | None = None,
        holidays: str | None = None,
        **options: Any,
    ) -> Scorecard:
        """Return the scorecard: the latest busy period (or `at`) vs the previous, with targets.

        Other keyword arguments are MetricOptions fields, e.g. `ticket_attributes`.
        """
        results = self.metrics(
            period=period, service_hours=service_hours, holidays=holidays, **options
        )
        volumes = received_per_period(self.source, results.options)
        return build_scorecard(results, self.config.targets, period=at, volumes=volumes)

    def signals(self, **options: Any) -> Signals:
        """Return the warning signals: every monthly series' trend test and control chart,
        and the metric combinations, strongest first (see `karsta.signals`).

        A metric with a target is followed by its target's statistic; keyword arguments
        are MetricOptions fields.
        """
        statistics = {m: t.statistic for m, t in self.config.targets.items()}
        return signals(self.source, self.config.options(**options), statistics=statistics)

    def explain(self, metric: str, ticket_id: str, **options: Any) -> Explanation:
        """Return why `ticket_id` counts in `metric`, or not.

        Other keyword arguments are MetricOptions fields; with `ticket_attributes` a
        ticket they leave out is explained as one that does not exist.
        """
        return explain(self.source, metric, ticket_id, self.config.options(**options))

    def units(
        self,
        metric: str,
        *,
        period: PeriodKind | None = None,
        at: str | None = None,
        by: Iterable[str] = (),
        group: Mapping[str, str] | None = None,
        status: UnitStatus | None = None,
        offset: int = 0,
        limit: int = 50,
        **options: Any,
    ) -> UnitPage:
        """Return the tickets behind a figure: a page of `metric`'s unit rows, with their rules.

        `period` is the kind of period (month, week, ...) and `at` one of its labels
        (None: every period); `by` the breakdowns each row names its value of, and
        `group` a value of breakdowns to keep ({"channel": "phone"}); `status` keeps
        the rows in the population, excluded or outside it. Other keyword arguments
        are MetricOptions fields, e.g. `ticket_attributes`.
        """
        breakdowns = tuple(dict.fromkeys([*by, *(group or {})]))
        run = self.config.options(period=period, by=breakdowns, **options)
        return unit_rows(
            self.source,
            metric,
            run,
            period=at,
            group=group,
            status=status,
            offset=offset,
            limit=limit,
        )

    def process_analysis(
        self, *, filters: ProcessFilters | None = None, waiting: WaitingRules | None = None
    ) -> ProcessAnalysis:
        """Return the process views of the tickets `filters` keep, with the settings applied.

        Waits are also counted in service hours when the settings name them; the
        settings' waiting statuses count as waiting (unless `waiting` says otherwise),
        their hourly costs price the waste, and their stages and customer-value marks
        are used.
        """
        config = self.config
        return ProcessAnalysis(
            self.source,
            calendar=config.calendar(),
            filters=filters,
            waiting=waiting or waiting_rules(config),
            stages=config.stages,
            assumptions=waste_assumptions(config),
        )

    @property
    def process(self) -> ProcessAnalysis:
        """Return the process views (map, variants, hand-offs, rework, waiting, waste).

        Waits are also counted in service hours when the settings name them; the
        settings' waiting statuses count as waiting, their hourly costs price the waste,
        and their stages and customer-value marks are used.
        """
        return self.process_analysis()

    def value_lists(self) -> ValueLists:
        """Return the categories, statuses, channels and groups the data holds (for pickers)."""
        return value_lists(self.source)


class Workspace(Analyses, _Workspace):
    """A DuckDB workspace with its analyses (see karsta.workspace.Workspace)."""

    @property
    def source(self) -> TableSource:  # type: ignore[override]
        """Return this workspace as the source analyses read."""
        return self

    @property
    def config(self) -> MetricConfig:  # type: ignore[override]
        """Return the workspace's metric settings (from the YAML file beside it)."""
        return load_config(config_path(self.path))


class Export(Analyses, Closing):
    """A folder written by `karsta export`, analysed on DuckDB or Spark."""

    def __init__(self, folder: Path, engine: str) -> None:
        self.folder = folder
        self._source = open_source(folder, engine)
        self.source = self._source
        self.config = load_config(folder / "karsta.yaml")

    def table(self, name: str) -> Any:
        """Return a canonical table as an Ibis expression."""
        return self.source.table(name)

    def close(self) -> None:
        """Release the engine."""
        self._source.close()


def open(
    path: str | Path, *, create: bool = True, engine: str = "duckdb", read_only: bool = False
) -> Workspace | Export:
    """Open a workspace file (created unless `create` is False) or an export folder.

    With `read_only` an existing workspace file is only read, and any number of
    programs may read it side by side (while none of them can import into it). A
    folder written by `karsta export` is read by `engine` ("duckdb" or "spark") and
    gives an `Export` with the same analyses as a `Workspace`.
    """
    path = Path(path)
    if path.is_dir():
        return Export(path, engine)
    if engine != "duckdb":
        raise WorkspaceError(
            Message(
                "{path} is a workspace file, which only DuckDB reads; export it for {engine}.",
                path=str(path),
                engine=engine,
            )
        )
    return Workspace.open(  # type: ignore[return-value]
        path, create=create and not read_only, read_only=read_only
    )
