"""The improvement records: history of every change, export and import as JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from karsta.improve.catalog import WASTES
from karsta.improve.models import A3, Action, Idea, Improvement, ImprovementMetric, Workshop
from karsta.improve.records import (
    ImprovementRecords,
    RecordNotFound,
    RecordsFileError,
    export_records,
    import_records,
    read_records_file,
)


def test_a_workshop_holds_the_whole_checklist_undecided(db: Session) -> None:
    records = ImprovementRecords(db, "liisa")
    workshop = records.new_workshop("Palvelupiste", date(2026, 3, 2))
    # 8 information + 9 customer-process + 7 organisation wastes + 8 classic Lean wastes.
    assert len(workshop.items) == 8 + 9 + 7 + 8 == len(WASTES)
    assert all(item.relevant is None for item in workshop.items)
    created = records.history(Workshop, workshop.id)
    assert [(c.who, c.action) for c in created] == [("liisa", "created")]
    assert created[0].fields["team"] == "Palvelupiste"


def test_every_change_says_who_what_and_when(db: Session) -> None:
    records = ImprovementRecords(db, "liisa")
    a3 = records.add(A3(title="Pompottelu", actions=[Action(what="Soita asiakkaalle")]))
    ImprovementRecords(db, "matti").change(a3, step=3, target="Alle 5 % palautuu")
    ImprovementRecords(db, "matti").change(a3, step=3)  # nothing changes: no entry
    changes = records.history(A3, a3.id)
    assert [c.action for c in changes] == ["changed", "created"]
    assert changes[0].who == "matti"
    assert changes[0].fields == {"step": [1, 3], "target": ["", "Alle 5 % palautuu"]}
    assert changes[0].at.tzinfo is not None
    action_id = a3.actions[0].id
    records.delete(a3)
    gone = records.history(Action, action_id)
    assert gone[0].action == "deleted"
    assert gone[0].fields["what"] == "Soita asiakkaalle"  # the last values are kept
    with pytest.raises(RecordNotFound, match="No a3"):
        records.get(A3, a3.id)


def test_unknown_fields_are_refused(db: Session) -> None:
    records = ImprovementRecords(db, "liisa")
    idea = records.add(Idea(title="Chat-botti"))
    with pytest.raises(AttributeError, match="no field 'colour'"):
        records.change(idea, colour="red")


def _fill(db: Session) -> None:
    records = ImprovementRecords(db, "liisa")
    workshop = records.new_workshop("Tiimi A", date(2026, 1, 15), facilitator="Liisa")
    records.change(workshop.items[0], relevant=True, evidence="Kaksi järjestelmää", times=5)
    a3 = records.add(A3(title="Pompottelu", step=4, whys=["miksi 1", "miksi 2"]))
    records.add(Action(a3_id=a3.id, what="Ohjeistus", who="Matti", due=date(2026, 2, 1)))
    records.add(
        Idea(
            title="Yksi jono", impact=3, effort=1, a3_id=a3.id, source="finding:handoffs:ping-pong"
        )
    )
    records.add(
        Improvement(
            title="Yksi jono käyttöön",
            a3_id=a3.id,
            changed_on=date(2026, 3, 1),
            metrics=[ImprovementMetric(metric="O2", statistic="median", target="<= 24 h")],
        )
    )
    db.commit()


def test_export_and_import_move_every_record_with_their_links(db: Session, tmp_path: Path) -> None:
    _fill(db)
    exported = export_records(db)
    path = tmp_path / "records.json"
    path.write_text(exported.model_dump_json(indent=2), encoding="utf-8")
    with pytest.raises(RecordsFileError, match="--replace"):
        import_records(db, read_records_file(path), "matti")
    db.rollback()
    counts = import_records(db, read_records_file(path), "matti", replace=True)
    db.commit()
    assert counts["a3"] == 1
    assert counts["ideas"] == 1
    assert counts["workshops"] == 1
    again = export_records(db)
    a3 = again.a3[0]
    assert again.ideas[0].a3_id == a3.id  # the link follows the new ids
    assert again.improvements[0].a3_id == a3.id
    assert again.improvements[0].metrics[0].target == "<= 24 h"
    assert a3.actions[0].due == date(2026, 2, 1)
    assert again.workshops[0].items[0].evidence == "Kaksi järjestelmää"
    # The history came along, and the import is in it.
    actions = [c.action for c in again.history]
    assert actions.count("created") == len([c for c in exported.history if c.action == "created"])
    assert "imported" in actions
    assert {c.who for c in again.history} == {"liisa", "matti"}


def test_a_bad_records_file_names_the_place_and_value(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    data = {"a3": [{"title": "X", "step": 12}]}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RecordsFileError, match=r"bad.json: a3 → 0 → step: .*\(value 12\)"):
        read_records_file(path)
    path.write_text('{"a3": [', encoding="utf-8")
    with pytest.raises(RecordsFileError, match="line 1, column 9"):
        read_records_file(path)
