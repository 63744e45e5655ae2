"""The real call-centre month and appointment file, imported with `acd` and `visits`.

Every expectation is computed in the test with plain pandas from the data READMEs'
own words (../shared/data/callcentre-bank/README.md, appointments-noshow/README.md),
independently of the import's SQL.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import karsta
from karsta.ingest import import_file, load_preset
from karsta.workspace import Workspace

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CALLS = DATA / "callcentre-bank" / "august_calls.csv"
VISITS = DATA / "appointments-noshow" / "KaggleV2-May-2016.csv"

pytestmark = pytest.mark.skipif(not CALLS.exists(), reason="../shared/data is not beside")


def frame(ws: Workspace, sql: str) -> pd.DataFrame:
    return ws.connection.execute(sql).df()


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    """The file as pandas reads it (every column text) and the imported contacts."""
    raw = pd.read_csv(CALLS, dtype=str)
    with karsta.open(tmp_path_factory.mktemp("acd") / "calls.karsta") as ws:
        report = import_file(CALLS, workspace=ws, mapping=load_preset("acd"))
        stored = frame(ws, "SELECT * FROM contacts")
    return raw, stored, report


def seconds(column: pd.Series) -> pd.Series:
    """H:MM:SS as seconds after midnight."""
    parts = column.str.split(":", expand=True).astype(int)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def test_call_month_accounting_and_outcomes(
    calls: tuple[pd.DataFrame, pd.DataFrame, object],
) -> None:
    raw, stored, report = calls
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (42_078, 42_078, 0)
    assert len(raw) == len(stored) == 42_078
    # README: AGENT served, HANG hung up in the queue or in the VRU before queueing,
    # PHANTOM not a call. A hang-up that joined the queue (q_start recorded) abandoned it:
    # the README's 7,260 with q_time > 0 and 49 that hung up within the queue's first second.
    queued = raw.q_start != "0:00:00"
    expected = {
        "answered": int((raw.outcome == "AGENT").sum()),
        "abandoned": int(((raw.outcome == "HANG") & queued).sum()),
        "routed": int(((raw.outcome == "HANG") & ~queued).sum()),
        "phantom": int((raw.outcome == "PHANTOM").sum()),
    }
    assert expected == {"answered": 31_402, "abandoned": 7_309, "routed": 3_057, "phantom": 310}
    assert ((raw.outcome == "HANG") & queued & (raw.q_time == "0")).sum() == 49
    assert stored.outcome.value_counts().to_dict() == expected
    assert set(stored.loc[stored.outcome == "routed", "special_routing"]) == {"IVR"}
    assert stored.loc[stored.outcome != "routed", "special_routing"].isna().all()
    # customer_id 0 = not identified; NO_SERVER = no agent (391 AGENT rows have none).
    assert stored.caller_id.isna().sum() == (raw.customer_id == "0").sum()
    agent_calls = raw.outcome == "AGENT"
    served_without = (agent_calls & (raw.server == "NO_SERVER")).sum()
    assert served_without == 391
    assert stored.loc[stored.outcome == "answered", "agent"].isna().sum() == served_without
    # call_id alone repeats; with vru+line and date it is a key.
    assert raw.call_id.duplicated().any()
    assert stored.contact_id.is_unique


def test_call_month_times(calls: tuple[pd.DataFrame, pd.DataFrame, object]) -> None:
    raw, stored, _report = calls
    raw = raw.assign(contact_id=raw["vru+line"] + "/" + raw.call_id + "/" + raw.date)
    both = raw.merge(stored, on="contact_id", validate="one_to_one")
    # VRU entry: the date and the wall-clock time in Asia/Jerusalem.
    local = pd.to_datetime(both.date + " " + both.vru_entry).dt.tz_localize("Asia/Jerusalem")
    assert (both.entered_at == local.dt.tz_convert("UTC")).all()
    # README: q_time and ser_time are the stays, exit minus start taken modulo 86,400.
    served = both[both.outcome_y == "answered"]
    # Answered when the call left the queue (the queue's clock): the wait is q_time.
    waited_for_agent = (served.answered_at - served.arrived_at).dt.total_seconds()
    assert (waited_for_agent == served.q_time.astype(float)).all()
    # 57 AGENT rows record no service at all (0:00:00): answered, talk time unknown.
    unrecorded = served.ser_start == "0:00:00"
    assert unrecorded.sum() == 57
    assert served.talk_seconds[unrecorded].isna().all()
    assert served.ended_at[unrecorded].isna().all()
    served = served[~unrecorded]
    start = served.date + " " + served.ser_start
    started = pd.to_datetime(start).dt.tz_localize("Asia/Jerusalem").dt.tz_convert("UTC")
    talk = (served.ended_at - started).dt.total_seconds() % 86_400
    assert (talk == served.ser_time.astype(float)).all()
    assert (served.talk_seconds == served.ser_time.astype(float)).all()
    gone = both[both.outcome_y == "abandoned"]
    waited = (gone.abandoned_at - gone.arrived_at).dt.total_seconds()
    assert (waited == gone.q_time.astype(float)).all()
    # Midnight: every stay whose exit is written before its start ends on the next day.
    crossed = served.ser_exit.pipe(seconds) < served.ser_start.pipe(seconds)
    assert crossed.sum() > 0
    ended_local = served.ended_at.dt.tz_convert("Asia/Jerusalem").dt.strftime("%Y-%m-%d")
    next_day = (pd.to_datetime(served.date) + pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d")
    assert (ended_local[crossed] == next_day[crossed]).all()
    # Calls that went straight to an agent (q_time 0) start waiting at the VRU exit.
    straight = both[(both.outcome_y == "answered") & (both.q_start == "0:00:00")]
    assert len(straight) == 13_010  # README quirk 5
    exit_local = pd.to_datetime(straight.date + " " + straight.vru_exit)
    exit_utc = exit_local.dt.tz_localize("Asia/Jerusalem").dt.tz_convert("UTC")
    assert (straight.arrived_at == exit_utc).all()


def test_negative_vru_rows_are_clock_mismatches(
    calls: tuple[pd.DataFrame, pd.DataFrame, object],
) -> None:
    raw, stored, report = calls
    # README quirk 2: 19 rows with a negative vru_time, never 86,400 s added.
    negative = raw[raw.vru_time.astype(int) < 0]
    assert len(negative) == 19
    counted = {a.column: a.rows for a in report.assumptions}
    assert counted["vru_exit"] == 19
    ids = negative["vru+line"] + "/" + negative.call_id + "/" + negative.date
    rows = stored.set_index("contact_id").loc[ids]
    entered_to_arrival = (rows.arrived_at - rows.entered_at).dt.total_seconds()
    assert (entered_to_arrival < 0).all()
    assert (entered_to_arrival > -400).all()


def test_appointments_file(tmp_path: Path) -> None:
    raw = pd.read_csv(VISITS, dtype=str)
    with karsta.open(tmp_path / "visits.karsta") as ws:
        report = import_file(VISITS, workspace=ws, mapping=load_preset("visits"))
        stored = frame(ws, "SELECT * FROM visits")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (110_527, 110_527, 0)
    # README: "No-show" Yes = the patient did NOT come: 22,319 of 110,527.
    assert (raw["No-show"] == "Yes").sum() == 22_319
    assert stored.no_show.sum() == 22_319
    assert (stored.kind == "appointment").all()
    both = raw.merge(stored, left_on="AppointmentID", right_on="visit_id", validate="one_to_one")
    # PatientId read as text, as written (never through a float).
    assert (both.PatientId == both.customer_id).all()
    assert stored.customer_id.nunique() == 62_299
    assert (both.SMS_received == "1").sum() == both.reminder_sent.sum()
    assert (both.Scholarship == "1").sum() == both.welfare.sum()
    assert (both.Age.astype(int) == both.age).all()
    assert (both.Neighbourhood == both.office).all()
    booked = pd.to_datetime(both.ScheduledDay, utc=True)
    assert (both.booked_at == booked).all()
    # AppointmentDay has no time of day: the day at 00:00 in the preset's zone.
    day = pd.to_datetime(both.AppointmentDay.str[:10]).dt.tz_localize("America/Sao_Paulo")
    assert (both.scheduled_at == day.dt.tz_convert("UTC")).all()
    assert {(a.column, a.rows) for a in report.assumptions} == {("scheduled_at", 110_527)}
    # README: 5 appointments have AppointmentDay before the booking date.
    before = both.AppointmentDay.str[:10] < both.ScheduledDay.str[:10]
    assert before.sum() == 5
