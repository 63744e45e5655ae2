"""Record mappings as files: the documented examples load, and mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from karsta.ingest.mapping import MappingError, load_mapping_file, load_preset
from karsta.ingest.mapping_reference import TECHNION_EXAMPLE, WIDE_SURVEY_EXAMPLE


def mapping_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_documented_examples_load(tmp_path: Path) -> None:
    technion = load_mapping_file(mapping_file(tmp_path, TECHNION_EXAMPLE))
    assert technion.records is not None
    assert technion.records.clock is not None
    assert technion.records.clock.year == 1999
    assert technion.table == "contacts"
    wide = load_mapping_file(mapping_file(tmp_path, WIDE_SURVEY_EXAMPLE))
    assert wide.records is not None
    assert [q.question for q in wide.records.questions] == ["recommend", "satisfied", "comment"]
    # The long preset's question, score, ... columns give way to the questions.
    assert "question" not in wide.records.fills
    assert "score" not in wide.records.fills


def test_the_acd_preset_keeps_the_year_as_written() -> None:
    rules = load_preset("acd").records
    assert rules is not None
    assert rules.clock is not None
    assert rules.clock.year is None


def test_a_record_table_must_have_its_required_columns(tmp_path: Path) -> None:
    path = mapping_file(tmp_path, "table: visits\ncolumns: {visit_id: Id}\n")
    with pytest.raises(MappingError, match="must fill kind of visits"):
        load_mapping_file(path)


def test_unknown_table_and_columns_are_named(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="table must be one of ticket_events, contacts"):
        load_mapping_file(mapping_file(tmp_path, "table: calls\n"))
    text = "table: visits\ncolumns: {visit_id: Id, waiting: Wait}\nconstants: {kind: appointment}\n"
    with pytest.raises(MappingError, match="visits has no columns waiting"):
        load_mapping_file(mapping_file(tmp_path, text))


def test_ticket_and_record_keys_do_not_mix(tmp_path: Path) -> None:
    text = "extends: event-log\nclock: {date: d, times: {t: {}}}\n"
    with pytest.raises(MappingError, match="clock only fill a record table"):
        load_mapping_file(mapping_file(tmp_path, text))
    text = "extends: acd\nlayout: tickets\n"
    with pytest.raises(MappingError, match="layout are for ticket mappings"):
        load_mapping_file(mapping_file(tmp_path, text))


def test_a_clock_time_follows_an_earlier_time(tmp_path: Path) -> None:
    text = (
        "table: contacts\ncolumns: {contact_id: id, arrived_at: b}\n"
        "constants: {channel: phone}\n"
        "clock: {date: d, times: {b: {follows: a}, a: {}}}\n"
    )
    with pytest.raises(MappingError, match="follows must name times listed before it, not a"):
        load_mapping_file(mapping_file(tmp_path, text))


def test_a_bad_condition_is_named(tmp_path: Path) -> None:
    text = "extends: acd\ncases: [{when: {q_time: {more: 0}}, set: {outcome: abandoned}}]\n"
    with pytest.raises(MappingError, match=r"cases\[0\].when.q_time"):
        load_mapping_file(mapping_file(tmp_path, text))
