"""Metric settings and targets read from the YAML file beside a workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from karsta.metrics.config import ConfigError, config_path, load_config, parse_target


def test_within_target_becomes_a_share_over_threshold() -> None:
    target = parse_target("O2", "80 % within 24 service hours", service_hours=True)
    assert (target.statistic, target.operator, target.value) == ("share_over_target", "<=", 20.0)
    assert target.threshold_hours == 24.0
    assert target.met(15.0) is True
    assert target.met(25.0) is False
    assert target.met(None) is None


def test_plain_targets_take_the_cards_direction() -> None:
    higher = parse_target("S2", "70 %", service_hours=False)
    lower = parse_target("i10", "2,5 %", service_hours=False)
    explicit = parse_target("O2", "< 30 h", service_hours=False)
    assert (higher.metric_id, higher.operator, higher.value) == ("S2", ">=", 70.0)
    assert (lower.metric_id, lower.operator, lower.value) == ("I10", "<=", 2.5)
    assert (explicit.statistic, explicit.operator, explicit.value) == ("mean", "<", 30.0)


@pytest.mark.parametrize(
    ("metric", "text", "message"),
    [
        ("S2", "80 % within 24 hours", "applies to O2"),
        ("O2", "80 % within 24 service hours", "no service_hours"),
        ("O2", "fast please", "cannot read"),
    ],
)
def test_unreadable_targets_say_why(metric: str, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_target(metric, text, service_hours=False)


def test_settings_file_beside_the_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "desk.karsta"
    path = config_path(workspace)
    assert path.name == "desk.karsta.yaml"
    path.write_text(
        "service_hours: mon-fri 08:00-16:00\n"
        "desk_resolvable_categories: [Category 26, Category 53]\n"
        "repeat_contact_days: 14\n"
        "targets:\n  O2: 80 % within 24 service hours\n  S2: '>= 70 %'\n",
        encoding="utf-8",
    )
    config = load_config(path)
    options = config.options(period="month")
    assert options.period == "month"
    assert options.clock == "service_hours"
    assert options.resolve_target_hours == 24.0
    assert options.repeat_contact_days == 14.0
    assert options.desk_resolvable_categories == frozenset({"Category 26", "Category 53"})
    assert set(config.targets) == {"O2", "S2"}


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "none.yaml")
    assert config.targets == {}
    assert config.options().clock == "calendar"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour: blue\n", "unknown keys"),
        ("service_hours: someday 8-16\n", "service_hours"),
        ("targets:\n  X9: 50 %\n", "Unknown metric"),
        ("desk_resolvable_categories: Category 26\n", "must be a list"),
        ("- a\n- b\n", "mapping"),
    ],
)
def test_bad_settings_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "desk.karsta.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_config(path)
    assert str(path) in str(err.value)


def test_contact_rules_reach_the_options() -> None:
    from karsta.metrics.config import parse_config

    config = parse_config(
        {"special_routing": {"IVR": "answered", "overflow": "abandoned"}, "min_contacts": 50},
        "desk.karsta.yaml",
    )
    options = config.options()
    assert dict(options.special_routing) == {"IVR": "answered", "overflow": "abandoned"}
    assert options.min_contacts == 50
    assert parse_config({}, "x").options().min_contacts == 30


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"special_routing": {"IVR": "ignored"}}, "special_routing"),
        ({"special_routing": ["IVR"]}, "special_routing"),
        ({"min_contacts": 0}, "min_contacts"),
        ({"min_contacts": "many"}, "min_contacts"),
        ({"matter_channels": ["Kela card"]}, "matter_channels"),
        ({"matter_channels": {"Kela card": None}}, "matter_channels"),
    ],
)
def test_bad_contact_rules_name_the_key(data: dict[str, object], key: str) -> None:
    from karsta.metrics.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match=key):
        parse_config(data, "desk.karsta.yaml")


def test_matter_channels_are_read() -> None:
    from karsta.metrics.config import parse_config

    config = parse_config({"matter_channels": {" Kela card ": "verkkoasiointi"}}, "x")
    assert config.matter_channels == {"Kela card": "verkkoasiointi"}
    assert parse_config({}, "x").matter_channels == {}
