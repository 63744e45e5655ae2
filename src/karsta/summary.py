"""What a workspace holds: tickets by type, channel, status and month, events, derived facts.

It also says how the events' statuses are classified (by the mapping, or inferred
from the activity names at import) and which facts the figures need that the
data lacks, with what to map.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import ibis
import ibis.expr.types as ir

from karsta.i18n import N_, Message, joined
from karsta.ingest.importer import facts_outdated
from karsta.ingest.protection import PrivacyMode, stored_mode
from karsta.ingest.record_mapping import RECORD_TABLES
from karsta.ingest.redaction import Redactions, merged
from karsta.workspace import Workspace
from karsta.workspace.coverage import NEEDS, source_coverage

CLASS_ORDER = ("new", "active", "waiting", "resolved", "closed", "cancelled")


@dataclass(frozen=True, slots=True)
class FactCoverage:
    """How many tickets have a derived fact, where it came from, and why the rest lack it."""

    fact: str
    filled: int
    from_source: int | None
    from_events: int | None
    missing: int
    why_missing: str


@dataclass(frozen=True, slots=True)
class ActivityClass:
    """An activity, the class its events have, how many, and whether the class was inferred."""

    activity: str | None
    status_class: str | None
    events: int
    inferred: bool
    """True when the import classified the activity by its name (the mapping did not name it)."""


@dataclass(frozen=True, slots=True)
class NeedCoverage:
    """Whether the data has a fact some figures need, and what to map when it does not."""

    need: str
    present: bool
    lacks: str
    to_map: str


@dataclass(slots=True)
class WorkspaceSummary:
    """A workspace's contents in counts."""

    tickets: int
    events: int
    pauses: int
    first_event: datetime | None
    last_event: datetime | None
    by_type: list[tuple[str | None, int]]
    by_channel: list[tuple[str | None, int]]
    by_status: list[tuple[str | None, int]]
    by_month: list[tuple[str | None, int]]
    facts: list[FactCoverage]
    imports: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[tuple[str | None, str, int]] = field(default_factory=list)
    """Rows rejected: (source column, reason, rows)."""
    privacy: PrivacyMode | None = None  # None before the first import
    redactions: list[Redactions] = field(default_factory=list)  # per column, every import
    values_left_empty: list[tuple[str | None, str, int]] = field(default_factory=list)
    """Unreadable optional values left empty in loaded rows: (source column, reason, rows)."""
    status_classes: list[ActivityClass] = field(default_factory=list)
    needs: list[NeedCoverage] = field(default_factory=list)
    facts_outdated: bool = False
    """The ticket facts were derived under earlier rules (the next import derives them again)."""
    records: list[tuple[str, int]] = field(default_factory=list)
    """Rows of each record table (contacts, visits, surveys, staffing)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as plain JSON-ready data."""
        data = asdict(self)
        data["privacy"] = self.privacy.to_dict() if self.privacy else None
        for key in ("first_event", "last_event"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        for row in data["imports"]:
            for key, value in row.items():
                if isinstance(value, datetime):
                    row[key] = value.isoformat()
        return data


def _counts(table: ir.Table, column: ir.Value, name: str) -> list[tuple[str | None, int]]:
    result = (
        table.group_by(column.name(name)).aggregate(n=table.count()).order_by(ibis.desc("n"))
    ).to_pyarrow()
    return list(zip(result[name].to_pylist(), result["n"].to_pylist(), strict=True))


def summarise(workspace: Workspace) -> WorkspaceSummary:
    """Return the summary of everything the workspace holds."""
    tickets = workspace.table("tickets")
    events = workspace.table("ticket_events")
    span = events.aggregate(first=events.timestamp.min(), last=events.timestamp.max()).to_pyarrow()
    month = tickets.opened_at.strftime("%Y-%m")
    by_month = sorted(_counts(tickets, month, "month"), key=lambda row: row[0] or "")
    return WorkspaceSummary(
        tickets=int(tickets.count().to_pyarrow().as_py()),
        events=int(events.count().to_pyarrow().as_py()),
        pauses=int(workspace.table("ticket_pauses").count().to_pyarrow().as_py()),
        first_event=span["first"][0].as_py(),
        last_event=span["last"][0].as_py(),
        by_type=_counts(tickets, tickets.ticket_type, "type"),
        by_channel=_counts(tickets, tickets.channel, "channel"),
        by_status=_counts(tickets, tickets.status, "status"),
        by_month=by_month,
        facts=fact_coverage(tickets, events),
        imports=_imports(workspace),
        privacy=stored_mode(workspace),
        redactions=merged(_redactions(workspace)),
        rejects=_rejects(workspace, loaded=False),
        values_left_empty=_rejects(workspace, loaded=True),
        status_classes=activity_classes(workspace),
        needs=need_coverage(workspace),
        facts_outdated=facts_outdated(workspace),
        records=record_counts(workspace),
    )


def record_counts(workspace: Workspace) -> list[tuple[str, int]]:
    """Return the rows of each record table (contacts, visits, surveys, staffing)."""
    return [
        (name, int(workspace.table(name).count().to_pyarrow().as_py())) for name in RECORD_TABLES
    ]


def activity_classes(workspace: Workspace) -> list[ActivityClass]:
    """Return each activity with its events' class, event count and whether it was inferred."""
    events = workspace.table("ticket_events")
    keys = ["import_id", "activity", "status_class"]
    counts = events.group_by(keys).aggregate(events=events.count())
    # An import that inferred a class marks its own events; another import may name it.
    marks = workspace.table("inferred_status_classes").select(*keys).distinct()
    marked = counts.left_join(marks.mutate(inferred=True), keys).select(
        counts.activity, counts.status_class, "events", inferred=ibis._.inferred.fill_null(False)
    )
    totals = marked.group_by(["activity", "status_class", "inferred"]).aggregate(
        events=marked.events.sum()
    )
    rows = workspace.to_arrow(totals).to_pylist()
    found = [
        ActivityClass(r["activity"], r["status_class"], int(r["events"]), bool(r["inferred"]))
        for r in rows
    ]

    def order(row: ActivityClass) -> tuple[int, int, str]:
        known = row.status_class in CLASS_ORDER
        place = CLASS_ORDER.index(row.status_class) if known else len(CLASS_ORDER)
        return (place, -row.events, row.activity or "")

    return sorted(found, key=order)


def need_coverage(workspace: Workspace) -> list[NeedCoverage]:
    """Return, for every fact the figures may need, whether the data has it and what to map."""
    coverage = source_coverage(workspace)
    return [NeedCoverage(n.name, coverage.has(n), n.lacks, n.to_map) for n in NEEDS]


def fact_coverage(tickets: ir.Table, events: ir.Table) -> list[FactCoverage]:
    """Return, per derived fact, how many tickets have it, from where, and why the rest lack it."""
    source = events.group_by("ticket_id").aggregate(
        opened=events.source_opened_at.count(),
        first_response=events.source_first_response_at.count(),
        resolved=events.source_resolved_at.count(),
        closed=events.source_closed_at.count(),
        reopen=events.source_reopen_count.count(),
        reassignment=events.source_reassignment_count.count(),
        classified=events.status_class.count(),
        grouped=events.group.count(),
    )
    t = tickets.left_join(source, "ticket_id")
    row = (
        t.aggregate(
            n=t.count(),
            unclassified=(t.classified == 0).sum(),
            **{f"{fact}_filled": t[column].count() for fact, column in _FACTS.items()},
            **{
                f"{fact}_source": ((t[fact] > 0) & t[_FACTS[fact]].notnull()).sum()
                for fact in _SOURCED
            },
            **_missing_by_state(t),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    n = int(row["n"])
    coverage = []
    for fact, column in _FACTS.items():
        filled = int(row[f"{fact}_filled"] or 0)
        from_source = int(row[f"{fact}_source"] or 0) if fact in _SOURCED else None
        from_events = filled - from_source if from_source is not None else filled
        coverage.append(
            FactCoverage(
                column,
                filled,
                from_source,
                from_events,
                n - filled,
                _why_missing(fact, n - filled, row) if n - filled else "",
            )
        )
    return coverage


_FACTS = {
    "opened": "opened_at",
    "first_response": "first_response_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
    "reopen": "reopen_count",
    "reassignment": "reassignment_count",
    "resolving_group": "resolving_group",
    "resolving_level": "resolving_level",
    "category": "category_close",
    "channel": "channel",
}
_SOURCED = ("opened", "first_response", "resolved", "closed", "reopen", "reassignment")

# Why a ticket lacks a fact: the states it can be in, tried in order, with what they say.
_WHY: dict[str, tuple[tuple[str, str], ...]] = {
    "resolved": (
        ("closed_unresolved", N_("closed without being resolved: {n}")),
        ("open", N_("still open: {n}")),
        ("cancelled", N_("cancelled: {n}")),
        ("no_class", N_("last status without a class: {n}")),
    ),
    "closed": (
        ("resolved_not_closed", N_("resolved, not closed: {n}")),
        ("open", N_("still open: {n}")),
        ("cancelled", N_("cancelled: {n}")),
        ("no_class", N_("last status without a class: {n}")),
    ),
    "resolving_group": (
        ("unresolved", N_("not resolved: {n}")),
        ("ungrouped", N_("no group on any event: {n}")),
        ("no_group_at_resolution", N_("no group at the resolving event: {n}")),
    ),
}
_WHY["resolving_level"] = _WHY["resolving_group"]


def _state(t: ir.Table, fact: str) -> ir.StringValue:
    """Return the first state of `_WHY[fact]` a ticket is in (its reason to lack the fact)."""
    klass = t.status_class
    checks = {
        "closed_unresolved": (klass == "closed") & t.resolved_at.isnull(),
        "resolved_not_closed": t.resolved_at.notnull() & t.closed_at.isnull(),
        "open": klass.isin(("new", "active", "waiting")),
        "cancelled": klass == "cancelled",
        "no_class": klass.isnull(),
        "unresolved": t.resolved_at.isnull(),
        "ungrouped": t.grouped.fill_null(0) == 0,
        "no_group_at_resolution": t.resolving_group.isnull(),
    }
    return ibis.cases(
        *[(checks[state].fill_null(False), state) for state, _ in _WHY[fact]],
        else_=ibis.null("string"),
    )


def _missing_by_state(t: ir.Table) -> dict[str, ir.Value]:
    """Return the aggregates counting, per fact of `_WHY`, the tickets lacking it per state."""
    counts = {}
    for fact, states in _WHY.items():
        state = _state(t, fact)
        lacking = t[_FACTS[fact]].isnull()
        for name, _ in states:
            counts[f"{fact}_{name}"] = (lacking & (state == name).fill_null(False)).sum()
    return counts


def _why_missing(fact: str, missing: int, row: dict[str, Any]) -> str:
    """Return why tickets lack a fact: English text that the views show translated."""
    unclassified = int(row["unclassified"] or 0)
    if fact in ("first_response", "resolved", "closed") and unclassified == row["n"]:
        return Message(
            "cannot be derived: the mapping names no status classes (resolved, closed, …)"
        )
    reasons: list[str] = [
        Message(template, n=int(row[f"{fact}_{state}"]))
        for state, template in _WHY.get(fact, ())
        if row[f"{fact}_{state}"]
    ]
    if fact == "first_response" and unclassified:
        reasons.append(Message("{n} tickets have no status the mapping classifies", n=unclassified))
    if not reasons:
        reasons.append(Message("not recorded by the source and not derivable from the events"))
    return reasons[0] if len(reasons) == 1 else joined(reasons, "; ")


def _imports(workspace: Workspace) -> list[dict[str, Any]]:
    """Return the imports, each with what it redacted per column."""
    imports = workspace.table("imports").order_by("import_id")
    rows = list(imports.to_pyarrow().to_pylist())
    for row in rows:
        row["redactions"] = [
            asdict(r) for r in _redactions(workspace, import_id=int(row["import_id"]))
        ]
    return rows


def _redactions(workspace: Workspace, *, import_id: int | None = None) -> list[Redactions]:
    """Return the redactions of one import (or of every import), per column."""
    if not workspace.has_table("redactions"):  # a workspace from before them
        return []
    table = workspace.table("redactions")
    if import_id is not None:
        table = table.filter(table.import_id == import_id)
    rows = table.order_by(["import_id", "source_column"]).to_pyarrow().to_pylist()
    return [
        Redactions(r["source_column"], r["hetu"], r["email"], r["phone"], r.get("name") or 0)
        for r in rows
    ]


def _rejects(workspace: Workspace, *, loaded: bool) -> list[tuple[str | None, str, int]]:
    """Return the stored value problems of rejected rows, or of loaded rows (`loaded`)."""
    rejects = workspace.table("rejects")
    rejects = rejects.filter(rejects.row_loaded.fill_null(False) == loaded)
    grouped = (
        rejects.group_by(["source_column", "reason"])
        .aggregate(rows=rejects.line.nunique())
        .order_by(ibis.desc("rows"))
        .to_pyarrow()
        .to_pylist()
    )
    return [(r["source_column"], r["reason"], int(r["rows"])) for r in grouped]
