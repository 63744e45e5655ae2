"""The settings file's one writer: changed keys checked, the rest of the file as written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from karsta.metrics.config import ConfigError, load_config
from karsta.metrics.settings_file import update_settings

WRITTEN = """# Our desk's settings, reviewed monthly.
service_hours: mon-fri 08:00-16:00   # the SLA clock
targets:
  I10: "<= 2 %"   # agreed in March
stages:
  old: [New]
timezone: Europe/Helsinki
"""


def test_changed_keys_are_replaced_and_the_rest_keeps_its_comments(tmp_path: Path) -> None:
    path = tmp_path / "desk.karsta.yaml"
    path.write_text(WRITTEN, encoding="utf-8")
    config = update_settings(
        path,
        {
            "stages": {"intake": ["New"], "työ": ["Active"]},
            "customer_value": {"steps": {"New": "waste"}},
        },
    )
    text = path.read_text(encoding="utf-8")
    assert "# Our desk's settings, reviewed monthly." in text
    assert 'I10: "<= 2 %"   # agreed in March' in text
    assert "old" not in text
    assert yaml.safe_load(text) == {
        "service_hours": "mon-fri 08:00-16:00",
        "targets": {"I10": "<= 2 %"},
        "stages": {"intake": ["New"], "työ": ["Active"]},
        "timezone": "Europe/Helsinki",
        "customer_value": {"steps": {"New": "waste"}},
    }
    assert config.stages.stages == (("intake", ("New",)), ("työ", ("Active",)))
    assert load_config(path).stages.step_values == {"New": "waste"}
    update_settings(path, {"stages": None, "customer_value": None})  # None removes a key
    assert set(yaml.safe_load(path.read_text(encoding="utf-8"))) == {
        "service_hours",
        "targets",
        "timezone",
    }


def test_a_bad_value_is_refused_and_the_file_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "desk.karsta.yaml"
    path.write_text(WRITTEN, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"desk.karsta.yaml: stages: activity 'New' is in both"):
        update_settings(path, {"stages": {"a": ["New"], "b": ["New"]}})
    with pytest.raises(ConfigError, match="not one of value-adding, necessary, waste"):
        update_settings(path, {"customer_value": {"stages": {"a": "golden"}}})
    assert path.read_text(encoding="utf-8") == WRITTEN
    assert [p.name for p in tmp_path.iterdir()] == ["desk.karsta.yaml"]  # no temporary left


def test_a_missing_file_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new.karsta.yaml"
    update_settings(path, {"stages": {"intake": ["New"]}})
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"stages": {"intake": ["New"]}}
