"""The canonical tables: every column, its type and its meaning, documented once.

Everything downstream of ingest reads only these tables. The reference page
`docs/schema.md` is generated from this module (`karsta docs schema`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import ibis
import ibis.expr.schema as sch

TIMESTAMP = "timestamp('UTC')"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a canonical table."""

    name: str
    dtype: str
    description: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A canonical table: its columns, key and what one row is."""

    name: str
    row: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    filled_by: str = "import"

    def ibis_schema(self) -> sch.Schema:
        """Return the table's Ibis schema (nullable unless required)."""
        return ibis.schema(
            {c.name: ibis.dtype(c.dtype).copy(nullable=not c.required) for c in self.columns}
        )

    def column(self, name: str) -> Column:
        """Return the column called `name`."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        """Return the column names in order."""
        return tuple(c.name for c in self.columns)


def _c(name: str, dtype: str, description: str, *, required: bool = False) -> Column:
    return Column(name, dtype, description, required)


def _record_bookkeeping() -> tuple[Column, ...]:
    """The columns an import adds to every row of a record table (contacts, visits, ...)."""
    return (
        _c("import_id", "int64", "The import that loaded (or last changed) the row."),
        _c("source_row", "int64", "Line of the file the row came from (header = line 1)."),
    )


TICKET_EVENTS = Table(
    name="ticket_events",
    row="one recorded change of a ticket: a status change, an activity, a hand-over, an update",
    key=("ticket_id", "event_key"),
    columns=(
        _c("ticket_id", "string", "Ticket identifier in the source system.", required=True),
        _c(
            "event_key",
            "int64",
            "Identity of the event: a 63-bit hash of ticket, time, sequence, activity, agent and "
            "group and the occurrence number among identical events. Re-importing the same rows "
            "finds the same keys, so imports are idempotent.",
            required=True,
        ),
        _c(
            "seq",
            "int64",
            "Position of the event within its ticket (1 = first), ordered by timestamp, then the "
            "source's sequence number, then the row order in the file.",
            required=True,
        ),
        _c("timestamp", TIMESTAMP, "When the change happened (UTC).", required=True),
        _c(
            "source_sequence",
            "int64",
            "The source's own update counter (ServiceNow `sys_mod_count`), used to order events "
            "that share a timestamp.",
        ),
        _c("activity", "string", "Status or activity name as the source wrote it."),
        _c(
            "status_class",
            "string",
            "The activity's class: new, active, waiting, resolved, closed or cancelled "
            "(from the mapping's status map, else inferred at import from an activity name "
            "that says it, such as Resolve ticket or Odottaa asiakasta; empty when unknown).",
        ),
        _c(
            "is_pause",
            "boolean",
            "True when this status stops the SLA clock (e.g. waiting for the customer); "
            "the list of such statuses is part of the preset.",
        ),
        _c(
            "agent",
            "string",
            "Agent (analyst, resolver) assigned at this event; pseudonymised "
            "when imported with --pseudonymise.",
        ),
        _c("group", "string", "Assignment group (team, service point) at this event."),
        _c(
            "level",
            "int64",
            "Support level (1 = service desk): the source's level column where the mapping "
            "names one (numbers, or text such as L2 or 2nd line), else the mapping's group map "
            "(group_levels) for the event's group.",
        ),
        _c("ticket_type", "string", "Ticket type recorded at this event: incident or request."),
        _c("category", "string", "Category recorded at this event."),
        _c("subcategory", "string", "Subcategory recorded at this event."),
        _c("priority", "string", "Priority recorded at this event."),
        _c(
            "channel",
            "string",
            "Channel the ticket arrived through (phone, e-mail, portal, chat, walk-in).",
        ),
        _c("caller_id", "string", "Customer or caller; pseudonymised with --pseudonymise."),
        _c("source_opened_at", TIMESTAMP, "Opening time the source recorded on this row."),
        _c("source_resolved_at", TIMESTAMP, "Resolution time the source recorded on this row."),
        _c("source_closed_at", TIMESTAMP, "Closing time the source recorded on this row."),
        _c(
            "source_first_response_at",
            TIMESTAMP,
            "First response time the source recorded on this row.",
        ),
        _c("source_reopen_count", "int64", "The source's cumulative reopen counter."),
        _c("source_reassignment_count", "int64", "The source's cumulative reassignment counter."),
        _c("resolution_code", "string", "Resolution or close code recorded at this event."),
        _c("cost", "float64", "Direct cost of the ticket recorded on this row, in euros."),
        _c("source_file", "string", "File the event was imported from.", required=True),
        _c(
            "source_row",
            "int64",
            "Line of the file the event came from (header = line 1).",
            required=True,
        ),
        _c("import_id", "int64", "The import that loaded the event.", required=True),
    ),
)

TICKETS = Table(
    name="tickets",
    row="one ticket (incident or service request) with the facts derived from its events",
    key=("ticket_id",),
    filled_by="derived from ticket_events on every import",
    columns=(
        _c("ticket_id", "string", "Ticket identifier in the source system.", required=True),
        _c("ticket_type", "string", "Type at close: incident or request."),
        _c("ticket_type_intake", "string", "Type recorded at the first event."),
        _c("channel", "string", "Channel the ticket arrived through."),
        _c("priority", "string", "Priority at the last event."),
        _c("category_intake", "string", "Category recorded at the first event."),
        _c("category_close", "string", "Category at the last event."),
        _c("subcategory_close", "string", "Subcategory at the last event."),
        _c("caller_id", "string", "Customer or caller (pseudonymised on request)."),
        _c("status", "string", "Status or activity of the last event."),
        _c("status_class", "string", "Class of the last status (see ticket_events)."),
        _c(
            "opened_at",
            TIMESTAMP,
            "Opening time: the source's opening time, else the first event.",
            required=True,
        ),
        _c(
            "first_response_at",
            TIMESTAMP,
            "First response: the source's value, else the first event whose status class is "
            "active, waiting, resolved or closed. Empty when the preset has no status map.",
        ),
        _c(
            "resolved_at",
            TIMESTAMP,
            "Final resolution: the source's value, else the start of the last stay in a "
            "resolved status (class resolved; a closed status is not a resolution). Empty "
            "while unresolved: while the last status is open, and for a ticket closed without "
            "ever being resolved. Statuses without a class do not break a stay.",
        ),
        _c(
            "closed_at",
            TIMESTAMP,
            "Closing: the source's value, else the first event of the final closed status.",
        ),
        _c(
            "reopen_count",
            "int64",
            "Reopenings: the source's counter, else the events of an open class (new, active, "
            "waiting) whose previous classified status is resolved or closed; statuses without "
            "a class in between are passed over, so Resolved → (unclassified) → Active is one "
            "reopen. The process views count reopens by the same rule.",
        ),
        _c(
            "reassignment_count",
            "int64",
            "Reassignments: the source's counter, else the changes of group or agent between "
            "consecutive events.",
        ),
        _c("group_count", "int64", "Distinct groups that held the ticket."),
        _c("agent_count", "int64", "Distinct agents that held the ticket."),
        _c("intake_group", "string", "First group that held the ticket (the receiving function)."),
        _c(
            "resolving_group",
            "string",
            "Group at the resolving event (the event that started the final resolved stay). "
            "Where the source's rows are snapshots of the whole record (ServiceNow, one row per "
            "ticket exports) an empty group on that row stays empty; in an event log it is "
            "carried forward from the last earlier event with a group (see "
            "resolving_group_carried_from).",
        ),
        _c(
            "responsible_group",
            "string",
            "Group the ticket belongs to: the resolving group once it has one, else the last "
            "group that held it (an open ticket's current group). Users limited to some groups "
            "see the tickets whose responsible group is theirs.",
        ),
        _c(
            "resolving_group_carried_from",
            TIMESTAMP,
            "When resolving_group was carried forward because the resolving event records no "
            "group: the time of the earlier event it was taken from. Empty when read from the "
            "resolving event itself.",
        ),
        _c(
            "resolving_agent",
            "string",
            "Agent at the resolving event, by the same rule as resolving_group (pseudonymised "
            "on request).",
        ),
        _c(
            "resolving_agent_carried_from",
            TIMESTAMP,
            "When resolving_agent was carried forward from an earlier event: that event's time.",
        ),
        _c(
            "resolving_level",
            "int64",
            "Level where resolved: from the group's level when known (at the resolving event, "
            "by the same rule as resolving_group); otherwise 1 when the resolving group is the "
            "intake group and 2 when it is another group.",
        ),
        _c("resolution_code", "string", "Resolution code at the last event."),
        _c(
            "pause_seconds",
            "float64",
            "Calendar seconds spent in statuses that stop the SLA clock.",
        ),
        _c("event_count", "int64", "Number of events of the ticket.", required=True),
        _c(
            "desk_resolvable",
            "boolean",
            "Whether the service desk is expected to resolve this ticket; set from the "
            "workspace's desk-resolvable categories, empty until configured.",
        ),
        _c("cost", "float64", "Direct cost of the ticket where the source records it."),
    ),
)

TICKET_PAUSES = Table(
    name="ticket_pauses",
    row="one stay of a ticket in a status that stops the SLA clock",
    key=("ticket_id", "started_at"),
    filled_by="derived from ticket_events on every import",
    columns=(
        _c("ticket_id", "string", "Ticket identifier.", required=True),
        _c("status", "string", "The pausing status.", required=True),
        _c("started_at", TIMESTAMP, "When the ticket entered the status.", required=True),
        _c(
            "ended_at",
            TIMESTAMP,
            "When the ticket left it (next event of another status); empty if still paused.",
        ),
    ),
)

VARIANT_SEPARATOR = "\x1f"
"""Joins the activities of a variant (the ASCII unit separator: never in an activity name)."""

PERSONAL_COLUMNS = frozenset(
    {"caller_id", "agent", "resolving_agent", "next_agent", "respondent_id", "free_text"}
)
"""Columns of the canonical tables that hold personal data: identifiers of callers, agents
and respondents (pseudonymised on request), and free text. Pages and reports never show
their values, and no message or log names them."""

TRACKED_ATTRIBUTES = ("activity", "group", "agent", "level")
"""The event attributes `ticket_transitions` follows to their next known value."""


def _next_columns(name: str, label: str) -> tuple[Column, ...]:
    return (
        _c(
            f"next_{name}",
            "int64" if name == "level" else "string",
            f"{label} at the ticket's next event where it is known (the next step of a process "
            f"map over {label.lower()}s); empty at the last such event or where this event's "
            f"{label.lower()} is unknown.",
        ),
        _c(f"next_{name}_at", TIMESTAMP, f"Time of that next event with a known {label.lower()}."),
    )


TICKET_TRANSITIONS = Table(
    name="ticket_transitions",
    row="one event of a ticket with the next event of the same ticket (the event log sorted once)",
    key=("ticket_id", "seq"),
    filled_by="derived from ticket_events on every import",
    columns=(
        _c("ticket_id", "string", "Ticket identifier.", required=True),
        _c(
            "seq",
            "int64",
            "Position of the event within its ticket (see ticket_events).",
            required=True,
        ),
        _c("timestamp", TIMESTAMP, "When the event happened (UTC).", required=True),
        _c("activity", "string", "Status or activity of the event."),
        _c("status_class", "string", "Class of the status (see ticket_events)."),
        _c("is_pause", "boolean", "The status stops the SLA clock."),
        _c("group", "string", "Assignment group at the event."),
        _c("agent", "string", "Agent at the event (pseudonymised on request)."),
        _c("level", "int64", "Support level of the group at the event."),
        *_next_columns("activity", "Activity"),
        *_next_columns("group", "Group"),
        *_next_columns("agent", "Agent"),
        *_next_columns("level", "Level"),
    ),
)

TICKET_VARIANTS = Table(
    name="ticket_variants",
    row="one ticket with a known activity: its sequence of activities (its variant)",
    key=("ticket_id",),
    filled_by="derived from ticket_events on every import",
    columns=(
        _c("ticket_id", "string", "Ticket identifier.", required=True),
        _c(
            "variant",
            "string",
            "The activities of the ticket's events in order, joined by the unit separator "
            "(U+001F); events without an activity are left out.",
            required=True,
        ),
        _c("events", "int64", "Number of events with a known activity.", required=True),
        _c("started_at", TIMESTAMP, "Time of the first such event.", required=True),
        _c("ended_at", TIMESTAMP, "Time of the last such event.", required=True),
    ),
)

CONTACTS = Table(
    name="contacts",
    row="one customer attempt to reach the service on a channel (call, chat, e-mail, form)",
    key=("contact_id",),
    filled_by="channel imports (telephony queue logs, chat, e-mail)",
    columns=(
        _c("contact_id", "string", "Contact identifier.", required=True),
        _c(
            "channel",
            "string",
            "Channel: phone, chat, email, form or another.",
            required=True,
        ),
        _c("realtime", "boolean", "True for real-time channels (phone, chat, video)."),
        _c("queue", "string", "Queue, service line or IVR choice."),
        _c("contact_type", "string", "Type of service or matter the contact was about."),
        _c("priority", "string", "Priority class of the contact, where the source has one."),
        _c("caller_id", "string", "Customer (pseudonymised on request)."),
        _c(
            "segment",
            "string",
            "Customer segment at the contact (the service's own grouping, e.g. occasional, "
            "continuous, change situation, special needs, potential), where the source has it.",
        ),
        _c("ticket_id", "string", "Ticket the contact belongs to, where known."),
        _c(
            "entered_at",
            TIMESTAMP,
            "When the contact reached the service (entry to the IVR), where recorded.",
        ),
        _c(
            "arrived_at",
            TIMESTAMP,
            "When the contact started to wait for an agent (queue entry); for a contact that "
            "never queued, when it left the IVR; for e-mail and forms, when it was received.",
            required=True,
        ),
        _c("answered_at", TIMESTAMP, "When an agent answered or first responded."),
        _c("abandoned_at", TIMESTAMP, "When the customer gave up waiting (abandoned contacts)."),
        _c("ended_at", TIMESTAMP, "When the contact ended (end of service or of the attempt)."),
        _c(
            "outcome",
            "string",
            "answered (an agent took it), abandoned (the customer gave up waiting), routed (a "
            "special routing function ended it: see special_routing) or phantom (a record that "
            "is not a customer contact; kept and counted, never measured).",
        ),
        _c("special_routing", "string", "IVR, outage message, overflow or callback, if any."),
        _c("talk_seconds", "float64", "Talk time."),
        _c("hold_seconds", "float64", "Hold time."),
        _c("after_work_seconds", "float64", "After-call work time."),
        _c("agent", "string", "Answering agent (pseudonymised on request)."),
        *_record_bookkeeping(),
    ),
)

SURVEYS = Table(
    name="surveys",
    row="one answer to one survey question",
    key=("response_id", "question"),
    filled_by="survey imports",
    columns=(
        _c("response_id", "string", "Identifier of the response.", required=True),
        _c("respondent_id", "string", "Respondent (pseudonymised on request)."),
        _c("ticket_id", "string", "Ticket the survey was about, where known."),
        _c(
            "instrument",
            "string",
            "encounter, CSAT, NPS, CES, staff (staff experience and self-assessment) or custom.",
            required=True,
        ),
        _c("question", "string", "Question code or text.", required=True),
        _c("score", "float64", "The answer on the scale."),
        _c("scale_min", "float64", "Lowest point of the scale."),
        _c("scale_max", "float64", "Highest point of the scale."),
        _c("free_text", "string", "Open answer."),
        _c("language", "string", "Language of the answer (fi, sv, en, …)."),
        _c("channel", "string", "Channel of the encounter surveyed."),
        _c("sent_at", TIMESTAMP, "When the survey was sent."),
        _c("answered_at", TIMESTAMP, "When it was answered."),
        *_record_bookkeeping(),
    ),
)

VISITS = Table(
    name="visits",
    row="one appointment or walk-in visit (office or phone appointment)",
    key=("visit_id",),
    filled_by="appointment system imports",
    columns=(
        _c("visit_id", "string", "Visit identifier.", required=True),
        _c("customer_id", "string", "Customer (pseudonymised on request)."),
        _c("kind", "string", "appointment or walk-in.", required=True),
        _c("office", "string", "Service point."),
        _c("matter", "string", "The matter the customer came about."),
        _c("segment", "string", "Customer segment."),
        _c("booked_at", TIMESTAMP, "When the appointment was booked."),
        _c(
            "scheduled_at",
            TIMESTAMP,
            "Appointment time. Where the source gives only the day (a mapping's `date_only`), "
            "00:00 local time of that day: the import counts such rows, and no time of day "
            "may be read from them.",
        ),
        _c(
            "scheduled_day_only",
            "boolean",
            "True when the source gives only the appointment's day (a mapping's `date_only` on "
            "scheduled_at): no time of day may be read from scheduled_at.",
        ),
        _c("arrived_at", TIMESTAMP, "Arrival (ticket drawn)."),
        _c("called_at", TIMESTAMP, "When the customer was called in."),
        _c("service_started_at", TIMESTAMP, "Start of service."),
        _c("service_ended_at", TIMESTAMP, "End of service."),
        _c("no_show", "boolean", "The customer did not come."),
        _c("cancelled_at", TIMESTAMP, "When the booking was cancelled, if it was."),
        _c("adviser", "string", "Adviser (pseudonymised on request)."),
        _c("resolved_in_visit", "boolean", "The matter was settled in this visit."),
        _c("reminder_sent", "boolean", "A reminder (e.g. SMS) was sent."),
        _c("age", "int64", "Customer's age in years at the visit, where the source gives it."),
        _c(
            "welfare",
            "boolean",
            "The customer receives a welfare or social benefit the source records (e.g. "
            "Bolsa Família), where it does.",
        ),
        *_record_bookkeeping(),
    ),
)

STAFFING = Table(
    name="staffing",
    row="staff and cost of one team or agent in one period",
    key=("period_start", "team", "agent"),
    filled_by="staffing and cost imports",
    columns=(
        _c("period_start", "date", "First day of the period.", required=True),
        _c("period_end", "date", "Last day of the period.", required=True),
        _c("team", "string", "Team or group."),
        _c("agent", "string", "Agent (pseudonymised on request)."),
        _c("fte", "float64", "Full-time equivalents in the period."),
        _c("hours_available", "float64", "Working hours available."),
        _c("cost_eur", "float64", "All costs of the period in euros (staff, tools, premises)."),
        _c(
            "headcount",
            "int64",
            "People in the team at the end of the period (for staff turnover); on an agent's "
            "row empty or 1.",
        ),
        _c("starters", "int64", "People who started in the team during the period."),
        _c(
            "leavers",
            "int64",
            "People who left the team during the period (left the organisation or the role).",
        ),
        *_record_bookkeeping(),
    ),
)

CANONICAL_TABLES: tuple[Table, ...] = (
    TICKETS,
    TICKET_EVENTS,
    TICKET_PAUSES,
    TICKET_TRANSITIONS,
    TICKET_VARIANTS,
    CONTACTS,
    SURVEYS,
    VISITS,
    STAFFING,
)


def table(name: str) -> Table:
    """Return the canonical table called `name`."""
    for candidate in CANONICAL_TABLES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no canonical table {name!r}")


def iter_columns() -> Iterator[tuple[Table, Column]]:
    """Yield every (table, column) pair in documentation order."""
    for tbl in CANONICAL_TABLES:
        for column in tbl.columns:
            yield tbl, column


def reference_markdown() -> str:
    """Return the schema reference page (docs/schema.md) as Markdown."""
    lines = [
        "# Canonical tables",
        "",
        "Generated from `src/karsta/schema.py` by `karsta docs schema`; do not edit by hand.",
        "Timestamps are stored in UTC; naive source timestamps are read in the import's time "
        "zone (default Europe/Helsinki).",
        "",
    ]
    for tbl in CANONICAL_TABLES:
        lines += [
            f"## `{tbl.name}`",
            "",
            f"One row is {tbl.row}. Key: {', '.join(f'`{k}`' for k in tbl.key)}. "
            f"Filled by: {tbl.filled_by}.",
            "",
            "| column | type | required | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for column in tbl.columns:
            required = "yes" if column.required else ""
            lines.append(
                f"| `{column.name}` | {column.dtype} | {required} | {column.description} |"
            )
        lines.append("")
    return "\n".join(lines)
