"""Survey answers and staffing rows for the listening pages, written literally (no generator).

Five months of 2024, NPS (0–10) answered on the 10th at 10:00 UTC, sent a day before:

    month  answers                        promoters − detractors   NPS
    01     20×10, 10×8, 10×3   (40)       20 − 10                  +25
    02     16×9, 12×7, 12×2    (40)       16 − 12                  +10
    03     5×10, 5×0           (10)       too few answers (< 30)     0
    04     24×10, 8×8, 8×5     (40)       24 − 8                   +40
    05     20×9, 10×8, 10×4    (40)       20 − 10                  +25

Surveys sent and never answered: 10 in January, 20 in February, so the response rate
is 40 / 50 = 80 % in January and 40 / 60 ≈ 66.7 % in February (100 % later). Every
survey goes to one of 60 respondents in turn (p0 … p59), 200 surveys in all, about one
of the desk's seven tickets in turn (one in seven about B4, the phone ticket).

Every second NPS answer carries an open answer in Finnish chosen by its score: the
detractors' about queueing on the phone, the passives' about the bill, the promoters'
about friendly service. Five more answers are in Swedish (too few for themes of their
own). One detractor's answer names an identity code, an e-mail address and a phone
number, which no page may show.

CSAT (1–5) in January and February, 30 answers each; the staff's own survey (1–5,
questions workload and team spirit) in January and April, 8 answers each; staff
turnover in January: 20 at the end, 2 started, 4 left → 4 / 21 × 100 ≈ 19.05 %.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from karsta.schema import STAFFING
from karsta.workspace import Workspace
from tests.metrics.conftest import _arrow, utc
from tests.metrics.survey_answers import write_answers

PLANTED_HETU = "131052-308T"
PLANTED_EMAIL = "matti.meikalainen@example.com"
PLANTED_PHONE = "040 123 4567"
PLANTED = (
    f"Jonotusaika puhelimessa oli liian pitkä. Soittakaa minulle {PLANTED_PHONE}, "
    f"hetu {PLANTED_HETU}, sähköposti {PLANTED_EMAIL}"
)
NPS_MONTHS: dict[int, list[float]] = {
    1: [10.0] * 20 + [8.0] * 10 + [3.0] * 10,
    2: [9.0] * 16 + [7.0] * 12 + [2.0] * 12,
    3: [10.0] * 5 + [0.0] * 5,
    4: [10.0] * 24 + [8.0] * 8 + [5.0] * 8,
    5: [9.0] * 20 + [8.0] * 10 + [4.0] * 10,
}
NPS_BY_MONTH = {"2024-01": 25.0, "2024-02": 10.0, "2024-03": 0.0, "2024-04": 40.0, "2024-05": 25.0}
UNANSWERED = {1: 10, 2: 20}
RESPONDENTS = 60
TICKETS = ("A1", "B1", "A2", "A3", "B2", "B3", "B4")
"""The desk's tickets (tests/web/conftest.py) in turn: B4 came by phone, the rest by e-mail."""
SURVEYS = sum(len(v) for v in NPS_MONTHS.values()) + sum(UNANSWERED.values())
QUEUEING = (
    "Jonotusaika puhelimessa oli liian pitkä",
    "Jouduin jonottamaan puhelimessa pitkään ennen vastausta",
    "Puhelun jonotus kesti liian kauan",
    "Pitkä jonotusaika puhelimessa, vastausta sai odottaa",
)
BILLING = (
    "Lasku oli virheellinen ja laskun korjaus kesti",
    "Laskussa oli väärä summa, laskun selvitys onnistui lopulta",
    "Kysyin laskusta ja laskun eräpäivästä",
    "Laskun summa oli väärä, mutta lasku korjattiin",
)
FRIENDLY = (
    "Asiakaspalvelija oli ystävällinen ja asiantunteva",
    "Ystävällinen ja asiantunteva palvelu, kiitos",
    "Erittäin ystävällinen asiakaspalvelija ratkaisi asian",
    "Asiantunteva ja ystävällinen palvelu",
)
SWEDISH = (
    "Kundtjänsten var vänlig och snabb",
    "Jag fick vänta länge i telefonkön",
    "Fakturan var fel och rättades långsamt",
    "Vänlig och kunnig personal",
    "Lång väntetid i telefon",
)


def _comment(score: float, index: int) -> str:
    if score <= 6:
        return QUEUEING[index % len(QUEUEING)]
    if score <= 8:
        return BILLING[index % len(BILLING)]
    return FRIENDLY[index % len(FRIENDLY)]


def _answer(number: int, instrument: str, **columns: Any) -> dict[str, Any]:
    return {
        "response_id": f"r{number:03d}",
        "respondent_id": f"p{number % RESPONDENTS}",
        "ticket_id": TICKETS[number % len(TICKETS)],
        "instrument": instrument,
        "question": "q",
        **columns,
    }


def survey_rows() -> list[dict[str, Any]]:
    """Return every surveys row of the module's description."""
    rows: list[dict[str, Any]] = []
    number = 0
    planted = False
    swedish = 0
    for month, values in NPS_MONTHS.items():
        answered = utc(f"2024-{month:02d}-10 10:00")
        sent = answered - timedelta(days=1)
        for i, value in enumerate(values):
            number += 1
            text, language = None, None
            if i % 2 == 0:
                text, language = _comment(value, i // 2), "fi"
                if not planted and value <= 6:
                    text, planted = PLANTED, True
            elif swedish < len(SWEDISH) and month == 2:
                text, language = SWEDISH[swedish], "sv"
                swedish += 1
            rows.append(
                _answer(
                    number, "NPS", question="recommend", score=value, scale_min=0.0,
                    scale_max=10.0, free_text=text, language=language, sent_at=sent,
                    answered_at=answered,
                )
            )  # fmt: skip
        for _ in range(UNANSWERED.get(month, 0)):
            number += 1
            rows.append(
                _answer(number, "NPS", question="recommend", scale_min=0.0, scale_max=10.0,
                        sent_at=sent)
            )  # fmt: skip
    for month in (1, 2):
        answered = utc(f"2024-{month:02d}-12 10:00")
        for i in range(30):
            rows.append(
                {
                    "response_id": f"c{month}-{i}",
                    "instrument": "CSAT",
                    "question": "satisfied",
                    "score": float(5 - i % (4 if month == 1 else 3)),
                    "scale_min": 1.0,
                    "scale_max": 5.0,
                    "answered_at": answered,
                }
            )
    for month in (1, 4):
        answered = utc(f"2024-{month:02d}-20 10:00")
        for i in range(8):
            for question, score in (("workload", 2 + i % 3), ("team spirit", 3 + i % 3)):
                rows.append(
                    {
                        "response_id": f"s{month}-{i}",
                        "instrument": "staff",
                        "question": question,
                        "score": float(score),
                        "scale_min": 1.0,
                        "scale_max": 5.0,
                        "answered_at": answered,
                    }
                )
    return rows


STAFF_ROWS = [
    {"period_start": date(2024, 1, 1), "period_end": date(2024, 1, 31), "team": "A",
     "headcount": 12, "starters": 2, "leavers": 3},
    {"period_start": date(2024, 1, 1), "period_end": date(2024, 1, 31), "team": "B",
     "headcount": 8, "starters": 0, "leavers": 1},
]  # fmt: skip


def add_listening_data(path: Path) -> None:
    """Write the module's survey answers and staffing rows into the workspace at `path`."""
    with Workspace.open(path) as ws:
        write_answers(ws, survey_rows())
        ws.connection.register("_staff", _arrow(STAFFING, STAFF_ROWS))
        ws.connection.execute("INSERT INTO staffing BY NAME SELECT * FROM _staff")
        ws.connection.unregister("_staff")
