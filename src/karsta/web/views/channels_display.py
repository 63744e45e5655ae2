"""What the channel pages' templates call: names in the page's language, rows and charts.

They arrange and word what `karsta.channels` returned; they compute no figure (a
share 0–1 is drawn as a percentage, nothing more).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from karsta.channels.abandon_curve import AbandonBucket, AbandonCurve
from karsta.channels.by_channel import ChannelReachability
from karsta.channels.mix import ChannelMix
from karsta.channels.overview import ChannelsOverview, Figure
from karsta.channels.selection import ChannelCount
from karsta.channels.staffing import StaffedInterval, StaffingPlan
from karsta.i18n import N_, Language, Message, gettext, localized
from karsta.metrics.labels import statistic_label
from karsta.metrics.registry import find
from karsta.web.channel_charts import (
    count_bars,
    mix_bars,
    percent_lines,
    predicted_against_observed,
    weekday_lines,
)
from karsta.web.rendering import TEMPLATES

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MODELS = {"erlang_c": "Erlang C", "erlang_a": "Erlang A"}
"""The staffing models by their query value (names, not translated)."""
COLUMNS = (("S1", "share"), ("S3", "share"), ("I7", "asa"), ("I7", "abandon_rate"),
           ("I6", "mean"), ("I6", "median"), ("I6", "p90"))  # fmt: skip
"""The per-channel table's columns: reachability first, then handling time."""


@dataclass(frozen=True)
class ChannelsResult:
    """What the channels page shows, computed together once per workspace version."""

    channels: list[ChannelCount]
    """The channels of the contacts the user may see (whatever the filters)."""
    overview: ChannelsOverview | None = None
    by_channel: list[ChannelReachability] = field(default_factory=list)
    mix: ChannelMix | None = None
    """The channel mix by period (the overview's own mix covers the whole range)."""


@dataclass(frozen=True)
class StaffingResult:
    """What the staffing page shows."""

    channels: list[ChannelCount]
    plan: StaffingPlan | None = None


def figure_label(f: Figure, lang: Language) -> str:
    """Return '<metric name>: <statistic>' in the page's language."""
    return f"{find(f.metric).card.name(lang)}: {localized(statistic_label(f.statistic))}"


def statistic_name(code: str) -> str:
    """Return a statistic's name (share, mean, abandon rate, ...) in the page's language."""
    return str(localized(statistic_label(code)))


def assumption_text(text: str) -> str:
    """Return an assumption's text in the page's language."""
    return str(localized(text)) if isinstance(text, Message) else gettext(text)


def assumptions(overview: ChannelsOverview, lang: Language) -> list[tuple[str, str, int]]:
    """Return (metric, assumption text, count) once per metric, in the figures' order.

    The statistics of one metric (I6's mean, median and 90th percentile) rest on the
    same contacts and so on the same assumptions: each is listed once.
    """
    found: dict[tuple[str, str, int], None] = {}
    for f in overview.figures:
        for a in f.assumptions:
            if a["count"]:
                found[f.metric, assumption_text(a["text"]), int(a["count"])] = None
    return [
        (f"{metric} {find(metric).card.name(lang)}", text, count) for metric, text, count in found
    ]


def bucket_label(b: AbandonBucket) -> str:
    """Return a waiting-time bucket as '0–10 s', or '600+ s' for the last."""
    if b.to_seconds is None:
        return gettext("{low}+ s").format(low=f"{b.from_seconds:g}")
    return gettext("{low}–{high} s").format(low=f"{b.from_seconds:g}", high=f"{b.to_seconds:g}")


def weekday_name(weekday: int) -> str:
    """Return an ISO weekday (1 = Monday) as its short name in the page's language."""
    return gettext(WEEKDAYS[weekday - 1])


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def curve_spec(curve: AbandonCurve, lang: Language) -> dict[str, Any]:
    """Return the abandon share and the patience survival by waiting time."""
    gave_up = gettext("abandoned, of those still waiting")
    willing = gettext("still willing to wait (survival)")
    rows: list[tuple[str, str, float | None]] = []
    for b in curve.buckets:
        rows.append((bucket_label(b), gave_up, _percent(b.abandon_share)))
        rows.append((bucket_label(b), willing, _percent(b.patience_survival)))
    return percent_lines(
        rows,
        title=gettext("Abandon curve: who gives up at each waiting time"),
        x_title=gettext("waited"),
        y_title="%",
    )


def waits_spec(curve: AbandonCurve, lang: Language) -> dict[str, Any]:
    """Return the answered calls per waiting-time bucket."""
    return count_bars(
        [(bucket_label(b), b.answered) for b in curve.buckets],
        title=gettext("Waiting time of answered contacts"),
        x_title=gettext("waited"),
        y_title=gettext("answered contacts"),
    )


def mix_periods(mix: ChannelMix) -> list[str]:
    """Return the periods of the mix in order ('' for a whole range)."""
    return list(dict.fromkeys(v.period or "" for v in mix.volumes))


def mix_channels(mix: ChannelMix) -> list[str]:
    """Return the channels of the mix, the busiest overall first."""
    totals: dict[str, int] = {}
    for v in mix.volumes:
        totals[v.channel] = totals.get(v.channel, 0) + v.contacts
    return sorted(totals, key=lambda c: (-totals[c], c))


def mix_cell(mix: ChannelMix, period: str, channel: str) -> Any:
    """Return the volume of `channel` in `period`, None if it had no contact."""
    for v in mix.volumes:
        if (v.period or "") == period and v.channel == channel:
            return v
    return None


def mix_spec(mix: ChannelMix, lang: Language) -> dict[str, Any]:
    """Return contacts per period stacked by channel, with the self-service share."""
    return mix_bars(
        [(v.period or "", v.channel, v.contacts) for v in mix.volumes],
        [(p, 100 * s) for p, s in mix.self_service_share.items()],
        title=gettext("Contacts by channel per period, and the self-service share"),
        period_title=gettext("period"),
        count_title=gettext("contacts"),
        share_title=gettext("self-service share, %"),
        share_series=gettext("self-service share"),
    )


def required(p: StaffedInterval, model: str) -> int | None:
    """Return the agents to schedule (with shrinkage) by `model`, None if not sized.

    Erlang A sizes the agents on the phones; shrinkage is added to Erlang C's figure
    only, so Erlang A's figure is the agents on the phones.
    """
    return p.required_agents_erlang_a if model == "erlang_a" else p.scheduled_agents


def predicted(p: StaffedInterval, model: str) -> float | None:
    """Return the service level the model predicts with the observed agents (0–1)."""
    return p.predicted_service_level_erlang_a if model == "erlang_a" else p.predicted_service_level


def staffing_spec(plan: StaffingPlan, model: str, lang: Language) -> dict[str, Any]:
    """Return the agents needed per interval of the mean day, one line per weekday."""
    rows = [
        (weekday_name(p.weekday), p.start, float(agents))
        for p in plan.profile
        if (agents := required(p, model)) is not None
    ]
    title = (
        gettext("Agents on the phones per interval (Erlang A), mean day per weekday")
        if model == "erlang_a"
        else gettext("Agents to schedule per interval (Erlang C with shrinkage), mean day")
    )
    return weekday_lines(
        rows, title=title, x_title=gettext("time of day"), y_title=gettext("agents")
    )


def compared_spec(plan: StaffingPlan, model: str, lang: Language) -> dict[str, Any]:
    """Return each dated interval's predicted against observed service level."""
    rows = [
        (p.start, 100 * guess, 100 * p.observed_service_level, p.offered)
        for p in plan.dated
        if (guess := predicted(p, model)) is not None and p.observed_service_level is not None
    ]
    return predicted_against_observed(
        rows,
        title=gettext("Predicted against observed service level per interval"),
        predicted_title=gettext("predicted, %"),
        observed_title=gettext("observed, %"),
        interval_title=gettext("interval"),
        offered_title=gettext("offered contacts"),
    )


def has_compared(plan: StaffingPlan, model: str) -> bool:
    """Return whether any dated interval has both a prediction and an observation."""
    return any(
        predicted(p, model) is not None and p.observed_service_level is not None for p in plan.dated
    )


TEMPLATES.globals.update(
    channel_figure_label=figure_label,
    channel_statistic=statistic_name,
    channel_assumptions=assumptions,
    channel_bucket_label=bucket_label,
    channel_weekday=weekday_name,
    channel_models=MODELS,
    channel_columns=COLUMNS,
    channel_curve_spec=curve_spec,
    channel_waits_spec=waits_spec,
    channel_mix_periods=mix_periods,
    channel_mix_channels=mix_channels,
    channel_mix_cell=mix_cell,
    channel_mix_spec=mix_spec,
    channel_required=required,
    channel_predicted=predicted,
    channel_staffing_spec=staffing_spec,
    channel_compared_spec=compared_spec,
    channel_has_compared=has_compared,
)
