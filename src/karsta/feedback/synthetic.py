"""Synthetic survey answers for the demo, linked to real tickets of a workspace.

The ServiceNow log has no surveys, so the demo makes some up — openly: every
response id starts with `synthetic-` (SYNTHETIC_PREFIX) and every view of the
scores says the answers are synthetic. The model, seeded and deterministic:

1. Each resolved ticket is surveyed with probability `send_probability`, sent
   between 30 minutes and 24 hours after its resolution to its caller.
2. The survey asks three questions: NPS (0–10), CSAT (1–5) and CES (1–7).
3. It is answered with probability `response_probability`, lower by half when the
   same caller was surveyed within the previous `quiet_days` days (survey fatigue);
   the answer comes 5 minutes to 3 days after sending. Unanswered surveys are rows
   with a sending time and no answer, so the response rate can be computed.
4. A latent satisfaction falls with the ticket's resolution time (log of hours)
   and with each reopening, plus noise per respondent; each score is that latent
   value on its scale plus its own noise, rounded and cut to the scale.
5. One answer in four has an open answer (Finnish, Swedish or English in 60/15/25
   proportion) chosen by the same satisfaction and naming what drove it (speed,
   a reopening, the agent's manner).

`write_synthetic_surveys` writes a CSV for the `survey` import preset.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from karsta.metrics.catalog.surveys import SYNTHETIC_PREFIX
from karsta.workspace.source import TableSource

COLUMNS = (
    "response_id",
    "respondent_id",
    "ticket_id",
    "instrument",
    "question",
    "score",
    "scale_min",
    "scale_max",
    "free_text",
    "language",
    "channel",
    "sent_at",
    "answered_at",
)
"""The CSV's columns: the surveys table's own names, as the `survey` preset reads them."""

QUESTIONS = (
    ("NPS", "recommend", 0, 10, 7.4, 1.7),
    ("CSAT", "satisfied", 1, 5, 3.9, 0.9),
    ("CES", "easy", 1, 7, 5.3, 1.2),
)
"""Instrument, question, scale, the score at average satisfaction and per unit of it."""

COMMENTS: dict[str, dict[str, Sequence[str]]] = {
    "fi": {
        "slow": (
            "Asian ratkaiseminen kesti aivan liian kauan.",
            "Jouduin odottamaan vastausta monta päivää.",
        ),
        "reopened": (
            "Vika palasi heti ratkaisun jälkeen ja jouduin ottamaan uudelleen yhteyttä.",
            "Sama ongelma jouduttiin avaamaan uudelleen.",
        ),
        "good": (
            "Ystävällinen ja nopea palvelu, kiitos!",
            "Asia hoitui kerralla ja vaivattomasti.",
        ),
        "neutral": ("Ihan ok, ei erityistä sanottavaa.", "Palvelu toimi kohtuullisesti."),
    },
    "sv": {
        "slow": (
            "Det tog alldeles för lång tid att lösa ärendet.",
            "Jag fick vänta i flera dagar.",
        ),
        "reopened": (
            "Felet kom tillbaka direkt och jag fick kontakta er igen.",
            "Samma problem fick öppnas på nytt.",
        ),
        "good": ("Vänlig och snabb service, tack!", "Ärendet löstes på en gång utan krångel."),
        "neutral": ("Helt okej.", "Servicen fungerade någorlunda."),
    },
    "en": {
        "slow": ("It took far too long to resolve my issue.", "I had to wait days for an answer."),
        "reopened": (
            "The problem came back right after it was closed and I had to call again.",
            "The same issue had to be reopened.",
        ),
        "good": ("Friendly and quick service, thank you!", "Sorted out in one go, no hassle."),
        "neutral": ("It was fine.", "Service was okay."),
    },
}
LANGUAGES = ("fi", "sv", "en")
LANGUAGE_WEIGHTS = (0.6, 0.15, 0.25)


@dataclass(frozen=True)
class SyntheticSurveys:
    """What the generator wrote."""

    path: Path
    surveys_sent: int
    surveys_answered: int
    rows: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """Return the counts as plain data."""
        return {
            "path": str(self.path),
            "surveys_sent": self.surveys_sent,
            "surveys_answered": self.surveys_answered,
            "rows": self.rows,
            "seed": self.seed,
            "synthetic": True,
        }


def satisfaction(resolution_hours: float, reopen_count: int, noise: float) -> float:
    """Return the latent satisfaction of a ticket's caller (0 = average; higher = happier)."""
    slowness = math.log1p(max(resolution_hours, 0.0) / 24)
    return 0.8 - 0.45 * slowness - 0.7 * reopen_count + noise


def score_on_scale(latent: float, low: int, high: int, centre: float, spread: float) -> int:
    """Return the latent value as a whole score on [low, high]."""
    return int(min(high, max(low, round(centre + spread * latent))))


def _comment(
    rng: np.random.Generator, latent: float, hours: float, reopens: int
) -> tuple[str, str]:
    language = str(rng.choice(LANGUAGES, p=LANGUAGE_WEIGHTS))
    if reopens > 0 and latent < 0:
        theme = "reopened"
    elif hours > 72 and latent < 0:
        theme = "slow"
    elif latent > 0.4:
        theme = "good"
    else:
        theme = "neutral"
    options = COMMENTS[language][theme]
    return options[int(rng.integers(len(options)))], language


def _resolved_tickets(source: TableSource) -> list[dict[str, Any]]:
    t = source.table("tickets")
    kept = t.filter(t.resolved_at.notnull() & (t.resolved_at >= t.opened_at))
    table = kept.select(
        "ticket_id", "caller_id", "channel", "opened_at", "resolved_at", "reopen_count"
    ).order_by(["resolved_at", "ticket_id"])
    rows: list[dict[str, Any]] = source.to_arrow(table).to_pylist()
    return rows


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


def write_synthetic_surveys(
    source: TableSource,
    out: Path,
    *,
    seed: int = 20160301,
    send_probability: float = 0.3,
    response_probability: float = 0.35,
    quiet_days: float = 30.0,
    comment_probability: float = 0.25,
) -> SyntheticSurveys:
    """Write synthetic survey answers about the resolved tickets of `source` as a CSV."""
    rng = np.random.default_rng(seed)
    last_sent: dict[str, datetime] = {}
    sent = answered = rows = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for ticket in _resolved_tickets(source):
            if rng.random() >= send_probability:
                continue
            resolved: datetime = ticket["resolved_at"]
            sent_at = resolved + timedelta(seconds=int(rng.integers(30 * 60, 24 * 3600)))
            caller = ticket["caller_id"]
            probability = response_probability
            if caller is not None:
                before = last_sent.get(caller)
                if before is not None and (sent_at - before) < timedelta(days=quiet_days):
                    probability /= 2
                last_sent[caller] = sent_at
            sent += 1
            response_id = f"{SYNTHETIC_PREFIX}{sent:06d}"
            hours = (resolved - ticket["opened_at"]).total_seconds() / 3600
            reopens = int(ticket["reopen_count"] or 0)
            latent = satisfaction(hours, reopens, float(rng.normal(0, 0.7)))
            is_answered = rng.random() < probability
            answered_at = None
            comment, language = "", ""
            if is_answered:
                answered += 1
                answered_at = sent_at + timedelta(seconds=int(rng.integers(5 * 60, 3 * 24 * 3600)))
                if rng.random() < comment_probability:
                    comment, language = _comment(rng, latent, hours, reopens)
            for index, (instrument, question, low, high, centre, spread) in enumerate(QUESTIONS):
                score = None
                if is_answered:
                    noisy = latent + float(rng.normal(0, 0.4))
                    score = score_on_scale(noisy, low, high, centre, spread)
                writer.writerow(
                    {
                        "response_id": response_id,
                        "respondent_id": caller or "",
                        "ticket_id": ticket["ticket_id"],
                        "instrument": instrument,
                        "question": question,
                        "score": "" if score is None else score,
                        "scale_min": low,
                        "scale_max": high,
                        "free_text": comment if index == 1 else "",
                        "language": language if index == 1 and comment else "",
                        "channel": ticket["channel"] or "",
                        "sent_at": _iso(sent_at),
                        "answered_at": _iso(answered_at),
                    }
                )
                rows += 1
    return SyntheticSurveys(out, sent, answered, rows, seed)
