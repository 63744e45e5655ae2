"""What the listening pages' templates call: names in the page's language, rows and charts.

They arrange and word what `karsta.feedback` returned; they compute no figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from karsta.feedback.quiet_period import FIRST, QuietPeriod
from karsta.feedback.scores import FeedbackScores, InstrumentScores, ScoreRow
from karsta.feedback.significance import Comparison
from karsta.feedback.themes import Theme, Themes
from karsta.feedback.turnover import StaffTurnover
from karsta.formatting import d3_format, period
from karsta.i18n import N_, Language, gettext
from karsta.metrics.labels import group_label
from karsta.metrics.registry import find
from karsta.web.listening_charts import BandPoint, month_bars, rate_bars, score_bands
from karsta.web.rendering import TEMPLATES, Numbers

STAFF = "staff"
"""The instrument of the staff's own experience and self-assessment surveys."""
INSTRUMENTS = {
    "nps": N_("Recommendation index (NPS)"),
    "csat": N_("Customer satisfaction (CSAT)"),
    "ces": N_("Customer effort (CES)"),
    "encounter": N_("Encounter survey"),
    STAFF: N_("Staff survey"),
}
HEADLINES = {
    "nps": N_("NPS, −100…100"),
    "share": N_("satisfied, % of answers"),
    "mean": N_("mean on the scale"),
}
TESTS = {
    "two_proportion_z": N_("two-proportion z test"),
    "nps_z": N_("z test of the NPS difference"),
    "welch_t": N_("Welch's t test"),
}
LANGUAGE_NAMES = {"fi": N_("Finnish"), "sv": N_("Swedish"), "en": N_("English")}


@dataclass(frozen=True)
class ListeningResult:
    """What the scores page shows, computed together once per workspace version."""

    scores: FeedbackScores
    turnover: StaffTurnover


def themes_of_language(found: Themes, language: str) -> Themes:
    """Return the result with only the themes of answers in `language` (all: every theme)."""
    if language == "all":
        return found
    return replace(found, themes=tuple(t for t in found.themes if t.language == language))


def instrument_name(scores: InstrumentScores) -> str:
    """Return an instrument's name in the page's language (the data's own name if custom)."""
    known = INSTRUMENTS.get(scores.instrument.lower())
    return gettext(known) if known else scores.instrument


def customer_instruments(scores: FeedbackScores) -> list[InstrumentScores]:
    """Return the customers' instruments, in the analysis' order."""
    return [i for i in scores.instruments if i.instrument.lower() != STAFF]


def staff_instruments(scores: FeedbackScores) -> list[InstrumentScores]:
    """Return the staff's own survey, if the surveys hold one."""
    return [i for i in scores.instruments if i.instrument.lower() == STAFF]


def headline_name(statistic: str) -> str:
    """Return the name of an instrument's headline statistic."""
    return gettext(HEADLINES.get(statistic, statistic))


def row_label(row: ScoreRow) -> str:
    """Return a row's group (question and scale) for people; empty for the whole instrument."""
    return group_label(row.group)


def series_label(row: ScoreRow) -> str:
    """Return a row's group without its scale: 'channel: phone', 'question: workload'."""
    return group_label({k: v for k, v in row.group.items() if k != "scale"})


def compared_with_rest(scores: InstrumentScores) -> bool:
    """Return whether the instrument's groups are tested against the other answers."""
    return any(row.versus_rest is not None for row in scores.rows)


def p_text(p_value: float, fmt: Numbers) -> str:
    """Return a p-value for people: 'p = 0,012', or 'p < 0,001' for a smaller one."""
    if p_value < 0.001:
        return "p < " + fmt.decimal(0.001, 3)
    return "p = " + fmt.decimal(p_value, 3)


def change_text(row: ScoreRow, change: Comparison | None, fmt: Numbers) -> str:
    """Return a change with its test's verdict: '−1,9 pp (not significant, p = 0,395)'."""
    if change is None:
        return "–"
    if change.too_few:
        return gettext("too few answers")
    if change.change is None:
        return "–"
    value = fmt.decimal(change.change, 1)
    if round(change.change, 1) > 0:
        value = "+" + value
    if row.unit == "percent":
        value = gettext("{value} pp").format(value=value)
    if change.p_value is None:
        return value + " (" + gettext("cannot be tested") + ")"
    verdict = gettext("significant") if change.significant else gettext("not significant")
    return f"{value} ({verdict}, {p_text(change.p_value, fmt)})"


def test_name(change: Comparison | None) -> str:
    """Return the name of the test behind a change (empty without one)."""
    if change is None or change.too_few:
        return ""
    return gettext(TESTS.get(change.test, change.test))


def score_spec(scores: InstrumentScores, lang: Language) -> dict[str, Any]:
    """Return the instrument's headline by period with its 95 % interval band."""
    rows = scores.rows
    points = [
        BandPoint(
            period=period(row.period, short=True, lang=lang) if row.period else gettext("all"),
            series=series_label(row) or instrument_name(scores),
            value=row.value,
            low=None if row.interval is None else row.interval["low"],
            high=None if row.interval is None else row.interval["high"],
            too_few=row.too_few,
        )
        for row in rows
    ]
    unit = rows[0].unit if rows else "score"
    statistic = rows[0].statistic if rows else "mean"
    return score_bands(
        points,
        title=gettext("{name} by period, with its 95 % interval").format(
            name=instrument_name(scores)
        ),
        period_title=gettext("period"),
        value_title=headline_name(statistic),
        value_format=d3_format(unit),
        too_few_title=gettext("too few answers"),
    )


def has_chart_points(scores: InstrumentScores) -> bool:
    """Return whether the instrument has any figure to draw."""
    return any(row.value is not None for row in scores.rows)


def assumption_lines(scores: InstrumentScores) -> list[tuple[str, str, int]]:
    """Return (period, what was assumed, answers) of every row resting on an assumption."""
    return [
        (row.period or "", gettext(str(a["text"])), int(a["count"]))
        for row in scores.rows
        for a in row.assumptions
    ]


def excluded_total(scores: InstrumentScores) -> int:
    """Return the answers the instrument's card left out, over every period."""
    return sum(row.excluded for row in scores.rows)


def card_exclusions(scores: InstrumentScores, lang: Language) -> str | None:
    """Return the exclusions of the instrument's metric card in `lang` (None without a card)."""
    return None if scores.metric is None else find(scores.metric).card.field("exclusions", lang)


def band_label(band: str) -> str:
    """Return a band of days since the previous survey for people."""
    if band == FIRST:
        return gettext("first survey")
    if band.startswith("over "):
        return gettext("over {days} days").format(days=band.removeprefix("over "))
    return gettext("{days} days").format(days=band)


def quiet_spec(result: QuietPeriod, lang: Language) -> dict[str, Any]:
    """Return the response rate per band of days since the previous survey, with intervals."""
    rows = [
        (
            band_label(b.band),
            b.response_rate,
            None if b.interval is None else b.interval["low"],
            None if b.interval is None else b.interval["high"],
        )
        for b in result.bands
    ]
    return rate_bars(
        rows,
        title=gettext("Response rate by days since the respondent's previous survey"),
        band_title=gettext("days since the previous survey"),
        value_title=gettext("response rate, %"),
    )


def theme_month_spec(result: Themes, theme: Theme, lang: Language) -> dict[str, Any]:
    """Return the theme's answers by month as small bars, on the months of every theme shown."""
    months = sorted({m.month for t in result.themes for m in t.by_month})
    return month_bars(
        [(period(m.month, short=True, lang=lang), m.count) for m in theme.by_month],
        title=gettext("Answers by month"),
        count_title=gettext("answers"),
        months=[period(m, short=True, lang=lang) for m in months],
    )


def theme_share(result: Themes, theme: Theme) -> float | None:
    """Return the theme's answers as a percentage of the answers in its language."""
    total = result.languages.get(theme.language)
    return 100 * theme.count / total if total else None


def language_name(code: str) -> str:
    """Return a language of the answers for people (the code itself if another)."""
    known = LANGUAGE_NAMES.get(code)
    return gettext(known) if known else code


TEMPLATES.globals.update(
    listening_instrument_name=instrument_name,
    listening_customer_instruments=customer_instruments,
    listening_staff_instruments=staff_instruments,
    listening_headline_name=headline_name,
    listening_row_label=row_label,
    listening_compared_with_rest=compared_with_rest,
    listening_change=change_text,
    listening_test_name=test_name,
    listening_score_spec=score_spec,
    listening_has_chart_points=has_chart_points,
    listening_assumptions=assumption_lines,
    listening_excluded=excluded_total,
    listening_card_exclusions=card_exclusions,
    listening_band_label=band_label,
    listening_quiet_spec=quiet_spec,
    listening_theme_month_spec=theme_month_spec,
    listening_language_name=language_name,
    listening_theme_share=theme_share,
    listening_p=p_text,
)
