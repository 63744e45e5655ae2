"""Channel shift: personal-channel contacts and visits whose matter a self-service channel handles.

The organisation says which self-service channel handles which matter (the matter map,
`MATTER=CHANNEL`, the same shape `karsta visits --matter-channel` reads). Every contact
and every visit the customer came to is one row of the analysis:

- a contact is personal unless its channel is self-service: the settings' self-service
  channels (`karsta.channels.mix.SELF_SERVICE`) and every channel the map names; its
  matter is `contact_type`. A call the IVR ended counts on its channel (phone), as in
  the channel mix. Phantom records are left out and counted;
- a visit (appointment or walk-in) is always personal; a no-show or a cancelled visit
  used no channel and is left out and counted.

Per segment and per matter the analysis counts the personal contacts and visits, how
many of them had a matter a self-service channel handles (the channel-shift potential,
a share with its Wilson interval) and the customers among them: how many, how many used
only personal channels (no self-service contact in the whole range) and how many had
such a matter. A customer is counted by the pseudonymised identifier (`caller_id`,
`customer_id`), never shown; the same customer is the same identifier in both tables.
Rows without a matter are left out of the share and counted; rows without a segment
form their own group, counted. The trend gives, per period, the personal-channel share
of the contacts and visits whose matter a self-service channel handles.

Every expression is Ibis over the canonical tables, so the analysis runs on DuckDB and
Spark alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from karsta.channels.mix import SELF_SERVICE
from karsta.i18n import N_, Message
from karsta.metrics.periods import PeriodKind, periods_between, periods_table
from karsta.visits.figures import Counted, counted_dicts
from karsta.visits.measures import NOT_CONFIGURED, wilson
from karsta.visits.units import came
from karsta.workspace.source import TableSource

CONTACT = "contact"
VISIT = "visit"

PHANTOM = N_("not a customer contact (phantom record)")
CHANNEL_MISSING = N_("contact channel missing")
DID_NOT_COME = N_("the customer did not come (no-show or cancelled visit)")
MATTER_MISSING = N_("matter missing: whether a self-service channel handles it is not known")
SEGMENT_MISSING = N_("segment not recorded: shown as a group of its own")
CUSTOMER_MISSING = N_("customer not recorded: in the counts of rows, not of customers")
TIME_MISSING = N_("no time recorded: not in the trend")
SAME_CUSTOMER = N_(
    "a customer is the same identifier in the contacts (caller) and the visits (customer)"
)
NO_ROWS = Message("no contact or visit in the workspace")
NO_PERSONAL = Message("no personal-channel contact or visit with a matter")

_NO_TEXT = ibis.null("string")
_MOMENT = ibis.dtype("timestamp('UTC', 6)")
"""Both tables' moments as one (nullable) type, so their rows can be stacked."""


def parse_matter_channels(pairs: Iterable[str]) -> dict[str, str]:
    """Return the matter map from `--matter-channel MATTER=CHANNEL` texts (ValueError if bad)."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        matter, sep, channel = pair.partition("=")
        if not sep or not matter.strip() or not channel.strip():
            raise ValueError(
                Message("--matter-channel {pair!r}: expected MATTER=CHANNEL", pair=pair)
            )
        mapping[matter.strip()] = channel.strip()
    return mapping


@dataclass(frozen=True, kw_only=True)
class ShiftOptions:
    """The matter map and the choices the analysis rests on."""

    matter_channels: Mapping[str, str] = field(default_factory=dict)
    """Matter → the self-service channel that handles it. Empty: not configured."""
    self_service: frozenset[str] = SELF_SERVICE
    """Channels that are self-service, beside those the matter map names."""
    period: PeriodKind = "month"
    timezone: str = "Europe/Helsinki"

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # an unknown zone raises here, not in the middle of a query

    @property
    def self_service_channels(self) -> list[str]:
        """Return every self-service channel, lower case (the settings' and the map's)."""
        named = {c.lower() for c in self.matter_channels.values()}
        return sorted({c.lower() for c in self.self_service} | named)

    def to_dict(self) -> dict[str, Any]:
        """Return the options (JSON-ready)."""
        return {
            "matter_channels": dict(self.matter_channels),
            "self_service_channels": self.self_service_channels,
            "period": self.period,
            "timezone": self.timezone,
        }


@dataclass(frozen=True, kw_only=True)
class ShiftGroup:
    """Personal-channel contacts and visits of one segment or matter, and their potential."""

    key: str | None
    """The segment or matter; None: not recorded (and '' for the whole)."""
    personal_contacts: int
    personal_visits: int
    self_service_contacts: int
    matter_missing: int
    """Personal rows without a matter: left out of the share."""
    shiftable: int
    """Personal rows whose matter a self-service channel handles."""
    share: float | None
    """shiftable / personal rows with a matter."""
    low: float | None
    high: float | None
    customers: int
    """Customers with a personal contact or visit here."""
    personal_only_customers: int
    """Of them, customers with no self-service contact in the whole range."""
    shiftable_customers: int
    """Of them, customers with a personal contact or visit whose matter could use self-service."""
    customer_missing: int
    """Personal rows without a customer identifier."""
    channel: str | None = None
    """For a matter: the self-service channel the map names for it."""
    not_computed: Message | None = None

    @property
    def personal(self) -> int:
        """Return the personal-channel contacts and visits."""
        return self.personal_contacts + self.personal_visits

    @property
    def with_matter(self) -> int:
        """Return the personal rows with a matter (the share's denominator)."""
        return self.personal - self.matter_missing

    def to_dict(self) -> dict[str, Any]:
        """Return the group (JSON-ready)."""
        return {
            "key": self.key,
            "channel": self.channel,
            "personal": self.personal,
            "personal_contacts": self.personal_contacts,
            "personal_visits": self.personal_visits,
            "self_service_contacts": self.self_service_contacts,
            "matter_missing": self.matter_missing,
            "with_matter": self.with_matter,
            "shiftable": self.shiftable,
            "share": self.share,
            "low": self.low,
            "high": self.high,
            "customers": self.customers,
            "personal_only_customers": self.personal_only_customers,
            "shiftable_customers": self.shiftable_customers,
            "customer_missing": self.customer_missing,
            "not_computed": self.not_computed,
        }


@dataclass(frozen=True)
class TrendPoint:
    """One period: of the rows whose matter a self-service channel handles, the personal share."""

    period: str
    personal: int
    n: int
    share: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the point (JSON-ready)."""
        return {
            "period": self.period,
            "personal": self.personal,
            "n": self.n,
            "share": self.share,
            "low": self.low,
            "high": self.high,
        }


@dataclass(frozen=True, kw_only=True)
class ChannelShift:
    """Channel-shift potential per segment and matter, and the personal share over time."""

    source: str
    options: ShiftOptions
    total: ShiftGroup
    by_segment: tuple[ShiftGroup, ...]
    by_matter: tuple[ShiftGroup, ...]
    trend: tuple[TrendPoint, ...]
    exclusions: tuple[Counted, ...]
    """Rows left out of everything, by reason."""
    assumptions: tuple[Counted, ...]
    """Rows counted in a way the reader must know (no segment, no customer, no time)."""
    notes: tuple[Message, ...] = (Message(SAME_CUSTOMER),)
    not_computed: Message | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the analysis (JSON-ready, English)."""
        return {
            "source": self.source,
            "options": self.options.to_dict(),
            "not_computed": self.not_computed,
            "total": self.total.to_dict(),
            "by_segment": [g.to_dict() for g in self.by_segment],
            "by_matter": [g.to_dict() for g in self.by_matter],
            "trend": [p.to_dict() for p in self.trend],
            "exclusions": counted_dicts(self.exclusions),
            "assumptions": counted_dicts(self.assumptions),
            "notes": list(self.notes),
        }


def _mapped(matter: ir.StringValue, matter_channels: Mapping[str, str]) -> ir.StringValue:
    """Return the self-service channel the map names for each matter (empty if none)."""
    if not matter_channels:
        return _NO_TEXT
    return ibis.cases(*((matter == m, c) for m, c in matter_channels.items()), else_=_NO_TEXT)


def _text(column: ir.Value) -> ir.StringValue:
    """Return the column as text, an empty text as not recorded."""
    return column.cast("string").nullif("")


def contact_rows(contacts: ir.Table, options: ShiftOptions) -> ir.Table:
    """Return one analysis row per contact (see the module's rules)."""
    channel = contacts.channel.lower()
    reason = ibis.cases(
        ((contacts.outcome.lower() == "phantom").fill_null(False), PHANTOM),
        (channel.isnull(), CHANNEL_MISSING),
        else_=_NO_TEXT,
    )
    return contacts.select(
        source=ibis.literal(CONTACT),
        personal=~channel.isin(options.self_service_channels).fill_null(False),
        matter=_text(contacts.contact_type),
        segment=_text(contacts.segment),
        customer=_text(contacts.caller_id),
        at=contacts.arrived_at.cast(_MOMENT),
        reason=reason,
    )


def visit_rows(visits: ir.Table) -> ir.Table:
    """Return one analysis row per visit: personal; left out when the customer did not come."""
    moment = ibis.coalesce(
        visits.scheduled_at, visits.arrived_at, visits.service_started_at, visits.booked_at
    )
    return visits.select(
        source=ibis.literal(VISIT),
        personal=ibis.literal(True),
        matter=_text(visits.matter),
        segment=_text(visits.segment),
        customer=_text(visits.customer_id),
        at=moment.cast(_MOMENT),
        reason=ibis.cases((~came(visits), DID_NOT_COME), else_=_NO_TEXT),
    )


def shift_rows(source: TableSource, options: ShiftOptions) -> ir.Table:
    """Return the contacts and visits as analysis rows, each with its mapped channel.

    Columns: source, personal, matter, segment, customer, at, reason (why left out),
    channel (the self-service channel for the matter) and personal_only (a personal row
    of a customer without any self-service contact).
    """
    rows = contact_rows(source.table("contacts"), options).union(visit_rows(source.table("visits")))
    rows = rows.mutate(channel=_mapped(rows.matter, options.matter_channels))
    self_served = (
        rows.filter(rows.reason.isnull(), ~rows.personal, rows.customer.notnull())
        .select(served=rows.customer)
        .distinct()
    )
    joined = rows.left_join(self_served, rows.customer == self_served.served)
    return joined.mutate(
        personal_only=joined.personal & joined.customer.notnull() & joined.served.isnull()
    ).drop("served")


def _count(condition: ir.BooleanValue) -> ir.IntegerValue:
    return condition.cast("int64").sum()


def _aggregates(kept: ir.Table) -> dict[str, ir.Value]:
    personal = kept.personal
    return {
        "personal_contacts": _count(personal & (kept.source == CONTACT)),
        "personal_visits": _count(personal & (kept.source == VISIT)),
        "self_service_contacts": _count(~personal),
        "matter_missing": _count(personal & kept.matter.isnull()),
        "shiftable": _count(personal & kept.channel.notnull()),
        "customers": kept.customer.nunique(where=personal),
        "personal_only_customers": kept.customer.nunique(where=kept.personal_only),
        "shiftable_customers": kept.customer.nunique(where=personal & kept.channel.notnull()),
        "customer_missing": _count(personal & kept.customer.isnull()),
    }


def _group(row: Mapping[str, Any], key: str | None, options: ShiftOptions) -> ShiftGroup:
    counts = {name: int(row.get(name) or 0) for name in _INT_FIELDS}
    personal = counts["personal_contacts"] + counts["personal_visits"]
    with_matter = personal - counts["matter_missing"]
    missing: Message | None = None
    if not options.matter_channels:
        missing = NOT_CONFIGURED
    elif with_matter == 0:
        missing = NO_PERSONAL
    hits = counts["shiftable"]
    low, high = wilson(hits, with_matter) if missing is None else (None, None)
    return ShiftGroup(
        key=key,
        share=hits / with_matter if missing is None else None,
        low=low,
        high=high,
        channel=None,
        not_computed=missing,
        **counts,
    )


_INT_FIELDS = (
    "personal_contacts",
    "personal_visits",
    "self_service_contacts",
    "matter_missing",
    "shiftable",
    "customers",
    "personal_only_customers",
    "shiftable_customers",
    "customer_missing",
)


def _groups(
    source: TableSource, kept: ir.Table, column: str, options: ShiftOptions
) -> list[ShiftGroup]:
    """Return one group per value of `column`: most personal rows first, 'not recorded' last."""
    rows = source.to_arrow(kept.group_by(column).aggregate(**_aggregates(kept))).to_pylist()
    groups = [_group(r, r[column], options) for r in rows]
    return sorted(groups, key=lambda g: (g.key is None, -g.personal, str(g.key)))


def _trend(
    source: TableSource, kept: ir.Table, options: ShiftOptions
) -> tuple[tuple[TrendPoint, ...], int]:
    """Return the personal share per period of rows with a mapped matter, and those untimed."""
    mapped = kept.filter(kept.channel.notnull())
    bounds = source.to_arrow(
        mapped.aggregate(
            first=mapped.at.min(), last=mapped.at.max(), untimed=_count(mapped.at.isnull())
        )
    ).to_pylist()[0]
    untimed = int(bounds["untimed"] or 0)
    if bounds["first"] is None:
        return (), untimed
    zone = ZoneInfo(options.timezone)
    periods = periods_between(
        bounds["first"].astimezone(zone).date(),
        bounds["last"].astimezone(zone).date(),
        options.period,
        options.timezone,
    )
    table = ibis.memtable(periods_table(periods))
    timed = mapped.filter(mapped.at.notnull())
    joined = timed.join(table, [timed.at >= table.period_start, timed.at < table.period_end])
    counts = joined.group_by("period").aggregate(n=joined.count(), personal=_count(joined.personal))
    points = []
    for row in sorted(source.to_arrow(counts).to_pylist(), key=lambda r: str(r["period"])):
        n, personal = int(row["n"]), int(row["personal"] or 0)
        low, high = wilson(personal, n)
        points.append(TrendPoint(str(row["period"]), personal, n, personal / n, low, high))
    return tuple(points), untimed


def _counted(items: Iterable[tuple[str, int]]) -> tuple[Counted, ...]:
    return tuple(Counted(Message(reason), n) for reason, n in sorted(items) if n)


def channel_shift(source: TableSource, options: ShiftOptions | None = None) -> ChannelShift:
    """Return the channel-shift potential of the contacts and visits on `source`."""
    options = options or ShiftOptions()
    rows = shift_rows(source, options)
    left = rows.filter(rows.reason.notnull())
    excluded = source.to_arrow(left.group_by("reason").aggregate(n=left.count())).to_pylist()
    kept = rows.filter(rows.reason.isnull())
    total_row = source.to_arrow(kept.aggregate(n=kept.count(), **_aggregates(kept))).to_pylist()[0]
    total = _group(total_row, "", options)
    by_segment = _groups(source, kept, "segment", options)
    by_matter = [
        replace(
            g,
            channel=options.matter_channels.get(g.key) if g.key is not None else None,
            not_computed=Message(MATTER_MISSING) if g.key is None else g.not_computed,
        )
        for g in _groups(source, kept, "matter", options)
    ]
    trend, untimed = _trend(source, kept, options)
    no_segment = sum(g.personal + g.self_service_contacts for g in by_segment if g.key is None)
    assumptions = _counted(
        [
            (SEGMENT_MISSING, no_segment),
            (CUSTOMER_MISSING, total.customer_missing),
            (MATTER_MISSING, total.matter_missing),
            (TIME_MISSING, untimed),
        ]
    )
    nothing = int(total_row["n"] or 0) == 0 and not excluded
    return ChannelShift(
        source=source.label,
        options=options,
        total=total,
        by_segment=tuple(by_segment),
        by_matter=tuple(by_matter),
        trend=trend,
        exclusions=_counted((str(r["reason"]), int(r["n"])) for r in excluded),
        assumptions=assumptions,
        not_computed=NO_ROWS if nothing else total.not_computed,
    )
