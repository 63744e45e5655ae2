"""The finding detectors: each turns one process view into waste findings with hours."""

from __future__ import annotations

from typing import Any

from karsta.i18n import Message, joined
from karsta.process.dfg import ProcessMap
from karsta.process.handoffs import Handoffs
from karsta.process.period import ObservedPeriod
from karsta.process.results import records
from karsta.process.rework import Rework
from karsta.process.variants import VARIANT_SEPARATOR
from karsta.process.waiting import WaitingTime
from karsta.process.waste import (
    CUSTOMER_PROCESS,
    INFORMATION,
    ORGANISATION,
    Finding,
    WasteAssumptions,
    finding,
)

UNCLEAR_ROLES = Message("unclear job descriptions, roles, authorisations and responsibilities")
WAITING = Message("waiting")
WORK_IN_PROGRESS = Message("lots of work in progress")
INVENTORY = Message("inventory")
TRANSPORT = Message("transport")
DEFECTS = Message("defects")
_HOUR = 3600.0
_NOUNS = {
    "group": Message("groups"),
    "agent": Message("agents"),
    "level": Message("levels"),
    "status": Message("statuses"),
    "activity": Message("activities"),
}


def _hours(seconds: float | None) -> str:
    """Return a duration in hours, or days from two days on (whole days from 100 days on).

    The precision follows `karsta.formatting.duration`; the numbers are written as the
    language writes them where the message is shown (14 826 vrk, 2,4 h).
    """
    if seconds is None:
        return "–"
    hours = seconds / _HOUR
    if hours >= 48:
        days = hours / 24
        if days >= 100:
            return Message("{days:.0f} d", days=days)
        return Message("{days:.1f} d", days=days)
    return Message("{hours:.1f} h", hours=hours)


def attribute_plural(by: str) -> str:
    """Return the plural of an attribute's name ('groups'), translatable where shown."""
    return _NOUNS.get(by, f"{by}s")


def _waiting_title(status: str, kind: str) -> str:
    """Return the title of the customer-waiting finding of one status."""
    if kind == "queue":
        return Message("Tickets waiting in the queue in {status}", status=status)
    return Message("Tickets waiting in {status}", status=status)


def bottlenecks(
    process_map: ProcessMap,
    waiting: WaitingTime,
    period: ObservedPeriod,
    assumptions: WasteAssumptions,
) -> list[Finding]:
    """Return the map's bottleneck arrows: where the customers' time goes, not added up.

    `process_map` is the status map with repeats collapsed, so an arrow's time is the
    whole stay in its source status; the bottlenecks are the arrows the map marks
    (most time in total among queue and working stays). Time in the queue is already
    in the waiting finding of its status, and time in a working step is not waiting
    by the waiting rule, so neither is added to the totals again.
    """
    found = []
    for edge in process_map.bottlenecks:
        kind = edge["kind"]
        waits = (
            kind is not None
            and kind in {"queue", "waiting"}
            and (kind == "waiting" or waiting.rules.queue_is_waiting)
        )
        reason = (
            Message("already counted in '{title}'", title=_waiting_title(edge["source"], kind))
            if waits
            else Message("time in a working step: not waiting by the waiting rule")
        )
        found.append(
            finding(
                id=f"bottleneck:{edge['source']} → {edge['target']}",
                kind="bottleneck",
                title=Message(
                    "Bottleneck: {source} → {target}",
                    source=edge["source"],
                    target=edge["target"],
                ),
                family=CUSTOMER_PROCESS,
                catalog_item=WAITING if kind == "queue" else WORK_IN_PROGRESS,
                lean_waste=WAITING if kind == "queue" else INVENTORY,
                evidence=Message(
                    "{count} stays in {source} before {target}, in {tickets} tickets; "
                    "total {total}, median {median}, p90 {p90}",
                    count=edge["count"],
                    source=edge["source"],
                    target=edge["target"],
                    tickets=edge["cases"],
                    total=_hours(edge["wait_total_s"]),
                    median=_hours(edge["wait_median_s"]),
                    p90=_hours(edge["wait_p90_s"]),
                ),
                occurrences=edge["count"],
                tickets=edge["cases"],
                hours_kind="customer time",
                observed_hours=(edge["wait_total_s"] or 0.0) / _HOUR,
                period=period,
                assumptions=assumptions,
                stay_kind=kind,
                not_in_totals=reason,
            )
        )
    return found


def waiting_statuses(
    waiting: WaitingTime, period: ObservedPeriod, assumptions: WasteAssumptions
) -> list[Finding]:
    """Return one finding per status the waiting rule calls waiting, with its hours.

    The statuses of kind waiting (awaiting user, vendor, ...) and, when the queue
    counts as waiting, of kind queue: together exactly the waiting time of
    `process waiting` for the same tickets.
    """
    kinds = {"waiting", "queue"} if waiting.rules.queue_is_waiting else {"waiting"}
    found = []
    for row in records(waiting.table):
        if row["kind"] not in kinds:
            continue
        found.append(
            finding(
                id=f"waiting:{row['status']}",
                kind="waiting status" if row["kind"] == "waiting" else "queue",
                title=_waiting_title(row["status"], row["kind"]),
                family=CUSTOMER_PROCESS,
                catalog_item=WAITING,
                lean_waste=WAITING,
                evidence=Message(
                    "{stays} stays in {tickets} tickets", stays=row["stays"], tickets=row["tickets"]
                ),
                occurrences=row["stays"],
                tickets=row["tickets"],
                hours_kind="customer time",
                observed_hours=(row["seconds"] or 0.0) / _HOUR,
                period=period,
                assumptions=assumptions,
                stay_kind=row["kind"],
            )
        )
    return found


def handoff_findings(
    handoffs: Handoffs, period: ObservedPeriod, assumptions: WasteAssumptions
) -> list[Finding]:
    """Return hand-offs, ping-pong and escalations that came back, as staff time.

    A figure the log cannot give (None in the summary) gives no finding; the
    analysis lists it as not computed. Ping-pong's hand-offs are hand-offs, and so
    are an escalation's level changes where levels are the groups' levels: listed,
    not added to the totals again.
    """
    s: dict[str, Any] = handoffs.summary
    per_handoff_h = assumptions.minutes_per_handoff / 60
    nodes = attribute_plural(handoffs.by)
    passed = Message("Tickets passed between {nodes}", nodes=nodes)
    found = []
    if s["handoffs"] is not None:
        found.append(
            finding(
                id="handoffs:hand-offs",
                kind="hand-offs",
                title=passed,
                family=ORGANISATION,
                catalog_item=UNCLEAR_ROLES,
                lean_waste=TRANSPORT,
                evidence=Message(
                    "{handoffs} hand-offs in {with_handoff} of {tickets} tickets; {over} "
                    "tickets passed through more than {max} {nodes}",
                    handoffs=s["handoffs"],
                    with_handoff=s["tickets_with_handoff"],
                    tickets=s["tickets"],
                    over=s["tickets_over_max"],
                    max=handoffs.max_nodes,
                    nodes=nodes,
                ),
                occurrences=s["handoffs"],
                tickets=s["tickets_with_handoff"],
                observed_hours=s["handoffs"] * per_handoff_h,
                hours_kind="staff time",
                period=period,
                assumptions=assumptions,
            )
        )
        found.append(
            finding(
                id="handoffs:ping-pong",
                kind="ping-pong",
                title=_bounced_title(handoffs.by),
                family=ORGANISATION,
                catalog_item=UNCLEAR_ROLES,
                lean_waste=TRANSPORT,
                evidence=Message(
                    "{returns} returns A → B → A in {tickets} tickets; the detours took "
                    "{time} in all",
                    returns=s["ping_pong"],
                    tickets=s["ping_pong_tickets"],
                    time=_hours(s["ping_pong_detour_s"]),
                ),
                occurrences=s["ping_pong"],
                tickets=s["ping_pong_tickets"],
                observed_hours=2 * s["ping_pong"] * per_handoff_h,
                hours_kind="staff time",
                period=period,
                assumptions=assumptions,
                not_in_totals=Message("its hand-offs are counted in '{title}'", title=passed),
            )
        )
    if s["escalations_returned"] is not None:
        counted = s["handoffs"] is not None and handoffs.by == "group"
        found.append(
            finding(
                id="handoffs:escalations-returned",
                kind="escalation returned",
                title=Message("Escalations that came back to the level they left, at any level"),
                family=ORGANISATION,
                catalog_item=UNCLEAR_ROLES,
                lean_waste=TRANSPORT,
                evidence=Message(
                    "{returned} escalations came back in {tickets} tickets (L1 → L2 → L1, "
                    "L2 → L3 → L2, ...); the detours took {time} in all. {sent_back} tickets "
                    "were sent back to level 1 ({moves} times)",
                    returned=s["escalations_returned"],
                    tickets=s["escalations_returned_tickets"],
                    time=_hours(s["escalations_returned_detour_s"]),
                    sent_back=s["sent_back_to_level_1_tickets"],
                    moves=s["sent_back_to_level_1"],
                ),
                occurrences=s["escalations_returned"],
                tickets=s["escalations_returned_tickets"],
                observed_hours=2 * s["escalations_returned"] * per_handoff_h,
                hours_kind="staff time",
                period=period,
                assumptions=assumptions,
                not_in_totals=Message(
                    "its level changes are hand-offs between groups, counted in '{title}'",
                    title=passed,
                )
                if counted
                else None,
            )
        )
    return found


def rework_findings(
    rework: Rework, period: ObservedPeriod, assumptions: WasteAssumptions
) -> list[Finding]:
    """Return repeated activities and, where the log has status classes, reopens: staff time."""
    rows = records(rework.table)
    repeats = sum(r["repeats"] for r in rows)
    top = joined(
        [
            Message(
                "{activity} {repeats}× ({other} by another person)",
                activity=r["activity"],
                repeats=r["repeats"],
                other=r["other_person"],
            )
            for r in rows[:3]
        ],
        ", ",
    )
    r = rework.reopens
    found = [
        finding(
            id="rework:repeats",
            kind="rework",
            title=Message("Activities done again in the same ticket"),
            family=CUSTOMER_PROCESS,
            catalog_item=Message("rework"),
            lean_waste=DEFECTS,
            evidence=Message(
                "{repeats} repeats in {tickets} tickets; most: {top}",
                repeats=repeats,
                tickets=rework.tickets,
                top=top,
            ),
            occurrences=repeats,
            tickets=rework.tickets,
            hours_kind="staff time",
            observed_hours=repeats * assumptions.minutes_per_repeat / 60,
            period=period,
            assumptions=assumptions,
        )
    ]
    if not rework.has_status_classes:
        return found
    found.append(
        finding(
            id="rework:reopens",
            kind="reopen",
            title=Message("Resolutions that did not hold (ticket reopened)"),
            family=CUSTOMER_PROCESS,
            catalog_item=Message("errors"),
            lean_waste=DEFECTS,
            evidence=Message(
                "{reopens} reopens in {tickets} tickets; they added {time} until the next "
                "resolution",
                reopens=r["reopens"],
                tickets=r["tickets"],
                time=_hours(r["added_s"]),
            ),
            occurrences=r["reopens"],
            tickets=r["tickets"],
            hours_kind="staff time",
            observed_hours=r["reopens"] * assumptions.minutes_per_reopen / 60,
            period=period,
            assumptions=assumptions,
        )
    )
    return found


def recategorised(
    tickets: int, corrected: int, period: ObservedPeriod, assumptions: WasteAssumptions
) -> list[Finding]:
    """Return tickets whose category was corrected after intake: data entered again."""
    return [
        finding(
            id="categories:corrected",
            kind="re-entered data",
            title=Message("Category corrected after intake"),
            family=INFORMATION,
            catalog_item=Message("re-entering data"),
            lean_waste=Message("over-processing"),
            evidence=Message(
                "{corrected} of {tickets} tickets closed with another category than they were "
                "opened with",
                corrected=corrected,
                tickets=tickets,
            ),
            occurrences=corrected,
            tickets=corrected,
            hours_kind="staff time",
            observed_hours=corrected * assumptions.minutes_per_recategorisation / 60,
            period=period,
            assumptions=assumptions,
        )
    ]


def _bounced_title(by: str) -> str:
    """Return the ping-pong finding's title for hand-offs between groups, agents or levels."""
    titles = {
        "group": Message("Tickets bounced back to a group they had left (pompottelu)"),
        "agent": Message("Tickets bounced back to an agent they had left (pompottelu)"),
        "level": Message("Tickets bounced back to a level they had left (pompottelu)"),
    }
    return titles.get(by) or Message(
        "Tickets bounced back to a {by} they had left (pompottelu)", by=by
    )


def variant_label(variant: str) -> str:
    """Return a variant as 'A → B → C'."""
    return " → ".join(variant.split(VARIANT_SEPARATOR))
