"""The benchmark event-log generator: deterministic, well-formed, plausible."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from benchmarks.generate import COLUMNS, generate, parse_count, size_label

EVENTS = 2_000
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[23]:00$")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Generate the same log twice into two folders."""
    first, second = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    generate(EVENTS, seed=7, out_dir=first)
    generate(EVENTS, seed=7, out_dir=second)
    return first, second


def _csv(folder: Path) -> pa.Table:
    options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(COLUMNS, pa.string()), strings_can_be_null=True
    )
    return pacsv.read_csv(folder / "events-2k.csv", convert_options=options)


def test_same_seed_gives_identical_files(two_runs: tuple[Path, Path]) -> None:
    first, second = two_runs
    for name in ("events-2k.csv", "events-2k.parquet"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_other_seed_gives_other_events(two_runs: tuple[Path, Path], tmp_path: Path) -> None:
    generate(EVENTS, seed=8, out_dir=tmp_path)
    other = (tmp_path / "events-2k.csv").read_bytes()
    assert other != (two_runs[0] / "events-2k.csv").read_bytes()


def test_columns_rows_and_formats(two_runs: tuple[Path, Path]) -> None:
    folder = two_runs[0]
    parquet = pq.read_table(folder / "events-2k.parquet")
    assert tuple(parquet.column_names) == COLUMNS
    assert all(field.type == pa.string() for field in parquet.schema)
    table = _csv(folder)
    assert tuple(table.column_names) == COLUMNS
    assert table.num_rows == parquet.num_rows == EVENTS
    assert table.equals(parquet)
    assert all(ISO_WITH_OFFSET.match(s) for s in table["time:timestamp"].to_pylist())
    assert all(re.fullmatch(r"T\d{7}", s) for s in table["case:concept:name"].to_pylist())
    assert set(table["case:channel"].to_pylist()) <= {"phone", "email", "portal", "chat"}
    assert set(table["case:priority"].to_pylist()) <= {"1", "2", "3", "4"}
    assert set(table["case:type"].to_pylist()) == {"incident", "request"}
    assert len(set(table["concept:name"].to_pylist())) >= 10


def test_tickets_are_contiguous_with_plausible_length(two_runs: tuple[Path, Path]) -> None:
    rows = _csv(two_runs[0]).to_pylist()
    ids = [row["case:concept:name"] for row in rows]
    runs = [t for i, t in enumerate(ids) if i == 0 or ids[i - 1] != t]
    assert len(runs) == len(set(runs)), "a ticket's events are split over the file"
    assert 6.0 <= len(ids) / len(runs) <= 12.0
    first_of_ticket: dict[str, str] = {}
    for row in rows:
        first_of_ticket.setdefault(row["case:concept:name"], row["concept:name"])
    assert set(first_of_ticket.values()) == {"New"}
    for column in ("case:channel", "case:priority", "case:category", "case:type"):
        per_ticket = {(row["case:concept:name"], row[column]) for row in rows}
        assert len(per_ticket) == len(runs), f"{column} differs within a ticket"


@pytest.mark.parametrize(
    ("text", "count", "label"),
    [
        ("100k", 100_000, "100k"),
        ("1M", 1_000_000, "1M"),
        ("10000000", 10**7, "10M"),
        ("2500", 2_500, "2500"),
    ],
)
def test_sizes(text: str, count: int, label: str) -> None:
    assert parse_count(text) == count
    assert size_label(count) == label
