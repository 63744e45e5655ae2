"""Names for people of what results hold: statistics, their units, and the words of `explain`.

Results and JSON carry codes (`share_over_target`, `p90`, `age_1_7d`); every view
shows them through `statistic_label`, a `Message` that translates. Evidence names
(`resolved_at`, `hours`) and a unit table's reasons are English text marked for
translation here and in the metric modules; `reason_text` shows them translated.
"""

from __future__ import annotations

import re

from karsta import formatting
from karsta.i18n import N_, Message, gettext
from karsta.metrics.config import Target
from karsta.metrics.options import UNKNOWN

STATISTIC_LABELS = {
    "count": N_("count"),
    "share": N_("share"),
    "mean": N_("mean"),
    "nps": N_("NPS"),
    "promoters": N_("share of promoters"),
    "passives": N_("share of passives"),
    "detractors": N_("share of detractors"),
    "share_agreeing": N_("share agreeing"),
    "response_rate": N_("response rate"),
    "median": N_("median"),
    "p90": N_("90th percentile"),
    "share_over_target": N_("share over the target"),
    "share_all_received": N_("share of all received"),
    "share_desk_resolvable": N_("share of the desk-resolvable"),
    "share_of_received": N_("share of received"),
    "workaround_share": N_("share closed with a workaround"),
    "agents_mean": N_("agents per ticket, mean"),
    "agents_median": N_("agents per ticket, median"),
    "groups_mean": N_("groups per ticket, mean"),
    "groups_median": N_("groups per ticket, median"),
    "reassigned_share": N_("share reassigned"),
    "per_agent": N_("tickets per agent"),
    "age_mean_days": N_("mean age"),
    "asa": N_("average speed of answer"),
    "abandon_rate": N_("abandon rate"),
}
"""The statistics of the catalog by their code in results."""

_AGE_BUCKET = re.compile(r"age_(?P<low>[\d.]+)_(?P<high>[\d.]+)d")
_AGE_OVER = re.compile(r"age_over_(?P<low>[\d.]+)d")
_SCALE_POINT = re.compile(r"share_(?P<point>-?[\d.]+)")

_AVERAGES = ("mean", "median", "p90", "agents_mean", "agents_median", "groups_mean",
             "groups_median", "asa")  # fmt: skip
"""Statistics that average a count (shown with decimals where a count is whole)."""


def statistic_label(code: str) -> Message:
    """Return the name for people of a statistic code (the code itself if unknown)."""
    if code in STATISTIC_LABELS:
        return Message(STATISTIC_LABELS[code])
    bucket = _AGE_BUCKET.fullmatch(code)
    if bucket:
        return Message("share open {low}–{high} days", low=bucket["low"], high=bucket["high"])
    over = _AGE_OVER.fullmatch(code)
    if over:
        return Message("share open over {low} days", low=over["low"])
    point = _SCALE_POINT.fullmatch(code)
    if point:
        return Message("share answering {point}", point=point["point"])
    return Message("{code}", code=code)


def is_average(code: str) -> bool:
    """Return whether a statistic averages counts (1,11 handlers per ticket)."""
    return code in _AVERAGES


EVIDENCE_LABELS = {
    "opened_at": N_("opened"),
    "resolved_at": N_("resolved"),
    "closed_at": N_("closed"),
    "first_response_at": N_("first response"),
    "moment": N_("measured at"),
    "hours": N_("hours"),
    "gross_hours": N_("service hours before the pauses"),
    "paused_hours": N_("service hours in pauses (subtracted)"),
    "pauses": N_("pauses subtracted"),
    "age_days": N_("age in days"),
    "channel": N_("channel"),
    "category_intake": N_("category at intake"),
    "category_close": N_("category at close"),
    "type_intake": N_("type at intake"),
    "type_close": N_("type at close"),
    "intake_group": N_("group at intake"),
    "group_count": N_("groups"),
    "repeat_ticket": N_("repeat contact"),
    "resolving_level": N_("level where resolved"),
    "resolving_group": N_("group where resolved"),
    "resolving_agent": N_("agent who resolved"),
    "agents": N_("agents"),
    "groups": N_("groups"),
    "reassignment_count": N_("reassignments"),
    "reopen_count": N_("reopens"),
    "cost": N_("cost"),
}
"""Names for people of the unit-table columns `explain` shows as evidence."""


def evidence_label(column: str) -> str:
    """Return the name of an evidence column in the current language (the column if unknown)."""
    return gettext(EVIDENCE_LABELS[column]) if column in EVIDENCE_LABELS else column


_REASON_PATTERNS = (
    (re.compile(r"counted: over the (?P<hours>[\d.e+]+) h target"),
     N_("counted: over the {hours} h target")),
    (re.compile(r"not counted: same caller and category again within (?P<days>[\d.e+]+) days"),
     N_("not counted: same caller and category again within {days} days")),
    (re.compile(r"counted: not reopened, no repeat within (?P<days>[\d.e+]+) days"),
     N_("counted: not reopened, no repeat within {days} days")),
    (re.compile(r"not counted: resolved later than (?P<minutes>[\d.e+]+) min after opening"),
     N_("not counted: resolved later than {minutes} min after opening")),
    (re.compile(r"counted: resolved at level 1 within (?P<minutes>[\d.e+]+) min, no escalation, "
                r"no reopening"),
     N_("counted: resolved at level 1 within {minutes} min, no escalation, no reopening")),
)  # fmt: skip
"""Reasons with a value in them: their pattern and message id."""


def reason_text(reason: str) -> str:
    """Return a unit table's reason (English, marked N_ where it is written) translated."""
    for pattern, template in _REASON_PATTERNS:
        found = pattern.fullmatch(reason)
        if found:
            numbers = {name: float(text) for name, text in found.groupdict().items()}
            return Message(template, **numbers).localized()
    return gettext(reason)


DIMENSION_LABELS = {
    "type": N_("type"),
    "category": N_("category"),
    "intake_category": N_("category at intake"),
    "group": N_("group"),
    "level": N_("level"),
    "agent": N_("agent"),
    "channel": N_("channel"),
    "priority": N_("priority"),
    "status": N_("status"),
    "question": N_("question"),
    "scale": N_("scale"),
}
"""Names of the breakdowns (`--by`)."""

VALUE_LABELS = {
    ("type", "incident"): N_("incident"),
    ("type", "request"): N_("request"),
    ("channel", "phone"): N_("phone"),
    ("channel", "email"): N_("email"),
    ("channel", "portal"): N_("portal"),
    ("channel", "chat"): N_("chat"),
    ("channel", "video"): N_("video"),
    ("channel", "walk-in"): N_("walk-in"),
    ("channel", "ivr"): N_("IVR"),
    ("channel", "sms"): N_("SMS"),
}
"""Karsta's own codes for ticket types and channels (what the presets' value maps store)."""


def group_label(group: dict[str, object]) -> str:
    """Return a breakdown's values for people: 'channel: phone, type: incident', translated.

    Karsta's own codes (ticket types, channels, 'unknown') are translated; other values
    are the data's own and are shown as they are.
    """
    parts = []
    for name, value in group.items():
        label = gettext(DIMENSION_LABELS[name]) if name in DIMENSION_LABELS else name
        shown = gettext(N_("unknown")) if value == UNKNOWN else value_label(name, value)
        parts.append(f"{label}: {shown}")
    return ", ".join(parts)


def value_label(dimension: str, value: object) -> str:
    """Return a value of a breakdown for people: Karsta's own codes translated, data as it is."""
    code = VALUE_LABELS.get((dimension, str(value)))
    return gettext(code) if code is not None else str(value)


def target_text(target: Target, unit: str, clock: str) -> str:
    """Return a target in the current language: '≤ 2,0 %', '80 % within 24,0 service h'.

    `unit` is the unit of the statistic the target is on, `clock` the unit of the
    metric's durations (hours or service hours).
    """
    return formatting.target(
        target.operator, target.value, unit, within_hours=target.threshold_hours, clock=clock
    )
