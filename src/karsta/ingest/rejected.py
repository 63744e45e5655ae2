"""Rejected rows: the raw text each keeps, and the limit on how many an import may reject.

A rejected row keeps its raw text as it is in the file (a CSV or JSON line, with
every line of a value that spans lines; for a sheet, Parquet or XES, its values
as JSON), so it can be fixed and imported again. Under pseudonymisation the
personal fields of that text are pseudonymised like the loaded rows' — and every
field of a row that cannot be split into the header's columns, since which of
them is personal cannot be told.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import duckdb
import pyarrow as pa

from karsta.i18n import Message
from karsta.ingest.errors import RejectExample
from karsta.ingest.staging import RawFile, Rewrite

EXAMPLES = 5


class RejectLimitError(ValueError):
    """A --max-rejects value that is neither a share nor a number of rows."""


@dataclass(frozen=True, slots=True)
class RejectLimit:
    """How many rows an import may reject: a share of the rows read, or a number of rows."""

    percent: Fraction | None = None
    rows: int | None = None

    @classmethod
    def parse(cls, value: RejectLimit | str | int) -> RejectLimit:
        """Return the limit a value gives: '1%', '0.5 %', '250' (rows), or a whole number."""
        if isinstance(value, RejectLimit):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return cls(rows=value)
        text = str(value).strip().replace(",", ".")
        share = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text)
        if share and Fraction(share.group(1)) <= 100:
            return cls(percent=Fraction(share.group(1)))
        if text.isdigit():
            return cls(rows=int(text))
        raise RejectLimitError(
            Message(
                "--max-rejects {value!r} is neither a share of the rows (such as 1% or 0.5%) "
                "nor a number of rows (such as 250).",
                value=str(value),
            )
        )

    def allows(self, rejected: int, read: int) -> bool:
        """Return whether `rejected` of `read` rows is within the limit."""
        if self.rows is not None:
            return rejected <= self.rows
        return rejected * 100 <= (self.percent or 0) * read

    def __str__(self) -> str:
        """Return the limit for people ('1%', '250 rows'); a `Message`, shown translated."""
        if self.rows is not None:
            template = "{rows} row" if self.rows == 1 else "{rows} rows"
            return Message(template, rows=self.rows)
        return f"{float(self.percent or 0):g}%"


DEFAULT_LIMIT = RejectLimit(percent=Fraction(1))


def examples(con: duckdb.DuckDBPyConnection, table: str, personal: set[str]) -> list[RejectExample]:
    """Return the first rejected rows' problems by line; a personal column's value is not shown.

    Values left empty in loaded rows are not rejects of their rows: they are left out.
    """
    rows = con.execute(
        f"SELECT line, source_column, reason, value FROM {table} WHERE row_loaded IS NOT TRUE "
        f"ORDER BY line, source_column NULLS FIRST LIMIT {EXAMPLES}"
    ).fetchall()
    return [
        RejectExample(
            int(line),
            column,
            str(reason),
            None if column is None or column in personal or value is None else str(value),
        )
        for line, column, reason, value in rows
    ]


def keep_raw_text(
    con: duckdb.DuckDBPyConnection, raw: RawFile, table: str, rewrite: Rewrite | None
) -> None:
    """Fill in the raw text of every reject in `table`; pass each field through `rewrite`."""
    missing = [
        int(line)
        for (line,) in con.execute(
            f"SELECT DISTINCT line FROM {table} WHERE raw IS NULL ORDER BY 1"
        ).fetchall()
    ]
    if missing and raw.raw_text is not None:
        _update(con, table, raw.raw_text(con, missing), where="t.raw IS NULL")
    if rewrite is None:
        return
    found = con.execute(f"SELECT DISTINCT line, raw FROM {table} WHERE raw IS NOT NULL").fetchall()
    rewritten = _rewritten(raw.rewrite_raw, rewrite, {int(n): str(t) for n, t in found})
    _update(con, table, rewritten, where="true")


def _rewritten(
    rewrite_raw: Callable[[str, Rewrite], str | None] | None,
    rewrite: Rewrite,
    texts: dict[int, str],
) -> dict[int, str | None]:
    """Return each text with its fields rewritten (None where the fields cannot be told)."""
    if rewrite_raw is None:
        return dict.fromkeys(texts)
    return {line: rewrite_raw(text, rewrite) for line, text in texts.items()}


def _update(
    con: duckdb.DuckDBPyConnection,
    table: str,
    texts: dict[int, str] | dict[int, str | None],
    *,
    where: str,
) -> None:
    """Set the raw text of the rejects of each line (one statement)."""
    if not texts:
        return
    lines = list(texts)
    given = pa.table(
        {"line": pa.array(lines, pa.int64()), "text": pa.array([texts[n] for n in lines])}
    )
    con.register("__karsta_raw_texts", given)
    try:
        con.execute(
            f"UPDATE {table} AS t SET raw = g.text FROM __karsta_raw_texts AS g "
            f"WHERE t.line = g.line AND {where}"
        )
    finally:
        con.unregister("__karsta_raw_texts")
