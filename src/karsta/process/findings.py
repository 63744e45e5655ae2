"""The finding detectors: each turns one process view into waste findings with hours."""

from __future__ import annotations

from typing import Any

from karsta.process.dfg import ProcessMap
from karsta.process.handoffs import Handoffs
from karsta.process.results import records
from karsta.process.rework import Rework
from karsta.process.variants import VARIANT_SEPARATOR
from karsta.process.waiting import WaitingTime
from karsta.process.waste import Finding, ObservedPeriod, WasteAssumptions, finding

ORGANISATION = "organisation waste"
CUSTOMER_PROCESS = "customer-process waste"
INFORMATION = "information waste"
UNCLEAR_ROLES = "unclear job descriptions, roles, authorisations and responsibilities"
_HOUR = 3600.0


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    hours = seconds / _HOUR
    return f"{hours / 24:.1f} d" if hours >= 48 else f"{hours:.1f} h"


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
                title=f"Waiting between {edge['source']} and {edge['target']}",
                family=CUSTOMER_PROCESS,
                catalog_item="waiting",
                lean_waste="waiting",
                evidence=(
                    f"{edge['count']} transitions in {edge['cases']} tickets; median wait "
                    f"{_hours(edge['wait_median_s'])}, p90 {_hours(edge['wait_p90_s'])}"
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
                title=f"Tickets waiting in {row['status']}",
                family=CUSTOMER_PROCESS,
                catalog_item="waiting",
                lean_waste="waiting",
                evidence=f"{row['stays']} stays in {row['tickets']} tickets",
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
    return [
        finding(
            kind="hand-offs",
            title=f"Tickets passed between {handoffs.by}s",
            family=ORGANISATION,
            catalog_item=UNCLEAR_ROLES,
            lean_waste="transport",
            evidence=(
                f"{s['handoffs']} hand-offs in {s['tickets_with_handoff']} of {s['tickets']} "
                f"tickets; {s['tickets_over_max']} tickets passed through more than "
                f"{handoffs.max_nodes} {handoffs.by}s"
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
            title=f"Tickets bounced back to a {handoffs.by} they had left (pompottelu)",
            family=ORGANISATION,
            catalog_item=UNCLEAR_ROLES,
            lean_waste="transport",
            evidence=(
                f"{s['ping_pong']} returns A → B → A in {s['ping_pong_tickets']} tickets; "
                f"the detours took {_hours(s['ping_pong_detour_s'])} in all"
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
            title="Escalations that came back to the level they left (L1 → L2 → L1)",
            family=ORGANISATION,
            catalog_item=UNCLEAR_ROLES,
            lean_waste="transport",
            evidence=(
                f"{s['bounces']} escalations returned in {s['bounce_tickets']} tickets; "
                f"the detours took {_hours(s['bounce_detour_s'])} in all"
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
    top = ", ".join(
        f"{r['activity']} {r['repeats']}× ({r['other_person']} by another person)" for r in rows[:3]
    )
    r = rework.reopens
    return [
        finding(
            kind="rework",
            title="Activities done again in the same ticket",
            family=CUSTOMER_PROCESS,
            catalog_item="rework",
            lean_waste="defects",
            evidence=f"{repeats} repeats in {rework.tickets} tickets; most: {top}",
            occurrences=repeats,
            tickets=rework.tickets,
            hours_kind="staff effort",
            observed_hours=repeats * assumptions.minutes_per_repeat / 60,
            period=period,
            assumptions=assumptions,
        ),
        finding(
            kind="reopen",
            title="Resolutions that did not hold (ticket reopened)",
            family=CUSTOMER_PROCESS,
            catalog_item="errors",
            lean_waste="defects",
            evidence=(
                f"{r['reopens']} reopens in {r['tickets']} tickets; they added "
                f"{_hours(r['added_s'])} until the next resolution"
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
            title="Category corrected after intake",
            family=INFORMATION,
            catalog_item="re-entering data",
            lean_waste="over-processing",
            evidence=f"{corrected} of {tickets} tickets closed with another category than "
            "they were opened with",
            occurrences=corrected,
            tickets=corrected,
            hours_kind="staff effort",
            observed_hours=corrected * assumptions.minutes_per_recategorisation / 60,
            period=period,
            assumptions=assumptions,
        )
    ]


def variant_label(variant: str) -> str:
    """Return a variant as 'A → B → C'."""
    return " → ".join(variant.split(VARIANT_SEPARATOR))
