"""The settings file saved by one writer: merged, checked field by field, written in one step."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import karsta
from karsta import settings
from karsta.cli.main import app
from karsta.ingest import import_file, load_preset
from karsta.metrics.config import load_config

LOG = (
    "case:concept:name,concept:name,time:timestamp\n"
    "T1,New,2024-02-01 08:00:00\n"
    "T1,Toimittajalla,2024-02-01 10:00:00\n"
    "T1,Resolved,2024-02-01 16:00:00\n"
)


def test_a_save_merges_the_changes_and_the_cli_reads_them(tmp_path: Path) -> None:
    workspace = tmp_path / "desk.karsta"
    settings.settings_path(workspace).write_text(
        "service_hours: mon-fri 08:00-16:00\ntargets:\n  I10: '<= 2 %'\n", encoding="utf-8"
    )
    saved = settings.save(
        workspace,
        {
            "targets": {"I10": "<= 5 %", "O2": "80 % within 24 service hours"},
            "waiting_statuses": ["Odottaa asiakasta"],
            "hourly_cost": 52.5,
            "waiting_hourly_cost": 20,
            "desk_resolvable_categories": ["Salasanat"],
        },
    )
    assert saved.before == "service_hours: mon-fri 08:00-16:00\ntargets:\n  I10: '<= 2 %'\n"
    assert saved.after == settings.settings_path(workspace).read_text(encoding="utf-8")
    config = load_config(settings.settings_path(workspace))
    assert config.service_hours == "mon-fri 08:00-16:00"  # kept
    assert config.targets["I10"].value == 5.0
    assert config.targets["O2"].threshold_hours == 24.0
    assert config.waiting_statuses == frozenset({"Odottaa asiakasta"})
    assert (config.hourly_cost, config.waiting_hourly_cost) == (52.5, 20.0)
    assert config.desk_resolvable_categories == frozenset({"Salasanat"})
    assert [p.name for p in tmp_path.iterdir()] == ["desk.karsta.yaml"]  # no temporary left


def test_a_change_to_none_removes_the_key(tmp_path: Path) -> None:
    workspace = tmp_path / "desk.karsta"
    settings.save(workspace, {"hourly_cost": 40, "holidays": "SE"})
    settings.save(workspace, {"hourly_cost": None})
    assert settings.read_settings(workspace).data == {"holidays": "SE"}


def test_every_wrong_field_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    workspace = tmp_path / "desk.karsta"
    settings.save(workspace, {"hourly_cost": 40})
    before = settings.settings_path(workspace).read_text(encoding="utf-8")
    with pytest.raises(settings.SettingsInvalid) as caught:
        settings.save(
            workspace,
            {
                "targets": {"I10": "paljon", "XX": "1", "O2": "80 % within 24 service hours"},
                "holidays": "ZZ",
                "timezone": "Mars/Olympus",
                "hourly_cost": -3,
                "waiting_statuses": "Odottaa",
                "service_hours": "maanantaisin",
            },
        )
    errors = caught.value.errors
    assert set(errors) == {
        "targets.I10",
        "targets.XX",
        "holidays",
        "timezone",
        "hourly_cost",
        "waiting_statuses",
        "service_hours",
    }
    assert "cannot read 'paljon'" in errors["targets.I10"]
    assert "Unknown metric 'XX'" in errors["targets.XX"]
    assert "unknown holiday country or subdivision 'ZZ'" in errors["holidays"]
    assert "must be a number of euros an hour" in errors["hourly_cost"]
    assert "must be a list" in errors["waiting_statuses"]
    assert all(e.startswith("desk.karsta.yaml: ") for e in errors.values())
    assert settings.settings_path(workspace).read_text(encoding="utf-8") == before


def test_a_service_hour_target_needs_service_hours(tmp_path: Path) -> None:
    with pytest.raises(settings.SettingsInvalid) as caught:
        settings.save(tmp_path / "d.karsta", {"targets": {"O2": "80 % within 24 service hours"}})
    assert "no service_hours are set" in caught.value.errors["targets.O2"]


def test_a_save_from_an_outdated_page_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "desk.karsta"
    opened = settings.read_settings(workspace).text  # None: no file yet
    settings.save(workspace, {"hourly_cost": 40}, expected=opened)
    with pytest.raises(settings.SettingsConflict):
        settings.save(workspace, {"hourly_cost": 41}, expected=opened)
    assert load_config(settings.settings_path(workspace)).hourly_cost == 40.0


def test_saves_at_once_each_keep_their_change(tmp_path: Path) -> None:
    workspace = tmp_path / "desk.karsta"
    keys = ["desk_resolvable_categories", "waiting_statuses", "workaround_codes"]
    threads = [
        threading.Thread(target=settings.save, args=(workspace, {key: [f"v{i}"]}))
        for i, key in enumerate(keys * 5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(settings.read_settings(workspace).data) == set(keys)


def test_the_process_views_and_waste_read_the_settings(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    workspace = tmp_path / "desk.karsta"
    with karsta.open(workspace) as ws:
        import_file(log, workspace=ws, mapping=load_preset("event-log"))
    with karsta.open(workspace, read_only=True) as ws:
        before = ws.process.waiting().to_dict()["statuses"]
    settings.save(
        workspace,
        {"waiting_statuses": ["Toimittajalla"], "hourly_cost": 60, "waiting_hourly_cost": 10},
    )
    with karsta.open(workspace, read_only=True) as ws:
        after = ws.process.waiting().to_dict()["statuses"]
        waste = ws.process.waste()
    # T1 stays in Toimittajalla 10:00–16:00 (21,600 s): work by its name, waiting by the settings.
    assert {(r["status"], r["kind"], r["seconds"]) for r in before} >= {
        ("Toimittajalla", "working", 21600.0)
    }
    assert {(r["status"], r["kind"], r["seconds"]) for r in after} >= {
        ("Toimittajalla", "waiting", 21600.0)
    }
    assert (waste.assumptions.hourly_cost, waste.assumptions.waiting_hourly_cost) == (60.0, 10.0)
    result = CliRunner().invoke(app, ["waste", "--workspace", str(workspace), "--format", "json"])
    assert result.exit_code == 0, result.output
    assumptions = json.loads(result.output)["assumptions"]
    assert (assumptions["hourly_cost"], assumptions["waiting_hourly_cost"]) == (60.0, 10.0)
    given = CliRunner().invoke(
        app, ["waste", "--workspace", str(workspace), "--format", "json", "--hourly-cost", "30"]
    )
    assert json.loads(given.output)["assumptions"]["hourly_cost"] == 30.0  # the option wins


def test_stages_and_customer_value_are_saved_and_checked(tmp_path: Path) -> None:
    from karsta.metrics.config import load_config
    from karsta.settings import SettingsInvalid, save

    workspace = tmp_path / "desk.karsta"
    path = tmp_path / "desk.karsta.yaml"
    path.write_text('targets:\n  I10: "<= 2 %"\nstages:\n  old: [New]\n', encoding="utf-8")
    saved = save(
        workspace,
        {
            "stages": {"intake": ["New"], "työ": ["Active"]},
            "customer_value": {"steps": {"New": "waste"}},
        },
    )
    assert saved.config.stages.stages == (("intake", ("New",)), ("työ", ("Active",)))
    assert load_config(path).stages.step_values == {"New": "waste"}
    assert "old" not in path.read_text(encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    # A step in two stages, or a mark that is not one of the three, is refused: nothing written.
    with pytest.raises(SettingsInvalid) as twice:
        save(workspace, {"stages": {"a": ["New"], "b": ["New"]}})
    assert "activity 'New' is in both" in str(twice.value.errors["stages"])
    with pytest.raises(SettingsInvalid) as golden:
        save(workspace, {"customer_value": {"stages": {"a": "golden"}}})
    assert "not one of value-adding, necessary, waste" in str(golden.value.errors["customer_value"])
    assert path.read_text(encoding="utf-8") == before
    save(workspace, {"stages": None, "customer_value": None})  # None removes a key
    assert "stages" not in path.read_text(encoding="utf-8")
