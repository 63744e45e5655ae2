"""The `email` and `survey` presets on files the tests write, and the wide survey layout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from karsta.ingest import ImportFailed, import_file, load_preset
from karsta.ingest.mapping import load_mapping_file
from karsta.privacy import pseudonym
from karsta.workspace import Workspace


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.connection.execute(sql).fetchall()


def test_email_contacts(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "mail.csv"
    path.write_text(
        "Message id,Channel,Queue,Type,Customer,Ticket,Received,First response,Closed,Agent\n"
        "M1,E-mail,Laskutus,invoice,C1,T1,2024-03-04 09:00,2024-03-04 11:30,,Aino\n"
        "M2,Lomake,Tunnukset,login,C2,,2024-03-04 16:45,,,\n"
        "M3,,Laskutus,invoice,C1,T1,2024-03-05 08:00,2024-03-05 08:20,2024-03-05 09:00,Aino\n",
        encoding="utf-8",
    )
    report = import_file(path, workspace=workspace, mapping=load_preset("email"))
    assert (report.rows_read, report.rows_loaded, report.records_new) == (3, 3, 3)
    got = rows(
        workspace,
        "SELECT contact_id, channel, realtime, queue, arrived_at, answered_at, outcome, agent "
        "FROM contacts ORDER BY 1",
    )
    # Helsinki is UTC+2 in early March.
    assert got == [
        ("M1", "email", False, "Laskutus", utc("2024-03-04 07:00"), utc("2024-03-04 09:30"),
         "answered", "Aino"),
        ("M2", "form", False, "Tunnukset", utc("2024-03-04 14:45"), None, None, None),
        # No channel written: the preset's channel (email) is used.
        ("M3", "email", False, "Laskutus", utc("2024-03-05 06:00"), utc("2024-03-05 06:20"),
         "answered", "Aino"),
    ]  # fmt: skip


LONG = (
    "response_id,respondent_id,ticket_id,instrument,question,score,scale_min,scale_max,"
    "free_text,language,channel,sent_at,answered_at\n"
    "R1,anna@example.fi,T1,nps,recommend,9,0,10,,fi,phone,2024-03-01 10:00,2024-03-01 12:00\n"
    "R1,anna@example.fi,T1,CSAT,satisfied,4,1,5,Hyvää palvelua,fi,phone,"
    "2024-03-01 10:00,2024-03-01 12:00\n"
    "R2,bo@example.se,T2,CES,effort,2,1,7,Mitt personnummer 131052-308T syns,sv,chat,"
    "2024-03-02 10:00,\n"
    "R3,x,T3,survey monkey,q,3,1,5,,en,email,2024-03-02 10:00,\n"
)


def test_long_survey_export(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(LONG, encoding="utf-8")
    report = import_file(path, workspace=workspace, mapping=load_preset("survey"), max_rejects=1)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 3, 1)
    assert report.reject_groups[0].reason.startswith("not one of NPS, CSAT, CES")
    got = rows(
        workspace,
        "SELECT response_id, instrument, question, score, scale_min, scale_max, language "
        "FROM surveys ORDER BY 1, 2",
    )
    assert got == [
        ("R1", "CSAT", "satisfied", 4.0, 1.0, 5.0, "fi"),
        ("R1", "NPS", "recommend", 9.0, 0.0, 10.0, "fi"),
        ("R2", "CES", "effort", 2.0, 1.0, 7.0, "sv"),
    ]


def test_survey_free_text_is_redacted_and_respondents_pseudonymised(
    tmp_path: Path, workspace: Workspace
) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(LONG, encoding="utf-8")
    key = b"s" * 32
    report = import_file(
        path, workspace=workspace, mapping=load_preset("survey"), pseudonym_key=key, max_rejects=1
    )
    texts = dict(
        rows(workspace, "SELECT response_id, free_text FROM surveys WHERE free_text IS NOT NULL")
    )
    # 131052-308T is a valid identity code (check character T): redacted like ticket text.
    assert texts == {"R1": "Hyvää palvelua", "R2": "Mitt personnummer [hetu] syns"}
    assert sum(r.hetu for r in report.redactions) == 1
    respondents = {r for (r,) in rows(workspace, "SELECT DISTINCT respondent_id FROM surveys")}
    assert respondents == {pseudonym(key, "anna@example.fi"), pseudonym(key, "bo@example.se")}


def test_wide_survey_export(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "Vastaus,Vastaaja,Tiketti,Lähetetty,Vastattu,Suosittelu,Tyytyväisyys,Kommentti\n"
        "V1,A,T1,2024-03-01 10:00,2024-03-01 11:00,10,5,Nopea vastaus\n"
        "V2,B,T2,2024-03-01 10:00,2024-03-01 12:00,3,,\n",
        encoding="utf-8",
    )
    mapping_file = tmp_path / "wide.yaml"
    mapping_file.write_text(
        "extends: survey\n"
        "name: palaute\n"
        "columns: {response_id: Vastaus, respondent_id: Vastaaja, ticket_id: Tiketti,\n"
        "          sent_at: Lähetetty, answered_at: Vastattu}\n"
        "questions:\n"
        "  - {column: Suosittelu, question: recommend, instrument: NPS, scale: [0, 10]}\n"
        "  - {column: Tyytyväisyys, question: satisfied, instrument: CSAT, scale: [1, 5]}\n"
        "  - {column: Kommentti, question: comment, free_text: true}\n",
        encoding="utf-8",
    )
    mapping = load_mapping_file(mapping_file)
    report = import_file(path, workspace=workspace, mapping=mapping)
    # Two responses read and loaded; four answered questions stored (V2 left two empty).
    assert (report.rows_read, report.rows_loaded, report.records_new) == (2, 2, 4)
    got = rows(
        workspace,
        "SELECT response_id, question, instrument, score, scale_max, free_text, answered_at "
        "FROM surveys ORDER BY 1, 2",
    )
    assert got == [
        ("V1", "comment", "custom", None, None, "Nopea vastaus", utc("2024-03-01 09:00")),
        ("V1", "recommend", "NPS", 10.0, 10.0, None, utc("2024-03-01 09:00")),
        ("V1", "satisfied", "CSAT", 5.0, 5.0, None, utc("2024-03-01 09:00")),
        ("V2", "recommend", "NPS", 3.0, 10.0, None, utc("2024-03-01 10:00")),
    ]
    again = import_file(path, workspace=workspace, mapping=mapping)
    assert (again.records_new, again.records_present) == (0, 4)


def test_changed_row_replaces_the_stored_one(tmp_path: Path, workspace: Workspace) -> None:
    header = "Message id,Channel,Queue,Type,Customer,Ticket,Received,First response,Closed,Agent\n"
    first = tmp_path / "monday.csv"
    first.write_text(header + "M1,E-mail,Q,t,C1,,2024-03-04 09:00,,,\n", encoding="utf-8")
    later = tmp_path / "tuesday.csv"
    later.write_text(
        header + "M1,E-mail,Q,t,C1,,2024-03-04 09:00,2024-03-05 10:00,,Aino\n", encoding="utf-8"
    )
    import_file(first, workspace=workspace, mapping=load_preset("email"))
    report = import_file(later, workspace=workspace, mapping=load_preset("email"))
    assert (report.records_new, report.records_updated) == (0, 1)
    assert rows(workspace, "SELECT outcome, answered_at FROM contacts") == [
        ("answered", utc("2024-03-05 08:00"))
    ]


def test_a_missing_key_column_stops_the_import(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "mail.csv"
    path.write_text("Channel,Received,First response\nE-mail,2024-03-04 09:00,\n")
    with pytest.raises(ImportFailed, match="Message id"):
        import_file(path, workspace=workspace, mapping=load_preset("email"))
    assert workspace.count("imports") == 0


def test_a_staffing_mapping_fills_the_staffing_table(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(
        "Alku;Loppu;Tiimi;HTV;Tunnit;Kulut\n"
        "1.3.2024;31.3.2024;Palvelupiste;4,5;620;41000\n"
        "1.3.2024;31.3.2024;Verkko;2;300;25000\n"
        "1.3.2024;31.3.2024;Palvelupiste;4,5;620;41000\n",
        encoding="utf-8",
    )
    mapping_file = tmp_path / "staff.yaml"
    mapping_file.write_text(
        "name: henkilosto\ntable: staffing\n"
        "columns: {period_start: Alku, period_end: Loppu, team: Tiimi, fte: HTV,\n"
        "          hours_available: Tunnit, cost_eur: Kulut}\n",
        encoding="utf-8",
    )
    report = import_file(
        path, workspace=workspace, mapping=load_mapping_file(mapping_file), max_rejects=1
    )
    # The third line repeats the first one's key (period, team, no agent): rejected.
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    got = rows(workspace, "SELECT period_start, period_end, team, fte FROM staffing ORDER BY 3")
    assert [(str(a), str(b), t, f) for a, b, t, f in got] == [
        ("2024-03-01", "2024-03-31", "Palvelupiste", 4.5),
        ("2024-03-01", "2024-03-31", "Verkko", 2.0),
    ]


VISITS_HEADER = (
    "PatientId,AppointmentID,Gender,ScheduledDay,AppointmentDay,Age,Neighbourhood,"
    "Scholarship,Hipertension,Diabetes,Alcoholism,Handcap,SMS_received,No-show\n"
)


def test_visits_customers_are_pseudonymised_as_written(
    tmp_path: Path, workspace: Workspace
) -> None:
    path = tmp_path / "visits.csv"
    path.write_text(
        VISITS_HEADER
        + "29872499824296,5642903,F,2016-04-29T18:38:08Z,2016-05-02T00:00:00Z,62,CENTRO,0,1,0,"
        "0,0,1,Yes\n"
        # A patient id the source itself wrote in exponent form: kept as text, as written.
        "9377952927E-5,5712759,F,2016-05-18T09:12:29Z,2016-05-18T00:00:00Z,33,CENTRO,1,0,0,"
        "0,0,0,No\n",
        encoding="utf-8",
    )
    key = b"v" * 32
    import_file(path, workspace=workspace, mapping=load_preset("visits"), pseudonym_key=key)
    got = rows(
        workspace,
        "SELECT visit_id, customer_id, no_show, reminder_sent, welfare, age, scheduled_at "
        "FROM visits ORDER BY 1",
    )
    # São Paulo is UTC-3: the appointment day's 00:00 is 03:00 UTC.
    assert got == [
        ("5642903", pseudonym(key, "29872499824296"), True, True, False, 62,
         utc("2016-05-02 03:00")),
        ("5712759", pseudonym(key, "9377952927E-5"), False, False, True, 33,
         utc("2016-05-18 03:00")),
    ]  # fmt: skip


def test_visits_segment_is_the_age_band(tmp_path: Path, workspace: Workspace) -> None:
    """The preset derives the segment from Age: 0–17, 18–39, 40–64, 65+; none below 0.

    Each age sits at a band's edge, so a band off by one year shows: -1 → none,
    0 and 17 → 0–17, 18 and 39 → 18–39, 40 and 64 → 40–64, 65 and 102 → 65+; an age
    the file leaves empty gets no segment.
    """
    ages = ["-1", "0", "17", "18", "39", "40", "64", "65", "102", ""]
    path = tmp_path / "visits.csv"
    path.write_text(
        VISITS_HEADER
        + "".join(
            f"{100 + i},{5600000 + i},F,2016-04-29T18:38:08Z,2016-05-02T00:00:00Z,{age},CENTRO,"
            "0,0,0,0,0,1,No\n"
            for i, age in enumerate(ages)
        ),
        encoding="utf-8",
    )
    report = import_file(path, workspace=workspace, mapping=load_preset("visits"))
    assert (report.rows_read, report.rows_loaded) == (10, 10)
    got = rows(workspace, "SELECT age, segment FROM visits ORDER BY visit_id")
    assert got == [
        (-1, None), (0, "0–17"), (17, "0–17"), (18, "18–39"), (39, "18–39"),
        (40, "40–64"), (64, "40–64"), (65, "65+"), (102, "65+"), (None, None),
    ]  # fmt: skip
