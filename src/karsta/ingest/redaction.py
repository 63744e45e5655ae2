"""Redaction of personal data in free text: identity codes, e-mail addresses, phones, names.

Each is replaced by a tag before the text is stored or shown: `[hetu]` for a
Finnish personal identity code (henkilötunnus) whose check character and date
are valid, `[email]` for an e-mail address, `[phone]` for a Finnish or
international phone number, `[name]` for a name where it can be recognised
without a language model: the capitalised words right after a signature
("t. Matti", "Terveisin Anna Virtanen", "Hälsningar Erik", "Regards, John"),
after a greeting on the same line ("Hei Matti", "Hej Erik", "Dear Anna") or
after a slash ("/Erik"). A name anywhere else, or written in lower case, is not
recognised; a capitalised word after a greeting is taken for a name ("Hei
Kaikki" becomes "Hei [name]").

Everything is SQL (`redacted`), run inside the import's parse: one regular
expression test per value, and the replacements only for the rare values that
match it. `redact_texts` runs the same SQL over texts about to be shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb

from karsta.ingest.sqltext import literal

KINDS = ("hetu", "email", "phone", "name")
TAGS = {"hetu": "[hetu]", "email": "[email]", "phone": "[phone]", "name": "[name]"}

# DDMMYY, the century sign (+ 1800s; - Y X W V U 1900s; A B C D E F 2000s), the
# individual number NNN and the check character.
HETU = r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y]\b"
CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
EMAIL = r"[\pL\pN._%+'-]+@[\pL\pN-]+(\.[\pL\pN-]+)*\.\pL{2,}"
# International (+358 40 123 4567, 00358 9 1234 567, +358 (0)40 ...) and national
# (040-1234567, 09 123 4567, (09) 123 4567): 8 to 15 digits, single spaces or
# hyphens between groups, not part of a longer run of digits or letters.
PHONE = (
    r"(\+|\b00)\d{1,3}([ -]?\(0\))?([ -]?\d){6,12}\b"
    r"|\(0\d{1,3}\)[ -]?\d([ -]?\d){4,8}\b"
    r"|\b0\d([ -]?\d){6,10}\b"
)
# Words after which a name follows: signatures (the name may be on the next line)
# and greetings (the name on the same line, no punctuation between).
SIGNATURES = (
    "terveisin", "terv\\.", "t\\.", "t:", "yst\\.", "hälsningar", "hälsning", "hälsar",
    "mvh", "regards", "rgds", "br,", "cheers", "sincerely",
)  # fmt: skip
GREETINGS = ("hei", "moi", "moikka", "terve", "hej", "hejsan", "hi", "hello", "dear")
# One to three capitalised words (Anna, Anna-Liisa, O'Brien), single spaces between.
NAME_WORDS = r"\p{Lu}\p{Ll}[\pL'-]*( \p{Lu}\p{Ll}[\pL'-]*){0,2}"
NAME = (
    r"((^|[^\pL\pN])(?i:" + "|".join(SIGNATURES) + r")[,:]?\s*"
    r"|(^|[^\pL\pN])(?i:" + "|".join(GREETINGS) + r")[ \t]+"
    r"|(^|\s)/)" + NAME_WORDS
)
ANY = f"{HETU}|{EMAIL}|{PHONE}|{NAME}"


def _hetu_valid(code: str) -> str:
    """SQL: whether a candidate code has the right check character and a real date."""
    number = f"CAST(substr({code}, 1, 6) || substr({code}, 8, 3) AS BIGINT)"
    check = f"substr({literal(CHECK_CHARACTERS)}, CAST({number} % 31 AS BIGINT) + 1, 1)"
    sign = f"substr({code}, 7, 1)"
    century = (
        f"CASE WHEN {sign} = '+' THEN '18' "
        f"WHEN {sign} IN ('A', 'B', 'C', 'D', 'E', 'F') THEN '20' ELSE '19' END"
    )
    day = f"substr({code}, 1, 4) || {century} || substr({code}, 5, 2)"
    return f"({check} = substr({code}, 11, 1) AND try_strptime({day}, '%d%m%Y') IS NOT NULL)"


def _valid_codes(text: str) -> str:
    """SQL: the checksum-valid identity codes in `text`, as a list."""
    return f"list_filter(regexp_extract_all({text}, {literal(HETU)}), lambda x: {_hetu_valid('x')})"


def _without_codes(text: str) -> str:
    """SQL: `text` with each valid identity code replaced by its tag."""
    codes = _valid_codes(text)
    return (
        f"list_reduce(list_prepend({text}, {codes}), "
        f"lambda acc, x: replace(acc, x, {literal(TAGS['hetu'])}))"
    )


def redacted(text: str) -> str:
    """SQL: a struct with `text` redacted and the number of each kind replaced.

    NULL when nothing in `text` looks like any kind: the caller keeps `text` as is.
    """
    step1 = _without_codes(text)
    step2 = f"regexp_replace({step1}, {literal(EMAIL)}, {literal(TAGS['email'])}, 'g')"
    step3 = f"regexp_replace({step2}, {literal(PHONE)}, {literal(TAGS['phone'])}, 'g')"
    # The greeting or signature (group 1) stays, the name after it goes.
    keep_greeting = literal("\\1" + TAGS["name"])
    step4 = f"regexp_replace({step3}, {literal(NAME)}, {keep_greeting}, 'g')"
    counts = {
        "hetu": f"len({_valid_codes(text)})",
        "email": f"len(regexp_extract_all({step1}, {literal(EMAIL)}))",
        "phone": f"len(regexp_extract_all({step2}, {literal(PHONE)}))",
        "name": f"len(regexp_extract_all({step3}, {literal(NAME)}))",
    }
    fields = ", ".join(f"{k} := CAST({v} AS INTEGER)" for k, v in counts.items())
    return (
        f"CASE WHEN regexp_matches({text}, {literal(ANY)}) "
        f"THEN struct_pack(text := {step4}, {fields}) END"
    )


@dataclass(frozen=True, slots=True)
class Redactions:
    """How many values of one source column were replaced, by kind."""

    column: str
    hetu: int = 0
    email: int = 0
    phone: int = 0
    name: int = 0

    @property
    def total(self) -> int:
        """Return the number of replacements of every kind."""
        return self.hetu + self.email + self.phone + self.name


def merged(parts: Iterable[Redactions]) -> list[Redactions]:
    """Return the redactions added up per column, columns with none left out."""
    by_column: dict[str, Redactions] = {}
    for part in parts:
        seen = by_column.get(part.column, Redactions(part.column))
        by_column[part.column] = Redactions(
            part.column,
            seen.hetu + part.hetu,
            seen.email + part.email,
            seen.phone + part.phone,
            seen.name + part.name,
        )
    return [r for r in by_column.values() if r.total]


@dataclass(frozen=True, slots=True)
class RedactedText:
    """One text as it may be shown, and how many values of each kind were replaced in it."""

    text: str | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self) -> int:
        """Return the number of replacements of every kind."""
        return sum(self.counts.values())


def redact_texts(texts: Sequence[str | None]) -> list[RedactedText]:
    """Return each text redacted by the same SQL the import runs (`redacted`), in order.

    For free text read from a workspace before it is shown or analysed: text a
    redacting import stored is already redacted and comes back unchanged.
    """
    if not texts:
        return []
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT v, {redacted('v')} FROM unnest($texts::VARCHAR[]) WITH ORDINALITY u(v, n) "
            "ORDER BY n",
            {"texts": list(texts)},
        ).fetchall()
    finally:
        con.close()
    return [
        RedactedText(v)
        if found is None
        else RedactedText(found["text"], {k: int(found[k]) for k in KINDS})
        for v, found in rows
    ]
