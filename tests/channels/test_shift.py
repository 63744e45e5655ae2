"""Channel shift on a hand-built service: seven contacts and four visits, counted by hand.

The matter map: "Kela card" is handled by the self-service channel "verkkoasiointi",
"change of address" by "web"; housing benefit has no self-service channel. The rows
(all at 12:00 UTC; P = personal channel, S = self-service, * = matter with a
self-service channel):

    c1 phone          Kela card          occasional   A  2024-01-10   P *
    c2 phone          housing benefit    occasional   B  2024-01-11   P
    c3 verkkoasiointi Kela card          occasional   B  2024-01-12   S *
    c4 chat           change of address  continuous   C  2024-02-03   P *
    c5 phone          (none)             continuous   D  2024-02-04   P (matter missing)
    c6 web            change of address  (none)       E  2024-02-05   S *
    c7 phone          Kela card          (none)       -  2024-02-06   P * (no customer)
    c8 phone phantom  Kela card          occasional   A  2024-01-20   left out (phantom)
    v1 appointment    Kela card          change sit.  A  2024-02-15   P *
    v2 walk-in        housing benefit    change sit.  F  2024-02-20   P
    v3 appointment    Kela card          special      G  2024-02-21   left out (no-show)
    v4 appointment    change of address  special      B  2024-02-22   left out (cancelled)

By hand: personal rows c1 c2 c4 c5 c7 v1 v2 = 5 contacts + 2 visits; one (c5) has no
matter, so the share is over 6, of which c1 c4 c7 v1 = 4 have a self-service matter.
Customers with a personal row: A B C D F = 5 (c7 has none: 1 row without a customer);
B and E used self-service, so A C D F = 4 used only personal channels; A and C had a
self-service matter. The segment groups and the trend are worked out beside each test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from statsmodels.stats.proportion import proportion_confint

import karsta
from karsta.channels.shift import (
    DID_NOT_COME,
    MATTER_MISSING,
    PHANTOM,
    SEGMENT_MISSING,
    ShiftGroup,
    ShiftOptions,
    channel_shift,
    parse_matter_channels,
)
from karsta.visits.measures import NOT_CONFIGURED
from karsta.workspace import Workspace
from tests.channels.conftest import insert_contacts
from tests.visits.conftest import insert_visits
from tests.visits.test_engines import same

MAP = {"Kela card": "verkkoasiointi", "change of address": "web"}
OPTIONS = ShiftOptions(matter_channels=MAP, timezone="Europe/Helsinki")


def noon(day: str) -> datetime:
    return datetime.fromisoformat(f"{day} 12:00").replace(tzinfo=UTC)


def contact(
    cid: str, channel: str, matter: str | None, segment: str | None, caller: str | None, day: str
) -> dict[str, Any]:
    return {
        "contact_id": cid,
        "channel": channel,
        "contact_type": matter,
        "segment": segment,
        "caller_id": caller,
        "arrived_at": noon(day),
        "outcome": "answered",
    }


CONTACTS = [
    contact("c1", "phone", "Kela card", "occasional", "A", "2024-01-10"),
    contact("c2", "phone", "housing benefit", "occasional", "B", "2024-01-11"),
    contact("c3", "verkkoasiointi", "Kela card", "occasional", "B", "2024-01-12"),
    contact("c4", "chat", "change of address", "continuous", "C", "2024-02-03"),
    contact("c5", "phone", None, "continuous", "D", "2024-02-04"),
    contact("c6", "web", "change of address", None, "E", "2024-02-05"),
    contact("c7", "phone", "Kela card", None, None, "2024-02-06"),
    contact("c8", "phone", "Kela card", "occasional", "A", "2024-01-20") | {"outcome": "phantom"},
]
VISITS = [
    {"visit_id": "v1", "kind": "appointment", "matter": "Kela card", "segment": "change situation",
     "customer_id": "A", "scheduled_at": noon("2024-02-15"), "no_show": False},
    {"visit_id": "v2", "kind": "walk-in", "matter": "housing benefit",
     "segment": "change situation", "customer_id": "F", "arrived_at": noon("2024-02-20")},
    {"visit_id": "v3", "kind": "appointment", "matter": "Kela card", "segment": "special needs",
     "customer_id": "G", "scheduled_at": noon("2024-02-21"), "no_show": True},
    {"visit_id": "v4", "kind": "appointment", "matter": "change of address",
     "segment": "special needs", "customer_id": "B", "scheduled_at": noon("2024-02-22"),
     "cancelled_at": noon("2024-02-10")},
]  # fmt: skip


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Workspace]:
    ws = karsta.open(tmp_path / "service.karsta")
    try:
        insert_contacts(ws, CONTACTS)
        insert_visits(ws, VISITS)
        yield ws
    finally:
        ws.close()


def counts(group: ShiftGroup) -> tuple[int, ...]:
    """(personal contacts, visits, self-service, no matter, shiftable, customers,
    personal-only customers, shiftable customers, rows without a customer)."""
    return (
        group.personal_contacts,
        group.personal_visits,
        group.self_service_contacts,
        group.matter_missing,
        group.shiftable,
        group.customers,
        group.personal_only_customers,
        group.shiftable_customers,
        group.customer_missing,
    )


def test_whole_service(service: Workspace) -> None:
    shift = channel_shift(service, OPTIONS)
    assert counts(shift.total) == (5, 2, 2, 1, 4, 5, 4, 2, 1)
    assert shift.total.share == pytest.approx(4 / 6)
    low, high = proportion_confint(4, 6, method="wilson")
    assert (shift.total.low, shift.total.high) == pytest.approx((low, high))
    assert shift.not_computed is None
    assert {str(c.reason): c.count for c in shift.exclusions} == {PHANTOM: 1, DID_NOT_COME: 2}


def test_per_segment(service: Workspace) -> None:
    """occasional: c1 c2 personal (c1 shiftable, A and B), c3 self-service by B, so only A
    is personal-only; continuous: c4 (C, shiftable) and c5 (D, no matter): 1 of 1;
    change situation: v1 (A, shiftable) and v2 (F): 1 of 2, both personal-only;
    no segment: c6 self-service, c7 personal and shiftable without a customer. The
    special-needs visits did not take place, so that segment has no row."""
    shift = channel_shift(service, OPTIONS)
    by = {g.key: g for g in shift.by_segment}
    assert list(by) == ["change situation", "continuous", "occasional", None]
    assert counts(by["occasional"]) == (2, 0, 1, 0, 1, 2, 1, 1, 0)
    assert by["occasional"].share == pytest.approx(1 / 2)
    assert counts(by["continuous"]) == (2, 0, 0, 1, 1, 2, 2, 1, 0)
    assert by["continuous"].share == pytest.approx(1.0)
    assert counts(by["change situation"]) == (0, 2, 0, 0, 1, 2, 2, 1, 0)
    assert counts(by[None]) == (1, 0, 1, 0, 1, 0, 0, 0, 1)
    assumed = {str(c.reason): c.count for c in shift.assumptions}
    assert assumed[SEGMENT_MISSING] == 2  # c6 and c7
    assert assumed[MATTER_MISSING] == 1  # c5


def test_per_matter(service: Workspace) -> None:
    """Kela card: c1 c7 v1 personal (A twice, c7 none), c3 self-service; housing benefit:
    c2 (B) and v2 (F), no self-service channel; change of address: c4 (C), c6
    self-service; c5 has no matter: its share cannot be given."""
    shift = channel_shift(service, OPTIONS)
    by = {g.key: g for g in shift.by_matter}
    assert list(by) == ["Kela card", "housing benefit", "change of address", None]
    assert counts(by["Kela card"]) == (2, 1, 1, 0, 3, 1, 1, 1, 1)
    assert (by["Kela card"].channel, by["Kela card"].share) == ("verkkoasiointi", 1.0)
    assert counts(by["housing benefit"]) == (1, 1, 0, 0, 0, 2, 1, 0, 0)
    assert (by["housing benefit"].channel, by["housing benefit"].share) == (None, 0.0)
    assert by["change of address"].channel == "web"
    assert counts(by[None]) == (1, 0, 0, 1, 0, 1, 1, 0, 0)
    assert by[None].share is None
    assert by[None].not_computed == MATTER_MISSING


def test_trend_of_the_personal_share(service: Workspace) -> None:
    """Rows with a self-service matter: January c1 (personal) and c3 (self-service) = 1 of 2;
    February c4 c7 v1 (personal) and c6 (self-service) = 3 of 4 (Helsinki months)."""
    trend = channel_shift(service, OPTIONS).trend
    assert [(p.period, p.personal, p.n) for p in trend] == [("2024-01", 1, 2), ("2024-02", 3, 4)]
    low, high = proportion_confint(3, 4, method="wilson")
    assert (trend[1].share, trend[1].low, trend[1].high) == pytest.approx((0.75, low, high))


def test_without_a_map_nothing_is_guessed(service: Workspace) -> None:
    shift = channel_shift(service, ShiftOptions())
    assert shift.not_computed == NOT_CONFIGURED
    assert shift.total.share is None
    assert shift.total.shiftable == 0
    assert shift.trend == ()
    # Without a map, verkkoasiointi is not known to be self-service: c3 counts as personal.
    assert (shift.total.personal_contacts, shift.total.self_service_contacts) == (6, 1)


def test_empty_workspace(tmp_path: Path) -> None:
    with karsta.open(tmp_path / "empty.karsta") as ws:
        shift = channel_shift(ws, OPTIONS)
    assert shift.not_computed is not None
    assert shift.total.personal == 0
    assert shift.by_segment == ()


def test_to_dict_is_json_ready(service: Workspace) -> None:
    import json

    data = json.loads(json.dumps(channel_shift(service, OPTIONS).to_dict()))
    assert data["total"]["with_matter"] == 6
    assert data["options"]["self_service_channels"] == [
        "app", "portal", "self-service", "verkkoasiointi", "web"
    ]  # fmt: skip
    assert {e["reason"]: e["count"] for e in data["exclusions"]}[DID_NOT_COME] == 2


def test_parse_matter_channels() -> None:
    assert parse_matter_channels([" Kela card = verkkoasiointi", "x=web"]) == {
        "Kela card": "verkkoasiointi",
        "x": "web",
    }
    with pytest.raises(ValueError, match="expected MATTER=CHANNEL"):
        parse_matter_channels(["Kela card"])
    with pytest.raises(ValueError, match="expected MATTER=CHANNEL"):
        parse_matter_channels(["=web"])


@pytest.mark.spark
def test_same_figures_on_spark(service: Workspace, tmp_path: Path) -> None:
    from tests.parity import require_spark

    require_spark()
    from karsta.workspace.spark import SparkSource

    folder = tmp_path / "export"
    service.export(folder)
    spark = SparkSource(folder)
    try:
        found = channel_shift(spark, OPTIONS).to_dict()
    finally:
        spark.close()
    expected = channel_shift(service, OPTIONS).to_dict()
    found.pop("source")
    expected.pop("source")
    assert not same(expected, found)  # floats within 1e-9 relative


NOSHOW = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "appointments-noshow"
    / "KaggleV2-May-2016.csv"
)


@pytest.mark.slow
@pytest.mark.skipif(not NOSHOW.exists(), reason="../shared/data is not beside the checkout")
def test_real_appointments_per_age_band(tmp_path: Path) -> None:
    """The real appointments imported with the `visits` preset, against plain pandas.

    From the data README: "No-show" "Yes" = the patient did NOT show up, so the visits
    that took place are the "No" rows; PatientId is read as text (the README: not as a
    float). The segment is the preset's age band of Age in years (0–17, 18–39, 40–64,
    65+; none for the one -1). The file records no matter, so every visit is counted as
    "matter missing" and no share is given; no one has a self-service contact, so every
    customer used only personal channels.
    """
    import pandas as pd

    from karsta.ingest import import_file, load_preset

    frame = pd.read_csv(NOSHOW, dtype={"PatientId": str})
    came = frame[frame["No-show"] == "No"]
    band = pd.cut(
        came.Age, [0, 18, 40, 65, float("inf")], right=False,
        labels=["0–17", "18–39", "40–64", "65+"],
    ).astype(object).where(came.Age >= 0, None)  # fmt: skip
    expected = {
        key: (len(rows), rows.PatientId.nunique())
        for key, rows in came.assign(band=band).groupby("band", dropna=False)
    }
    expected = {(None if pd.isna(k) else k): v for k, v in expected.items()}
    with karsta.open(tmp_path / "noshow.karsta") as ws:
        import_file(NOSHOW, workspace=ws, mapping=load_preset("visits"))
        shift = channel_shift(ws, OPTIONS)
    got = {g.key: (g.personal_visits, g.customers) for g in shift.by_segment}
    assert got == expected
    assert {str(c.reason): c.count for c in shift.exclusions} == {
        DID_NOT_COME: int((frame["No-show"] == "Yes").sum())  # 22,319 in the README
    }
    assert shift.total.matter_missing == len(came)
    assert shift.total.share is None
    assert shift.total.personal_only_customers == came.PatientId.nunique()


@pytest.mark.slow
def test_real_call_month_per_matter(tmp_path: Path) -> None:
    """The real call month imported with the `acd` preset, against plain pandas.

    A counting check of the contacts side, with a map made up for the test ("IN=web":
    the bank's internet-support calls taken as a matter a web channel handles). From the
    data README: PHANTOM rows are not calls (left out); every other row is a phone call,
    a personal channel; `type` is the service type (the matter); customer_id 0 means the
    customer was not identified. The file has no segment: every call is counted in the
    "segment not recorded" group.
    """
    import pandas as pd

    from karsta.ingest import import_file, load_preset
    from tests.channels.callcentre_reference import CSV

    if not CSV.exists():
        pytest.skip("../shared/data is not beside the checkout")
    frame = pd.read_csv(CSV, dtype=str)
    calls = frame[frame.outcome != "PHANTOM"]
    known = calls[calls.customer_id != "0"]
    options = ShiftOptions(matter_channels={"IN": "web"}, timezone="Asia/Jerusalem")
    with karsta.open(tmp_path / "bank.karsta") as ws:
        import_file(CSV, workspace=ws, mapping=load_preset("acd"))
        shift = channel_shift(ws, options)
    got = {g.key: (g.personal_contacts, g.customers, g.customer_missing) for g in shift.by_matter}
    assert got == {
        matter: (len(rows), known[known.type == matter].customer_id.nunique(),
                 int((rows.customer_id == "0").sum()))
        for matter, rows in calls.groupby("type")
    }  # fmt: skip
    assert {str(c.reason): c.count for c in shift.exclusions} == {
        PHANTOM: int((frame.outcome == "PHANTOM").sum())
    }
    internet = int((calls.type == "IN").sum())
    assert shift.total.shiftable == internet
    assert shift.total.share == pytest.approx(internet / len(calls))
    assert shift.total.personal_only_customers == known.customer_id.nunique()
    assert shift.total.shiftable_customers == known[known.type == "IN"].customer_id.nunique()
    assert [g.key for g in shift.by_segment] == [None]
    assert sum(p.n for p in shift.trend) == internet
    assert all(p.personal == p.n for p in shift.trend)  # no self-service contact at all
