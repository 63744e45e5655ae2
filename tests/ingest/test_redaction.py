"""Redaction of identity codes, e-mail addresses, phone numbers and names in free-text columns.

The identity codes are generated here from the rule (DDMMYY, century sign,
individual number, check character = "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYNNN mod 31]),
independently of the product's SQL.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import karsta
from karsta.cli.main import app
from karsta.ingest import import_file
from karsta.ingest.mapping import SourceMapping
from karsta.ingest.redaction import RedactedText, redact_texts, redacted
from karsta.workspace import Workspace

CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SIGNS = {1800: "+", 1900: "-YXWVU", 2000: "ABCDEF"}


def hetu(day: date, individual: int, sign: str, *, valid: bool = True) -> str:
    """Return the identity code of `day` (its check character right, or wrong on purpose)."""
    digits = f"{day:%d%m}{day.year % 100:02d}"
    check = CHECK[int(f"{digits}{individual:03d}") % 31]
    if not valid:
        check = CHECK[(CHECK.index(check) + 1) % len(CHECK)]
    return f"{digits}{sign}{individual:03d}{check}"


def every_sign() -> list[tuple[date, str]]:
    """Return a birth date for every century sign: + (1800s), - Y X W V U, A B C D E F."""
    out = []
    for century, signs in SIGNS.items():
        for n, sign in enumerate(signs):
            out.append((date(century + 10 * n + 5, 1 + n, 28 - n), sign))
    return out


def redact(texts: list[str | None]) -> list[tuple[str | None, dict[str, int] | None]]:
    """Return (redacted text, counts) of each text, through the product's SQL."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM unnest($texts::VARCHAR[]) WITH ORDINALITY u(v, n)",
                {"texts": texts})  # fmt: skip
    rows = con.execute(f"SELECT v, {redacted('v')} FROM t ORDER BY n").fetchall()
    return [
        (v, None)
        if found is None
        else (found["text"], {k: found[k] for k in ("hetu", "email", "phone")})
        for v, found in rows
    ]


@pytest.mark.parametrize(("born", "sign"), every_sign())
def test_valid_identity_codes_of_every_century_are_redacted(born: date, sign: str) -> None:
    code = hetu(born, 123, sign)
    wrong = hetu(born, 123, sign, valid=False)
    texts = [f"asiakas {code} soitti", code, f"asiakas {wrong} soitti"]
    results = redact(texts)
    assert results[0] == ("asiakas [hetu] soitti", {"hetu": 1, "email": 0, "phone": 0})
    assert results[1][0] == "[hetu]"
    assert results[2][0] == texts[2]  # a wrong check character: not an identity code


def test_the_century_sign_decides_whether_the_date_exists() -> None:
    # 29 February 1900 did not exist, 29 February 2000 did; the check character is the same.
    leap_2000 = hetu(date(2000, 2, 29), 456, "A")
    not_leap_1900 = leap_2000.replace("A", "-")
    assert not_leap_1900[6] == "-"
    impossible = "310224-" + leap_2000[7:]  # 31 February, whatever its check character
    results = redact([leap_2000, not_leap_1900, impossible, "131052-308T 131052-308T"])
    assert [text for text, _counts in results] == [
        "[hetu]",
        not_leap_1900,
        impossible,
        "[hetu] [hetu]",
    ]
    assert results[3][1] == {"hetu": 2, "email": 0, "phone": 0}


def test_email_addresses_and_phone_numbers() -> None:
    texts = [
        "Soita +358 40 123 4567 tai 040-1234567",
        "vaihde 09 123 4567, faksi (09) 123 4568",
        "asiakas matti.meikalainen@example.fi kirjoitti",
        "Äiti.Öljy@posti.kotimaa.fi",
        "ring +46 8 123 456 78",
        # not personal: left as they are
        "Category 55",
        "INC0012345",
        "5.3.2024 9.05",
        "2024-01-08 09:00:00",
        "1 234,75 €",
        "Subcategory 170",
        None,
    ]
    results = redact(texts)
    assert results[:5] == [
        ("Soita [phone] tai [phone]", {"hetu": 0, "email": 0, "phone": 2}),
        ("vaihde [phone], faksi [phone]", {"hetu": 0, "email": 0, "phone": 2}),
        ("asiakas [email] kirjoitti", {"hetu": 0, "email": 1, "phone": 0}),
        ("[email]", {"hetu": 0, "email": 1, "phone": 0}),
        ("ring [phone]", {"hetu": 0, "email": 0, "phone": 1}),
    ]
    assert [text for text, _counts in results[5:]] == texts[5:]


NAMES = [
    # Finnish signatures and greetings
    ("Kiitos avusta!\nt. Matti", "Kiitos avusta!\nt. [name]"),
    ("Terveisin Anna Virtanen", "Terveisin [name]"),
    (
        "Ystävällisin terveisin,\n\nAnna-Liisa Korhonen\nAsiakaspalvelu",
        "Ystävällisin terveisin,\n\n[name]\nAsiakaspalvelu",
    ),
    ("Hei Matti, laskusta puuttuu rivi", "Hei [name], laskusta puuttuu rivi"),
    ("yst. terv. Pekka", "yst. terv. [name]"),
    # Swedish
    ("Hälsningar Erik", "Hälsningar [name]"),
    ("Med vänliga hälsningar\nErik Svensson", "Med vänliga hälsningar\n[name]"),
    ("Hej Karin, fakturan saknas", "Hej [name], fakturan saknas"),
    ("Tack för hjälpen /Erik", "Tack för hjälpen /[name]"),
    # English
    ("Regards, John Smith", "Regards, [name]"),
    ("Dear Anna, the bill is wrong", "Dear [name], the bill is wrong"),
]
NOT_NAMES = [
    "Hei, Minulla on ongelma laskun kanssa",  # a greeting, then a comma: the sentence begins
    "Hi! Thanks for nothing",
    "kiitos t. matti",  # written in lower case: not recognised
    "Puhelin / Chat",  # a slash between words, not a signature
    "Lasku Oli Väärin",  # capitalised words with no greeting or signature before them
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_names_after_greetings_and_signatures_are_redacted(text: str, expected: str) -> None:
    texts: list[str | None] = [text]
    assert redact(texts) == [(expected, {"hetu": 0, "email": 0, "phone": 0})]
    assert redact_texts([text]) == [
        RedactedText(expected, {"hetu": 0, "email": 0, "phone": 0, "name": 1})
    ]


def test_capitalised_words_elsewhere_are_not_names() -> None:
    assert [r.text for r in redact_texts(NOT_NAMES)] == NOT_NAMES
    assert all(r.total == 0 for r in redact_texts(NOT_NAMES))


def test_redact_texts_counts_every_kind_in_one_answer() -> None:
    code = hetu(date(2004, 2, 29), 37, "B")  # a 2000s sign the 2023 reform added
    text = f"Hetuni on {code}, soita 040 123 4567 tai maili a.b@example.fi\nt. Matti"
    [found] = redact_texts([text])
    assert found.text == "Hetuni on [hetu], soita [phone] tai maili [email]\nt. [name]"
    assert found.counts == {"hetu": 1, "email": 1, "phone": 1, "name": 1}
    # Already redacted text stays as it is and counts nothing; empty answers stay empty.
    assert redact_texts([found.text, None, ""]) == [
        RedactedText(found.text),
        RedactedText(None),
        RedactedText(""),
    ]
    assert redact_texts([]) == []


# --- through the import: mapped text columns, the accounting, identifiers left whole ------------

MAPPING = SourceMapping(
    name="desk",
    title="test mapping",
    layout="events",
    columns={
        "ticket_id": "Tiketti",
        "timestamp": "Aika",
        "activity": "Tila",
        "group": "Ryhmä",
        "category": "Luokka",
        "subcategory": "Aihe",
        "caller_id": "Asiakas",
    },
)


def desk_file(path: Path) -> Path:
    code_1900 = hetu(date(1952, 10, 13), 308, "-")  # 131052-308T
    code_2000 = hetu(date(2003, 4, 5), 921, "B")
    invalid = hetu(date(1980, 1, 1), 111, "Y", valid=False)
    rows = [
        "Tiketti;Aika;Tila;Ryhmä;Luokka;Aihe;Asiakas",
        f"T1;5.3.2024 9.05;Uusi;SD;Laskutus;Asiakas {code_1900} kysyy laskusta;{code_1900}",
        "T1;5.3.2024 9.30;Työn alla;SD;Laskutus;soita 040 765 4321 t. Matti;c1",
        "T2;6.3.2024 8.00;Uusi;Posti a.b@example.com;Muut;"
        f"{code_2000} ja {invalid}, vastaus a.b@example.com;c2",
        "T2;7.3.2024 8.00;Ratkaistu;SD;Muut;ok;c2",
        # rejected (bad date): its free text is not stored and not counted
        f"T3;eilen;Uusi;SD;Muut;{code_2000};c3",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def stored_text(ws: Workspace) -> list[tuple[str, ...]]:
    return ws.connection.execute(
        'SELECT ticket_id, activity, "group", category, subcategory, caller_id '
        "FROM ticket_events ORDER BY timestamp"
    ).fetchall()


def test_identity_codes_in_mapped_text_columns_are_redacted_and_counted(tmp_path: Path) -> None:
    path = desk_file(tmp_path / "desk.csv")
    with karsta.open(tmp_path / "w.karsta") as ws:
        report = import_file(path, workspace=ws, mapping=MAPPING, redact=True, max_rejects="50%")
        events = stored_text(ws)
        stored = ws.connection.execute(
            "SELECT source_column, hetu, email, phone, name FROM redactions ORDER BY 1"
        ).fetchall()
    invalid = hetu(date(1980, 1, 1), 111, "Y", valid=False)
    assert [e[4] for e in events] == [
        "Asiakas [hetu] kysyy laskusta",
        "soita [phone] t. [name]",
        f"[hetu] ja {invalid}, vastaus [email]",
        "ok",
    ]
    assert events[2][2] == "Posti [email]"
    # --redact alone leaves identifiers whole: they are pseudonymised with --pseudonymise.
    assert events[0][5] == "131052-308T"
    # By hand, over the four loaded rows: Aihe has 2 codes (rows 1 and 3), 1 e-mail, 1 phone
    # and 1 name (row 2); Ryhmä has 1 e-mail. The rejected row's code is not stored or counted.
    expected = [("Aihe", 2, 1, 1, 1), ("Ryhmä", 0, 1, 0, 0)]
    assert stored == expected
    assert sorted((r.column, r.hetu, r.email, r.phone, r.name) for r in report.redactions) == (
        expected
    )


def test_pseudonymise_redacts_free_text_and_replaces_identifiers(tmp_path: Path) -> None:
    path = desk_file(tmp_path / "desk.csv")
    with karsta.open(tmp_path / "w.karsta") as ws:
        report = import_file(
            path, workspace=ws, mapping=MAPPING, pseudonym_key=b"k" * 32, max_rejects="50%"
        )
        events = stored_text(ws)
    assert report.privacy.redact
    assert events[0][4] == "Asiakas [hetu] kysyy laskusta"
    assert all(str(e[5]).startswith("p:") for e in events)
    assert "131052-308T" not in repr(events)


def test_the_cli_and_the_summary_count_redactions_per_column(tmp_path: Path) -> None:
    path = desk_file(tmp_path / "desk.csv")
    mapping = tmp_path / "desk.yaml"
    mapping.write_text(
        "name: desk\ncolumns:\n  ticket_id: Tiketti\n  timestamp: Aika\n  activity: Tila\n"
        "  group: Ryhmä\n  category: Luokka\n  subcategory: Aihe\n  caller_id: Asiakas\n",
        encoding="utf-8",
    )
    ws = str(tmp_path / "w.karsta")
    runner = CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(app, ["import", str(path), "--mapping", str(mapping), "-w", ws,
                                 "--redact", "--max-rejects", "50%"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Redacted in free text" in result.output
    assert "not pseudonymised, free text redacted" in result.output
    summary = json.loads(runner.invoke(app, ["summary", "-w", ws, "--format", "json"]).output)
    expected = [
        {"column": "Aihe", "hetu": 2, "email": 1, "phone": 1, "name": 1},
        {"column": "Ryhmä", "hetu": 0, "email": 1, "phone": 0, "name": 0},
    ]
    assert summary["redactions"] == expected
    assert summary["imports"][0]["redactions"] == expected
    assert summary["privacy"]["mode"] == "redacted"
