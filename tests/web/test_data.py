"""Data pages: upload, preview and proposed preset, the mapping wizard, imports and rejects."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from karsta.cli.main import app as cli
from karsta.web import WebConfig, create_app
from karsta.web.models import Role
from karsta.workspace import Workspace
from tests.web.conftest import PASSWORD, Site, csrf, sign_in

HELPDESK = Path(__file__).resolve().parents[2].parent / "shared/data/helpdesk-italy"
UNKNOWN = (
    "Tiketti;Tila;Aikaleima;Käsittelijä;Ryhmä\n"
    "T1;Uusi;1.2.2024 8.05;Aino;Palvelupiste\n"
    "T1;Työn alla;1.2.2024 9.00;Aino;Palvelupiste\n"
    "T1;Ratkaistu;1.2.2024 10.30;Aino;Palvelupiste\n"
    "T2;Uusi;2.2.2024 8.00;Eero;Verkko\n"
    "T2;Odottaa asiakasta;2.2.2024 9.00;Eero;Verkko\n"
    "T2;Ratkaistu;2.2.2024 12.00;Eero;Verkko\n"
    "T2;Suljettu;3.2.2024 12.00;Eero;Verkko\n"
)


@pytest.fixture
def empty_site(tmp_path: Path) -> Site:
    """Return the web app on a workspace not imported yet, with an analyst and a viewer."""
    built = Site(
        create_app(
            WebConfig(
                workspace=tmp_path / "desk.karsta", database_url=f"sqlite:///{tmp_path}/a.sqlite"
            )
        ),
        tmp_path / "desk.karsta",
    )
    built.add_user("analyst", Role.ANALYST)
    built.add_user("other", Role.ANALYST)
    built.add_user("limited", Role.ANALYST, groups=["Verkko"])
    return built


def upload(browser: TestClient, name: str, content: bytes) -> Any:
    """Post the upload form as a browser does: the CSRF field first, then the file."""
    token = csrf(browser, "/data/upload")
    return browser.post(
        "/data/upload", data={"csrftoken": token}, files={"file": (name, content, "text/csv")}
    )


def token_of(response: Any) -> str:
    assert response.status_code == 303, response.text[:500]
    found = re.fullmatch(r"/data/uploads/([\w-]+)", response.headers["location"])
    assert found
    return found.group(1)


def start_import(browser: TestClient, token: str, mapping: str, **extra: str) -> int:
    form = {"csrftoken": csrf(browser, f"/data/uploads/{token}"), "mapping": mapping, **extra}
    started = browser.post(f"/data/uploads/{token}/import", data=form)
    assert started.status_code == 303, started.text[:800]
    found = re.fullmatch(r"/data/jobs/(\d+)", started.headers["location"])
    assert found
    return int(found.group(1))


def finished(site: Site, browser: TestClient, job: int) -> dict[str, Any]:
    site.state.imports.wait(timeout=120)
    data: dict[str, Any] = browser.get(f"/data/jobs/{job}.json").json()
    return data


def test_the_helpdesk_log_is_proposed_event_log_and_imported_with_its_accounting(
    empty_site: Site,
) -> None:
    log = HELPDESK / "helpdesk_named_disco.csv"
    analyst = empty_site.signed_in("analyst")
    token = token_of(upload(analyst, log.name, log.read_bytes()))
    page = analyst.get(f"/data/uploads/{token}.json").json()
    assert page["proposed"] == "event-log"
    assert page["preview"]["columns"][0]["name"] == "concept:name"
    assert len(page["preview"]["rows"]) == 10
    assert page["privacy"]["mode"] is None  # the first import fixes it
    job = start_import(analyst, token, "preset:event-log")
    status = finished(empty_site, analyst, job)
    assert status["upload"]["status"] == "done", status
    assert status["percent"] == 100.0
    import_id = status["upload"]["workspace_import_id"]
    accounting = analyst.get(f"/data/imports/{import_id}.json").json()["accounting"]
    # Independently: every line after the header is a row; one ticket per distinct case.
    with log.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert accounting["rows_read"] == len(rows)
    assert accounting["rows_loaded"] + accounting["rows_rejected"] == accounting["rows_read"]
    assert accounting["balanced"] is True
    assert accounting["tickets_created"] == len({r["case:concept:name"] for r in rows})
    assert accounting["events_new"] + accounting["events_present"] == accounting["rows_loaded"]
    assert accounting["file"] == log.name
    listed = analyst.get("/data/imports.json").json()["imports"]
    assert listed[0]["accounting"]["import_id"] == import_id
    assert listed[0]["upload"]["user"] == "analyst"  # who uploaded it
    page_fi = analyst.get(f"/data/imports/{import_id}", headers={"accept-language": "fi"})
    assert "luettu = ladattu + hylätty" in page_fi.text
    assert not list(empty_site.state.uploads.folder.iterdir())  # the upload is gone


def test_a_queue_log_is_proposed_acd_and_imported_into_contacts(empty_site: Site) -> None:
    log = (
        "vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,vru_time,"
        "q_start,q_exit,q_time,outcome,ser_start,ser_exit,ser_time,server\n"
        "AA0101,1,111,1,PS,2010-08-02,10:00:00,10:00:10,10,10:00:10,10:00:40,30,AGENT,"
        "10:00:40,10:02:40,120,ANNA\n"
        "AA0105,5,0,1,PS,2010-08-02,12:00:00,12:00:30,30,0:00:00,0:00:00,0,HANG,0:00:00,"
        "0:00:00,0,NO_SERVER\n"
    )
    analyst = empty_site.signed_in("analyst")
    token = token_of(upload(analyst, "calls.csv", log.encode()))
    assert analyst.get(f"/data/uploads/{token}.json").json()["proposed"] == "acd"
    status = finished(empty_site, analyst, start_import(analyst, token, "preset:acd"))
    assert status["upload"]["status"] == "done", status
    import_id = status["upload"]["workspace_import_id"]
    accounting = analyst.get(f"/data/imports/{import_id}.json").json()["accounting"]
    assert (accounting["rows_read"], accounting["rows_loaded"]) == (2, 2)
    assert (accounting["table"], accounting["records_new"]) == ("contacts", 2)
    page = analyst.get(f"/data/imports/{import_id}")
    assert "contacts: rows new" in page.text
    assert "tickets created" not in page.text


def test_an_unknown_export_through_the_wizard_imports_like_the_cli(
    empty_site: Site, tmp_path: Path
) -> None:
    analyst = empty_site.signed_in("analyst")
    token = token_of(upload(analyst, "palvelupiste.csv", UNKNOWN.encode("utf-8")))
    assert analyst.get(f"/data/uploads/{token}.json").json()["proposed"] is None
    wizard = analyst.get(f"/data/uploads/{token}/mapping.json").json()
    chosen = {c["canonical"]: c["chosen"] for c in wizard["columns"]}
    assert (chosen["ticket_id"], chosen["activity"], chosen["timestamp"]) == (
        "Tiketti",
        "Tila",
        "Aikaleima",
    )
    assert wizard["preview"]["delimiter"] == ";"
    assert wizard["preview"]["timestamp_format"] == "%d.%m.%Y %H.%M"
    # The statuses by rows: Uusi 2, Ratkaistu 2, then one each (by name); classes from names.
    statuses = {s["value"]: (s["rows"], s["proposed"]) for s in wizard["statuses"]}
    assert statuses == {
        "Ratkaistu": (2, "resolved"),
        "Uusi": (2, None),
        "Odottaa asiakasta": (1, "waiting"),
        "Suljettu": (1, "closed"),
        "Työn alla": (1, None),
    }
    fragment = analyst.get(
        f"/data/uploads/{token}/mapping", params={"activity": "Tila"}, headers={"hx-request": "1"}
    )
    assert fragment.text.lstrip().startswith('<div id="statuses">')
    classes = {"Uusi": "new", "Työn alla": "active", "Odottaa asiakasta": "waiting",
               "Ratkaistu": "resolved", "Suljettu": "closed"}  # fmt: skip
    form: dict[str, Any] = {
        "csrftoken": csrf(analyst, f"/data/uploads/{token}/mapping"),
        "ticket_id": "Tiketti",
        "activity": "Tila",
        "timestamp": "Aikaleima",
        "agent": "Käsittelijä",
        "group": "Ryhmä",
        "name": "Palvelupiste",
        "status": list(classes),
        "status_class": list(classes.values()),
        "pause": ["Odottaa asiakasta"],
    }
    saved = analyst.post(f"/data/uploads/{token}/mapping", data=form)
    assert saved.status_code == 303, saved.text[:800]
    assert saved.headers["location"] == f"/data/uploads/{token}?mapping=file:palvelupiste"
    yaml_text = analyst.get("/data/mappings/palvelupiste.yaml")
    assert yaml_text.status_code == 200
    mapping_file = tmp_path / "palvelupiste.yaml"
    mapping_file.write_bytes(yaml_text.content)
    job = start_import(analyst, token, "file:palvelupiste")
    assert finished(empty_site, analyst, job)["upload"]["status"] == "done"
    # The downloaded file imports the same rows with the CLI.
    source = tmp_path / "palvelupiste.csv"
    source.write_text(UNKNOWN, encoding="utf-8")
    other = tmp_path / "cli.karsta"
    result = CliRunner().invoke(
        cli, ["import", str(source), "--mapping", str(mapping_file), "--workspace", str(other)]
    )
    assert result.exit_code == 0, result.output
    query = (
        'SELECT ticket_id, activity, timestamp, agent, "group", status_class, is_pause '
        "FROM ticket_events ORDER BY ALL"
    )
    with Workspace.open(other, create=False, read_only=True) as ws:
        by_cli = ws.connection.execute(query).fetchall()
    with Workspace.open(empty_site.workspace, create=False, read_only=True) as ws:
        by_web = ws.connection.execute(query).fetchall()
    assert by_web == by_cli
    assert len(by_web) == 7


def test_an_upload_past_the_size_limit_is_refused_with_a_message(tmp_path: Path) -> None:
    limited = Site(
        create_app(
            WebConfig(
                workspace=tmp_path / "d.karsta",
                database_url=f"sqlite:///{tmp_path}/a.sqlite",
                upload_limit=1000,
            )
        ),
        tmp_path / "d.karsta",
    )
    limited.add_user("analyst", Role.ANALYST)
    browser = limited.signed_in("analyst")
    refused = upload(browser, "iso.csv", b"a,b\n" + b"1,2\n" * 400)  # 1,604 bytes
    assert refused.status_code == 413
    browser.cookies.set("karsta_lang", "en")
    english = upload(browser, "iso.csv", b"a,b\n" + b"1,2\n" * 400)
    assert "The file is larger than 1\u00a0kB, the most this server accepts." in english.text
    assert not any(limited.state.uploads.folder.iterdir())  # nothing kept
    assert upload(browser, "pieni.csv", b"a,b\n1,2\n").status_code == 303


def test_a_file_that_is_not_what_its_name_says_is_named_so(empty_site: Site) -> None:
    analyst = empty_site.signed_in("analyst")
    token = token_of(upload(analyst, "tiketit.xlsx", UNKNOWN.encode("utf-8")))
    page = analyst.get(f"/data/uploads/{token}.json").json()
    assert page["preview"] is None
    assert page["problem"] == (
        "tiketit.xlsx: is named as a XLSX file, but it holds text. Export the file again in "
        "that format, or give it the name of its format."
    )
    assert str(empty_site.state.uploads.folder) not in page["problem"]


def test_uploads_are_their_uploaders_own(empty_site: Site) -> None:
    token = token_of(upload(empty_site.signed_in("analyst"), "a.csv", UNKNOWN.encode()))
    assert empty_site.signed_in("other").get(f"/data/uploads/{token}.json").status_code == 404


def test_every_form_needs_its_csrf_token(empty_site: Site) -> None:
    analyst = empty_site.signed_in("analyst")
    token = token_of(upload(analyst, "a.csv", UNKNOWN.encode()))
    posts = [
        ("/data/upload", {"files": {"file": ("a.csv", b"a,b\n1,2\n", "text/csv")}}),
        (f"/data/uploads/{token}/mapping", {"data": {"name": "x", "ticket_id": "Tiketti"}}),
        (f"/data/uploads/{token}/import", {"data": {"mapping": "preset:event-log"}}),
        ("/settings", {"data": {"version": "x", "hourly_cost": "1"}}),
    ]
    for path, body in posts:
        refused = analyst.post(path, **body)  # type: ignore[arg-type]
        assert refused.status_code == 403, path
        assert "Lomake oli vanhentunut" in refused.text  # Finnish by default
    assert not empty_site.workspace.exists()


def rejects_log() -> str:
    """Return 300 good rows and one whose time is not a time (line 152): 1 of 301 rejected."""
    lines = ["case:concept:name,concept:name,time:timestamp,org:resource"]
    for i in range(300):
        lines.append(f"C{i},Resolve ticket,2024-02-01 08:{i % 60:02d}:00,Agent {i % 7}")
        if i == 149:
            lines.append("C999,Resolve ticket,Agent 3,Agent 3")
    return "\n".join(lines) + "\n"


def test_rejects_are_listed_and_downloaded_as_csv_raw_rows_included(empty_site: Site) -> None:
    analyst = empty_site.signed_in("analyst")
    token = token_of(upload(analyst, "loki.csv", rejects_log().encode()))
    job = start_import(analyst, token, "preset:event-log")
    import_id = finished(empty_site, analyst, job)["upload"]["workspace_import_id"]
    page = analyst.get(f"/data/imports/{import_id}.json").json()
    assert page["accounting"]["rows_rejected"] == 1
    assert page["accounting"]["rows_read"] == 301
    assert page["rejects"] == [
        {
            "line": 152,
            "column": "time:timestamp",
            "value": "Agent 3",
            "reason": "not a date and time in the format ISO 8601",
            "row_loaded": False,
            "raw": "C999,Resolve ticket,Agent 3,Agent 3",
        }
    ]
    download = analyst.get(f"/data/imports/{import_id}/rejects.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text.lstrip("\ufeff"))))
    assert [(r["line"], r["raw"]) for r in rows] == [("152", "C999,Resolve ticket,Agent 3,Agent 3")]
    # A group-limited analyst sees the accounting but no raw rows of other groups.
    limited = empty_site.signed_in("limited")
    assert limited.get(f"/data/imports/{import_id}/rejects.csv").status_code == 403
    assert limited.get(f"/data/imports/{import_id}.json").json()["rejects"] == []


def test_a_pseudonymised_workspace_imports_with_the_server_key_only(tmp_path: Path) -> None:
    key = tmp_path / "pseudonym.key"
    key.write_text("k" * 64, encoding="utf-8")
    workspace = tmp_path / "desk.karsta"
    database = f"sqlite:///{tmp_path}/a.sqlite"
    with_key = Site(
        create_app(WebConfig(workspace=workspace, database_url=database, key_file=key)), workspace
    )
    with_key.add_user("analyst", Role.ANALYST)
    browser = with_key.signed_in("analyst")
    token = token_of(upload(browser, "loki.csv", rejects_log().encode()))
    job = start_import(browser, token, "preset:event-log", pseudonymise="true")
    import_id = finished(with_key, browser, job)["upload"]["workspace_import_id"]
    download = browser.get(f"/data/imports/{import_id}/rejects.csv").text
    assert "Agent 3" not in download  # the agent's name in the time column is pseudonymised
    privacy = browser.get("/data/upload.json").json()["privacy"]
    assert (privacy["mode"], privacy["can_import"]) == ("pseudonymised", True)
    with_key.state.engine.dispose()
    # The same workspace served without the key: the page says so and no import starts.
    without = Site(create_app(WebConfig(workspace=workspace, database_url=database)), workspace)
    other = without.client()
    assert sign_in(other, "analyst", PASSWORD).status_code == 303
    privacy = other.get("/data/upload.json").json()["privacy"]
    assert privacy["can_import"] is False
    assert "--key-file" in privacy["problem"]
    token = token_of(upload(other, "loki.csv", rejects_log().encode()))
    form = {"csrftoken": csrf(other, f"/data/uploads/{token}"), "mapping": "preset:event-log"}
    assert other.post(f"/data/uploads/{token}/import", data=form).status_code == 400


def test_a_failed_import_says_why_and_changes_nothing(empty_site: Site) -> None:
    analyst = empty_site.signed_in("analyst")
    token = token_of(upload(analyst, "palvelupiste.csv", UNKNOWN.encode("utf-8")))
    job = start_import(analyst, token, "preset:event-log")  # its columns are not there
    status = finished(empty_site, analyst, job)
    assert status["upload"]["status"] == "failed"
    assert (
        "required columns 'case:concept:name', 'time:timestamp' not found"
        in (status["upload"]["error"])
    )
    assert not empty_site.workspace.exists()  # a failed first import leaves no workspace
    assert analyst.get("/data/imports.json").json()["imports"][0]["upload"]["status"] == "failed"
    # The upload is kept: it can be imported again with another mapping.
    assert analyst.get(f"/data/uploads/{token}.json").status_code == 200


def test_too_many_rejects_are_named_in_the_reader_s_language_and_the_limit_can_be_raised(
    empty_site: Site,
) -> None:
    # Lines 2-4 are good; line 5's time is not a time: 1 of 4 rows = 25 % rejected, more
    # than the default 1 %, so the first try imports nothing.
    log = (
        "case:concept:name,concept:name,time:timestamp\n"
        "C1,New,2024-02-01 08:00:00\n"
        "C1,Resolved,2024-02-01 09:00:00\n"
        "C2,New,2024-02-02 08:00:00\n"
        "C2,Resolved,huomenna\n"
    )
    analyst = empty_site.signed_in("analyst")
    token = token_of(upload(analyst, "loki.csv", log.encode()))
    assert analyst.get(f"/data/uploads/{token}.json").json()["max_rejects"] == "1%"
    status = finished(empty_site, analyst, start_import(analyst, token, "preset:event-log"))
    assert status["upload"]["status"] == "failed"
    error = status["upload"]["error"]  # JSON: English
    assert error.startswith(
        "loki.csv: 1 of 4 rows were rejected, more than the limit of 1%, so nothing was "
        "imported. First rejects: line 5, time:timestamp: not a date and time in the format "
        "ISO 8601 ('huomenna')."
    )
    assert str(empty_site.state.uploads.folder) not in error  # the server's folder is private
    assert "--max-rejects" not in error  # the form's field, not the command line's option
    assert status["retry"] == f"/data/uploads/{token}"
    job_fi = analyst.get(f"/data/jobs/{status['upload']['id']}", headers={"accept-language": "fi"})
    assert (
        "rivi 5, time:timestamp: ei päivämäärä ja kellonaika muodossa ISO 8601 ('huomenna')"
        in html.unescape(job_fi.text)
    )
    # A limit that is neither a share nor a number is refused on the form.
    form = {
        "csrftoken": csrf(analyst, f"/data/uploads/{token}"),
        "mapping": "preset:event-log",
        "max_rejects": "paljon",
    }
    refused = analyst.post(f"/data/uploads/{token}/import", data=form)
    assert refused.status_code == 400
    assert 'value="paljon"' in refused.text
    # One row may be rejected: the three good rows are imported, the fourth kept as a reject.
    job = start_import(analyst, token, "preset:event-log", max_rejects="1")
    done = finished(empty_site, analyst, job)
    assert done["upload"]["status"] == "done", done
    import_id = done["upload"]["workspace_import_id"]
    accounting = analyst.get(f"/data/imports/{import_id}.json").json()["accounting"]
    assert (accounting["rows_read"], accounting["rows_loaded"], accounting["rows_rejected"]) == (
        4,
        3,
        1,
    )
    # Newest first: the import, then the refused try before it.
    listed = analyst.get("/data/imports.json").json()["imports"]
    assert [(r["accounting"] or {}).get("import_id") for r in listed] == [import_id, None]
    assert listed[1]["upload"]["status"] == "failed"
