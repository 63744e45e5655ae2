"""The canonical schema and its generated reference page."""

from __future__ import annotations

from pathlib import Path

from karsta.schema import CANONICAL_TABLES, reference_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


def test_docs_page_is_generated_from_the_schema() -> None:
    assert DOCS.read_text(encoding="utf-8") == reference_markdown(), "run: make docs"


def test_every_column_is_described_and_keys_exist() -> None:
    for table in CANONICAL_TABLES:
        assert table.key, table.name
        assert set(table.key) <= set(table.column_names), table.name
        for column in table.columns:
            assert column.description.endswith("."), (table.name, column.name)
        assert len(set(table.column_names)) == len(table.columns)


def test_all_six_canonical_tables_are_defined() -> None:
    names = {t.name for t in CANONICAL_TABLES}
    assert {"tickets", "ticket_events", "contacts", "surveys", "visits", "staffing"} <= names
