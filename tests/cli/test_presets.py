"""`karsta presets show` and the mapping reference generated from the mapping's own definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from karsta.cli.main import app
from karsta.ingest import MappingError, load_mapping_file, preset_names
from karsta.ingest.mapping import MAPPING_KEYS, STATUS_CLASSES, ReadOptions
from karsta.ingest.mapping_reference import mapping_reference_markdown

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
PRESETS = ROOT / "src" / "karsta" / "ingest" / "presets"


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.mark.parametrize("name", preset_names())
def test_show_prints_the_preset_as_written(name: str) -> None:
    assert run("presets", "show", name) == (PRESETS / f"{name}.yaml").read_text(encoding="utf-8")


def test_show_as_json_has_every_key_with_its_default() -> None:
    data = json.loads(run("presets", "show", "servicenow", "--format", "json"))
    assert data["columns"]["ticket_id"] == "number"
    assert data["status_classes"]["resolved"] == ["Resolved"]
    assert data["pause_statuses"] == ["Awaiting Evidence", "Awaiting User Info"]
    assert data["timezone"] == "Europe/Helsinki"
    assert data["group_levels"] == {}  # not in the preset: the default is shown
    assert data["read"]["missing"] == ["?", ""]
    assert set(data) == {k.name for k in MAPPING_KEYS} - {"extends"}
    assert (data["rows"], data["infer_status_classes"], data["durations"]) == (
        "snapshots",
        True,
        {},
    )
    zendesk = json.loads(run("presets", "show", "zendesk", "--format", "json"))
    assert zendesk["durations"] == {
        "source_first_response_at": {
            "after": "source_opened_at",
            "minutes": "First reply time in minutes",
        }
    }


def test_show_refuses_what_it_does_not_know() -> None:
    assert "Unknown preset 'nope'" in runner.invoke(app, ["presets", "show", "nope"]).output
    assert (
        "choose yaml or json"
        in runner.invoke(app, ["presets", "show", "zendesk", "--format", "xml"]).output
    )
    assert "servicenow" in run("presets")  # the list is still the bare command


def test_the_reference_documents_every_key_class_and_read_option() -> None:
    page = mapping_reference_markdown()
    for key in MAPPING_KEYS:
        assert f"| `{key.name}` |" in page
    for status_class in STATUS_CLASSES:
        assert f"| `{status_class}` |" in page
    for option in ReadOptions.__slots__:
        assert f"| `{option}` |" in page
    for section in ("## `values`: value maps", "## `pause_statuses`", "## `timezone`",
                    "## Support levels: `level`, `values: level` and `group_levels`",
                    "### Status classes inferred from activity names", "## `durations`",
                    "## `rows`: events or snapshots"):  # fmt: skip
        assert section in page
    # The inference's words and the level forms come from the code that reads them.
    for word in ("odottaa", "stängd", "resolve"):
        assert word in page
    assert "`Taso 2`" in page
    assert "toisen" in page
    for name in preset_names():
        assert f"| `{name}` |" in page


def test_the_reference_example_is_a_valid_mapping(tmp_path: Path) -> None:
    page = mapping_reference_markdown()
    example = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "my-desk.yaml"
    path.write_text(example, encoding="utf-8")
    mapping = load_mapping_file(path)
    assert mapping.group_levels == {"Palvelupiste": 1, "Verkko": 2, "Toimittaja": 3}
    assert mapping.values["channel"]["Puhelin"] == "phone"


def test_a_key_the_reference_does_not_know_is_refused(tmp_path: Path) -> None:
    """The reference and the parser read the same key table: no key is accepted undocumented."""
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump({"extends": "event-log", "colums": {}}), encoding="utf-8")
    with pytest.raises(MappingError, match="unknown keys colums"):
        load_mapping_file(path)


def test_the_checked_in_reference_is_current() -> None:
    assert (ROOT / "docs" / "mapping.md").read_text(encoding="utf-8") == run("docs", "mapping")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "docs mapping --out docs/mapping.md" in makefile
    assert "karsta docs mapping | diff -u docs/mapping.md -" in makefile


def test_a_record_preset_shows_its_table_and_rules_as_json() -> None:
    data = json.loads(run("presets", "show", "acd", "--format", "json"))
    assert data["table"] == "contacts"
    assert data["columns"]["contact_id"] == {"join": ["vru+line", "call_id", "date"]}
    assert data["clock"]["did_not_happen"] == ["0:00:00"]
    assert data["clock"]["year"] is None
    assert [case["set"]["outcome"] for case in data["cases"]] == [
        "phantom",
        "routed",  # a hang-up that never joined the queue
        "abandoned",
        "answered",  # with no service recorded
        "answered",
    ]
