"""Status classes read from activity names, where the name leaves no doubt.

An event log from a process-mining tool names its activities ("Resolve ticket",
"Closed", "Wait") but not their classes. An activity the mapping does not name is
classified by its name when the name is one status word (resolve, close, cancel,
wait, pending, hold, or their Finnish and Swedish forms) with at most words that
only say what is resolved or closed ("ticket", "case", "ärende") or whom a ticket
waits for ("for customer", "asiakasta", "på kund"). Any other word makes the name
ambiguous and leaves it unclassified: "Resolve SW anomaly" resolves something
else than the ticket, "Waiting for support" is the desk's own queue.

The mapping's own `status_classes` always win; `infer_status_classes: false`
turns the inference off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

STATUS_WORDS: Mapping[str, frozenset[str]] = {
    "resolved": frozenset(
        {
            # en
            "resolve", "resolved", "resolving", "resolution", "solve", "solved",
            # fi
            "ratkaise", "ratkaistu", "ratkaistaan", "ratkaisu", "ratkaistiin",
            # sv
            "lös", "löst", "lösa", "löses", "åtgärdad", "åtgärdat",
        }
    ),
    "closed": frozenset(
        {
            "close", "closed", "closing", "closure",
            "sulje", "suljettu", "suljetaan", "sulkeminen", "suljettiin",
            "stäng", "stängd", "stängt", "stänga", "stängs", "avsluta", "avslutad", "avslutat",
        }
    ),
    "cancelled": frozenset(
        {
            "cancel", "cancelled", "canceled", "cancellation",
            "peru", "peruuta", "peruttu", "peruutettu", "peruutus", "peruttiin",
            "avbryt", "avbruten", "avbrutet", "annullera", "annullerad", "annullerat",
            "makulerad", "makulerat",
        }
    ),
    "waiting": frozenset(
        {
            "wait", "waiting", "awaiting", "pending", "hold",
            "odota", "odottaa", "odottamassa", "odotetaan", "odotus",
            "vänta", "väntar", "väntande", "avvakta", "avvaktar", "avvaktan",
        }
    ),
}  # fmt: skip
"""The words that name a status class, in en, fi and sv."""

TICKET_WORDS = frozenset(
    {
        "ticket", "case", "incident", "request", "issue", "the", "is", "as", "set", "status",
        "tiketti", "tiketin", "tukipyyntö", "tukipyynnön", "pyyntö", "pyynnön", "tapaus",
        "tapauksen", "tila",
        "ärende", "ärendet", "ärendets", "biljett", "biljetten", "är",
    }
)  # fmt: skip
"""Words that only say what changed status: allowed beside any status word."""

WAITING_WORDS = frozenset(
    {
        "for", "on", "from", "of", "customer", "customers", "user", "requester", "caller",
        "client", "vendor", "supplier", "third", "party", "approval", "info", "information",
        "reply", "response", "answer", "feedback", "parts",
        "asiakas", "asiakasta", "asiakkaan", "asiakkaalta", "käyttäjä", "käyttäjää",
        "käyttäjän", "toimittaja", "toimittajaa", "toimittajan", "hyväksyntää",
        "hyväksyntä", "vastausta", "vastaus", "lisätietoja", "tietoja", "palautetta",
        "på", "kund", "kunden", "kundens", "användare", "användaren", "leverantör",
        "leverantören", "godkännande", "svar", "återkoppling",
    }
)  # fmt: skip
"""Words that say whom or what a waiting ticket waits for: allowed beside a waiting word."""


def status_class_of(activity: str) -> str | None:
    """Return the status class an activity's name names beyond doubt, or None."""
    words = re.findall(r"\w+", activity.casefold())
    classes = {cls for cls, names in STATUS_WORDS.items() if not names.isdisjoint(words)}
    if len(classes) != 1:
        return None
    (cls,) = classes
    allowed = STATUS_WORDS[cls] | TICKET_WORDS | (WAITING_WORDS if cls == "waiting" else set())
    return cls if all(word in allowed for word in words) else None


def infer_status_classes(activities: Iterable[str], named: Mapping[str, str]) -> dict[str, str]:
    """Return the classes of the `activities` that `named` (the mapping's) leaves unnamed."""
    inferred = {}
    for activity in activities:
        if activity in named:
            continue
        cls = status_class_of(activity)
        if cls is not None:
            inferred[activity] = cls
    return dict(sorted(inferred.items()))
