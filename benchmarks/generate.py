"""Generate a seeded, realistic service-desk ticket event log as CSV and Parquet.

    python benchmarks/generate.py --events 1000000 --seed 7 --out benchmarks/data

writes ``events-1M.csv`` and ``events-1M.parquet``: exactly ``--events`` rows with the
XES-style columns of Karsta's ``event-log`` preset. The same seed gives byte-identical
files. Tickets are simulated a chunk at a time with vectorised NumPy (every step of
the process advances all open tickets of the chunk at once) and each chunk is written
straight away, so memory stays small (well under 1 GB) even at 10M events.

The process model: tickets arrive over 2025 (mostly weekday office hours, Helsinki
time) and go New → Assigned → In Progress, then work notes, waits for the user or a
vendor, escalations from the level-1 service desk to level-2/3 groups, reassignments
(including ping-pong back to the previous group), resolution, reopen loops and
closing (mostly automatic, five days after resolution). Waits are lognormal (heavy
tailed); agent actions are pushed into office hours; some events share a timestamp.

Both files store every column as a string. The Parquet file deliberately keeps the
timestamp as the same ISO 8601 text as the CSV (``2025-03-04T09:15:02+02:00``) so
that importing either format does the same parsing work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

COLUMNS = (
    "case:concept:name",
    "concept:name",
    "time:timestamp",
    "org:resource",
    "org:group",
    "case:channel",
    "case:priority",
    "case:category",
    "case:type",
)
SCHEMA = pa.schema([(name, pa.string()) for name in COLUMNS])

#: Average events per ticket the process model is calibrated to.
MEAN_EVENTS_PER_TICKET = 8.9
DEFAULT_SEED = 7
CHUNK_TICKETS = 50_000
MAX_STEPS = 80

# --- Activities (also the states of the simulation) -------------------------------
ACTIVITIES = (
    "New",
    "Assigned",
    "In Progress",
    "Awaiting User Info",
    "Awaiting Vendor",
    "Escalated to L2",
    "Resolved",
    "Closed",
    "Reopened",
    "Reassigned",
    "Work Note",
    "Customer Reply",
)
(
    NEW,
    ASSIGNED,
    IN_PROGRESS,
    WAIT_USER,
    WAIT_VENDOR,
    ESCALATED,
    RESOLVED,
    CLOSED,
    REOPENED,
    REASSIGNED,
    WORK_NOTE,
    CUSTOMER_REPLY,
) = range(12)
REPLIED = 12  # state only: the user answered while the ticket was awaiting user info
N_ACT = len(ACTIVITIES)


def _transitions() -> np.ndarray:
    """Return the base transition weights: state (13) × next activity (12)."""
    t = np.zeros((13, N_ACT))
    t[NEW, [ASSIGNED, IN_PROGRESS]] = [0.93, 0.07]
    t[ASSIGNED, [IN_PROGRESS, REASSIGNED, WORK_NOTE, WAIT_USER]] = [0.84, 0.08, 0.05, 0.03]
    t[IN_PROGRESS, [WORK_NOTE, WAIT_USER, WAIT_VENDOR, REASSIGNED, CUSTOMER_REPLY, RESOLVED]] = [
        0.36,
        0.14,
        0.035,
        0.04,
        0.05,
        0.36,
    ]
    t[WAIT_USER, [CUSTOMER_REPLY, RESOLVED, WORK_NOTE]] = [0.80, 0.10, 0.10]
    t[WAIT_VENDOR, [IN_PROGRESS, WORK_NOTE, CUSTOMER_REPLY]] = [0.80, 0.12, 0.08]
    t[ESCALATED, [ASSIGNED, IN_PROGRESS]] = [0.85, 0.15]
    t[REASSIGNED, [ASSIGNED, IN_PROGRESS]] = [0.85, 0.15]
    t[RESOLVED, [CLOSED, REOPENED, CUSTOMER_REPLY]] = [0.84, 0.09, 0.07]
    t[CLOSED, CLOSED] = 1.0
    t[REOPENED, [IN_PROGRESS, REASSIGNED, WORK_NOTE]] = [0.82, 0.12, 0.06]
    t[REPLIED, [IN_PROGRESS, RESOLVED, WAIT_USER]] = [0.80, 0.14, 0.06]
    t[WORK_NOTE] = t[IN_PROGRESS]  # never a state; rows kept valid for safety
    t[CUSTOMER_REPLY] = t[IN_PROGRESS]
    return t


TRANSITIONS = _transitions()

# --- Organisation -------------------------------------------------------------------
# (group, number of agents); level is read from the name.
GROUPS: tuple[tuple[str, int], ...] = (
    ("Service Desk 1", 48),
    ("Service Desk 2", 40),
    ("Service Desk 3", 32),
    ("Network L2", 14),
    ("Network L3", 6),
    ("Identity & Access L2", 16),
    ("Collaboration L2", 12),
    ("Field Support L2", 18),
    ("Telephony L2", 8),
    ("Printing L2", 6),
    ("Workplace L2", 16),
    ("ERP L2", 12),
    ("ERP L3", 6),
    ("HR Systems L2", 8),
    ("Application Support L2", 14),
    ("Database L3", 6),
    ("Server L2", 12),
    ("Cloud L3", 6),
    ("Security L2", 10),
    ("Facilities L2", 10),
)
GROUP_NAMES = tuple(name for name, _ in GROUPS)
GROUP_INDEX = {name: i for i, name in enumerate(GROUP_NAMES)}
GROUP_LEVEL = np.array(
    [1 if n.startswith("Service Desk") else 3 if n.endswith("L3") else 2 for n in GROUP_NAMES]
)
L1_GROUPS = np.flatnonzero(GROUP_LEVEL == 1)
NON_L1_GROUPS = np.flatnonzero(GROUP_LEVEL > 1)
L2_GROUPS = np.flatnonzero(GROUP_LEVEL == 2)
N_AGENTS = sum(size for _, size in GROUPS)


def _agents() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (agent numbers listed group by group, group start offsets, group sizes).

    Agent numbers are spread over the groups with a fixed seed, so "Agent 17" is
    always in the same group whatever seed the event log uses.
    """
    sizes = np.array([size for _, size in GROUPS])
    numbers = np.random.default_rng(2025).permutation(N_AGENTS) + 1
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return numbers, starts, sizes


AGENT_NUMBERS, GROUP_AGENT_START, GROUP_AGENT_COUNT = _agents()
AGENT_NAMES = pa.array([f"Agent {i}" for i in range(N_AGENTS + 1)])  # index = number

# --- Ticket attributes ----------------------------------------------------------------
# (category, home level-2 group, level-3 group or "", share of requests, weight,
#  chance per working step that level 1 escalates it)
CATEGORIES: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("Password reset", "Identity & Access L2", "", 0.30, 9.0, 0.02),
    ("Account locked", "Identity & Access L2", "", 0.10, 5.0, 0.04),
    ("Access request", "Identity & Access L2", "", 0.95, 7.0, 0.20),
    ("VPN", "Network L2", "Network L3", 0.05, 4.0, 0.22),
    ("Wi-Fi", "Network L2", "Network L3", 0.05, 3.0, 0.25),
    ("Network outage", "Network L2", "Network L3", 0.0, 1.0, 0.55),
    ("Email", "Collaboration L2", "", 0.15, 6.0, 0.12),
    ("Teams", "Collaboration L2", "", 0.15, 4.0, 0.12),
    ("SharePoint", "Collaboration L2", "", 0.40, 3.0, 0.22),
    ("Laptop hardware", "Field Support L2", "", 0.20, 5.0, 0.40),
    ("Monitor and peripherals", "Field Support L2", "", 0.60, 3.0, 0.35),
    ("Mobile phone", "Telephony L2", "", 0.40, 3.0, 0.25),
    ("Desk phone", "Telephony L2", "", 0.30, 1.0, 0.30),
    ("Printer", "Printing L2", "", 0.10, 3.0, 0.30),
    ("Software install", "Workplace L2", "", 0.90, 6.0, 0.18),
    ("Software licence", "Workplace L2", "", 0.95, 2.0, 0.25),
    ("OS update", "Workplace L2", "", 0.20, 2.0, 0.20),
    ("ERP finance", "ERP L2", "ERP L3", 0.30, 3.0, 0.40),
    ("ERP purchasing", "ERP L2", "ERP L3", 0.30, 2.0, 0.40),
    ("HR system", "HR Systems L2", "", 0.40, 2.0, 0.35),
    ("Payroll", "HR Systems L2", "", 0.30, 1.0, 0.45),
    ("CRM", "Application Support L2", "Database L3", 0.30, 2.0, 0.35),
    ("Intranet", "Application Support L2", "", 0.30, 1.5, 0.25),
    ("Database", "Server L2", "Database L3", 0.20, 0.8, 0.60),
    ("Server", "Server L2", "Cloud L3", 0.20, 1.0, 0.60),
    ("Cloud storage", "Server L2", "Cloud L3", 0.50, 1.5, 0.30),
    ("Security incident", "Security L2", "", 0.0, 0.8, 0.70),
    ("Phishing report", "Security L2", "", 0.0, 2.5, 0.15),
    ("Facilities", "Facilities L2", "", 0.70, 1.5, 0.50),
    ("New employee onboarding", "Identity & Access L2", "", 1.0, 2.0, 0.30),
)
CATEGORY_NAMES = pa.array([c[0] for c in CATEGORIES])
CAT_HOME = np.array([GROUP_INDEX[c[1]] for c in CATEGORIES])
CAT_L3 = np.array([GROUP_INDEX[c[2]] if c[2] else -1 for c in CATEGORIES])
CAT_P_REQUEST = np.array([c[3] for c in CATEGORIES])
CAT_WEIGHT = np.array([c[4] for c in CATEGORIES]) / sum(c[4] for c in CATEGORIES)
CAT_ESCALATION = np.array([c[5] for c in CATEGORIES])

CHANNELS = ("phone", "email", "portal", "chat")
PHONE, EMAIL, PORTAL, CHAT = range(4)
CHANNEL_P_OFFICE = np.array([0.30, 0.28, 0.32, 0.10])
CHANNEL_P_AFTER_HOURS = np.array([0.05, 0.45, 0.48, 0.02])
# Level-1 group receiving a new ticket, by channel (rows) over Service Desk 1-3.
CHANNEL_DESK_P = np.array(
    [[0.75, 0.25, 0.0], [0.20, 0.60, 0.20], [0.30, 0.20, 0.50], [0.20, 0.0, 0.80]]
)
TYPES = ("incident", "request")
PRIORITY_P = {0: np.array([0.02, 0.13, 0.60, 0.25]), 1: np.array([0.0, 0.04, 0.46, 0.50])}
PRIORITY_SPEED = np.array([0.15, 0.4, 1.0, 1.4])  # multiplies agent reaction times

# --- Time -------------------------------------------------------------------------------
HOUR = 3600
DAY = 86_400
YEAR_START_LOCAL = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp())  # 2025-01-01 local
FINNISH_HOLIDAYS_2025 = (
    "2025-01-01",
    "2025-01-06",
    "2025-04-18",
    "2025-04-21",
    "2025-05-01",
    "2025-05-29",
    "2025-06-20",
    "2025-06-21",
    "2025-11-01",
    "2025-12-06",
    "2025-12-24",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-01-06",
)
HOLIDAY_DAYS = np.array(
    [
        int(dt.datetime.fromisoformat(d).replace(tzinfo=dt.UTC).timestamp()) // DAY
        for d in FINNISH_HOLIDAYS_2025
    ]
)


def _dst_bounds(first: int = 2024, last: int = 2030) -> np.ndarray:
    """Return EU summer-time bounds in UTC seconds: [start, end, start, end, ...]."""

    def last_sunday(year: int, month: int) -> int:
        day = dt.datetime(year, month + 1, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
        day -= dt.timedelta(days=(day.weekday() + 1) % 7)
        return int(day.timestamp())

    return np.array(
        [b for y in range(first, last + 1) for b in (last_sunday(y, 3), last_sunday(y, 10))]
    )


DST_BOUNDS = _dst_bounds()


def helsinki_offset(t_utc: np.ndarray) -> np.ndarray:
    """Return Europe/Helsinki's UTC offset in seconds (+2 h, +3 h in summer)."""
    summer = np.searchsorted(DST_BOUNDS, t_utc, side="right") % 2 == 1
    return np.where(summer, 3 * HOUR, 2 * HOUR)


def local_to_utc(t_local: np.ndarray) -> np.ndarray:
    """Return UTC seconds for Helsinki wall-clock seconds (DST gaps resolved forward)."""
    utc: np.ndarray = t_local - helsinki_offset(t_local - 2 * HOUR)
    return utc


def _nonworking(day: np.ndarray) -> np.ndarray:
    """Return whether local day numbers (days since 1970-01-01) are weekends or holidays."""
    return ((day + 3) % 7 >= 5) | np.isin(day, HOLIDAY_DAYS)


def to_office_hours(t_utc: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move times outside weekday 08:00-17:00 (Helsinki) to the next working morning."""
    local = t_utc + helsinki_offset(t_utc)
    day, sec = np.divmod(local, DAY)
    late = sec >= 17 * HOUR
    moved = late | (sec < 8 * HOUR)
    day = day + late
    morning = 8 * HOUR + np.minimum(rng.exponential(40 * 60, size=len(t_utc)), 7 * HOUR)
    morning = morning.astype(np.int64)
    sec = np.where(moved, morning, sec)
    for _ in range(6):
        off = _nonworking(day)
        if not off.any():
            break
        day = day + off
        sec = np.where(off, morning, sec)
        moved |= off
    return np.where(moved, local_to_utc(day * DAY + sec), t_utc)


def sample_arrivals(n: int, rng: np.random.Generator, days: range = range(365)) -> np.ndarray:
    """Return `n` sorted ticket arrival times (UTC seconds) over the given days of 2025."""
    day_no = np.arange(days.start, days.stop)
    absolute = YEAR_START_LOCAL // DAY + day_no
    weekday = (absolute + 3) % 7
    weight = np.array([1.25, 1.1, 1.05, 1.0, 0.85, 0.10, 0.08])[weekday]
    weight = np.where(np.isin(absolute, HOLIDAY_DAYS), 0.12, weight)
    month = (day_no // 30.5).astype(int)
    weight = weight * np.where(month == 6, 0.6, 1.0) * (1 + 0.15 * day_no / 365)
    day = rng.choice(absolute, size=n, p=weight / weight.sum())
    office = rng.random(n) < 0.85
    peak = rng.random(n) < 0.55
    tod = np.where(
        peak, rng.normal(10 * HOUR, 1.3 * HOUR, n), rng.normal(13.75 * HOUR, 1.6 * HOUR, n)
    )
    tod = np.where(office, np.clip(tod, 7 * HOUR, 18 * HOUR), rng.uniform(0, DAY, n))
    return np.sort(local_to_utc(day * DAY + tod.astype(np.int64)))


# Reaction times by emitted activity: (median seconds, lognormal sigma).
DURATION = np.array(
    [
        (0, 0.0),  # New
        (20 * 60, 1.3),  # Assigned
        (35 * 60, 1.2),  # In Progress
        (40 * 60, 1.2),  # Awaiting User Info
        (90 * 60, 1.0),  # Awaiting Vendor
        (50 * 60, 1.3),  # Escalated to L2
        (3 * HOUR, 1.6),  # Resolved
        (DAY, 1.0),  # Closed (by an agent)
        (1.5 * DAY, 1.0),  # Reopened
        (HOUR, 1.3),  # Reassigned
        (2 * HOUR, 1.6),  # Work Note
        (5 * HOUR, 1.4),  # Customer Reply
    ]
)
AUTO_CLOSE_AFTER = 5 * DAY
MAX_WAIT = 60 * DAY


@dataclass(frozen=True, slots=True)
class Tickets:
    """Ticket-level attributes of one chunk (arrays of length n)."""

    arrival: np.ndarray
    channel: np.ndarray
    priority: np.ndarray  # 0..3 for P1..P4
    category: np.ndarray
    ticket_type: np.ndarray  # 0 incident, 1 request


@dataclass(frozen=True, slots=True)
class Events:
    """Simulated events of one chunk, grouped by ticket in export order."""

    ticket: np.ndarray
    activity: np.ndarray
    group: np.ndarray
    agent: np.ndarray  # agent number, 0 = none
    time: np.ndarray  # UTC seconds


def draw_tickets(arrival: np.ndarray, rng: np.random.Generator) -> Tickets:
    """Draw channel, priority, category and type for tickets arriving at `arrival`."""
    n = len(arrival)
    local = arrival + helsinki_offset(arrival)
    day, sec = np.divmod(local, DAY)
    office = (sec >= 7 * HOUR) & (sec < 18 * HOUR) & ~_nonworking(day)
    u = rng.random(n)
    channel = np.where(
        office,
        np.searchsorted(np.cumsum(CHANNEL_P_OFFICE), u * CHANNEL_P_OFFICE.sum()),
        np.searchsorted(np.cumsum(CHANNEL_P_AFTER_HOURS), u * CHANNEL_P_AFTER_HOURS.sum()),
    )
    category = rng.choice(len(CATEGORIES), size=n, p=CAT_WEIGHT)
    ticket_type = (rng.random(n) < CAT_P_REQUEST[category]).astype(np.int64)
    u = rng.random(n)
    priority = np.where(
        ticket_type == 0,
        np.searchsorted(np.cumsum(PRIORITY_P[0]), u, side="right"),
        np.searchsorted(np.cumsum(PRIORITY_P[1]), u, side="right"),
    )
    return Tickets(arrival, channel, np.minimum(priority, 3), category, ticket_type)


def _pick_agent(group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return an agent number from each group; a few agents take most of the work."""
    slot = (rng.random(len(group)) ** 1.7 * GROUP_AGENT_COUNT[group]).astype(np.int64)
    agents: np.ndarray = AGENT_NUMBERS[GROUP_AGENT_START[group] + slot]
    return agents


def _route(
    activity: np.ndarray,
    group: np.ndarray,
    prev: np.ndarray,
    category: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Return the group a ticket goes to when escalated or reassigned."""
    n = len(group)
    u1, u2 = rng.random(n), rng.random(n)
    home, l3 = CAT_HOME[category], CAT_L3[category]
    any_l2 = L2_GROUPS[rng.integers(0, len(L2_GROUPS), n)]
    any_other = NON_L1_GROUPS[rng.integers(0, len(NON_L1_GROUPS), n)]
    any_desk = L1_GROUPS[rng.integers(0, len(L1_GROUPS), n)]
    level = GROUP_LEVEL[group]
    reassigned = np.select(
        [
            (prev >= 0) & (prev != group) & (u1 < 0.45),  # ping-pong back
            level == 1,
            (level == 2) & (l3 >= 0) & (u2 < 0.5),
            level == 2,
        ],
        [
            prev,
            np.where(u2 < 0.6, home, any_other),
            l3,
            np.where(u2 < 0.75, any_desk, any_other),
        ],
        default=np.where(u2 < 0.6, home, any_other),
    )
    target = np.where(activity == ESCALATED, np.where(u1 < 0.88, home, any_l2), reassigned)
    fallback = np.where(home != group, home, L1_GROUPS[0])
    return np.where(target == group, fallback, target)


def simulate(tickets: Tickets, rng: np.random.Generator) -> Events:
    """Run the process model for every ticket of a chunk; return its events."""
    n = len(tickets.arrival)
    state = np.full(n, NEW)
    desk_p = CHANNEL_DESK_P[tickets.channel]
    group = L1_GROUPS[(rng.random(n)[:, None] > np.cumsum(desk_p, axis=1)[:, :-1]).sum(axis=1)]
    prev = np.full(n, -1)
    live = np.isin(tickets.channel, (PHONE, CHAT))
    agent = np.where(live, _pick_agent(group, rng), 0)
    now = tickets.arrival.copy()
    working = np.zeros(n, dtype=np.int64)
    reopens = np.zeros(n, dtype=np.int64)
    speed = PRIORITY_SPEED[tickets.priority]
    urgent = tickets.priority == 0

    out_ticket = [np.arange(n)]
    out_activity = [np.full(n, NEW)]
    out_group = [group.copy()]
    out_agent = [agent.copy()]
    out_time = [now.copy()]

    open_ = np.arange(n)
    for step in range(1, MAX_STEPS):
        if len(open_) == 0:
            break
        s = state[open_]
        weights = TRANSITIONS[s]
        direct = (s == NEW) & live[open_]
        weights[direct, ASSIGNED], weights[direct, IN_PROGRESS] = 0.45, 0.55
        busy = s == IN_PROGRESS
        cat = tickets.category[open_]
        g = group[open_]
        weights[:, ESCALATED] += np.where(busy & (GROUP_LEVEL[g] == 1), CAT_ESCALATION[cat], 0.0)
        weights[:, REASSIGNED] += np.where(
            busy & (GROUP_LEVEL[g] == 2) & (CAT_L3[cat] >= 0), 0.07, 0
        )
        weights[:, RESOLVED] *= np.where(busy, 1 + 0.1 * working[open_], 1.0)
        weights[:, REOPENED] *= 0.5 ** reopens[open_]
        if step >= MAX_STEPS - 2:  # wrap up the few tickets still open
            weights[:] = 0.0
            weights[:, RESOLVED] = s != RESOLVED
            weights[:, CLOSED] = s == RESOLVED
        cum = np.cumsum(weights, axis=1)
        u = rng.random(len(open_)) * cum[:, -1]
        act = (cum <= u[:, None]).sum(axis=1)

        # Who does it, and in which group.
        a_agent = agent[open_]
        needs = (a_agent == 0) | (rng.random(len(open_)) < 0.04)
        a_agent = np.where(needs, _pick_agent(g, rng), a_agent)
        agent[open_] = a_agent
        auto_close = (act == CLOSED) & (rng.random(len(open_)) < 0.8)
        by_user = (act == CUSTOMER_REPLY) | ((act == REOPENED) & (rng.random(len(open_)) < 0.4))
        resource = np.where(auto_close | by_user, 0, a_agent)

        # When.
        median = DURATION[act, 0] * np.where(by_user, 1.0, speed[open_])
        sigma = DURATION[act, 1]
        median = np.where((act == CUSTOMER_REPLY) & (s == WAIT_USER), 20 * HOUR, median)
        median = np.where((act == IN_PROGRESS) & (s == WAIT_VENDOR), 2.5 * DAY, median)
        median = np.where((act == IN_PROGRESS) & (s == REPLIED), 2 * HOUR, median)
        median = np.where((act == IN_PROGRESS) & (s == REOPENED), 3 * HOUR, median)
        median = np.where((act == IN_PROGRESS) & (s == NEW), 120, median)
        no_reply = (act == RESOLVED) & (s == WAIT_USER)  # resolved after reminders
        median = np.where(no_reply, 5 * DAY, median)
        sigma = np.where(no_reply, 0.3, sigma)
        wait = median * np.exp(sigma * rng.standard_normal(len(open_)))
        wait = np.clip(wait.astype(np.int64), 1, MAX_WAIT)
        tie = rng.random(len(open_))
        handover = np.isin(s, (ESCALATED, REASSIGNED)) & (act == ASSIGNED)
        tie_p = np.select(
            [handover, (s == NEW) & (act == ASSIGNED), act == WORK_NOTE, act == IN_PROGRESS],
            [0.5, 0.25, 0.08, 0.05],
            default=0.02,
        )
        wait = np.where(tie < tie_p, 0, wait)
        wait = np.where(auto_close, AUTO_CLOSE_AFTER, wait)
        t = now[open_] + wait
        office_p = np.where(by_user, 0.6, np.where(urgent[open_], 0.4, 0.95))
        adjust = (wait > 0) & ~auto_close & (rng.random(len(open_)) < office_p)
        if adjust.any():
            t[adjust] = np.maximum(to_office_hours(t[adjust], rng), now[open_][adjust])
        now[open_] = t

        out_ticket.append(open_)
        out_activity.append(act)
        out_group.append(g)
        out_agent.append(resource)
        out_time.append(t)

        # Hand-overs change the group after the event; the next group picks an agent.
        moving = np.isin(act, (ESCALATED, REASSIGNED))
        if moving.any():
            idx = open_[moving]
            target = _route(act[moving], g[moving], prev[idx], cat[moving], rng)
            prev[idx] = group[idx]
            group[idx] = target
            agent[idx] = 0
        working[open_] += busy
        reopens[open_] += act == REOPENED
        new_state = np.where(act == WORK_NOTE, s, act)
        new_state = np.where(act == CUSTOMER_REPLY, np.where(s == WAIT_USER, REPLIED, s), new_state)
        state[open_] = new_state
        open_ = open_[act != CLOSED]

    ticket = np.concatenate(out_ticket)
    activity = np.concatenate(out_activity)
    # Export order: grouped by ticket, mostly in time order, but for some tickets the
    # journal (work notes, customer replies) comes after the status history.
    journal_last = rng.random(n) < 0.08
    moved = journal_last[ticket] & np.isin(activity, (WORK_NOTE, CUSTOMER_REPLY))
    order = np.argsort(ticket * 2 + moved, kind="stable")
    return Events(
        ticket=ticket[order],
        activity=activity[order],
        group=np.concatenate(out_group)[order],
        agent=np.concatenate(out_agent)[order],
        time=np.concatenate(out_time)[order],
    )


def to_table(tickets: Tickets, events: Events, first_number: int) -> pa.Table:
    """Return the events as an Arrow table of strings with the XES-style columns."""
    numbers = pa.array(np.arange(first_number, first_number + len(tickets.arrival)))
    ids = pc.binary_join_element_wise("T", pc.utf8_lpad(pc.cast(numbers, pa.string()), 7, "0"), "")
    ticket = pa.array(events.ticket)
    offset = helsinki_offset(events.time)
    local = pa.array(events.time + offset, type=pa.timestamp("s"))
    suffix = pa.array(["+02:00", "+03:00"]).take(pa.array(offset // HOUR - 2))
    stamp = pc.binary_join_element_wise(pc.strftime(local, format="%Y-%m-%dT%H:%M:%S"), suffix, "")
    priority = pa.array(["1", "2", "3", "4"]).take(pa.array(tickets.priority))
    columns = [
        ids.take(ticket),
        pa.array(ACTIVITIES).take(pa.array(events.activity)),
        stamp,
        AGENT_NAMES.take(pa.array(events.agent, mask=events.agent == 0)),
        pa.array(GROUP_NAMES).take(pa.array(events.group)),
        pa.array(CHANNELS).take(pa.array(tickets.channel)).take(ticket),
        priority.take(ticket),
        CATEGORY_NAMES.take(pa.array(tickets.category)).take(ticket),
        pa.array(TYPES).take(pa.array(tickets.ticket_type)).take(ticket),
    ]
    return pa.Table.from_arrays(columns, schema=SCHEMA)


def size_label(events: int) -> str:
    """Return the file-name label of an event count: 100000 → "100k", 10**7 → "10M"."""
    for unit, scale in (("M", 1_000_000), ("k", 1_000)):
        if events >= scale and events % scale == 0:
            return f"{events // scale}{unit}"
    return str(events)


def parse_count(text: str) -> int:
    """Parse an event count such as "1000000", "100k", "1M" or "2.5M"."""
    text = text.strip().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    number = float(text[:-1]) if scale > 1 else float(text)
    count = round(number * scale)
    if count <= 0:
        raise ValueError(f"event count must be positive, not {text!r}")
    return count


def output_paths(out_dir: Path, events: int) -> tuple[Path, Path]:
    """Return the CSV and Parquet paths for `events` events in `out_dir`."""
    stem = f"events-{size_label(events)}"
    return out_dir / f"{stem}.csv", out_dir / f"{stem}.parquet"


@dataclass(frozen=True, slots=True)
class Generated:
    """What `generate` wrote."""

    csv: Path
    parquet: Path
    events: int
    tickets: int
    seconds: float


def generate(
    events: int,
    seed: int = DEFAULT_SEED,
    out_dir: Path = Path("benchmarks/data"),
    *,
    chunk_tickets: int = CHUNK_TICKETS,
) -> Generated:
    """Write exactly `events` events as CSV and Parquet; the same seed gives the same bytes.

    Files are written under temporary names and renamed at the end, so a reader never
    sees a half-written file.
    """
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = output_paths(out_dir, events)
    tmp_csv = csv_path.with_name(f".{csv_path.name}.{os.getpid()}.tmp")
    tmp_parquet = parquet_path.with_name(f".{parquet_path.name}.{os.getpid()}.tmp")
    planned = max(1, round(events / MEAN_EVENTS_PER_TICKET))
    arrivals = sample_arrivals(planned, np.random.default_rng([seed, 1_000_000]))
    written = tickets_written = chunk_no = 0
    try:
        with (
            pacsv.CSVWriter(tmp_csv, SCHEMA) as csv_writer,
            pq.ParquetWriter(tmp_parquet, SCHEMA) as parquet_writer,
        ):
            while written < events:
                rng = np.random.default_rng([seed, chunk_no])
                if arrivals.size == 0:  # the model fell short: a few more tickets at year end
                    more = math.ceil((events - written) / MEAN_EVENTS_PER_TICKET * 1.2) + 1
                    arrivals = sample_arrivals(more, rng, range(357, 365))
                batch, arrivals = arrivals[:chunk_tickets], arrivals[chunk_tickets:]
                tickets = draw_tickets(batch, rng)
                simulated = simulate(tickets, rng)
                table = to_table(tickets, simulated, tickets_written + 1)
                table = table.slice(0, events - written)
                csv_writer.write_table(table)
                parquet_writer.write_table(table)
                written += table.num_rows
                tickets_written += int(simulated.ticket[table.num_rows - 1]) + 1
                chunk_no += 1
        tmp_csv.replace(csv_path)
        tmp_parquet.replace(parquet_path)
    finally:
        tmp_csv.unlink(missing_ok=True)
        tmp_parquet.unlink(missing_ok=True)
    return Generated(csv_path, parquet_path, written, tickets_written, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    """Command line: generate one event log."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events",
        type=parse_count,
        default=parse_count("100k"),
        help="number of events (rows), e.g. 100000, 100k, 1M, 10M",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/data"), help="folder")
    args = parser.parse_args(argv)
    result = generate(args.events, args.seed, args.out)
    print(
        f"wrote {result.events:,} events of {result.tickets:,} tickets "
        f"({result.events / result.tickets:.2f} per ticket) in {result.seconds:.1f} s:\n"
        f"  {result.csv} ({result.csv.stat().st_size / 1e6:,.1f} MB)\n"
        f"  {result.parquet} ({result.parquet.stat().st_size / 1e6:,.1f} MB)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
