"""Waste findings as the starting point of an improvement: found by id, their figures kept."""

from __future__ import annotations

from typing import Any

from karsta.i18n import Message
from karsta.process.waste import Finding, WasteFindings


class UnknownFinding(ValueError):
    """No finding of that id in the waste findings; the message lists the known ones."""


def find_finding(waste: WasteFindings, finding_id: str) -> Finding:
    """Return the finding `finding_id` (handoffs:ping-pong); raise UnknownFinding listing ids."""
    for found in waste.findings:
        if found.id == finding_id:
            return found
    raise UnknownFinding(
        Message(
            "No finding '{finding}' in this workspace's waste. Known: {known}.",
            finding=finding_id,
            known=", ".join(f.id for f in waste.findings) or "–",
        )
    )


def finding_figures(waste: WasteFindings, finding_id: str) -> dict[str, Any]:
    """Return a finding's figures as a record keeps them: evidence, counts, hours and euros a year.

    The figures are those of the waste analysis on the day they were taken, with the
    period they were scaled from (`basis`) and the assumptions (minutes each, €/h).
    """
    found = find_finding(waste, finding_id)
    return {
        "finding": found.id,
        "title": found.title,
        "family": found.family,
        "catalog_item": found.catalog_item,
        "lean_waste": found.lean_waste,
        "evidence": found.evidence,
        "occurrences": found.occurrences,
        "tickets": found.tickets,
        "hours_kind": found.hours_kind,
        "observed_hours": found.observed_hours,
        "hours_per_year": found.hours_per_year,
        "euros_per_year": found.euros_per_year,
        "occurrences_per_year": found.occurrences * waste.period.per_year,
        "tickets_per_year": found.tickets * waste.period.per_year,
        "basis": waste.period.basis(),
        "period_start": None if waste.period.start is None else waste.period.start.isoformat(),
        "period_end": None if waste.period.end is None else waste.period.end.isoformat(),
        "hourly_cost": waste.assumptions.hourly_cost,
    }
