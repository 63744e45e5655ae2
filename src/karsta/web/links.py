"""Where the pages live: every link between pages is built here, so a page that moves is
changed in one place.

The process pages (`PROCESS_MAP`, `PROCESS_WASTE`) are the evidence of the overview's
bottlenecks and waste findings.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

OVERVIEW = "/overview"
SCORECARD = "/metrics"
PROCESS_MAP = "/process/map"
PROCESS_WASTE = "/process/waste"
SIGNALS = "/signals"


def metric_page(metric_id: str, **query: str | int | None) -> str:
    """Return the page of one metric, with the query's values that are set."""
    path = f"{SCORECARD}/{quote(metric_id, safe='')}"
    shown = {k: v for k, v in query.items() if v is not None and v != ""}
    return f"{path}?{urlencode(shown)}" if shown else path


def explain_page(metric_id: str, ticket_id: str, **query: str | int | None) -> str:
    """Return the page explaining how one ticket counts in one metric."""
    path = f"{SCORECARD}/{quote(metric_id, safe='')}/explain/{quote(ticket_id, safe='')}"
    shown = {k: v for k, v in query.items() if v is not None and v != ""}
    return f"{path}?{urlencode(shown)}" if shown else path


def scorecard_page(**query: str | int | None) -> str:
    """Return the scorecard, with the query's values that are set."""
    shown = {k: v for k, v in query.items() if v is not None and v != ""}
    return f"{SCORECARD}?{urlencode(shown)}" if shown else SCORECARD
