"""A mapping's `stages` and `customer_value`: read, checked, recorded by the import."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import karsta
from karsta.ingest import import_file, load_preset
from karsta.ingest.mapping import MappingError, load_mapping_file
from karsta.ingest.provenance import rules_digest
from karsta.ingest.stages import MAPPING_STAGES_SETTING, declaration_from_json
from karsta.process import ProcessAnalysis
from tests.ingest.test_reimport import rows, write_log

MAPPING_FILE = """extends: event-log
name: my-desk
status_classes: {new: [New], resolved: [Resolved]}
stages:
  vastaanotto: [New]
  ratkaisu: [Resolved]
customer_value:
  stages: {vastaanotto: necessary}
  steps: {New: waste}
"""


def test_a_mapping_declares_stages_and_the_import_records_them(tmp_path: Path) -> None:
    path = tmp_path / "my-desk.yaml"
    path.write_text(MAPPING_FILE, encoding="utf-8")
    mapping = load_mapping_file(path)
    assert mapping.stages.stages == (("vastaanotto", ("New",)), ("ratkaisu", ("Resolved",)))
    assert mapping.to_dict()["customer_value"] == {
        "stages": {"vastaanotto": "necessary"},
        "steps": {"New": "waste"},
    }
    with karsta.open(tmp_path / "t.karsta") as ws:
        import_file(write_log(tmp_path / "log.csv", rows(2)), workspace=ws, mapping=mapping)
        recorded = ws.setting(MAPPING_STAGES_SETTING)
        assert recorded is not None
        assert declaration_from_json(recorded) == ("my-desk", mapping.stages)
        found = ProcessAnalysis(ws).stages
        assert (found.defined_by, found.mapping) == ("mapping", "my-desk")
        assert found.stage_values() == {"vastaanotto": "necessary", "ratkaisu": "necessary"}
        assert found.step_values()["New"] == "waste"


def test_stages_leave_the_rules_of_reading_as_they_were(tmp_path: Path) -> None:
    # Grouping activities changes no stored row: the same file is not read "with other
    # options" because a mapping gained stages.
    plain = load_preset("event-log")
    path = tmp_path / "my-desk.yaml"
    path.write_text(MAPPING_FILE, encoding="utf-8")
    staged = replace(load_mapping_file(path), name=plain.name)
    assert rules_digest(replace(staged, status_classes=plain.status_classes)) == rules_digest(plain)


def test_bad_stages_in_a_mapping_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("extends: event-log\nstages: {a: [New], b: [New]}\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"bad.yaml: stages: activity 'New' is in both"):
        load_mapping_file(path)
