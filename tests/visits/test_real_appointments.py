"""The real appointment file (../shared/data/appointments-noshow/, 110,527 appointments).

Two separate pieces of code read the file:

- the reference: plain pandas written from the data README's own words — "No-show"
  "Yes" = the patient did NOT show up; ScheduledDay = when the appointment was booked;
  AppointmentDay = the appointment date (no time of day); SMS_received = 1 if at least
  one reminder was sent; the lead time is the days from the booking date to the
  appointment date;
- the table filling: DuckDB SQL that puts each row into the workspace's visits table
  (until the `visits` import preset fills it), with the age band as the segment.

The measures and drivers computed from the table must agree with the reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from karsta.visits import measure_visits
from karsta.visits.drivers import LEAD_BANDS, no_show_drivers
from karsta.workspace import Workspace

FILE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "appointments-noshow"
    / "KaggleV2-May-2016.csv"
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not FILE.exists(), reason="../shared/data is not beside the checkout"),
]

# --- the reference: pandas, from the README ------------------------------------------------

BAND_EDGES = [0, 1, 3, 8, 15, 31, np.inf]  # whole days: 0 | 1–2 | 3–7 | 8–14 | 15–30 | 31+


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    frame = pd.read_csv(FILE, dtype={"PatientId": str})
    frame["did_not_come"] = frame["No-show"] == "Yes"
    booked_day = pd.to_datetime(frame["ScheduledDay"]).dt.normalize()
    appointment_day = pd.to_datetime(frame["AppointmentDay"])
    frame["lead_days"] = (appointment_day - booked_day).dt.days
    frame["band"] = pd.cut(
        frame["lead_days"], BAND_EDGES, right=False, labels=[b for b, _ in LEAD_BANDS]
    )
    frame["sms"] = frame["SMS_received"] == 1
    return frame


def mantel_haenszel(frame: pd.DataFrame) -> float:
    """Σ(a·d/n) / Σ(b·c/n) over the lead bands that have both reminded and not reminded."""
    top = bottom = 0.0
    for _, band in frame.dropna(subset=["band"]).groupby("band", observed=True):
        a = (band.sms & band.did_not_come).sum()
        b = (band.sms & ~band.did_not_come).sum()
        c = (~band.sms & band.did_not_come).sum()
        d = (~band.sms & ~band.did_not_come).sum()
        if a + b == 0 or c + d == 0:
            continue
        n = a + b + c + d
        top += a * d / n
        bottom += b * c / n
    return top / bottom


# --- the table filling: DuckDB SQL ----------------------------------------------------------

FILL = """
INSERT INTO visits BY NAME
SELECT CAST(AppointmentID AS VARCHAR) AS visit_id,
       CAST(PatientId AS VARCHAR) AS customer_id,
       'appointment' AS kind,
       Neighbourhood AS office,
       CASE WHEN Age < 0 THEN NULL
            WHEN Age < 18 THEN '0–17' WHEN Age < 40 THEN '18–39'
            WHEN Age < 65 THEN '40–64' ELSE '65+' END AS segment,
       CAST(ScheduledDay AS TIMESTAMPTZ) AS booked_at,
       CAST(AppointmentDay AS TIMESTAMPTZ) AS scheduled_at,
       true AS scheduled_day_only,
       "No-show" = 'Yes' AS no_show,
       SMS_received = 1 AS reminder_sent
FROM read_csv(?, header = true, all_varchar = true,
              types = {'Age': 'BIGINT', 'SMS_received': 'BIGINT'})
"""


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = Workspace.open(tmp_path_factory.mktemp("real") / "noshow.karsta")
    ws.connection.execute(FILL, [str(FILE)])
    yield ws
    ws.close()


def test_no_show_rate(filled: Workspace, reference: pd.DataFrame) -> None:
    rate = measure_visits(filled).share("no_show_rate")
    assert (rate.hits, rate.n) == (int(reference.did_not_come.sum()), len(reference))
    assert (rate.hits, rate.n) == (22_319, 110_527)  # the README's figure: 20.2 %
    assert round(100 * rate.share, 1) == 20.2


def test_lead_time(filled: Workspace, reference: pd.DataFrame) -> None:
    lead = measure_visits(filled).duration("lead_time")
    valid = reference[reference.lead_days >= 0].lead_days
    assert lead.n == len(valid)
    assert lead.mean == pytest.approx(valid.mean())
    assert lead.median == pytest.approx(valid.median())
    assert {str(c.reason): c.count for c in lead.exclusions} == {
        "appointment before its booking": 5  # the README: 5 appointments before the booking
    }
    # Every appointment is a date without a time of day: all counted as such.
    assert [c.count for c in lead.assumptions] == [len(valid)]


def test_lead_time_effect(filled: Workspace, reference: pd.DataFrame) -> None:
    drivers = no_show_drivers(filled)
    expected = reference.dropna(subset=["band"]).groupby("band", observed=True).did_not_come
    by_band = {r.label: (r.no_shows, r.appointments) for r in drivers.by_lead_time}
    assert by_band == {
        band: (int(expected.sum()[band]), int(expected.size()[band])) for band in by_band
    }
    assert len(by_band) == len(LEAD_BANDS)
    shares = [r.share for r in drivers.by_lead_time]
    assert shares[0] < shares[-1]  # same-day appointments are missed least


def test_reminder_effect_raw_and_adjusted(filled: Workspace, reference: pd.DataFrame) -> None:
    effect = no_show_drivers(filled).reminder
    assert effect is not None
    valid = reference.dropna(subset=["band"])
    sms, none = valid[valid.sms], valid[~valid.sms]
    assert (effect.with_reminder.no_shows, effect.with_reminder.appointments) == (
        int(sms.did_not_come.sum()),
        len(sms),
    )
    assert (effect.without_reminder.no_shows, effect.without_reminder.appointments) == (
        int(none.did_not_come.sum()),
        len(none),
    )
    raw = (sms.did_not_come.sum() * (~none.did_not_come).sum()) / (
        (~sms.did_not_come).sum() * none.did_not_come.sum()
    )
    assert effect.raw.odds_ratio == pytest.approx(raw)
    assert effect.raw.odds_ratio > 1  # raw: reminded customers seem to miss more
    assert effect.stratified.odds_ratio == pytest.approx(mantel_haenszel(reference))
    assert effect.stratified.high < 1  # adjusted for lead time: reminders go with fewer
    assert effect.modelled is not None
    assert effect.modelled.high < 1
    assert effect.note is not None
    # Same-day and 1–2 day appointments got no reminder: outside the strata, counted.
    no_sms_bands = valid[valid.band.isin(["0 d", "1–2 d"])]
    assert effect.left_out_of_strata == len(no_sms_bands)


def test_reminder_effect_from_a_logistic_model_of_each_appointment(
    filled: Workspace, reference: pd.DataFrame
) -> None:
    """The modelled odds ratio equals a logit fitted to the 110,522 rows one by one.

    The product fits counts per lead band, reminder and age band; here statsmodels' logit
    is fitted to the individual appointments with the same terms. The one row with age
    -1 (the README's) has no age band, and that group has no no-show: the product leaves
    it out of the model (its term cannot be estimated), and so does this reference.
    """
    import statsmodels.formula.api as smf

    frame = reference.dropna(subset=["band"])
    frame = frame[frame.Age >= 0].copy()
    frame["age_band"] = pd.cut(
        frame.Age, [0, 18, 40, 65, np.inf], right=False, labels=["0–17", "18–39", "40–64", "65+"]
    )
    frame["y"] = frame.did_not_come.astype(int)
    frame["sms_int"] = frame.sms.astype(int)
    fitted = smf.logit("y ~ sms_int + C(band) + C(age_band)", data=frame).fit(disp=0)
    effect = no_show_drivers(filled).reminder
    assert effect is not None
    assert effect.modelled is not None
    assert effect.modelled.odds_ratio == pytest.approx(np.exp(fitted.params["sms_int"]), rel=1e-6)
    low, high = np.exp(fitted.conf_int().loc["sms_int"])
    assert (effect.modelled.low, effect.modelled.high) == pytest.approx((low, high), rel=1e-5)


def test_the_visits_preset_gives_the_same_figures(
    tmp_path: Path, reference: pd.DataFrame, filled: Workspace
) -> None:
    """The file imported with the `visits` preset gives the reference figures.

    The preset derives the segment from Age (the README: "years"; one row is -1): the
    age band 0–17, 18–39, 40–64 or 65+, none for the -1. The reference counts the
    no-shows ("No-show" "Yes") per band with pandas' own cut of the ages.
    """
    from karsta.ingest import import_file, load_preset

    with Workspace.open(tmp_path / "imported.karsta") as ws:
        import_file(FILE, workspace=ws, mapping=load_preset("visits"))
        rate = measure_visits(ws).share("no_show_rate")
        drivers = no_show_drivers(ws)
    effect = drivers.reminder
    assert (rate.hits, rate.n) == (22_319, 110_527)
    assert effect is not None
    assert effect.stratified.odds_ratio == pytest.approx(mantel_haenszel(reference))
    assert effect.raw.odds_ratio > 1 > effect.stratified.odds_ratio
    labels = ["0–17", "18–39", "40–64", "65+"]
    bands = pd.cut(reference.Age, [0, 18, 40, 65, np.inf], right=False, labels=labels)
    expected = reference.groupby(bands.cat.add_categories("(no segment)").fillna("(no segment)"))
    by_band = expected.did_not_come.agg(["sum", "size"])
    assert {r.label: (r.no_shows, r.appointments) for r in drivers.by_segment} == {
        str(band): (int(row["sum"]), int(row["size"])) for band, row in by_band.iterrows()
    }
    assert dict(zip(by_band.index.astype(str), by_band["size"], strict=True))["(no segment)"] == 1
    # The modelled reminder effect is adjusted for the age band too, as on the filled table.
    modelled = no_show_drivers(filled).reminder
    assert effect.modelled is not None
    assert modelled is not None
    assert modelled.modelled is not None
    assert effect.modelled.odds_ratio == pytest.approx(modelled.modelled.odds_ratio)
