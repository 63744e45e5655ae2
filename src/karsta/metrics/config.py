"""A workspace's metric settings: service hours, the desk's own rules, and targets.

Settings live in a YAML file beside the workspace (``desk.karsta.yaml`` for
``desk.karsta``), so they can be reviewed and versioned like any agreement::

    service_hours: mon-fri 08:00-16:00      # the SLA clock; omit for calendar time
    holidays: FI
    timezone: Europe/Helsinki
    desk_resolvable_categories: [Category 26, Category 53]
    workaround_codes: [Workaround]          # resolution codes meaning a workaround (O4)
    realtime_channels: [phone, chat, walk-in]
    special_routing: {IVR: excluded, outage message: answered}   # S1, S3, I7 (default excluded)
    min_contacts: 30                         # fewer contacts in a period: S1 and S3 flagged
    matter_channels: {Kela card: verkkoasiointi}   # matter → the self-service channel handling it
    first_contact_minutes: 60
    repeat_contact_days: 7
    waiting_statuses: [Odottaa asiakasta]   # also waiting in the process views and the waste
    hourly_cost: 45                          # staff euros an hour (waste)
    waiting_hourly_cost: 20                  # euros an hour of customer waiting (waste)
    satisfaction_instrument: satisfaction    # the periodic survey O5 reads
    targets:
      O2: 80 % within 24 service hours
      S2: ">= 70 %"
      I10: "<= 2 %"
    stages: {intake: [New], work: [Active], waiting: [Awaiting User Info]}
    customer_value: {stages: {intake: necessary}, steps: {Awaiting Vendor: waste}}

The process views read `stages` and `customer_value` (see `karsta.ingest.stages`).
`karsta.settings.save` is the file's one writer (the CLI reads it, the web app saves it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from karsta.calendar import ServiceCalendar
from karsta.i18n import Message
from karsta.ingest.stages import STAGES_KEY, VALUE_KEY, StageDeclaration, parse_stage_declaration
from karsta.metrics.options import ROUTING_RULES, MetricOptions
from karsta.metrics.registry import find

_WITHIN = re.compile(
    r"^\s*(?P<share>\d+(?:[.,]\d+)?)\s*%\s*(?:within|in|alle|inom)\s*"
    r"(?P<hours>\d+(?:[.,]\d+)?)\s*(?P<service>service\s+|palvelu)?\s*"
    r"(?:h|hours?|tuntia|tuntiin|timmar)\s*$",
    re.IGNORECASE,
)
_PLAIN = re.compile(
    r"^\s*(?P<op>>=|<=|>|<|=)?\s*(?P<value>-?\d+(?:[.,]\d+)?)\s*(?P<unit>%|h|€|eur)?\s*$",
    re.IGNORECASE,
)


class ConfigError(ValueError):
    """The settings file is malformed; the message names the file and the key."""


@dataclass(frozen=True, kw_only=True)
class Target:
    """A target on one statistic of a metric, e.g. O2 share_over_target <= 20."""

    metric_id: str
    statistic: str
    operator: str
    value: float
    text: str
    """The target as the user wrote it, shown beside the figure."""
    threshold_hours: float | None = None
    """For 'X % within Y hours' targets: the Y that defines the share over target."""

    def met(self, value: float | None) -> bool | None:
        """Return whether `value` meets the target (None when there is no value)."""
        if value is None:
            return None
        return {
            ">=": value >= self.value,
            "<=": value <= self.value,
            ">": value > self.value,
            "<": value < self.value,
            "=": value == self.value,
        }[self.operator]


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_target(metric_id: str, text: str, *, service_hours: bool) -> Target:
    """Return the target `text` of metric `metric_id`; raise ConfigError when unreadable."""
    definition = find(metric_id)
    written = str(text).strip()
    within = _WITHIN.match(written)
    if within:
        if definition.id != "O2":
            raise ConfigError(
                Message(
                    "targets.{metric}: 'X % within Y hours' applies to O2 (time to resolve)",
                    metric=metric_id,
                )
            )
        if within["service"] and not service_hours:
            raise ConfigError(
                Message(
                    "targets.{metric}: '{target}' counts service hours, but no service_hours "
                    "are set; add e.g. 'service_hours: mon-fri 08:00-16:00'",
                    metric=metric_id,
                    target=written,
                )
            )
        share = _number(within["share"])
        return Target(
            metric_id=definition.id,
            statistic="share_over_target",
            operator="<=",
            value=round(100.0 - share, 10),
            text=written,
            threshold_hours=_number(within["hours"]),
        )
    plain = _PLAIN.match(written)
    if not plain:
        raise ConfigError(
            Message(
                "targets.{metric}: cannot read '{target}'; write e.g. '>= 70 %', '<= 24 h' "
                "or, for O2, '80 % within 24 service hours'",
                metric=metric_id,
                target=written,
            )
        )
    direction = definition.card.direction
    operator = plain["op"] or ("<=" if direction == "lower" else ">=")
    return Target(
        metric_id=definition.id,
        statistic=definition.headline,
        operator=operator,
        value=_number(plain["value"]),
        text=written,
    )


@dataclass(frozen=True, kw_only=True)
class MetricConfig:
    """The settings a workspace's metric runs use, and its targets by metric id."""

    service_hours: str | None = None
    holidays: str | None = "FI"
    timezone: str = "Europe/Helsinki"
    desk_resolvable_categories: frozenset[str] | None = None
    first_contact_minutes: float = 60.0
    repeat_contact_days: float = 7.0
    workaround_codes: frozenset[str] | None = None
    realtime_channels: frozenset[str] | None = None
    special_routing: dict[str, str] = field(default_factory=dict)
    """How contacts a special routing function ended count (answered, excluded, abandoned)."""
    min_contacts: int = 30
    """Volume sufficiency of S1 and S3: fewer contacts in a period and group are flagged."""
    matter_channels: dict[str, str] = field(default_factory=dict)
    """Matter → the self-service channel that handles it (channel shift, visits)."""
    waiting_statuses: frozenset[str] | None = None
    """Statuses the process views and the waste count as waiting, beside the waiting class."""
    hourly_cost: float | None = None
    """Staff cost in euros an hour, for the waste (None: the waste's default)."""
    waiting_hourly_cost: float | None = None
    """Euros an hour of customer waiting, for the waste (None: not priced)."""
    satisfaction_instrument: str | None = None
    """The survey instrument of O5, the periodic satisfaction survey (None: not chosen)."""
    targets: dict[str, Target] = field(default_factory=dict)
    stages: StageDeclaration = field(default_factory=StageDeclaration)
    """The process's stages and customer-value marks (the process views read them)."""
    path: Path | None = None

    def calendar(self) -> ServiceCalendar | None:
        """Return the service calendar, or None when durations run on calendar time."""
        if self.service_hours is None:
            return None
        return ServiceCalendar.parse(
            self.service_hours, holidays=self.holidays, timezone=self.timezone
        )

    def options(self, **overrides: Any) -> MetricOptions:
        """Return run options from these settings, with `overrides` (MetricOptions fields)."""
        o2 = self.targets.get("O2")
        base = MetricOptions(
            timezone=self.timezone,
            service_calendar=self.calendar(),
            desk_resolvable_categories=self.desk_resolvable_categories,
            first_contact_minutes=self.first_contact_minutes,
            repeat_contact_days=self.repeat_contact_days,
            resolve_target_hours=o2.threshold_hours if o2 else None,
            workaround_codes=self.workaround_codes,
            special_routing=dict(self.special_routing),
            min_contacts=self.min_contacts,
        )
        if self.realtime_channels is not None:
            base = replace(base, realtime_channels=self.realtime_channels)
        surveys = replace(base, satisfaction_instrument=self.satisfaction_instrument)
        return replace(surveys, **overrides)


def config_path(workspace: Path) -> Path:
    """Return where the settings of the workspace at `workspace` live."""
    return workspace.with_name(workspace.name + ".yaml")


KNOWN_KEYS = {
    "service_hours",
    "holidays",
    "timezone",
    "desk_resolvable_categories",
    "first_contact_minutes",
    "repeat_contact_days",
    "workaround_codes",
    "realtime_channels",
    "special_routing",
    "min_contacts",
    "matter_channels",
    "waiting_statuses",
    "hourly_cost",
    "waiting_hourly_cost",
    "satisfaction_instrument",
    "targets",
    STAGES_KEY,
    VALUE_KEY,
}


def parse_config(data: dict[str, Any], source: str) -> MetricConfig:
    """Return the settings in `data` (read from `source`); raise ConfigError naming the key."""
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(
            Message(
                "{source}: unknown keys {keys}; known: {known}",
                source=source,
                keys=", ".join(sorted(unknown)),
                known=", ".join(sorted(KNOWN_KEYS)),
            )
        )
    service_hours = data.get("service_hours")
    holidays = data.get("holidays", "FI")
    timezone = str(data.get("timezone", "Europe/Helsinki"))
    if service_hours is not None:
        try:
            ServiceCalendar.parse(
                str(service_hours),
                holidays=None if holidays is None else str(holidays),
                timezone=timezone,
            )
        except (ValueError, KeyError) as exc:
            raise ConfigError(
                Message("{source}: service_hours: {error}", source=source, error=exc.args[0])
            ) from exc
    lists: dict[str, frozenset[str] | None] = {}
    for key in (
        "desk_resolvable_categories",
        "workaround_codes",
        "realtime_channels",
        "waiting_statuses",
    ):
        values = data.get(key)
        if values is not None and not isinstance(values, list):
            raise ConfigError(
                Message("{source}: {key} must be a list, e.g. [a, b]", source=source, key=key)
            )
        lists[key] = None if values is None else frozenset(str(v) for v in values)
    try:
        first_contact = float(data.get("first_contact_minutes", 60))
        repeat_days = float(data.get("repeat_contact_days", 7))
    except (TypeError, ValueError) as exc:
        raise ConfigError(Message("{source}: {error}", source=source, error=str(exc))) from exc
    costs = {key: _cost(data, key, source) for key in ("hourly_cost", "waiting_hourly_cost")}
    routing, min_contacts = _contact_rules(data, source)
    targets: dict[str, Target] = {}
    for metric_id, text in (data.get("targets") or {}).items():
        try:
            target = parse_target(str(metric_id), str(text), service_hours=bool(service_hours))
        except KeyError as exc:
            raise ConfigError(
                Message("{source}: targets: {error}", source=source, error=exc.args[0])
            ) from exc
        except ConfigError as exc:
            raise ConfigError(
                Message("{source}: {error}", source=source, error=exc.args[0])
            ) from exc
        targets[target.metric_id] = target
    try:
        stages = parse_stage_declaration(data.get(STAGES_KEY), data.get(VALUE_KEY), source)
    except ValueError as exc:
        raise ConfigError(exc.args[0]) from exc
    return MetricConfig(
        service_hours=None if service_hours is None else str(service_hours),
        holidays=None if holidays is None else str(holidays),
        timezone=timezone,
        desk_resolvable_categories=lists["desk_resolvable_categories"],
        workaround_codes=lists["workaround_codes"],
        realtime_channels=lists["realtime_channels"],
        waiting_statuses=lists["waiting_statuses"],
        hourly_cost=costs["hourly_cost"],
        waiting_hourly_cost=costs["waiting_hourly_cost"],
        satisfaction_instrument=(
            None
            if data.get("satisfaction_instrument") is None
            else str(data["satisfaction_instrument"])
        ),
        first_contact_minutes=first_contact,
        repeat_contact_days=repeat_days,
        special_routing=routing,
        min_contacts=min_contacts,
        matter_channels=_matter_channels(data, source),
        targets=targets,
        stages=stages,
    )


def _contact_rules(data: dict[str, Any], source: str) -> tuple[dict[str, str], int]:
    """Return the special routing rules and the volume threshold of the contact metrics."""
    routing = data.get("special_routing") or {}
    if not isinstance(routing, dict) or any(
        str(rule) not in ROUTING_RULES for rule in routing.values()
    ):
        raise ConfigError(
            Message(
                "{source}: special_routing maps each routing to one of {rules}, "
                "e.g. {{IVR: excluded}}",
                source=source,
                rules=", ".join(ROUTING_RULES),
            )
        )
    minimum = data.get("min_contacts", 30)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise ConfigError(
            Message(
                "{source}: min_contacts must be a whole number of 1 or more, not '{value}'",
                source=source,
                value=minimum,
            )
        )
    return {str(k): str(v) for k, v in routing.items()}, minimum


def _matter_channels(data: dict[str, Any], source: str) -> dict[str, str]:
    """Return the matters a self-service channel handles: matter → channel."""
    found = data.get("matter_channels") or {}
    if not isinstance(found, dict) or any(
        not str(k).strip() or v is None or not str(v).strip() for k, v in found.items()
    ):
        raise ConfigError(
            Message(
                "{source}: matter_channels maps each matter to the self-service channel "
                "that handles it, e.g. {{Kela card: verkkoasiointi}}",
                source=source,
            )
        )
    return {str(k).strip(): str(v).strip() for k, v in found.items()}


def _cost(data: dict[str, Any], key: str, source: str) -> float | None:
    """Return a price in euros an hour (a number >= 0), None when not set."""
    value = data.get(key)
    if value is None:
        return None
    try:
        number = _number(str(value)) if not isinstance(value, bool) else -1.0
    except ValueError:
        number = -1.0
    if number < 0:
        raise ConfigError(
            Message(
                "{source}: {key} must be a number of euros an hour (0 or more), not '{value}'",
                source=source,
                key=key,
                value=value,
            )
        )
    return number


def load_config(path: Path | None) -> MetricConfig:
    """Return the settings in the YAML file at `path`; defaults when it does not exist."""
    if path is None or not path.exists():
        return MetricConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(
            Message("{path}: not valid YAML: {error}", path=str(path), error=str(exc))
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            Message("{path}: expected a mapping of settings at the top level", path=str(path))
        )
    return replace(parse_config(data, str(path)), path=path)
