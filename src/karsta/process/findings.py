"""The finding detectors: each turns one process view into waste findings with hours."""

from __future__ import annotations

from typing import Any

from karsta.i18n import Message, joined
from karsta.process.dfg import ProcessMap
from karsta.process.handoffs import Handoffs
from karsta.process.results import records
from karsta.process.rework import Rework
from karsta.process.variants import VARIANT_SEPARATOR
from karsta.process.waiting import WaitingTime
from karsta.process.waste import Finding, ObservedPeriod, WasteAssumptions, finding

ORGANISATION = Message("organisation waste")
CUSTOMER_PROCESS = Message("customer-process waste")
INFORMATION = Message("information waste")
UNCLEAR_ROLES = Message("unclear job descriptions, roles, authorisations and responsibilities")
WAITING = Message("waiting")
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
    if seconds is None:
        return "–"
    hours = seconds / _HOUR
    if hours >= 48:
        return Message("{days:.1f} d", days=hours / 24)
    return Message("{hours:.1f} h", hours=hours)


def attribute_plural(by: str) -> str:
    """Return the plural of an attribute's name ('groups'), translatable where shown."""
    return _NOUNS.get(by, f"{by}s")


def bottlenecks(
    process_map: ProcessMap,
    waiting: WaitingTime,
    period: ObservedPeriod,
    assumptions: WasteAssumptions,
) -> list[Finding]:
    """Return the transitions with most waiting in total, leaving out waiting statuses.

    `process_map` is the status map with repeats collapsed, so an edge's wait is the
    whole stay in its source status.
    Time in a waiting status (awaiting the user, a vendor) is its own finding, and time
    after resolution is not the customer's wait, so edges leaving those are skipped.
    """
    skipped = {
        row["status"]
        for row in records(waiting.table)
        if row["kind"] in {"waiting", "after resolution"}
    }
    edges = [
        e
        for e in records(process_map.table)
        if e["source"] not in skipped and e["source"] != e["target"] and not e["after_resolution"]
    ]
    edges.sort(key=lambda e: -(e["wait_total_s"] or 0.0))
    found = []
    for edge in edges[: assumptions.bottlenecks]:
        found.append(
            finding(
                kind="bottleneck",
                title=Message(
                    "Waiting between {source} and {target}",
                    source=edge["source"],
                    target=edge["target"],
                ),
                family=CUSTOMER_PROCESS,
                catalog_item=WAITING,
                lean_waste=WAITING,
                evidence=Message(
                    "{count} transitions in {tickets} tickets; median wait {median}, p90 {p90}",
                    count=edge["count"],
                    tickets=edge["cases"],
                    median=_hours(edge["wait_median_s"]),
                    p90=_hours(edge["wait_p90_s"]),
                ),
                occurrences=edge["count"],
                tickets=edge["cases"],
                hours_kind="customer waiting",
                observed_hours=(edge["wait_total_s"] or 0.0) / _HOUR,
                period=period,
                assumptions=assumptions,
            )
        )
    return found


def waiting_statuses(
    waiting: WaitingTime, period: ObservedPeriod, assumptions: WasteAssumptions
) -> list[Finding]:
    """Return one finding per waiting status (awaiting user, vendor, ...) with its hours."""
    found = []
    for row in records(waiting.table):
        if row["kind"] != "waiting":
            continue
        found.append(
            finding(
                kind="waiting status",
                title=Message("Tickets waiting in {status}", status=row["status"]),
                family=CUSTOMER_PROCESS,
                catalog_item=WAITING,
                lean_waste=WAITING,
                evidence=Message(
                    "{stays} stays in {tickets} tickets", stays=row["stays"], tickets=row["tickets"]
                ),
                occurrences=row["stays"],
                tickets=row["tickets"],
                hours_kind="customer waiting",
                observed_hours=(row["seconds"] or 0.0) / _HOUR,
                period=period,
                assumptions=assumptions,
            )
        )
    return found


def handoff_findings(
    handoffs: Handoffs, period: ObservedPeriod, assumptions: WasteAssumptions
) -> list[Finding]:
    """Return hand-offs, ping-pong and escalation bounces as staff effort."""
    s: dict[str, Any] = handoffs.summary
    per_handoff_h = assumptions.minutes_per_handoff / 60
    nodes = attribute_plural(handoffs.by)
    return [
        finding(
            kind="hand-offs",
            title=Message("Tickets passed between {nodes}", nodes=nodes),
            family=ORGANISATION,
            catalog_item=UNCLEAR_ROLES,
            lean_waste=TRANSPORT,
            evidence=Message(
                "{handoffs} hand-offs in {with_handoff} of {tickets} tickets; {over} tickets "
                "passed through more than {max} {nodes}",
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
            hours_kind="staff effort",
            period=period,
            assumptions=assumptions,
        ),
        finding(
            kind="ping-pong",
            title=_bounced_title(handoffs.by),
            family=ORGANISATION,
            catalog_item=UNCLEAR_ROLES,
            lean_waste=TRANSPORT,
            evidence=Message(
                "{returns} returns A → B → A in {tickets} tickets; the detours took {time} in all",
                returns=s["ping_pong"],
                tickets=s["ping_pong_tickets"],
                time=_hours(s["ping_pong_detour_s"]),
            ),
            occurrences=s["ping_pong"],
            tickets=s["ping_pong_tickets"],
            observed_hours=2 * s["ping_pong"] * per_handoff_h,
            hours_kind="staff effort",
            period=period,
            assumptions=assumptions,
        ),
        finding(
            kind="escalation bounce",
            title=Message("Escalations that came back to the level they left (L1 → L2 → L1)"),
            family=ORGANISATION,
            catalog_item=UNCLEAR_ROLES,
            lean_waste=TRANSPORT,
            evidence=Message(
                "{bounces} escalations returned in {tickets} tickets; "
                "the detours took {time} in all",
                bounces=s["bounces"],
                tickets=s["bounce_tickets"],
                time=_hours(s["bounce_detour_s"]),
            ),
            occurrences=s["bounces"],
            tickets=s["bounce_tickets"],
            observed_hours=2 * s["bounces"] * per_handoff_h,
            hours_kind="staff effort",
            period=period,
            assumptions=assumptions,
        ),
    ]


def rework_findings(
    rework: Rework, period: ObservedPeriod, assumptions: WasteAssumptions
) -> list[Finding]:
    """Return repeated activities and reopens as staff effort."""
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
    return [
        finding(
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
            hours_kind="staff effort",
            observed_hours=repeats * assumptions.minutes_per_repeat / 60,
            period=period,
            assumptions=assumptions,
        ),
        finding(
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
            hours_kind="staff effort",
            observed_hours=r["reopens"] * assumptions.minutes_per_reopen / 60,
            period=period,
            assumptions=assumptions,
        ),
    ]


def recategorised(
    tickets: int, corrected: int, period: ObservedPeriod, assumptions: WasteAssumptions
) -> list[Finding]:
    """Return tickets whose category was corrected after intake: data entered again."""
    return [
        finding(
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
            hours_kind="staff effort",
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
