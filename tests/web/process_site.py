"""A three-ticket desk for the process pages, with its figures worked out by hand.

Hours after Monday 1 January 2024 00:00 UTC (status, group, agent, level):

    A: New 0 G1 · Active 1 G1 · Resolved 3 G1 · Closed 4 G1               resolved by G1
    B: New 0 G1 · Active 2 G2 · Awaiting User Info 3 G2 · Active 5 G2 ·
       Resolved 6 G2 · Closed 8 G2                                        resolved by G2
    C: New 1 G2 · Active 2 G2 · Resolved 4 G2 · Closed 5 G2               resolved by G2

A ticket belongs to the group that resolved it: a user limited to G1 sees A only.
Ticket types (the landscape's services): A and C incidents, B a request.
"""

from __future__ import annotations

from pathlib import Path

import karsta
from karsta.web.models import Role
from tests.process.logs import Event, load
from tests.web.conftest import Site, make_site

EVENTS: list[Event] = [
    ("A", 0, "New", "G1", "a1", 1),
    ("A", 1, "Active", "G1", "a1", 1),
    ("A", 3, "Resolved", "G1", "a1", 1),
    ("A", 4, "Closed", "G1", "a1", 1),
    ("B", 0, "New", "G1", "a1", 1),
    ("B", 2, "Active", "G2", "b1", 2),
    ("B", 3, "Awaiting User Info", "G2", "b1", 2),
    ("B", 5, "Active", "G2", "b1", 2),
    ("B", 6, "Resolved", "G2", "b1", 2),
    ("B", 8, "Closed", "G2", "b1", 2),
    ("C", 1, "New", "G2", "b1", 2),
    ("C", 2, "Active", "G2", "b1", 2),
    ("C", 4, "Resolved", "G2", "b1", 2),
    ("C", 5, "Closed", "G2", "b1", 2),
]


def process_desk(folder: Path) -> Path:
    """Return a workspace file holding EVENTS (and no settings file yet)."""
    path = folder / "process.karsta"
    with karsta.open(path) as ws:
        load(ws, EVENTS)  # type: ignore[arg-type]
        ws.connection.execute(
            "UPDATE tickets SET ticket_type = "
            "CASE ticket_id WHEN 'B' THEN 'request' ELSE 'incident' END"
        )
    return path


def process_site(folder: Path) -> Site:
    """Return the web app on the three-ticket desk with users of every role and a G1 limit."""
    site = make_site(process_desk(folder), f"sqlite:///{folder / 'app.sqlite'}")
    site.add_user("admin", Role.ADMIN)
    site.add_user("analyst", Role.ANALYST)
    site.add_user("viewer", Role.VIEWER)
    site.add_user("viewer_g1", Role.VIEWER, groups=["G1"])
    site.add_user("analyst_g1", Role.ANALYST, groups=["G1"])
    return site


PROCESS_PAGES = (
    "/process/map",
    "/process/landscape",
    "/process/stages",
    "/process/variants",
    "/process/handoffs",
    "/process/rework",
    "/process/waiting",
    "/process/waste",
)
STAGES_FORM = {"action": "save", "step-0-activity": "New", "step-0-value": "waste"}
"""A stages form that marks one step (the desks of the matrix may have no events)."""

PROCESS_MATRIX: list[tuple[str, str, dict[str, str] | None, tuple[int, int, int, int]]] = [
    *[("GET", path, None, (303, 200, 200, 200)) for path in PROCESS_PAGES],
    *[("GET", path + ".json", None, (401, 200, 200, 200)) for path in PROCESS_PAGES],
    ("POST", "/process/stages", STAGES_FORM, (303, 403, 303, 303)),
]
"""The process routes in the role × route matrix (anonymous, viewer, analyst, admin)."""
