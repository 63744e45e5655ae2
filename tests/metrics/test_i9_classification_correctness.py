"""I9 classification correctness on hand-built tickets: category and type at intake vs close."""

from __future__ import annotations

from tests.metrics.conftest import Desk, utc

T0 = utc("2024-03-04 08:00")
RESOLVED = utc("2024-03-05 08:00")


def test_share_and_reasons(desk: Desk) -> None:
    def resolved(ticket_id: str, intake: str | None, close: str | None, **columns: object) -> None:
        desk.ticket(ticket_id, T0, resolved_at=RESOLVED, category_intake=intake,
                    category_close=close, **columns)  # fmt: skip

    resolved("same", "X", "X", ticket_type_intake="incident", ticket_type="incident")
    resolved("category_changed", "X", "Y", ticket_type_intake="incident")
    resolved("type_changed", "X", "X", ticket_type_intake="incident", ticket_type="request")
    resolved("type_intake_missing", "X", "X", ticket_type_intake=None)
    resolved("no_intake", None, "X")
    resolved("no_close", "X", None)
    desk.ticket("open", T0, category_intake="X", category_close="Y")
    run = desk.run("I9")
    share = run.figure("share")
    # Known at both ends: same, category_changed, type_changed, type_intake_missing = 4;
    # correct: same, type_intake_missing = 2. Left out: no_intake, no_close.
    assert (share["value"], share["numerator"], share["denominator"]) == (50.0, 2, 4)
    assert (share["excluded"], share["n"]) == (2, 4)
    assert run.reason("same") == "counted: classified at intake as at close"
    assert run.reason("type_intake_missing") == "counted: classified at intake as at close"
    assert run.reason("category_changed") == "not counted: category changed"
    assert run.reason("type_changed") == "not counted: type changed"
    assert run.reason("no_intake") == "excluded: category missing at intake or at close"
    assert run.reason("no_close") == "excluded: category missing at intake or at close"
    assert "open" not in run.unit_ids()


def test_months_in_helsinki_time_and_unknown_category(desk: Desk) -> None:
    # Resolved 31 Aug 21:30 UTC = 1 Sep 00:30 in Helsinki: September.
    desk.ticket("sep", T0, resolved_at=utc("2024-08-31 21:30"), category_intake="X",
                category_close="Y")  # fmt: skip
    desk.ticket("aug", T0, resolved_at=utc("2024-08-31 20:30"), category_intake="X",
                category_close="X")  # fmt: skip
    run = desk.run("I9", period="month", by=("category",))
    sep = run.figure("share", period="2024-09", group={"category": "Y"})
    aug = run.figure("share", period="2024-08", group={"category": "X"})
    assert (sep["value"], sep["n"]) == (0.0, 1)
    assert (aug["value"], aug["n"]) == (100.0, 1)


def test_no_category_anywhere_says_what_to_map(desk: Desk) -> None:
    desk.ticket("bare", T0, resolved_at=RESOLVED)
    run = desk.run("I9", by=("category",))
    assert run.records == []
    assert run.no_data == (
        "cannot be computed: no ticket has a category — map the category (columns: category)"
    )
